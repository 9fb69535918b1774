"""The day form: the paper grid as Django fields, named `<task code>-h<hour>`, `-value`, `-function`, `-note`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import ProhibitNullCharactersValidator
from django.utils import formats
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from mio import fieldlimits, tablefiles

from . import diaryrules, roles
from .diaryrules import LineInput
from .enrolment import MAX_NUMBER, PersonRow
from .models import DiaryLine, Municipality, Survey, Task, Unit
from .services import UNSAVED_VERSION
from .tasknames import diary_labels

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


# Minutes as the page takes them: plain digits 0–9. Python's int() also takes "+5", "-5" and other scripts' digits
# ("１０"), which the page's live check (diary.js `typed`) refuses; one rule, with the message letters get.
PLAIN_DIGITS = re.compile(r"[0-9]+")


def typed_minutes(value: object) -> int | None:
    """A minute box's text as a whole number, or None when it is not plain digits (0 when empty)."""
    text = "" if value is None else str(value).strip()
    if text == "":
        return 0
    return int(text) if PLAIN_DIGITS.fullmatch(text) else None


class MinutesField(forms.IntegerField):
    """A minute box: empty, or plain digits. Whether the number is allowed (0–60) is a rule of the day."""

    def to_python(self, value):
        if value in self.empty_values or str(value).strip() == "":
            return None
        amount = typed_minutes(value)
        if amount is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return amount


class RatingField(forms.TypedChoiceField):
    """A rating as sent, as a whole number: whether it is one of the scale's is a rule of the day
    (`diaryrules.check_day`), so that its message is the one a file gets too."""

    def __init__(self, *, refused: Callable[[object], str], **kwargs):
        super().__init__(coerce=int, empty_value=None, **kwargs)
        self.refused = refused

    def validate(self, value):
        forms.Field.validate(self, value)  # not ChoiceField's: a rating off the scale is checked with the day

    def _coerce(self, value):
        try:
            return super()._coerce(value)
        except forms.ValidationError:
            raise forms.ValidationError(self.refused(value), code="invalid_choice") from None


@dataclass
class HourCell:
    """One minute box of the grid, with the clock time it stands for."""

    field: forms.BoundField
    hour: int
    time: str
    # Marked as wrong: its own error, or minutes in an hour whose tasks add up to more than 60.
    marked: bool = False


@dataclass
class GridRow:
    task: Task
    label: str
    cells: list[HourCell]
    value: forms.BoundField
    function: forms.BoundField
    note: forms.BoundField | None
    total: int
    errors: list[str]
    filled: bool

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    @property
    def errors_id(self) -> str:
        return f"errors-{self.task.code}"


@dataclass
class GridCategory:
    name: str
    rows: list[GridRow]


@dataclass
class ErrorEntry:
    """One line of the error summary: the message and the id of the field it is about (None: the whole day)."""

    message: str
    target: str | None


def _filled(value: object) -> bool:
    return value not in (None, "") and str(value).strip() != ""


# The grid's fields, built once per round, its tasks (as they are now) and language, and shared by the forms of
# every request in this process: building ~300 fields with their labels and messages was a third of the day page's
# time. Nothing changes a field after it is built (the form's data, errors and bound fields live on the form), and
# the key holds everything a field is made from, so an edited task is a new key. A few rounds are open at a time.
_GRID_FIELDS: dict[tuple, dict[str, forms.Field]] = {}
_GRID_FIELDS_KEPT = 32


def _grid_fields(*, survey: Survey, tasks: Sequence[Task], language: str | None) -> dict[str, forms.Field]:
    key = (
        survey.pk,
        survey.hours_per_day,
        survey.first_hour,
        language,
        get_language(),  # the language the messages are written in
        tuple((task.pk, task.code, task.label, task.label_en, task.asks_to_specify) for task in tasks),
    )
    fields = _GRID_FIELDS.get(key)
    if fields is None:
        fields = _build_grid_fields(survey=survey, tasks=tasks, language=language)
        if len(_GRID_FIELDS) >= _GRID_FIELDS_KEPT:
            _GRID_FIELDS.pop(next(iter(_GRID_FIELDS)), None)
        _GRID_FIELDS[key] = fields
    return fields


