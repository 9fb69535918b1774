"""Enrolment: who takes part in a round, from a file or one person at a time.

The file has the columns `name,email,unit` and optionally `number`, CSV or xlsx, read like the diary
files (comma or semicolon, UTF-8 or Windows-1252, all or nothing with a message per bad row). A person keeps their
participant number in every round of the municipality, so "Chef nr 2" of the baseline is "Chef nr 2"
of the follow-up; new people get the next free number.

`plan_enrolment` works out what would happen (the preview of the upload page, and every bad row);
`participants_enrol` does it, all or nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial, reduce
from operator import or_
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from mio import fieldlimits, tablefiles
from mio.tablefiles import ParseResult, RowError, is_blank, shown, whole_number

from . import roles
from .models import MAX_PARTICIPANT_NUMBER, Municipality, Participant, Survey, Unit
from .services import account_with_role_create

REQUIRED_COLUMNS = ("name", "email", "unit")
COLUMNS = (*REQUIRED_COLUMNS, "number")
MAX_NUMBER = MAX_PARTICIPANT_NUMBER
EMAILS_PER_QUERY = 500


class EnrolmentError(ValueError):
    """Raised with every problem found (RowErrors for file rows), so that nothing is enrolled."""

    def __init__(self, errors: Sequence[object]):
        self.errors = list(errors)
        super().__init__("; ".join(str(error) for error in self.errors))


@dataclass
class PersonRow:
    """One person to enrol, as read from a row of the file (or typed in the form: row 0)."""

    row: int
    name: str
    email: str
    unit: str = ""
    number: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "name": self.name, "email": self.email, "unit": self.unit, "number": self.number}


# --- Reading files -------------------------------------------------------------------------------


def read_file(path: str | Path) -> ParseResult[PersonRow]:
    return tablefiles.parse(lambda: tablefiles.read_table(path), parse_table)


def read_upload(data: bytes, *, filename: str) -> ParseResult[PersonRow]:
    """An uploaded file, by its name's extension (.csv or .xlsx)."""
    import io

    if tablefiles.format_for(filename) == "xlsx":
        return tablefiles.parse(partial(tablefiles.xlsx_table, io.BytesIO(data)), parse_table)
    return tablefiles.parse(partial(tablefiles.csv_table, data), parse_table)


def parse_table(table: tablefiles.Table) -> ParseResult[PersonRow]:
    """Rows of cells (header first) as PersonRows; checks what the file alone can tell."""
    result: ParseResult[PersonRow] = ParseResult()
    header = tablefiles.header_of(table)
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    unknown = [column for column in header if column not in COLUMNS]
    if not table or missing or unknown:
        result.errors.append(
            RowError(
                1,
                "",
                _("the header must be %(expected)s (number is optional), found: %(found)s")
                % {"expected": ",".join(COLUMNS), "found": ",".join(header) or _("nothing")},
            )
        )
        return result
    for number, cells in tablefiles.data_rows(table, header, result.errors):
        name = one_line(cells["name"])
        email = str(cells["email"]).strip()
        errors_before = len(result.errors)
        if not name:
            result.errors.append(RowError(number, "name", _("the name is missing")))
        if not email:
            result.errors.append(RowError(number, "email", _("the e-mail address is missing")))
        result.errors.extend(person_limit_problems(number, name=name, email=email))
        participant_number = None
        raw = cells.get("number", "")
        if not is_blank(raw):
            participant_number = whole_number(raw)
            if participant_number is None or not 1 <= participant_number <= MAX_NUMBER:
                result.errors.append(
                    RowError(
                        number,
                        "number",
                        _(
                            "%(value)s is not a participant number; "
                            "use a whole number from 1 to %(max)d, or leave it empty"
                        )
                        % {"value": shown(raw), "max": MAX_NUMBER},
                    )
                )
        if len(result.errors) == errors_before:
            result.rows.append(
                PersonRow(row=number, name=name, email=email, unit=one_line(cells["unit"]), number=participant_number)
            )
    if not result.rows and not result.errors:
        result.errors.append(RowError(2, "", _("the file has no people in it")))
    return result


