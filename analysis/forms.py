"""The analysis pages' choices: a selection of a round, managers to compare, and two rounds."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django import forms
from django.db.models import CharField, Count, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.dates import WEEKDAYS
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from surveys.models import Participant, Survey, Unit

from .disclosure import MIN_GROUP
from .filters import Filters, data_weekdays
from .labels import pseudonym

# More than this and a side-by-side table stops being readable.
MAX_COMPARED = 8
# A search lists at most this many managers to choose from (a page's size must not grow with the round).
MAX_MATCHES = 50
MAX_QUERY = 100
# "12", "nr 12", "Chef nr 12", "Manager no. 12": a participant number.
NUMBER_QUERY = re.compile(r"(?:(?:chef|manager)\s*)?(?:nr|no)?\.?\s*#?(\d{1,9})", re.IGNORECASE)


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
    """Managers to put side by side, by participant number: `?m=2&m=8`.

    Only the numbers asked for are looked up (one query), never the round's whole list: a national
    round has 15 000 managers, and the page lists only the chosen ones and a search's matches."""

    m = forms.TypedMultipleChoiceField(
        label=_("Managers"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("There is no %(value)s in this round.")},
    )

    def __init__(self, data=None, *, survey: Survey, **kwargs):
        super().__init__(data, **kwargs)
        asked: list[int] = []
        values = [] if data is None else data.getlist("m") if hasattr(data, "getlist") else data.get("m", [])
        for value in [values] if isinstance(values, str) else values:
            try:
                asked.append(int(value))
            except ValueError:
                continue  # refused by the field as "There is no … in this round"
        asked = list(dict.fromkeys(asked))
        # One query for the numbers asked (a bounded list); a number beyond the column's range is
        # nobody (and would overflow SQLite's integers).
        looked_up = [number for number in asked if 0 < number < 2**31][: MAX_COMPARED * 4]
        known = set(
            Participant.objects.filter(survey=survey, number__in=looked_up).order_by().values_list("number", flat=True)
            if looked_up
            else []
        )
        self.known = [number for number in asked if number in known]
        # Too many are refused by clean_m, whoever they are; otherwise an unknown one is named.
        offered = asked if len(asked) > MAX_COMPARED else self.known
        self.fields["m"].choices = [(number, pseudonym(number)) for number in offered]

    def chosen(self) -> list[int]:
        """The known numbers asked for, in the order asked (kept checked while searching)."""
        return self.known

    def clean_m(self) -> list[int]:
        numbers = list(dict.fromkeys(self.cleaned_data["m"]))
        if len(numbers) < 2:
            raise forms.ValidationError(_("Choose at least two managers to compare."))
        if len(numbers) > MAX_COMPARED:
            raise forms.ValidationError(
                _("Choose at most %(count)d managers to compare."), params={"count": MAX_COMPARED}
            )
        return numbers


@dataclass(frozen=True)
class ManagerMatch:
    number: int
    unit: str | None  # only for a search by unit (units with at least MIN_GROUP managers)

    @property
    def name(self) -> str:
        return pseudonym(self.number)


@dataclass(frozen=True)
class ManagerSearch:
    """The managers of a search: at most `MAX_MATCHES`, and how many matched in all."""

    query: str
    matches: list[ManagerMatch]
    total: int
    by_unit: bool

    @property
    def truncated(self) -> bool:
        return self.total > len(self.matches)


def search_managers(*, survey: Survey, query: str, exclude: Sequence[int] = ()) -> ManagerSearch:
    """The round's managers matching `query`, by number, in the order of their numbers:

    - empty: the first managers of the round;
    - a number (also "Chef nr 12", "nr 12"): the managers whose number starts with its digits (12,
      120–129, 1200–1299 …), so that one finds a manager as one types the number;
    - text: the managers of the units whose name contains it, among units with at least MIN_GROUP
      (3) managers in the round. A smaller unit is not searchable: listing its one or two members
      would tell who "Chef nr N" is. The unit is shown beside the managers found by it, and only then.

    Two queries whatever the round's size (the matches and their count). `exclude` are numbers
    already chosen, listed apart."""
    query = " ".join(query.split())[:MAX_QUERY]
    participants = Participant.objects.filter(survey=survey).exclude(number__in=list(exclude))
    digits = NUMBER_QUERY.fullmatch(query)
    by_unit = False
    if digits:
        participants = participants.annotate(number_text=Cast("number", CharField())).filter(
            number_text__startswith=digits.group(1)
        )
    elif query:
        by_unit = True
        units = (
            Unit.objects.filter(participants__survey=survey, name__icontains=query)
            .annotate(managers=Count("participants", filter=Q(participants__survey=survey)))
            .filter(managers__gte=MIN_GROUP)
            .values("id")
        )
        participants = participants.filter(unit__in=units)
    rows = participants.order_by("number").values_list("number", "unit__name")[:MAX_MATCHES]
    matches = [ManagerMatch(number=number, unit=unit if by_unit else None) for number, unit in rows]
    total = len(matches) if len(matches) < MAX_MATCHES else participants.count()
    return ManagerSearch(query=query, matches=matches, total=total, by_unit=by_unit)


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