def _build_grid_fields(*, survey: Survey, tasks: Sequence[Task], language: str | None) -> dict[str, forms.Field]:
    """The fields only read what was typed; the rules of the day are checked in DayForm.clean()."""
    fields: dict[str, forms.Field] = {}
    labels = diary_labels(tasks, language)
    for task in tasks:
        label = labels[task.code]
        for hour in survey.hour_numbers:
            where = diaryrules.hour_place(survey=survey, task=task, hour=hour, language=language, label=label)
            fields[f"{task.code}-h{hour}"] = MinutesField(
                label=where,
                required=False,
                error_messages={
                    "invalid": _("%(where)s: enter the minutes as a whole number from 0 to 60.") % {"where": where}
                },
                # Text, not a number box: the mouse wheel and arrow keys cannot change what was typed,
                # and a wrong entry is sent and shown back as typed. Phones still show digits.
                widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "off"}),
            )
        for name, scale in (("value", VALUE_SCALE), ("function", FUNCTION_SCALE)):
            fields[f"{task.code}-{name}"] = RatingField(
                label=f"{label}: {diaryrules.scale_title(name)}",
                required=False,
                choices=[("", "–"), *scale],
                refused=partial(diaryrules.rating_message, task=task, scale=name, language=language, label=label),
                widget=forms.RadioSelect,
            )
        if task.asks_to_specify:
            # No max_length here: the length is a rule of the day (`check_day`), with the message a file gets.
            note = forms.CharField(
                label=_("%(task)s: specify") % {"task": label},
                required=False,
                widget=forms.TextInput(attrs={"class": "form-control", "maxlength": diaryrules.NOTE_LIMIT}),
            )
            # The database cannot store a NUL character; say which note has one (Django's message names none).
            note.validators = [
                ProhibitNullCharactersValidator(
                    message=_("%(task)s, specify: the text holds an invisible null character, which cannot be stored.")
                    % {"task": label}
                )
            ]
            fields[f"{task.code}-note"] = note
    return fields