def one_line(raw: object) -> str:
    """A name as one line with single spaces: a cell broken with Alt+Enter, or a no-break space pasted from a web
    page, looks like a space in Excel, and is meant as one (a name is split into first and last at its spaces)."""
    return " ".join(str(raw).split())


def person_limit_problems(row: int, *, name: str, email: str) -> list[RowError]:
    """A name or an address that the account cannot hold: too long for its field, or with a NUL character.

    The name is split as the account stores it: the last word is the last name, the rest the first names."""
    User = get_user_model()
    problems = []
    first, last = _split_name(name)
    if fieldlimits.NUL in name:
        problems.append(
            RowError(row, "name", _("the name %(problem)s") % {"problem": fieldlimits.text_problem(name, limit=None)})
        )
    else:
        first_limit = fieldlimits.max_length(User, "first_name")
        last_limit = fieldlimits.max_length(User, "last_name")
        if len(first) > first_limit:
            message = _(
                "the first names (all words but the last) are %(length)d characters long; at most %(limit)d are allowed"
            )
            problems.append(RowError(row, "name", message % {"length": len(first), "limit": first_limit}))
        if len(last) > last_limit:
            message = _("the last name (the last word) is %(length)d characters long; at most %(limit)d are allowed")
            problems.append(RowError(row, "name", message % {"length": len(last), "limit": last_limit}))
    problem = fieldlimits.field_text_problem(email, model=User, name="email")
    if problem:
        problems.append(RowError(row, "email", _("the e-mail address %(problem)s") % {"problem": problem}))
    return problems


def earlier_rounds(survey: Survey) -> list[Survey]:
    """The municipality's rounds that started before this one with people still linked to an account, latest
    first, each with `people` (their count): the rounds whose people `people_rows` can start this round's file
    from. A later round is not offered: the page calls these earlier rounds, and a baseline enrolled late
    would otherwise offer its own follow-up."""
    return list(
        Survey.objects.filter(
            municipality_id=survey.municipality_id,
            participants__user__isnull=False,
            start_date__lt=survey.start_date,
        )
        .annotate(people=Count("participants", filter=Q(participants__user__isnull=False)))
        .order_by("-start_date", "-pk")
    )


def people_rows(survey: Survey) -> list[list[object]]:
    """The round's people as rows of an enrolment file (COLUMNS), by number: a start for the next round's
    file, where the administrator removes those who have left and adds the new. People no longer linked
    to an account (erased, or unlinked after the retention time) are not in it; a unit whose name is in
    two departments is written "Department / Unit", as the file asks."""
    names = Counter(
        one_line(name).casefold()
        for name in Unit.objects.filter(department__municipality_id=survey.municipality_id).values_list(
            "name", flat=True
        )
    )
    participants = survey.participants.filter(user__isnull=False).select_related("user", "unit__department")
    rows = []
    for participant in participants.order_by("number"):
        unit = participant.unit
        if unit is None:
            place = ""
        elif names[one_line(unit.name).casefold()] > 1:
            place = f"{unit.department.name} / {unit.name}"
        else:
            place = unit.name
        user = participant.user
        rows.append([user.get_full_name() or user.email, user.email, place, participant.number])
    return rows


# --- What enrolment would do ---------------------------------------------------------------------


@dataclass
class Enrolee:
    """What will happen to one row: the number the person gets and whether an account is made."""

    row: PersonRow
    number: int
    unit: Unit | None
    user: AbstractBaseUser | None  # an existing account; None: one is made
    kept_number: bool  # the person has this number from an earlier round
    # The round has this number's days from a diary import, on a participant without an account: the
    # person is linked to it (numbers are people within the municipality) instead of getting a second one.
    imported_days: bool = False

    @property
    def new_account(self) -> bool:
        return self.user is None

    @property
    def kept_name(self) -> str:
        """The linked account's name where the row names the person otherwise: enrolment never renames
        an account (it may be shared with another municipality), so the pages show this name, not the row's."""
        if self.user is None:
            return ""
        stored = self.user.get_full_name()
        return stored if stored and stored.split() != self.row.name.split() else ""


