"""Writes: creating, closing and reopening rounds, saving and reopening diary days, importing diary
files, and the accounts of a municipality's people. Each validates first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mio.tablefiles import gc_paused, shown

from . import audit, diaryimport, people, roles, totals
from .defaults import DEFAULT_TEMPLATE, TemplateCategory
from .diaryfile import DiaryRow, UnplacedRow
from .diaryimport import ImportDay, ImportPlan, ImportResult  # noqa: F401 (named here for pages and commands)
from .diaryrules import LineInput, check_day, date_message, hour_totals
from .models import (
    HOUR_FIELDS,
    MAX_HOURS,
    DiaryDay,
    DiaryLine,
    Municipality,
    Participant,
    Survey,
    Task,
    TaskCategory,
    Unit,
)


class DiaryError(ValueError):
    """Raised with every problem found, so that a form or a command can show them all at once."""

    def __init__(self, errors: Sequence[object]):
        self.errors = list(errors)
        super().__init__("; ".join(str(error) for error in self.errors))


# --- Survey rounds -------------------------------------------------------------------------------


class RoundError(ValueError):
    """Raised by `survey_create` with every reason the round cannot be created as asked."""

    def __init__(self, errors: Sequence[str]):
        self.errors = list(errors)
        super().__init__("; ".join(self.errors))


def survey_copy_template(*, survey: Survey, template: Sequence[TemplateCategory] = DEFAULT_TEMPLATE) -> None:
    """Give a round the rows of the paper form."""
    order = 0
    for category_order, category in enumerate(template, start=1):
        stored = TaskCategory.objects.create(
            survey=survey, name=category.name, name_en=category.name_en, order=category_order
        )
        for task in category.tasks:
            order += 1
            Task.objects.create(
                survey=survey,
                category=stored,
                code=task.code,
                label=task.label,
                label_en=task.label_en,
                area=task.area,
                asks_to_specify=task.asks_to_specify,
                order=order,
            )


def survey_copy_tasks(*, survey: Survey, source: Survey) -> None:
    """Give a round the task rows of an earlier one, as its administrators edited them (categories, codes,
    labels, support areas and order): a follow-up is compared with its baseline task by task, which needs
    the same codes (`analysis.paired.check_comparable`), and a new round otherwise gets the paper form's."""
    categories = {
        category.pk: TaskCategory(survey=survey, name=category.name, name_en=category.name_en, order=category.order)
        for category in source.categories.all()
    }
    TaskCategory.objects.bulk_create(categories.values())
    Task.objects.bulk_create(
        Task(
            survey=survey,
            category=categories[task.category_id],
            code=task.code,
            label=task.label,
            label_en=task.label_en,
            area=task.area,
            asks_to_specify=task.asks_to_specify,
            order=task.order,
        )
        for task in source.tasks.all()
    )


@transaction.atomic
def survey_create(
    *,
    slug: str,
    name: str,
    municipality: Municipality,
    start_date: dt.date,
    end_date: dt.date,
    hours_per_day: int = 8,
    first_hour: int = 8,
    status: str = Survey.Status.DRAFT,
    tasks_from: Survey | None = None,
) -> Survey:
    """A new round with the paper form's task rows, or with those of `tasks_from` (see `survey_copy_tasks`)."""
    if end_date < start_date:
        raise RoundError([_("The last day must not be before the first day.")])
    if not 1 <= hours_per_day <= MAX_HOURS:
        raise RoundError([_("Hours per day must be from 1 to %(max)d.") % {"max": MAX_HOURS}])
    if not 0 <= first_hour <= 24 - hours_per_day:
        raise RoundError(
            [
                _("The working day must end by midnight: the first hour can be 0 to %(last)d.")
                % {"last": 24 - hours_per_day}
            ]
        )
    if Survey.objects.filter(slug=slug).exists():
        raise RoundError([_("A survey round with the short name %(slug)s already exists.") % {"slug": shown(slug)}])
    survey = Survey.objects.create(
        slug=slug,
        name=name,
        municipality=municipality,
        start_date=start_date,
        end_date=end_date,
        hours_per_day=hours_per_day,
        first_hour=first_hour,
        status=status,
    )
    if tasks_from is None:
        survey_copy_template(survey=survey)
    else:
        survey_copy_tasks(survey=survey, source=tasks_from)
    return survey


