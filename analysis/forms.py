"""The analysis pages' choices: a selection of a round (and the units to choose from), managers to
compare, and two rounds."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django import forms
from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.dates import WEEKDAYS
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from mio.numbers import grouped
from surveys.models import Department, Participant, Survey, Unit

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


# The dashboard lists all of a round's units up to this many, else a search's matches, at most this
# many: a national round has 1 500 units, which made its page 117 KB of unit names.
UNIT_CHOICES = 50
# A municipality has a dozen departments or so; the list stops here whatever the data.
MAX_DEPARTMENTS = 200
ID = re.compile(r"[0-9]{1,18}")


def parse_id(value: object) -> int | None:
    """A database id as typed into the address ("12"), or None for anything else ('', "x", " 12")."""
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    return int(text) if isinstance(text, str) and ID.fullmatch(text) and int(text) > 0 else None


def round_units(*, survey: Survey) -> QuerySet[Unit]:
    """The units with a participant in the round (units and departments outlive rounds), of its
    municipality: each unit is checked on the participants' unit index, not by reading the round."""
    return Unit.objects.filter(department__municipality_id=survey.municipality_id).filter(
        Exists(Participant.objects.filter(survey=survey, unit=OuterRef("pk")))
    )


def round_departments(*, survey: Survey) -> QuerySet[Department]:
    """The departments with a participant in the round."""
    return Department.objects.filter(municipality_id=survey.municipality_id).filter(
        Exists(Participant.objects.filter(survey=survey, unit__department=OuterRef("pk")))
    )


@dataclass(frozen=True)
class UnitMatch:
    id: int
    name: str
    department_id: int
    department: str


def _unit_matches(units: QuerySet[Unit], *, limit: int | None = None) -> list[UnitMatch]:
    """At most `limit` (`UNIT_CHOICES`) units, by department and name."""
    rows = units.order_by("department__name", "name").values_list("id", "name", "department_id", "department__name")
    return [UnitMatch(*row) for row in rows[: limit or UNIT_CHOICES]]


@dataclass(frozen=True)
class UnitSearch:
    """The units of a search: at most `UNIT_CHOICES`, and how many matched in all."""

    query: str
    units: list[UnitMatch]
    total: int

    @property
    def truncated(self) -> bool:
        return self.total > len(self.units)

    def note(self) -> str:
        """What the list shows, under it ('' when it shows every unit there is)."""
        if self.query and not self.units:
            return gettext("No unit matches “%(query)s”.") % {"query": self.query}
        if self.query and self.truncated:
            return gettext(
                "Showing %(shown)s of %(total)s units matching “%(query)s”. Type more of the name to narrow the search."
            ) % {"shown": len(self.units), "total": grouped(self.total), "query": self.query}
        if self.query:
            return ngettext("%(count)s unit matches “%(query)s”.", "%(count)s units match “%(query)s”.", self.total) % {
                "count": grouped(self.total),
                "query": self.query,
            }
        if self.truncated:
            return gettext("Type part of the unit's name to find it among %(total)s units.") % {
                "total": grouped(self.total)
            }
        return ""


def search_units(
    *, survey: Survey, query: str = "", department: int | None = None, total: int | None = None
) -> UnitSearch:
    """The round's units whose name contains `query` (in any case), within `department` if given,
    by department and name: the first `UNIT_CHOICES`, and how many matched in all.

    One query, and a count when the list is full, unless `total` (the number of units there are in
    the scope, when the caller knows it) already says so for an empty query."""
    query = " ".join(query.split())[:MAX_QUERY]
    units = round_units(survey=survey)
    if department is not None:
        units = units.filter(department_id=department)
    if query:
        units = units.filter(name__icontains=query)
    matches = _unit_matches(units)
    if len(matches) < UNIT_CHOICES:
        count = len(matches)
    elif not query and total is not None:
        count = total
    else:
        count = units.count()
    return UnitSearch(query=query, units=matches, total=count)


@dataclass(frozen=True)
class Option:
    """An <option> of the dashboard's filter."""

    value: int
    label: str
    selected: bool
    department: int | None = None  # a unit's


@dataclass(frozen=True)
class UnitPicker:
    """The dashboard's unit list: `groups` of options by department, and whether it is a search's."""

    search: UnitSearch
    groups: list[tuple[str, list[Option]]]
    searchable: bool

    @property
    def note(self) -> str:
        return self.search.note() if self.searchable else ""


