"""The analysis pages' choices: a selection of a round, managers to compare, and two rounds."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.dates import WEEKDAYS
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from surveys.models import Survey, Unit

from .filters import Filters, data_weekdays
from .labels import pseudonym

# More than this and a side-by-side table stops being readable.
MAX_COMPARED = 8


class FilterForm(forms.Form):
    """Department, unit and weekday of a round's dashboard (GET). Empty fields mean "all".

    Only the weekdays with manager-days in the round are offered; another weekday (typed into the
    address) is refused with a message of its own rather than shown as an empty selection."""

    department = forms.TypedChoiceField(label=_("Department"), coerce=int, required=False, empty_value=None)
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, required=False, empty_value=None)
    weekday = forms.TypedChoiceField(
        label=_("Weekday"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", _("All weekdays")), *[(index + 1, name) for index, name in WEEKDAYS.items()]],
    )

    def __init__(self, data=None, *, survey: Survey, **kwargs):
        super().__init__(data, **kwargs)
        units = list(
            Unit.objects.filter(participants__survey=survey)
            .distinct()
            .order_by("department__name", "name")
            .values_list("id", "name", "department_id", "department__name")
        )
        self.unit_department = {unit_id: department_id for unit_id, _name, department_id, _dname in units}
        departments = dict.fromkeys((department_id, name) for _id, _name, department_id, name in units)
        self.fields["department"].choices = [("", _("All departments")), *departments]
        grouped: dict[str, list[tuple[int, str]]] = {}
        for unit_id, name, _department_id, department_name in units:
            grouped.setdefault(department_name, []).append((unit_id, name))
        self.fields["unit"].choices = [("", _("All units")), *grouped.items()]
        self.weekdays = data_weekdays(survey=survey)
        # The field accepts every weekday, so that clean_weekday() can say why one is refused; the
        # list offers only those with data.
        self.fields["weekday"].widget.choices = [
            ("", _("All weekdays")),
            *[(weekday, WEEKDAYS[weekday - 1]) for weekday in self.weekdays],
        ]

    def clean_weekday(self) -> int | None:
        weekday = self.cleaned_data.get("weekday")
        if weekday is not None and weekday not in self.weekdays:
            raise forms.ValidationError(
                _("No diary days fall on %(weekday)s in this round."),
                code="no_diary_days",
                params={"weekday": WEEKDAYS[weekday - 1]},
            )
        return weekday

    def clean(self):
        data = super().clean()
        department, unit = data.get("department"), data.get("unit")
        if department is not None and unit is not None and self.unit_department.get(unit) != department:
            self.add_error("unit", _("The unit is not part of the chosen department."))
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(department=data.get("department"), unit=data.get("unit"), weekday=data.get("weekday"))

    def query(self) -> str:
        """The selection as a query string for the download links ('' when it is the whole round)."""
        pairs = [(name, value) for name, value in self.cleaned_data.items() if value is not None]
        return urlencode(pairs)


class CompareForm(forms.Form):
    """Managers to put side by side, by participant number: `?m=2&m=8`."""

    m = forms.TypedMultipleChoiceField(
        label=_("Managers"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("There is no %(value)s in this round.")},
    )

    def __init__(self, data=None, *, numbers: list[int], **kwargs):
        super().__init__(data, **kwargs)
        self.fields["m"].choices = [(number, pseudonym(number)) for number in numbers]

    def clean_m(self) -> list[int]:
        numbers = list(dict.fromkeys(self.cleaned_data["m"]))
        if len(numbers) < 2:
            raise forms.ValidationError(_("Choose at least two managers to compare."))
        if len(numbers) > MAX_COMPARED:
            raise forms.ValidationError(
                _("Choose at most %(count)d managers to compare."), params={"count": MAX_COMPARED}
            )
        return numbers


class RoundsForm(forms.Form):
    """A baseline and a follow-up round of one municipality with the same task codes, both among
    `surveys` (the rounds the user may see): another municipality's round is not a valid choice."""

    baseline = forms.ModelChoiceField(label=_("Baseline round"), queryset=Survey.objects.none(), to_field_name="slug")
    followup = forms.ModelChoiceField(label=_("Follow-up round"), queryset=Survey.objects.none(), to_field_name="slug")

    def __init__(self, data=None, *, surveys: QuerySet[Survey], **kwargs):
        super().__init__(data, **kwargs)
        rounds = surveys.select_related("municipality").order_by("start_date", "name")
        self.fields["baseline"].queryset = rounds
        self.fields["followup"].queryset = rounds

    def clean(self):
        data = super().clean()
        baseline, followup = data.get("baseline"), data.get("followup")
        if baseline is None or followup is None:
            return data
        from .paired import NotComparable, check_comparable  # pandas and scipy: not at import

        try:
            check_comparable(baseline=baseline, followup=followup)
        except NotComparable as problem:
            raise forms.ValidationError(str(problem)) from None
        return data
