"""Existing installations keep working: managers and staff join the municipalities they already
worked with. (Administrators' user permissions are granted after migrate, see surveys.signals.)"""

from django.db import migrations

PROJECT_GROUP = "Projektgrupp"
ADMINISTRATORS = "Administratörer"


def forwards(apps, schema_editor):
    User = apps.get_model("auth", "User")
    Municipality = apps.get_model("surveys", "Municipality")
    Participant = apps.get_model("surveys", "Participant")

    # Managers belong to the municipalities of the rounds they take part in.
    for user_id, municipality_id in (
        Participant.objects.filter(user__isnull=False).values_list("user_id", "survey__municipality_id").distinct()
    ):
        Municipality.members.through.objects.get_or_create(user_id=user_id, municipality_id=municipality_id)
    # Before municipalities were kept apart, staff saw them all: keep that for the ones that exist.
    staff = User.objects.filter(groups__name__in=[PROJECT_GROUP, ADMINISTRATORS]).distinct()
    for municipality in Municipality.objects.all():
        municipality.members.add(*staff)

class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("surveys", "0005_municipality_members_invitations_reminders_audit"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