# --- Diary days ----------------------------------------------------------------------------------


def _stored_line(day: DiaryDay, line: LineInput) -> DiaryLine:
    padded = [*line.minutes, *[0] * (MAX_HOURS - len(line.minutes))]
    return DiaryLine(
        day=day,
        task=line.task,
        value=line.value,
        function=line.function,
        note=line.note.strip(),
        **dict(zip(HOUR_FIELDS, padded, strict=True)),
    )


# The version a page shows for a day that is not stored yet; a stored day starts at 1.
UNSAVED_VERSION = 0


def stored_lines(day: DiaryDay | None) -> list[LineInput]:
    """A stored day's rows as the form's input, to compare with what someone typed."""
    if day is None:
        return []
    hours = day.participant.survey.hours_per_day
    return [
        LineInput(
            task=line.task,
            minutes=line.hour_minutes(hours),
            value=line.value,
            function=line.function,
            note=line.note,
        )
        for line in day.lines.select_related("task").order_by("task__order", "task_id")
    ]


class StaleDay(Exception):
    """A save from a page built from another version of the day than the stored one: nothing was stored.

    `day` is what is stored now (None: no day), `lines` its rows, `version` the version to save over it."""

    def __init__(self, *, day: DiaryDay | None):
        self.day = day
        self.lines = stored_lines(day)
        self.version = day.version if day is not None else UNSAVED_VERSION
        super().__init__(f"the stored day is at version {self.version}")


class WithdrawUnconfirmed(Exception):
    """A draft save of a submitted day that did not say it withdraws the submission: nothing was stored. A draft
    counts in no figure, so the day page asks the manager first."""


def _create_day(*, participant: Participant, date: dt.date, values: dict[str, object]) -> tuple[DiaryDay, bool]:
    """The day, created with `values` if missing (one INSERT), else the stored one, locked. Two first saves of a
    day may race: the loser's insert fails on the unique (participant, date) in a savepoint, and it carries on
    with the winner's day, locked."""
    try:
        with transaction.atomic():
            return DiaryDay.objects.create(participant=participant, date=date, **values), True
    except IntegrityError:
        return DiaryDay.objects.select_for_update(of=("self",)).get(participant=participant, date=date), False


def _round_of_a_diary_write(survey_id: int) -> Survey:
    """The round of a diary save or clear, read in the write's transaction and kept from changing status until it
    commits.

    On PostgreSQL the row is locked FOR KEY SHARE: closing, reopening and importing lock it FOR UPDATE, which
    waits for every write in flight and makes new ones wait (so a save never lands in a round closed meanwhile),
    while writes of the round do not wait for each other. Their `Survey.touch()` at the end (an UPDATE, FOR NO
    KEY UPDATE) does not conflict with FOR KEY SHARE either: two saves of a round wait for each other only from
    one's touch() to its commit. FOR UPDATE here made every save of a round wait for the one before to commit.
    Django has no API for FOR KEY SHARE, hence the SQL. On SQLite, which runs one write transaction at a time,
    a plain read."""
    if connection.vendor != "postgresql":
        return Survey.objects.get(pk=survey_id)
    table = connection.ops.quote_name(Survey._meta.db_table)
    return Survey.objects.raw(f"SELECT * FROM {table} WHERE id = %s FOR KEY SHARE", [survey_id])[0]


def _day_locked(*, participant: Participant, date: dt.date) -> DiaryDay | None:
    """The stored day, locked FOR UPDATE until the end of the transaction; None when there is none.

    The day's row only: a DiaryDay query in its default order joins the participant and the round, and FOR
    UPDATE without `of` would lock their rows too, the round's FOR UPDATE again."""
    days = DiaryDay.objects.select_for_update(of=("self",)).filter(participant=participant, date=date)
    return days.order_by().first()


