"""The day form: the paper grid as Django fields, named `<task code>-h<hour>`, `-value`, `-function`, `-note`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import MAX_MINUTES_PER_HOUR, DiaryLine, Survey, Task
from .services import LineInput, validate_lines

VALUE_SCALE = [
    (1, gettext_lazy("very low")),
    (2, gettext_lazy("low")),
    (3, gettext_lazy("high")),
    (4, gettext_lazy("very high")),
]
FUNCTION_SCALE = [
    (1, gettext_lazy("very poorly")),
    (2, gettext_lazy("poorly")),
    (3, gettext_lazy("well")),
    (4, gettext_lazy("very well")),
]


def _escape(text: str) -> str:
    # Error messages are %-formatted by Django; a % in a task label must survive that.
    return text.replace("%", "%%")


@dataclass
class GridRow:
    task: Task
    label: str
    hours: list[forms.BoundField]
    value: forms.BoundField
    function: forms.BoundField
    note: forms.BoundField | None
    total: int

    @property
    def has_errors(self) -> bool:
        fields = [*self.hours, self.value, self.function, *([self.note] if self.note else [])]
        return any(field.errors for field in fields)


@dataclass
class GridCategory:
    name: str
    rows: list[GridRow]


class DayForm(forms.Form):
    def __init__(self, *args, survey: Survey, tasks: Sequence[Task], language: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.tasks = list(tasks)
        self.language = language
        for task in self.tasks:
            label = task.display_label(language)
            for hour in survey.hour_numbers:
                where = _("%(task)s, hour %(hour)d") % {"task": label, "hour": hour}
                self.fields[f"{task.code}-h{hour}"] = forms.IntegerField(
                    label=where,
                    required=False,
                    min_value=0,
                    max_value=MAX_MINUTES_PER_HOUR,
                    error_messages={
                        # Django raises "invalid" without params, so only the others are %-formatted again.
                        "invalid": _("%(where)s: enter the minutes as a whole number from 0 to 60.") % {"where": where},
                        "min_value": _("%(where)s: %%(value)s minutes is not allowed; enter 0 to 60.")
                        % {"where": _escape(where)},
                        "max_value": _("%(where)s: %%(value)s minutes is not allowed; an hour has at most 60.")
                        % {"where": _escape(where)},
                    },
                    widget=forms.NumberInput(
                        attrs={"min": 0, "max": 60, "step": 1, "inputmode": "numeric", "class": "form-control"}
                    ),
                )
            for name, scale, title in (
                ("value", VALUE_SCALE, _("value for the operation")),
                ("function", FUNCTION_SCALE, _("how well the task worked")),
            ):
                self.fields[f"{task.code}-{name}"] = forms.TypedChoiceField(
                    label=f"{label}: {title}",
                    required=False,
                    choices=[("", "–"), *scale],
                    coerce=int,
                    empty_value=None,
                    error_messages={
                        "invalid_choice": _("%(task)s: the rating %%(value)s is not allowed; choose 1, 2, 3 or 4.")
                        % {"task": _escape(label)}
                    },
                    widget=forms.RadioSelect,
                )
            if task.asks_to_specify:
                self.fields[f"{task.code}-note"] = forms.CharField(
                    label=_("%(task)s: specify") % {"task": label},
                    required=False,
                    max_length=DiaryLine._meta.get_field("note").max_length,
                    widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
                )

    @staticmethod
    def initial_from(lines: Sequence[DiaryLine], *, hours: int, ratings: bool = True) -> dict[str, object]:
        initial: dict[str, object] = {}
        for line in lines:
            code = line.task.code
            for hour, amount in enumerate(line.hour_minutes(hours), start=1):
                if amount:
                    initial[f"{code}-h{hour}"] = amount
            if ratings:
                initial[f"{code}-value"] = line.value
                initial[f"{code}-function"] = line.function
            if line.note:
                initial[f"{code}-note"] = line.note
        return initial

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            for message in validate_lines(self.lines(), hours=self.survey.hours_per_day):
                self.add_error(None, message)
        return cleaned

    def lines(self) -> list[LineInput]:
        data = self.cleaned_data
        return [
            LineInput(
                task=task,
                minutes=[data.get(f"{task.code}-h{hour}") or 0 for hour in self.survey.hour_numbers],
                value=data.get(f"{task.code}-value"),
                function=data.get(f"{task.code}-function"),
                note=data.get(f"{task.code}-note", ""),
            )
            for task in self.tasks
        ]

    def _raw_minutes(self, task: Task, hour: int) -> int:
        value = self[f"{task.code}-h{hour}"].value()
        try:
            amount = int(value)
        except (TypeError, ValueError):
            return 0
        return amount if 0 <= amount <= MAX_MINUTES_PER_HOUR else 0

    def grid(self) -> list[GridCategory]:
        """The form laid out like the paper: categories of task rows, with totals of what was typed."""
        categories: dict[int, GridCategory] = {}
        for task in self.tasks:
            hours = [self[f"{task.code}-h{hour}"] for hour in self.survey.hour_numbers]
            row = GridRow(
                task=task,
                label=task.display_label(self.language),
                hours=hours,
                value=self[f"{task.code}-value"],
                function=self[f"{task.code}-function"],
                note=self[f"{task.code}-note"] if task.asks_to_specify else None,
                total=sum(self._raw_minutes(task, hour) for hour in self.survey.hour_numbers),
            )
            category = categories.setdefault(
                task.category_id, GridCategory(task.category.display_name(self.language), [])
            )
            category.rows.append(row)
        return list(categories.values())

    def hour_totals(self) -> list[int]:
        return [sum(self._raw_minutes(task, hour) for task in self.tasks) for hour in self.survey.hour_numbers]


class SigninLinkForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Your e-mail address"), max_length=254)
