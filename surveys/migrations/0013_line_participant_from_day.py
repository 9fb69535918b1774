# A diary line's participant is its day's: the analysis reads the task totals, so lines no longer repeat it,
# nor keep the index that served analysis of the lines. One foreign key and two indexes fewer for each line
# an import or a save writes (a task's lines keep an index of their own, for deleting a task); a day's
# participant loses the index that its unique (participant, date) already gives. Reversible: going back
# fills the lines' column from their days again.

import django.db.models.deletion
from django.db import migrations, models


def fill_participant_from_day(apps, schema_editor):
    DiaryLine = apps.get_model("surveys", "DiaryLine")
    DiaryDay = apps.get_model("surveys", "DiaryDay")
    DiaryLine.objects.update(
        participant_id=models.Subquery(DiaryDay.objects.filter(pk=models.OuterRef("day_id")).values("participant_id")[:1])
    )


class Migration(migrations.Migration):

    dependencies = [
        ('surveys', '0012_task_totals'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='diaryline',
            name='surveys_line_analysis',
        ),
        migrations.AlterField(
            model_name='diaryline',
            name='participant',
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='surveys.participant', verbose_name='participant'),
        ),
        migrations.RunPython(migrations.RunPython.noop, fill_participant_from_day),
        migrations.RemoveField(
            model_name='diaryline',
            name='participant',
        ),
        migrations.AlterField(
            model_name='diaryline',
            name='task',
            field=models.ForeignKey(on_delete=django.db.models.deletion.RESTRICT, related_name='lines', to='surveys.task', verbose_name='task'),
        ),
        migrations.AlterField(
            model_name='diaryday',
            name='participant',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='days', to='surveys.participant', verbose_name='participant'),
        ),
    ]