@transaction.atomic
def diary_save(
    *,
    participant: Participant,
    date: dt.date,
    lines: Sequence[LineInput],
    submit: bool = False,
    keyed_in_by: AbstractBaseUser | None = None,
    expected_version: int | None = None,
    withdraw: bool = True,
) -> DiaryDay:
    """Store one day of the diary, replacing what was there. Empty rows are not stored.

    A day is submitted only with some minutes in it; rows without ratings are allowed (the form asks first).
    `keyed_in_by` is the administrator typing in a paper form; a save by the manager clears it.
    `expected_version` is the version of the day the page was built from (UNSAVED_VERSION for a day not stored
    then): when the stored day has another, nothing is stored and StaleDay says what is stored instead, so that
    two open copies of a day cannot silently overwrite each other. None skips the check (the demo, tests).
    `withdraw=False`: a draft save of a submitted day raises WithdrawUnconfirmed instead of withdrawing it."""
    # The round first, then the day: the order in which the import and closing a round lock, so a save cannot
    # deadlock with them; and the round's status is read as it is now, not as the page saw it, and held until
    # the save commits. Saves of other days do not wait for this one (see _round_of_a_diary_write).
    survey = _round_of_a_diary_write(participant.survey_id)
    # Locked until the end of the transaction: a concurrent save of the day waits here, then sees this one's version.
    existing = _day_locked(participant=participant, date=date)
    # A day an administrator reopened stays editable in a closed round until it is submitted again.
    if not survey.is_editable() and not (existing is not None and existing.reopened):
        raise DiaryError([_("The survey round is not open, so its diary cannot be changed.")])
    outside = date_message(survey=survey, date=date)
    if outside:
        raise DiaryError([outside])
    if any(line.task.survey_id != survey.pk for line in lines):
        raise DiaryError([_("A task does not belong to this survey round.")])
    if expected_version is not None and expected_version != (existing.version if existing else UNSAVED_VERSION):
        raise StaleDay(day=existing)
    if not submit and not withdraw and existing is not None and existing.status == DiaryDay.Status.SUBMITTED:
        raise WithdrawUnconfirmed
    if not submit and existing is None and all(line.is_empty() for line in lines):
        # An empty draft of a day never saved would count as begun ("Draft", 0 minutes) in every progress
        # figure. An empty save of a stored day is a change the manager made, and is stored as before.
        raise DiaryError([_("There is nothing to save: the day is empty.")])
    problems = check_day(survey, lines, submit=submit)
    if problems:
        raise DiaryError([problem.message for problem in problems])
    minutes = sum(hour_totals(lines, survey.hours_per_day))

    values = {
        "status": DiaryDay.Status.SUBMITTED if submit else DiaryDay.Status.DRAFT,
        "submitted_at": timezone.now() if submit else None,
        "minutes": minutes,
        "keyed_in_by": keyed_in_by,
    }
    day, created = existing, False
    if day is None:
        day, created = _create_day(participant=participant, date=date, values=values)
        if not created and expected_version is not None:
            raise StaleDay(day=day)  # another first save of the day won the race
    if not created:
        day.version += 1  # the row is locked, so no other save can have raised it meanwhile
        for name, value in values.items():
            setattr(day, name, value)
        if submit:
            day.reopened = False
        day.save()
        day.lines.all().delete()
    DiaryLine.objects.bulk_create(_stored_line(day, line) for line in lines if not line.is_empty())
    totals.refresh([participant.pk])
    # Last: the round's row stays locked against other saves' touch() from here to the commit only.
    survey.touch()
    return day


@transaction.atomic
def diary_clear(*, participant: Participant, date: dt.date, by: AbstractBaseUser, expected_version: int) -> None:
    """Empty a stored day on purpose: its rows, ratings, notes and status go, and the audit trail says who did it.

    Only from a page that showed `expected_version` of the day (StaleDay otherwise), and only while the day may
    be changed. The day is removed ("not started"), except a day an administrator reopened in a closed round:
    that stays as an empty draft, so that it can still be filled in."""
    survey = _round_of_a_diary_write(participant.survey_id)  # the same lock order as diary_save
    existing = _day_locked(participant=participant, date=date)
    if existing is None or existing.version != expected_version:
        raise StaleDay(day=existing)
    if not survey.is_editable() and not existing.reopened:
        raise DiaryError([_("The survey round is not open, so its diary cannot be changed.")])
    rows = existing.lines.count()
    detail = f"{rows} rows, {existing.minutes} min, was {existing.status}"
    if survey.is_editable():
        existing.delete()
    else:
        existing.lines.all().delete()
        existing.version += 1
        existing.status = DiaryDay.Status.DRAFT
        existing.submitted_at = None
        existing.minutes = 0
        existing.save()
    totals.refresh([participant.pk])
    audit.record(audit.Action.DAY_CLEARED, user=by, survey=survey, participant=participant, date=date, detail=detail)
    survey.touch()  # last: from here to the commit, other writes of the round wait for this one (diary_save)