class DayForm(forms.Form):
    """Every rule is checked in one pass: each box, each rating and note, and each hour's total of the boxes
    that were valid, so a manager sees every problem after the first save."""

    def __init__(self, *args, survey: Survey, tasks: Sequence[Task], language: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.tasks = list(tasks)
        self.language = language
        self.labels = diary_labels(self.tasks, language)  # the three "Annat (specificera)" rows told apart
        # Hour number -> the message about its total, for the hours whose tasks add up to more than 60.
        self.over_hours: dict[int, str] = {}
        self._minutes_read: dict[tuple[int, int], int] = {}  # (task, hour) -> the whole minutes the box shows
        # The version of the stored day the page was built from: a save from an out-of-date page is refused.
        self.fields["version"] = forms.CharField(required=False, widget=forms.HiddenInput)
        self.fields["version"].validators = []  # whatever it holds, clean_version reads it as a version or none
        self.fields.update(_grid_fields(survey=survey, tasks=self.tasks, language=language))

    @staticmethod
    def initial_from(lines: Sequence[DiaryLine], *, hours: int, ratings: bool = True) -> dict[str, object]:
        """Initial values keyed by task code, so a day of another round fills the rows that share its codes."""
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

    def text_names(self) -> list[str]:
        """The fields a browser always sends from an editable form, even empty: the hour boxes, the notes and
        the version. Ratings are radio buttons, sent only when one is chosen."""
        names = ["version"]
        for task in self.tasks:
            names.extend(f"{task.code}-h{hour}" for hour in self.survey.hour_numbers)
            if task.asks_to_specify:
                names.append(f"{task.code}-note")
        return names

    def incomplete_message(self) -> str | None:
        """Why the sent form cannot be the whole grid (None: it can): a request without the boxes, or cut off on
        the way, would otherwise store an empty day over the saved one."""
        names = self.text_names()
        missing = sum(1 for name in names if name not in self.data)
        if not missing:
            return None
        if missing == len(names):
            return _("Nothing was saved: the form arrived without any of the day's boxes. The saved day is unchanged.")
        return _(
            "Nothing was saved: the form arrived incomplete (%(missing)d of its %(expected)d boxes were missing), "
            "perhaps because the connection broke. The saved day is unchanged; please enter your changes again."
        ) % {"missing": missing, "expected": len(names)}

    def clean_version(self) -> int:
        # A page that does not say which version it shows is taken to show no stored day: if one is stored,
        # the save is refused with what differs, never stored over it unseen.
        try:
            return max(int(self.cleaned_data.get("version") or ""), UNSAVED_VERSION)
        except ValueError:
            return UNSAVED_VERSION

    def show_version(self, version: int) -> None:
        """After a refused save the page shows the stored day's version, so that saving again overwrites it
        deliberately: the differences have been shown."""
        self.data = self.data.copy()
        self.data["version"] = str(version)

    def clean(self):
        cleaned = super().clean()
        # Also when some boxes could not be read: the day is checked with them left empty, so that a second save
        # never brings a new kind of error.
        lines = self.lines()
        for problem in diaryrules.check_day(self.survey, lines, language=self.language):
            if problem.field == "hour":
                self.over_hours[problem.hour] = problem.message
                self.add_error(None, problem.message)
            else:
                code = lines[problem.line].task.code
                suffix = f"h{problem.hour}" if problem.field == "minutes" else problem.field
                self.add_error(f"{code}-{suffix}", problem.message)
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

    def unrated(self) -> list[diaryrules.Unrated]:
        """The rows with minutes and a rating missing (`diaryrules.unrated`), also when the save has errors: a box
        with a wrong entry ("70", "abc") still holds minutes the manager means to give, and a rating that is wrong
        is reported on its own, not as missing."""
        data = self.cleaned_data
        lines = []
        for task in self.tasks:
            minutes = []
            for hour in self.survey.hour_numbers:
                name = f"{task.code}-h{hour}"
                if name in data:
                    minutes.append(data[name] or 0)
                else:  # refused: typed, and not as 0
                    minutes.append(int(str(self.data.get(name, "")).strip() not in ("", "0")))
            ratings = {
                # A wrong rating (-1 here) has its own message; it is not a missing one.
                scale: data.get(f"{task.code}-{scale}") if f"{task.code}-{scale}" not in self.errors else -1
                for scale in diaryrules.SCALES
            }
            lines.append(LineInput(task=task, minutes=minutes, **ratings))
        return diaryrules.unrated(lines, language=self.language)

    def _raw_minutes(self, task: Task, hour: int) -> int:
        # Asked for each box by the row's total, the hour's total and the hour over 60: read each box once.
        known = self._minutes_read.get((task.pk, hour))
        if known is not None:
            return known
        # What BoundField.value() gives for a text box (what was sent, else the initial value), read without
        # building the bound field: ~130 boxes a page, each asked by the totals.
        name = f"{task.code}-h{hour}"
        value = self.data.get(name) if self.is_bound else self.initial.get(name)
        # The totals add what was typed, 70 too, as diary.js does: the hour it fills over 60 is marked, and the
        # box's own message says that it is not allowed. (The rules count only allowed boxes: diaryrules.)
        amount = typed_minutes(value) or 0
        self._minutes_read[(task.pk, hour)] = amount
        return amount

    def _row(self, task: Task, *, checked: bool) -> GridRow:
        """`checked`: the form has errors to show (a bound form whose save was refused); a page that shows a
        stored day has none, and its ~200 fields need not be asked."""
        cells = []
        over_messages = []
        for hour in self.survey.hour_numbers:
            field = self[f"{task.code}-h{hour}"]
            in_over_hour = hour in self.over_hours and self._raw_minutes(task, hour) > 0
            if in_over_hour:
                over_messages.append(self.over_hours[hour])
            marked = (checked and bool(field.errors)) or in_over_hour
            cells.append(HourCell(field, hour, self.survey.hour_label(hour), marked=marked))
        value, function = self[f"{task.code}-value"], self[f"{task.code}-function"]
        note = self[f"{task.code}-note"] if task.asks_to_specify else None
        fields = [*(cell.field for cell in cells), value, function, *([note] if note else [])]
        errors = (
            [
                *(error for cell in cells for error in cell.field.errors),
                *over_messages,
                *value.errors,
                *function.errors,
                *(note.errors if note else []),
            ]
            if checked
            else []
        )
        return GridRow(
            task=task,
            label=self.labels[task.code],
            cells=cells,
            value=value,
            function=function,
            note=note,
            total=sum(self._raw_minutes(task, hour) for hour in self.survey.hour_numbers),
            errors=errors,
            filled=bool(errors) or any(_filled(field.value()) for field in fields),
        )

    def grid(self) -> list[GridCategory]:
        """The form laid out like the paper: categories of task rows, with totals of what was typed."""
        categories: dict[int, GridCategory] = {}
        checked = bool(self.errors)
        for task in self.tasks:
            category = categories.setdefault(
                task.category_id, GridCategory(task.category.display_name(self.language), [])
            )
            category.rows.append(self._row(task, checked=checked))
        return list(categories.values())

    def error_summary(self, grid: Sequence[GridCategory]) -> list[ErrorEntry]:
        """Every problem once, in the order of the form, each with the field to go to."""
        entries = []
        rows = [row for category in grid for row in category.rows]
        for row in rows:
            for cell in row.cells:
                entries.extend(ErrorEntry(error, cell.field.auto_id) for error in cell.field.errors)
            for field in (row.value, row.function, *([row.note] if row.note else [])):
                entries.extend(ErrorEntry(error, field.auto_id) for error in field.errors)
        for hour, message in sorted(self.over_hours.items()):
            first = next((row.cells[hour - 1] for row in rows if row.cells[hour - 1].marked), None)
            entries.append(ErrorEntry(message, first.field.auto_id if first else None))
        over = set(self.over_hours.values())
        entries.extend(ErrorEntry(error, None) for error in self.non_field_errors() if error not in over)
        return entries

    def hour_totals(self) -> list[int]:
        return [sum(self._raw_minutes(task, hour) for task in self.tasks) for hour in self.survey.hour_numbers]


class SigninLinkForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Your e-mail address"), max_length=fieldlimits.max_length(get_user_model(), "email")
    )