@dataclass
class EnrolmentPlan:
    enrolees: list[Enrolee] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _units_by_name(survey: Survey) -> dict[str, list[Unit]]:
    units: dict[str, list[Unit]] = {}
    for unit in Unit.objects.filter(department__municipality_id=survey.municipality_id).select_related("department"):
        units.setdefault(one_line(unit.name).casefold(), []).append(unit)
    return units


def _find_unit(name: str, units: dict[str, list[Unit]]) -> tuple[Unit | None, str]:
    """The unit called `name` (or "Department / Unit" where a name is in two departments), and an error."""
    if not name:
        return None, ""
    department, _slash, unit_name = name.rpartition("/")
    found = units.get(one_line(unit_name).casefold(), [])
    if department.strip():
        wanted = one_line(department).casefold()
        found = [unit for unit in found if one_line(unit.department.name).casefold() == wanted]
    if len(found) == 1:
        return found[0], ""
    if not found:
        known = sorted({unit.name for candidates in units.values() for unit in candidates})
        return None, _("unknown unit %(unit)s; the municipality has: %(units)s") % {
            "unit": shown(name),
            "units": ", ".join(known) or _("no units yet"),
        }
    return None, _("%(unit)s is a unit of several departments; write it as %(example)s") % {
        "unit": shown(name),
        "example": _(" or ").join(shown(f"{unit.department.name} / {unit.name}", limit=200) for unit in found),
    }


def municipality_numbers(survey: Survey) -> tuple[dict[int, int], dict[int, set[int | None]]]:
    """Participant numbers in the survey's municipality: {user id: number} and {number: user ids}."""
    by_user: dict[int, int] = {}
    by_number: dict[int, set[int | None]] = {}
    rows = Participant.objects.filter(survey__municipality_id=survey.municipality_id).values_list("user_id", "number")
    for user_id, number in rows:
        by_number.setdefault(number, set()).add(user_id)
        if user_id is not None:
            by_user.setdefault(user_id, number)
    return by_user, by_number


def _held_elsewhere(survey: Survey, users: Sequence[AbstractBaseUser], *, by: AbstractBaseUser | None) -> set[int]:
    """The ids of `users` that belong to a municipality `by` does not administer and are not yet the
    survey's municipality's people: linking one would show `by` another municipality's person (its name,
    its export) and let them change an account that acts there too. Nobody for the operators (`by` None,
    the command; or a superuser)."""
    mine = roles.municipality_ids(by) if by is not None else None
    if mine is None or not users:
        return set()
    ids = [user.pk for user in users]
    belongs: dict[int, set[int]] = {}
    memberships = list(
        Municipality.members.through.objects.filter(user_id__in=ids).values_list("user_id", "municipality_id")
    )
    rounds = Participant.objects.filter(user_id__in=ids).values_list("user_id", "survey__municipality_id")
    for user_id, municipality_id in [*memberships, *rounds]:
        belongs.setdefault(user_id, set()).add(municipality_id)
    member_here = {user_id for user_id, municipality_id in memberships if municipality_id == survey.municipality_id}
    return {user_id for user_id, held in belongs.items() if held - mine and user_id not in member_here}