# --- Import --------------------------------------------------------------------------------------
# The work is in `diaryimport`, made for files of a whole round; ImportPlan, ImportDay and ImportResult are
# named here too, where the pages and commands look for them.


def diaries_check(
    *,
    survey: Survey,
    rows: Sequence[DiaryRow],
    replace: bool = False,
    replace_hint: str = "--replace",
    unplaced: Sequence[UnplacedRow] = (),
) -> ImportPlan:
    """Every rule of a diary import, storing nothing: one RowError per problem, or what will be stored.

    What only a file can get wrong (an unknown task code, a row twice, a day that has a diary) is checked row by
    row; each day's rows are checked by the rules of `check_day`, as the form checks a day, with its messages.
    A row on no day of the round, of an unknown task or among `unplaced` (the file's rows whose participant,
    date or task its reader could not read, and has reported), gets the rules of a row on its own, so that one
    check names all that is wrong with it; `unplaced` rows are never stored.
    `replace_hint` names how to allow overwriting days in the message about a day that has a diary:
    the command's option, or the upload form's checkbox."""
    with gc_paused():
        return diaryimport.check(
            survey=survey, rows=rows, replace=replace, replace_hint=replace_hint, unplaced=unplaced
        ).plan


@transaction.atomic
def diaries_import(
    *, survey: Survey, rows: Sequence[DiaryRow], replace: bool = False, replace_hint: str = "--replace"
) -> ImportResult:
    """Store parsed file rows in a round, all or nothing; raises DiaryError with one RowError per bad row.

    The rows are checked again in the transaction that stores them, since a preview may be out of date.
    Imported days are submitted: a file holds paper forms already handed in. With `replace`, the days in the
    file lose their lines to the file's rows; other days of the round are left as they are."""
    # One import at a time per round, so that two cannot both find a day free and both create it; FOR UPDATE
    # also waits for the diary saves in flight and holds new ones off (_round_of_a_diary_write).
    Survey.objects.select_for_update().filter(pk=survey.pk).first()
    with gc_paused():
        try:
            return diaryimport.check_and_store(survey=survey, rows=rows, replace=replace, replace_hint=replace_hint)
        except diaryimport.Refused as refused:
            raise DiaryError(refused.errors) from None


# --- Running a round: closing, reopening, reopening one day --------------------------------------


@dataclass(frozen=True)
class FieldProblem:
    """A problem with one input (`field`, or "" for the whole), for a form to show next to it."""

    field: str
    message: str

    def __str__(self) -> str:
        return self.message


@transaction.atomic
def survey_close(*, survey: Survey, by: AbstractBaseUser) -> Survey:
    """Close an open round: from now on its diaries can only be read (except days reopened one by one)."""
    # FOR UPDATE: waits for the diary saves in flight, and saves started meanwhile wait and then see it closed.
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != Survey.Status.OPEN:
        raise RoundError([_("Only an open survey round can be closed.")])
    survey.status = Survey.Status.CLOSED
    survey.closed_at = timezone.now()
    survey.save(update_fields=["status", "closed_at"])
    audit.record(audit.Action.ROUND_CLOSED, user=by, survey=survey)
    return survey