class FilterForm(forms.Form):
    """Department, unit and weekday of a round's dashboard (GET). Empty fields mean "all".

    The form never loads a round's whole list of units (a national round has 1 500): it reads the
    round's first `UNIT_CHOICES` + 1 units (one query, which are all of a municipality's round) and
    finds the department and unit asked for among them; in a round with more units, one not among
    them is looked up by its id. So the page, its chart images and its downloads cost the same
    queries whatever the round's size. The page's lists are `department_options` (every department
    of the round) and `unit_picker` (all units of a small round, else a search's matches).

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
        self.survey = survey
        asked = {} if data is None else data
        # The search of the unit list (`?unit_q=`) is not a filter: it never reaches the figures.
        self.unit_query = " ".join(str(asked.get("unit_q", "")).split())[:MAX_QUERY]
        self.chosen_department, self.chosen_unit = self._look_up(
            department_id=parse_id(asked.get("department")), unit_id=parse_id(asked.get("unit"))
        )
        # Unknown ids are left out of the choices, so that the fields refuse them as invalid choices.
        self.fields["department"].choices = [("", _("All departments")), *filter(None, [self.chosen_department])]
        self.fields["unit"].choices = [
            ("", _("All units")),
            *([(self.chosen_unit.id, self.chosen_unit.name)] if self.chosen_unit else []),
        ]
        self.weekdays = data_weekdays(survey=survey)
        # The field accepts every weekday, so that clean_weekday() can say why one is refused; the
        # list offers only those with data.
        self.fields["weekday"].widget.choices = [
            ("", _("All weekdays")),
            *[(weekday, WEEKDAYS[weekday - 1]) for weekday in self.weekdays],
        ]

    def _look_up(
        self, *, department_id: int | None, unit_id: int | None
    ) -> tuple[tuple[int, str] | None, UnitMatch | None]:
        """The department and unit asked for, if they are the round's: found among the first units
        (all of a municipality's round), else a query for the unit and one for a department that is
        not the unit's."""
        unit = next((unit for unit in self._first_units if unit.id == unit_id), None)
        departments = {unit.department_id: unit.department for unit in self._first_units}
        if unit is None and unit_id is not None and not self._complete:
            found = _unit_matches(round_units(survey=self.survey).filter(pk=unit_id))
            unit = found[0] if found else None
        if unit is not None:
            departments.setdefault(unit.department_id, unit.department)
        if department_id is None:
            return None, unit
        if department_id in departments:
            return (department_id, departments[department_id]), unit
        if self._complete:
            return None, unit
        return round_departments(survey=self.survey).filter(pk=department_id).values_list("id", "name").first(), unit

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
        if department is not None and unit is not None and self.chosen_unit.department_id != department:
            self.add_error("unit", _("The unit is not part of the chosen department."))
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(department=data.get("department"), unit=data.get("unit"), weekday=data.get("weekday"))

    def file_words(self) -> list[str]:
        """The selection as words for a download's file name, in the page's language: the unit (which
        names its department) or the department, then the weekday; none for the whole round. Two
        selections' downloads must not share a name: Excel will not open two workbooks of one name."""
        data = self.cleaned_data
        place = (
            self.chosen_unit.name
            if data.get("unit") is not None
            else (self.chosen_department[1] if data.get("department") is not None else None)
        )
        weekday = WEEKDAYS[data["weekday"] - 1] if data.get("weekday") is not None else None
        return [slugify(str(word)) for word in (place, weekday) if word]

    def query(self) -> str:
        """The selection as a query string for the download links ('' when it is the whole round)."""
        pairs = [(name, value) for name, value in self.cleaned_data.items() if value is not None]
        return urlencode(pairs)

    # --- The page's lists ---------------------------------------------------------------------------

    @cached_property
    def _first_units(self) -> list[UnitMatch]:
        """The round's first units by department and name, one more than the list shows (one query)."""
        return _unit_matches(round_units(survey=self.survey), limit=UNIT_CHOICES + 1)

    @property
    def _complete(self) -> bool:
        """Whether the first units are all the round's: at most `UNIT_CHOICES`."""
        return len(self._first_units) <= UNIT_CHOICES

    @cached_property
    def _departments(self) -> list[tuple[int, str, int]]:
        """The departments of a round with more units, by name, each with its number of units in
        the round (one query, which reads the round's participants once)."""
        return list(
            round_units(survey=self.survey)
            .order_by("department__name", "department_id")
            .values_list("department_id", "department__name")
            .annotate(units=Count("id"))[:MAX_DEPARTMENTS]
        )

    @cached_property
    def department_options(self) -> list[Option]:
        """The department list: every department of the round (a municipality has a dozen or so,
        and the list stops at `MAX_DEPARTMENTS`), and the chosen one."""
        if self._complete:
            rows = list(dict.fromkeys((unit.department_id, unit.department) for unit in self._first_units))
        else:
            rows = [(department_id, name) for department_id, name, _units in self._departments]
        if self.chosen_department and self.chosen_department not in rows:
            rows.insert(0, self.chosen_department)
        selected = self._raw("department")
        return [Option(value, name, str(value) == selected) for value, name in rows]

    @cached_property
    def unit_picker(self) -> UnitPicker:
        """The unit list: all the round's units when it has at most `UNIT_CHOICES` (as a
        municipality's round), or all of the chosen department's when it has so few; otherwise a
        search's matches (`?unit_q=`; the first units by name when it is empty), at most
        `UNIT_CHOICES`, with a note of how many there are. The chosen unit is always listed.

        No query for a small round beyond its first units; otherwise one for the departments'
        sizes, one for the list unless it is the round's first units, and a count for a search
        that fills the list. The same whatever the round's size."""
        if self._complete:
            search = UnitSearch(query="", units=self._first_units, total=len(self._first_units))
            searchable = False
        else:
            searchable = True
            sizes = {department_id: units for department_id, _name, units in self._departments}
            in_round = sum(sizes.values()) if len(sizes) < MAX_DEPARTMENTS else None
            department = self.chosen_department[0] if self.chosen_department else None
            if department is None and not self.unit_query and in_round is not None:
                search = UnitSearch(query="", units=self._first_units[:UNIT_CHOICES], total=in_round)
            else:
                search = search_units(
                    survey=self.survey,
                    query=self.unit_query,
                    department=department,
                    total=in_round if department is None else sizes.get(department),
                )
        units = list(search.units)
        if self.chosen_unit and self.chosen_unit not in units:
            units.insert(0, self.chosen_unit)  # first, as the page's script lists it
        selected = self._raw("unit")
        groups: list[tuple[str, list[Option]]] = []
        for unit in units:
            if not groups or groups[-1][0] != unit.department:
                groups.append((unit.department, []))
            groups[-1][1].append(Option(unit.id, unit.name, str(unit.id) == selected, unit.department_id))
        return UnitPicker(search=search, groups=groups, searchable=searchable)

    def _raw(self, name: str) -> str:
        return str(self.data.get(name, "")) if self.is_bound else ""


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