# --- Round administration ------------------------------------------------------------------------

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


def _user_max_length(name: str) -> int:
    return fieldlimits.max_length(get_user_model(), name)


class PersonForm(forms.Form):
    """One person to enrol, typed in; checked by the same rules, with the same messages, as a file row.

    The name's length is checked by the enrolment, which knows how it is split into the account's
    first and last names; the field only stops what no split could fit."""

    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=_user_max_length("first_name") + 1 + _user_max_length("last_name")
    )
    # Plain text, so that the enrolment's own message says what is wrong with an address.
    email = forms.CharField(
        label=gettext_lazy("E-mail address"), max_length=_user_max_length("email"), widget=forms.EmailInput
    )
    number = fieldlimits.WholeNumberField(
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("At most %(limit)s MB.") % {"limit": tablefiles.import_limit_text()}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # By the size the browser sent, before anything reads the file (over the limit, mio/uploads.py
        # has kept none of it).
        too_large = tablefiles.too_large_message(upload.size)
        if too_large:
            raise forms.ValidationError(too_large)
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Choose a .csv or .xlsx file."))
        return upload


class AccountCreateForm(forms.Form):
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=_user_max_length("first_name"))
    last_name = forms.CharField(
        label=gettext_lazy("Last name"), max_length=_user_max_length("last_name"), required=False
    )
    email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=_user_max_length("email"))
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


# --- Diaries on paper ----------------------------------------------------------------------------


class KeyPickForm(forms.Form):
    """Whose paper form, and which day: any date of the round (weekends too, as the diary allows)."""

    participant = forms.TypedChoiceField(
        label=gettext_lazy("Participant"),
        coerce=int,
        error_messages={"required": gettext_lazy("Choose the participant whose paper form it is.")},
    )
    date = forms.DateField(
        label=gettext_lazy("Date of the paper form"),
        widget=forms.DateInput(attrs={"type": "date", "list": "round-days"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext_lazy("Enter the date written on the paper form."),
            "invalid": gettext_lazy("Enter the date as YYYY-MM-DD, e.g. 2026-11-16."),
        },
    )

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        numbers = survey.participants.values_list("number", flat=True)
        participant = self.fields["participant"]
        participant.choices = [("", _("Choose…"))] + [
            (number, _("Manager no. %(number)s") % {"number": number}) for number in numbers
        ]
        participant.error_messages["invalid_choice"] = _("Choose one of the round's participants.")
        self.fields["date"].widget.attrs.update(min=survey.start_date.isoformat(), max=survey.end_date.isoformat())
        self.fields["date"].help_text = _("The round runs from %(start)s to %(end)s. Weekends are allowed too.") % {
            "start": formats.date_format(survey.start_date, "l j F Y"),
            "end": formats.date_format(survey.end_date, "l j F Y"),
        }

    def clean_date(self) -> dt.date:
        date = self.cleaned_data["date"]
        if not self.survey.contains(date):
            raise forms.ValidationError(
                _("%(date)s is not in the round, which runs from %(start)s to %(end)s.")
                % {
                    "date": formats.date_format(date, "l j F Y"),
                    "start": formats.date_format(self.survey.start_date, "j F Y"),
                    "end": formats.date_format(self.survey.end_date, "j F Y"),
                }
            )
        return date


class DiaryUploadForm(EnrolUploadForm):
    """A diary file, with the same size and type limits as an enrolment file."""

    replace = forms.BooleanField(
        label=gettext_lazy("Replace days that already have a diary"),
        required=False,
        help_text=gettext_lazy(
            "The rows of the file then take the place of what is stored for those days. "
            "Without it, a row for a day that already has a diary is an error."
        ),
    )