@transaction.atomic
def survey_reopen(*, survey: Survey, by: AbstractBaseUser) -> Survey:
    """Open a draft round, or a closed one again, so that every manager can change their diary."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)  # FOR UPDATE, as survey_close
    if survey.status == Survey.Status.OPEN:
        raise RoundError([_("The survey round is already open.")])
    closed_at = survey.closed_at
    # A draft opens for the first time; only a round that was closed is opened again.
    first_opening = survey.status == Survey.Status.DRAFT
    survey.status = Survey.Status.OPEN
    survey.closed_at = None
    survey.save(update_fields=["status", "closed_at"])
    if first_opening:
        audit.record(audit.Action.ROUND_OPENED, user=by, survey=survey)
    else:
        audit.record(
            audit.Action.ROUND_REOPENED,
            user=by,
            survey=survey,
            detail=f"closed {closed_at.isoformat(timespec='minutes')}" if closed_at else "",
        )
    return survey


@transaction.atomic
def day_reopen(*, participant: Participant, date: dt.date, by: AbstractBaseUser, reason: str) -> DiaryDay:
    """Let a manager change one day again, also in a closed round, until they submit it again.

    A day that was never saved becomes an empty draft, so that the flag has somewhere to live."""
    survey = participant.survey
    problems = []
    if survey.status == Survey.Status.DRAFT:
        problems.append(FieldProblem("", _("The survey round has not been opened yet.")))
    if not survey.contains(date):
        dates = {"date": date, "start": survey.start_date, "end": survey.end_date}
        problems.append(
            FieldProblem(
                "date",
                _("%(date)s is outside the round (%(start)s to %(end)s).")
                % {key: value.isoformat() for key, value in dates.items()},
            )
        )
    if not reason.strip():
        problems.append(FieldProblem("reason", _("Say why the day is reopened.")))
    if problems:
        raise DiaryError(problems)
    day, created = DiaryDay.objects.select_for_update().get_or_create(participant=participant, date=date)
    day.reopened = True
    if not created:
        day.version += 1  # locked: a page open on the day is out of date (it was read-only, now it is not)
    day.save(update_fields=["reopened", "updated_at", "version"])
    audit.record(
        audit.Action.DAY_REOPENED, user=by, survey=survey, participant=participant, date=date, detail=reason.strip()
    )
    return day


def participant_set_unit(*, participant: Participant, unit: Unit | None) -> Participant:
    """Move a participant to another unit of the round's municipality (or to none)."""
    if unit is not None and unit.department.municipality_id != participant.survey.municipality_id:
        raise DiaryError([FieldProblem("unit", _("The unit belongs to another municipality."))])
    if participant.unit_id == (unit.pk if unit else None):
        return participant
    participant.unit = unit
    participant.save(update_fields=["unit"])
    # Figures and withheld groups per department and unit count the participant where they are now.
    participant.survey.touch()
    return participant


# --- Accounts ------------------------------------------------------------------------------------


class AccountError(ValueError):
    """Raised with every problem found (FieldProblems), so that the form can show them all at once."""

    def __init__(self, errors: Sequence[FieldProblem]):
        self.errors = list(errors)
        super().__init__("; ".join(str(error) for error in self.errors))


def _role_names(user: AbstractBaseUser) -> list[str]:
    held = set(user.groups.filter(name__in=roles.ALL_GROUPS).values_list("name", flat=True))
    return [role for role in roles.ALL_GROUPS if role in held]


def _may_administer(by: AbstractBaseUser, municipality_ids: set[int]) -> bool:
    """An administrator acts on the people of their own municipalities; a superuser on everyone's."""
    if not roles.is_administrator(by):
        return False
    mine = roles.municipality_ids(by)
    return mine is None or bool(municipality_ids & mine)


def passwordless_user_create(*, email: str, first_name: str, last_name: str) -> AbstractBaseUser:
    """An account for a person who signs in with e-mailed links: no usable password until they set one."""
    User = get_user_model()
    username = email.strip().casefold()[:150]
    if User.objects.filter(username=username).exists():
        username = f"{username[:140]}-{User.objects.count()}"
    user = User(
        username=username, email=email.strip(), first_name=first_name.strip()[:150], last_name=last_name.strip()[:150]
    )
    user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def account_create(
    *, first_name: str, last_name: str, email: str, role: str, municipality: Municipality, by: AbstractBaseUser
) -> AbstractBaseUser:
    """An account for a person of the municipality, who signs in with e-mailed links (no password)."""
    User = get_user_model()
    email = email.strip()
    problems = []
    if not first_name.strip():
        problems.append(FieldProblem("first_name", _("Enter the first name.")))
    try:
        validate_email(email)
    except ValidationError:
        problems.append(
            FieldProblem(
                "email",
                _("%(email)s is not a valid e-mail address; write it as name@example.se.") % {"email": shown(email)},
            )
        )
    else:
        if User.objects.filter(email__iexact=email).exists():
            message = _("An account with the e-mail address %(email)s already exists.") % {"email": email}
            problems.append(FieldProblem("email", message))
    if role not in roles.ALL_GROUPS:
        problems.append(FieldProblem("role", _("Choose one of the roles.")))
    if not _may_administer(by, {municipality.pk}):
        problems.append(FieldProblem("municipality", _("You can only create accounts in your own municipality.")))
    if problems:
        raise AccountError(problems)

    return account_with_role_create(
        email=email,
        first_name=first_name,
        last_name=last_name,
        group=Group.objects.get(name=role),
        municipality=municipality,
        by=by,
    )


