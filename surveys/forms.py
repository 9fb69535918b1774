"""The day form: the paper grid as Django fields, named `<task code>-h<hour>`, `-value`, `-function`, `-note`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import roles
from .enrolment import MAX_NUMBER, PersonRow
from .models import MAX_MINUTES_PER_HOUR, DiaryLine, Municipality, Survey, Task, Unit
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


# --- Round administration ------------------------------------------------------------------------

# Enrolment files are a few hundred rows at most; anything near this is the wrong file.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024

PARTICIPANT_FILTERS = [
    ("all", gettext_lazy("All")),
    ("not_started", gettext_lazy("Not started")),
    ("behind", gettext_lazy("Behind")),
]

ROLE_CHOICES = [
    (roles.MANAGERS, gettext_lazy("Manager")),
    (roles.PROJECT_GROUP, gettext_lazy("Project group")),
    (roles.ADMINISTRATORS, gettext_lazy("Administrator")),
]


def unit_label(unit: Unit) -> str:
    """How a unit is named in enrolment: "Department / Unit", unique within the municipality."""
    return f"{unit.department.name} / {unit.name}"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return unit_label(obj)


def _unit_field(municipality: Municipality) -> UnitChoiceField:
    units = Unit.objects.filter(department__municipality=municipality).select_related("department")
    return UnitChoiceField(
        queryset=units.order_by("department__name", "name"),
        required=False,
        label=gettext_lazy("Unit"),
        empty_label=gettext_lazy("(no unit)"),
    )


class PersonForm(forms.Form):
    """One person to enrol, typed in; checked by the same rules, with the same messages, as a file row."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=300)
    # Plain text, so that the enrolment's own message says what is wrong with an address.
    email = forms.CharField(label=gettext_lazy("E-mail address"), max_length=254, widget=forms.EmailInput)
    number = forms.IntegerField(
        label=gettext_lazy("Number"),
        required=False,
        min_value=1,
        max_value=MAX_NUMBER,
        help_text=gettext_lazy("Leave empty: someone from an earlier round keeps their number, others get the next."),
    )

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = _unit_field(survey.municipality)
        self.order_fields(["name", "email", "unit", "number"])

    def person_row(self) -> PersonRow:
        data = self.cleaned_data
        unit = data.get("unit")
        return PersonRow(
            row=0,
            name=data["name"].strip(),
            email=data["email"].strip(),
            unit=unit_label(unit) if unit else "",
            number=data.get("number"),
        )


class ParticipantUnitForm(forms.Form):
    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = _unit_field(survey.municipality)


class DayReopenForm(forms.Form):
    """Which day of a participant to reopen, and why (kept in the audit trail)."""

    date = forms.DateField(label=gettext_lazy("Day"))
    reason = forms.CharField(
        label=gettext_lazy("Why"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("E.g. what the manager asked to correct. Kept in the audit trail."),
    )

    def __init__(self, *args, dates: Sequence[tuple[object, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].widget = forms.Select(choices=[("", "–"), *dates])


class EnrolUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (.csv or .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is %(size).1f MB; at most 2 MB is accepted. Is it the right file?")
                % {"size": upload.size / 1024 / 1024}
            )
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Choose a .csv or .xlsx file."))
        return upload


class AccountCreateForm(forms.Form):
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=254)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=ROLE_CHOICES, widget=forms.RadioSelect)
    municipality = forms.ModelChoiceField(
        label=gettext_lazy("Municipality"), queryset=Municipality.objects.none(), empty_label=None
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities


class AccountEditForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("Roles"), choices=ROLE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(
        label=gettext_lazy("Active: may sign in"),
        required=False,
        help_text=gettext_lazy("A deactivated account cannot sign in, also not with a link it was sent."),
    )