def plan_enrolment(*, survey: Survey, rows: Sequence[PersonRow], by: AbstractBaseUser | None = None) -> EnrolmentPlan:
    """What enrolling `rows` into `survey` would do, and every reason it cannot (bad rows).

    `by` is who enrols: an address of another municipality's person is a bad row for an administrator
    who does not administer it (None: the operators' command, which may link anyone)."""
    User = get_user_model()
    plan = EnrolmentPlan()
    units = _units_by_name(survey)
    by_user, by_number = municipality_numbers(survey)
    in_round = list(survey.participants.values_list("number", "user_id"))
    in_round_users = {user_id for _number, user_id in in_round if user_id is not None}
    in_round_numbers = {number for number, _user_id in in_round}
    unlinked_numbers = {number for number, user_id in in_round if user_id is None}  # a diary import's
    emails = sorted({row.email.casefold() for row in rows})
    accounts: dict[str, list[AbstractBaseUser]] = {}
    # A few hundred addresses a query: SQLite refuses a condition of a thousand ORs ("Expression tree is too large").
    for start in range(0, len(emails), EMAILS_PER_QUERY):
        chunk = emails[start : start + EMAILS_PER_QUERY]
        for user in User.objects.filter(reduce(or_, (Q(email__iexact=email) for email in chunk))):
            accounts.setdefault(user.email.casefold(), []).append(user)
    elsewhere = _held_elsewhere(survey, [user for found in accounts.values() for user in found], by=by)

    seen_emails: dict[str, int] = {}
    claimed: dict[int, int] = {}  # number: row that takes it
    pending: list[tuple[PersonRow, Unit | None, AbstractBaseUser | None]] = []
    for row in rows:
        errors_before = len(plan.errors)
        key = row.email.casefold()
        too_long = person_limit_problems(row.row, name=row.name, email=row.email)
        plan.errors.extend(too_long)
        try:
            validate_email(row.email)
        except ValidationError:
            if not any(problem.column == "email" for problem in too_long):
                plan.errors.append(
                    RowError(
                        row.row,
                        "email",
                        _("%(email)s is not a valid e-mail address; write it as name@example.se")
                        % {"email": shown(row.email)},
                    )
                )
        first = seen_emails.setdefault(key, row.row)
        if first != row.row:
            plan.errors.append(
                RowError(row.row, "email", _("%(email)s is also on row %(row)d") % {"email": row.email, "row": first})
            )
        unit, unit_error = _find_unit(row.unit, units)
        if unit_error:
            plan.errors.append(RowError(row.row, "unit", unit_error))
        matches = accounts.get(key, [])
        user = matches[0] if len(matches) == 1 else None
        if len(matches) > 1:
            plan.errors.append(
                RowError(
                    row.row, "email", _("several accounts have the e-mail address %(email)s") % {"email": row.email}
                )
            )
        if any(match.pk in elsewhere for match in matches):
            # Neither the other municipality nor the stored name is named: both are theirs.
            plan.errors.append(
                RowError(
                    row.row,
                    "email",
                    _(
                        "%(email)s is in use elsewhere in the installation; ask the operators to share the account "
                        "or use another address"
                    )
                    % {"email": shown(row.email)},
                )
            )
            user = None
        if user is not None and user.pk in in_round_users:
            plan.errors.append(
                RowError(row.row, "email", _("%(email)s already takes part in this round") % {"email": row.email})
            )
        kept = by_user.get(user.pk) if user is not None else None
        if row.number is not None:
            holders = by_number.get(row.number, set()) - {user.pk if user else object()}
            if kept is not None and kept != row.number:
                plan.errors.append(
                    RowError(
                        row.row,
                        "number",
                        _("%(email)s is number %(kept)d in earlier rounds and keeps it; leave the number empty")
                        % {"email": row.email, "kept": kept},
                    )
                )
            elif any(holder is not None for holder in holders) or (
                row.number in in_round_numbers and row.number not in unlinked_numbers
            ):
                plan.errors.append(
                    RowError(
                        row.row,
                        "number",
                        _("number %(number)d belongs to someone else in this municipality") % {"number": row.number},
                    )
                )
            elif row.number in claimed:
                plan.errors.append(
                    RowError(
                        row.row,
                        "number",
                        _("number %(number)d is also on row %(row)d")
                        % {"number": row.number, "row": claimed[row.number]},
                    )
                )
            claimed.setdefault(row.number, row.row)
        elif kept is not None:
            if kept in in_round_numbers and user.pk not in in_round_users and kept not in unlinked_numbers:
                # Another account has the number in this round (numbers changed by hand in the admin).
                plan.errors.append(
                    RowError(
                        row.row,
                        "number",
                        _("%(email)s keeps number %(kept)d from earlier rounds, but it is taken in this round")
                        % {"email": row.email, "kept": kept},
                    )
                )
            claimed.setdefault(kept, row.row)
        if len(plan.errors) == errors_before:
            pending.append((row, unit, user))

    # New people get the next free numbers, in the file's order, after every number in use or claimed.
    next_number = max([*by_number, *claimed], default=0) + 1
    for row, unit, user in pending:
        kept = by_user.get(user.pk) if user is not None else None
        if row.number is not None:
            number = row.number
        elif kept is not None:
            number = kept
        else:
            number = next_number
            next_number += 1
        plan.enrolees.append(
            Enrolee(
                row=row,
                number=number,
                unit=unit,
                user=user,
                kept_number=kept is not None,
                imported_days=number in unlinked_numbers,
            )
        )
    plan.errors.sort(key=lambda error: error.row)
    return plan