def account_with_role_create(
    *,
    email: str,
    first_name: str,
    last_name: str,
    group: Group,
    municipality: Municipality,
    by: AbstractBaseUser | None,
    survey: Survey | None = None,
    how: str = "",
) -> AbstractBaseUser:
    """A new account in `group` (a role) and `municipality`, on record as one event rather than the signals' one per
    change: what the accounts page and enrolment (`how`: "enrolment", `survey`: into which round) both create."""
    with audit.quietly():
        user = passwordless_user_create(email=email, first_name=first_name, last_name=last_name)
        user.groups.add(group)
        if group.name == roles.ADMINISTRATORS:
            user.is_staff = True  # administrators also work in the Django admin
            user.save(update_fields=["is_staff"])
        municipality.members.add(user)
    detail = f"role {group.name}, {how}" if how else f"role {group.name}"
    audit.record(
        audit.Action.ACCOUNT_CREATED, user=by, municipality=municipality, survey=survey, account=user, detail=detail
    )
    return user


@transaction.atomic
def account_update(
    *, user: AbstractBaseUser, roles_held: Sequence[str], is_active: bool, by: AbstractBaseUser
) -> list[str]:
    """Set an account's roles (of the three groups; other groups stay) and whether it may sign in.

    Returns what changed, in words for the audit trail; nothing is recorded when nothing changed."""
    wanted = [role for role in roles.ALL_GROUPS if role in set(roles_held)]
    member_of = set(user.municipalities.values_list("pk", flat=True))
    problems = []
    if user.is_superuser:
        problems.append(FieldProblem("", _("Superusers are managed by the installation's operators, not here.")))
    if not _may_administer(by, member_of):
        problems.append(FieldProblem("", _("You can only change accounts of your own municipality.")))
    elif refusal := people.shared_account_refusal(user, by=by):
        # Roles and the active flag are global: they would act in the other municipality too.
        problems.append(FieldProblem("", refusal))
    if any(role not in roles.ALL_GROUPS for role in roles_held):
        problems.append(FieldProblem("roles", _("Choose among the three roles.")))
    if user.pk == by.pk and not is_active:
        problems.append(FieldProblem("is_active", _("You cannot deactivate your own account.")))
    if user.pk == by.pk and roles.ADMINISTRATORS not in wanted and not by.is_superuser:
        problems.append(FieldProblem("roles", _("You cannot take away your own administrator role.")))
    if problems:
        raise AccountError(problems)

    # The roles before and after in one event, rather than the signals' one per group and flag.
    events: list[tuple[str, str]] = []
    before = _role_names(user)
    with audit.quietly():
        if before != wanted:
            user.groups.remove(*Group.objects.filter(name__in=set(before) - set(wanted)))
            user.groups.add(*Group.objects.filter(name__in=set(wanted) - set(before)))
            events.append((audit.Action.ROLES_CHANGED, f"{', '.join(before) or '–'} → {', '.join(wanted) or '–'}"))
        if user.is_active != is_active:
            user.is_active = is_active
            user.save(update_fields=["is_active"])
            events.append((audit.Action.ACCOUNT_CHANGED, "activated" if is_active else "deactivated"))
        # Administrators work in the Django admin too; nobody else needs it.
        if user.is_staff != (roles.ADMINISTRATORS in wanted):
            user.is_staff = roles.ADMINISTRATORS in wanted
            user.save(update_fields=["is_staff"])
    mine = roles.municipality_ids(by)
    shared = sorted(member_of if mine is None else member_of & mine)
    for action, detail in events:
        audit.record(action, user=by, account=user, municipality=shared[0] if shared else None, detail=detail)
    return [detail for _action, detail in events]