def file_problems(
    *, survey: Survey, parsed: ParseResult[PersonRow], by: AbstractBaseUser | None = None
) -> EnrolmentPlan:
    """The plan of a read file with every problem of every row at once: the reading's (a missing name,
    a bad number) and the plan's (a repeated address, an unknown unit) for the rows that were read, so
    that one correction round is enough. With any problem nothing is enrolled: `enrolees` is then empty."""
    plan = plan_enrolment(survey=survey, rows=parsed.rows, by=by)
    if parsed.errors:
        # Stable: on each row the reading's problems come first, as the columns are read.
        plan.errors = sorted([*parsed.errors, *plan.errors], key=lambda error: error.row)
    if plan.errors:
        plan.enrolees = []
    return plan


# --- Doing it ------------------------------------------------------------------------------------


@dataclass
class EnrolmentResult:
    participants: list[Participant]
    accounts_created: int
    accounts_linked: int


def _split_name(name: str) -> tuple[str, str]:
    first, _space, last = one_line(name).rpartition(" ")
    return (first, last) if first else (last, "")


@transaction.atomic
def participants_enrol(
    *, survey: Survey, rows: Sequence[PersonRow], by: AbstractBaseUser | None = None
) -> EnrolmentResult:
    """Enrol every row into the round, or nobody: raises EnrolmentError with every bad row.

    `by` is who enrols (None: the system, e.g. the command); a new account is on record as created by them."""
    # Two administrators enrolling into one municipality at once must not hand out one number twice.
    type(survey.municipality).objects.select_for_update().filter(pk=survey.municipality_id).first()
    plan = plan_enrolment(survey=survey, rows=rows, by=by)
    if plan.errors:
        raise EnrolmentError(plan.errors)
    managers = Group.objects.get(name=roles.MANAGERS)
    created = linked = 0
    participants = []
    for enrolee in plan.enrolees:
        user = enrolee.user
        if user is None:
            first, last = _split_name(enrolee.row.name)
            user = account_with_role_create(
                email=enrolee.row.email,
                first_name=first,
                last_name=last,
                group=managers,
                municipality=survey.municipality,
                by=by,
                survey=survey,
                how="enrolment",
            )
            created += 1
        else:
            # An existing account's new role or municipality is heard by the audit signals.
            user.groups.add(managers)
            survey.municipality.members.add(user)
            linked += 1
        if enrolee.imported_days:
            participant = Participant.objects.select_for_update().get(survey=survey, number=enrolee.number, user=None)
            participant.user = user
            participant.unit = enrolee.unit or participant.unit
            participant.save(update_fields=["user", "unit"])
        else:
            participant = Participant.objects.create(survey=survey, number=enrolee.number, user=user, unit=enrolee.unit)
        participants.append(participant)
    if any(enrolee.imported_days for enrolee in plan.enrolees):
        survey.touch()  # figures per department and unit count the imported days where their people are
    return EnrolmentResult(participants=participants, accounts_created=created, accounts_linked=linked)


def participant_remove(*, participant: Participant) -> None:
    """Take someone out of a round; only while they have no diary days (their answers stay answers)."""
    if participant.days.exists():
        raise EnrolmentError([_("%(who)s has diary days and cannot be removed.") % {"who": participant.pseudonym}])
    participant.delete()
