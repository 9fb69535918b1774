"""A person's data: everything stored about one person, erasing them, and unlinking people when a
round's retention period has run out (issue 10).

Erasing or unlinking keeps the diary: a participant loses its account and unit and keeps only its
number, so the round's figures stay and nobody can tell whose they were (pseudonymised data whose key
is destroyed, EDPB guidelines 01/2025). The name, username and e-mail address are deleted or
replaced by "–" everywhere else they are known to live.

The action plan is looked up through the app registry rather than imported: `surveys` does not
depend on `actionplan`, but a person's progress updates and the plan's free text are theirs too.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit, roles
from .models import AuditEvent, DiaryDay, DiaryLine, Participant, SentEmail, Survey

# What replaces a name or an e-mail address in free text.
REDACTED = "–"


class PersonError(Exception):
    """An erasure that may not be done; the message says why."""


# --- Who the person is in text ---------------------------------------------------------------------


def _needles(user: AbstractBaseUser) -> list[str]:
    """The strings that name the person in free text: full name, e-mail address and username.

    A first or last name alone is not searched: "Anna" or "Andersson" in a progress update is as
    likely someone else, and blanking it would damage other people's records."""
    found = {user.get_full_name().strip(), user.email.strip(), user.get_username().strip()}
    return sorted((needle for needle in found if len(needle) >= 3), key=len, reverse=True)


def _pattern(needles: list[str]) -> re.Pattern[str] | None:
    if not needles:
        return None
    # Whole words only: the username "eva" must not blank "Evaluering".
    return re.compile("|".join(rf"(?<!\w){re.escape(needle)}(?!\w)" for needle in needles), re.IGNORECASE)


def _mentions(needles: list[str], fields: Iterable[str]) -> Q:
    q = Q(pk__in=[])
    for field in fields:
        for needle in needles:
            q |= Q(**{f"{field}__icontains": needle})
    return q


def _redact_text(queryset: models.QuerySet, fields: list[str], pattern: re.Pattern[str], needles: list[str]) -> int:
    """Replace the person's name, username and e-mail address in `fields` of the rows that mention
    them; returns how many rows changed. Updates by primary key, bypassing `save()`: neither a new
    history record nor an append-only model's guard applies to removing a name."""
    changed = 0
    for row in queryset.filter(_mentions(needles, fields)).values("pk", *fields):
        updates = {}
        for field in fields:
            value = row[field]
            if isinstance(value, str):
                redacted = pattern.sub(REDACTED, value)
                if redacted != value:
                    updates[field] = redacted
        if updates:
            queryset.model._base_manager.filter(pk=row["pk"]).update(**updates)
            changed += 1
    return changed


def _plan_model(name: str) -> type[models.Model] | None:
    return apps.get_model("actionplan", name) if apps.is_installed("actionplan") else None


def _axes_models() -> list[type[models.Model]]:
    if not apps.is_installed("axes"):
        return []
    return [apps.get_model("axes", name) for name in ("AccessAttempt", "AccessLog", "AccessFailureLog")]


def _sign_in_rows(user: AbstractBaseUser, model: type[models.Model]) -> models.QuerySet:
    """django-axes keeps what was typed as the username: the username or the e-mail address."""
    names = {user.get_username()} | ({user.email} if user.email else set())
    q = Q(pk__in=[])
    for name in names:
        q |= Q(username__iexact=name)
    return model.objects.filter(q)


def person_municipality_ids(user: AbstractBaseUser) -> set[int]:
    """The municipalities the person belongs to or took part in a round of."""
    members = set(user.municipalities.values_list("pk", flat=True))
    rounds = set(user.participations.values_list("survey__municipality_id", flat=True))
    return members | rounds


def municipalities_outside(user: AbstractBaseUser, *, by: AbstractBaseUser) -> set[int]:
    """The person's municipalities that `by` does not administer: empty for a superuser.

    Roles, the active flag, name and e-mail are the account's, not a municipality's, so a change by
    one municipality's administrator would act in the others too."""
    mine = roles.municipality_ids(by)
    if mine is None:
        return set()
    return person_municipality_ids(user) - mine


def shared_account_refusal(user: AbstractBaseUser, *, by: AbstractBaseUser) -> str | None:
    """Why `by` may not change the account (roles, active flag, name, e-mail, lock), or None."""
    if municipalities_outside(user, by=by):
        return _(
            "The person also belongs to a municipality you do not administer; only the installation's operators "
            "can change their account."
        )
    return None


# --- Export ----------------------------------------------------------------------------------------


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _event(event: AuditEvent) -> dict[str, object]:
    return {
        "at": _iso(event.at),
        "action": event.action,
        "action_label": str(event.get_action_display()),
        "municipality": event.municipality.name if event.municipality else None,
        "round": event.survey.slug if event.survey else None,
        "participant_number": event.participant.number if event.participant else None,
        "date": _iso(event.date),
        "detail": event.detail,
    }


def _day(day: DiaryDay) -> dict[str, object]:
    survey = day.participant.survey
    return {
        "date": _iso(day.date),
        "status": day.status,
        "minutes": day.minutes,
        "submitted_at": _iso(day.submitted_at),
        "last_changed": _iso(day.updated_at),
        "reopened": day.reopened,
        "keyed_in_from_paper": day.keyed_in_by_id is not None,
        "lines": [
            {
                "task": line.task.code,
                "label": line.task.label,
                "category": line.task.category.name,
                "minutes_per_hour": {
                    survey.hour_label(number): minutes
                    for number, minutes in enumerate(line.hour_minutes(survey.hours_per_day), start=1)
                },
                "minutes": line.minutes,
                "value": line.value,
                "function": line.function,
                "note": line.note,
            }
            for line in day.lines.all()
        ],
    }


def _participation(participant: Participant) -> dict[str, object]:
    unit = participant.unit
    return {
        "round": participant.survey.name,
        "round_slug": participant.survey.slug,
        "municipality": participant.survey.municipality.name,
        "number": participant.number,
        "unit": unit.name if unit else None,
        "department": unit.department.name if unit else None,
        "invited_at": _iso(participant.invited_at),
        "days": [_day(day) for day in participant.days.all()],
        "emails": [
            {"kind": email.kind, "sent_at": _iso(email.sent_at), "to": email.to, "days": email.days}
            for email in participant.emails.all()
        ],
    }


def _action_plan_data(
    user: AbstractBaseUser, *, municipality_ids: set[int] | None = None
) -> dict[str, list[dict[str, object]]]:
    update_model, item_model = _plan_model("ActionUpdate"), _plan_model("ActionItem")
    if update_model is None or item_model is None:
        return {"progress_updates": [], "item_versions": []}
    updates = update_model.objects.filter(author=user).select_related("item__plan").order_by("created_at")
    versions = item_model.history.filter(history_user=user).select_related("plan").order_by("history_date")
    if municipality_ids is not None:
        updates = updates.filter(item__plan__municipality_id__in=municipality_ids)
        versions = versions.filter(plan__municipality_id__in=municipality_ids)
    return {
        "progress_updates": [
            {
                "plan": update.item.plan.name,
                "item": update.item.number,
                "item_title": update.item.title,
                "written": _iso(update.created_at),
                "text": update.text,
                "new_status": update.status,
            }
            for update in updates
        ],
        "item_versions": [
            {
                "plan": version.plan.name if version.plan_id else None,
                "item": version.number,
                "title": version.title,
                "status": version.status,
                "changed_at": _iso(version.history_date),
                "change": version.get_history_type_display(),
            }
            for version in versions
        ],
    }


def _sign_in_data(user: AbstractBaseUser) -> dict[str, list[dict[str, object]]]:
    data: dict[str, list[dict[str, object]]] = {}
    for model in _axes_models():
        rows = []
        for row in _sign_in_rows(user, model).order_by("attempt_time"):
            entry = {
                "at": _iso(row.attempt_time),
                "username": row.username,
                "ip_address": row.ip_address,
                "user_agent": row.user_agent,
                "path": row.path_info,
            }
            for extra in ("failures_since_start", "locked_out", "logout_time"):
                if hasattr(row, extra):
                    value = getattr(row, extra)
                    entry[extra] = _iso(value) if isinstance(value, dt.datetime) else value
            rows.append(entry)
        data[model._meta.model_name] = rows
    return data


def person_data(user: AbstractBaseUser, *, municipality_ids: set[int] | None = None) -> dict[str, object]:
    """Everything stored about the person, for a right-of-access request: JSON-serialisable, dates ISO.

    `municipality_ids` limits it to what those municipalities hold (an administrator's export of a
    person who also belongs to another municipality: its diaries and records are not theirs to hand
    out); None is everything (the operators). The account's own fields are the person's everywhere."""
    limited = municipality_ids is not None
    ids = municipality_ids or set()
    participants = (
        Participant.objects.filter(user=user)
        .filter(**({"survey__municipality_id__in": ids} if limited else {}))
        .select_related("survey__municipality", "unit__department")
        .prefetch_related(
            models.Prefetch(
                "days",
                queryset=DiaryDay.objects.order_by("date").prefetch_related(
                    models.Prefetch(
                        "lines", queryset=DiaryLine.objects.select_related("task__category").order_by("task__order")
                    )
                ),
            ),
            models.Prefetch("emails", queryset=SentEmail.objects.order_by("sent_at")),
        )
        .order_by("survey__start_date", "survey__slug")
    )
    events = AuditEvent.objects.select_related("municipality", "survey", "participant").order_by("at", "pk")
    keyed_in = DiaryDay.objects.filter(keyed_in_by=user).select_related("participant__survey").order_by("date")
    municipalities = user.municipalities.all()
    if limited:
        events = events.filter(municipality_id__in=ids)
        keyed_in = keyed_in.filter(participant__survey__municipality_id__in=ids)
        municipalities = municipalities.filter(pk__in=ids)
    return {
        "exported_at": _iso(timezone.now()),
        "account": {
            "id": user.pk,
            "username": user.get_username(),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "is_active": user.is_active,
            "last_login": _iso(user.last_login),
            "date_joined": _iso(user.date_joined),
            "roles": sorted(user.groups.values_list("name", flat=True)),
            "municipalities": sorted(municipalities.values_list("name", flat=True)),
        },
        "participations": [_participation(participant) for participant in participants],
        "audit_events": {
            "by_them": [_event(event) for event in events.filter(user=user)],
            "about_them": [_event(event) for event in events.filter(Q(account=user) | Q(participant__in=participants))],
        },
        # Days this person typed in from someone's paper form: the day is the other person's, so
        # only the round, pseudonym number and date.
        "days_keyed_in": [
            {"round": day.participant.survey.slug, "participant_number": day.participant.number, "date": _iso(day.date)}
            for day in keyed_in
        ],
        "action_plan": _action_plan_data(user, municipality_ids=municipality_ids),
        # Sign-ins are to the whole installation, not to one municipality: the operators' to give.
        "sign_in_records": _sign_in_data(user) if not limited else {},
    }


# --- Erasure ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErasureReceipt:
    """What an erasure did, in counts only: the person is gone."""

    participations: int
    days: int
    emails: int
    sign_in_records: int
    sessions: int
    admin_log_entries: int
    texts_redacted: int
    municipality_ids: tuple[int, ...]

    def describe(self) -> str:
        """For the audit trail: counts, never a name."""
        return (
            f"{self.participations} participations unlinked, {self.days} diary days kept, "
            f"{self.emails} e-mail addresses cleared, {self.sign_in_records} sign-in records and "
            f"{self.sessions} sessions deleted, {self.admin_log_entries} admin log entries deleted, "
            f"{self.texts_redacted} texts redacted"
        )


def erasure_preview(user: AbstractBaseUser) -> dict[str, object]:
    """What erasing the person would touch, for the confirmation page."""
    participants = Participant.objects.filter(user=user).select_related("survey").order_by("survey__start_date")
    return {
        "participations": list(participants),
        "days": DiaryDay.objects.filter(participant__user=user).count(),
        "emails": SentEmail.objects.filter(participant__user=user).count(),
    }


def erasure_refusal(user: AbstractBaseUser, *, by: AbstractBaseUser) -> str | None:
    """Why `by` may not erase `user`, or None when they may.

    A person who also belongs to a municipality `by` does not administer is refused unless `by` is a
    superuser: erasure removes that municipality's link to its participants too, and its own
    administrators must answer for that."""
    if not roles.is_administrator(by):
        return _("Only administrators can erase a person.")
    if user.pk == by.pk:
        return _("You cannot erase your own account.")
    if user.is_superuser:
        return _("Superusers are managed by the installation's operators, not here.")
    if by.is_superuser:
        return None
    outside = person_municipality_ids(user) - (roles.municipality_ids(by) or set())
    if outside:
        return _(
            "The person also belongs to a municipality you do not administer; only the installation's operators "
            "can erase them."
        )
    if not person_municipality_ids(user):
        return _("The person belongs to no municipality of yours.")
    return None


def _clear_sessions(user: AbstractBaseUser, pattern: re.Pattern[str]) -> int:
    """Delete the person's sessions and drop other sessions' entries that name them (e.g. an
    administrator's enrolment preview holds names and addresses). Returns sessions deleted."""
    deleted = 0
    store = SessionStore()
    for session in Session.objects.all():
        data = session.get_decoded()
        if data.get("_auth_user_id") == str(user.pk):
            session.delete()
            deleted += 1
            continue
        kept = scrub_session_data(data, pattern)
        if kept != data:
            session.session_data = store.encode(kept)
            session.save(update_fields=["session_data"])
    return deleted


def scrub_session_data(data: dict, pattern: re.Pattern[str] | None) -> dict:
    """`data` without the entries that mention the person (matched by `pattern`)."""
    if pattern is None:
        return data
    return {
        key: value
        for key, value in data.items()
        if not pattern.search(json.dumps(value, ensure_ascii=False, default=str))
    }


def person_pattern(user: AbstractBaseUser) -> re.Pattern[str] | None:
    """What finds the person's full name, username or e-mail address in text (whole words)."""
    return _pattern(_needles(user))


def _redact_free_text(user: AbstractBaseUser, pattern: re.Pattern[str] | None, municipality_ids: set[int]) -> int:
    needles = _needles(user)
    if pattern is None:
        return 0
    changed = 0
    # Notes of the municipalities' diaries; the audit trail's details (older events were written
    # with a name in them); the admin log.
    lines = DiaryLine.objects.filter(day__participant__survey__municipality_id__in=municipality_ids)
    changed += _redact_text(lines, ["note"], pattern, needles)
    changed += _redact_text(AuditEvent._base_manager.all(), ["detail"], pattern, needles)
    changed += _redact_text(LogEntry.objects.all(), ["object_repr", "change_message"], pattern, needles)
    item_model, update_model = _plan_model("ActionItem"), _plan_model("ActionUpdate")
    if item_model is not None and update_model is not None:
        # Ansvarig and samordnare are free text typed by administrators: a full name there is this
        # person's, in the item and in every version of its history.
        item_fields = ["title", "description", "responsible", "coordinator"]
        changed += _redact_text(item_model.objects.all(), item_fields, pattern, needles)
        changed += _redact_text(
            item_model.history.model.objects.all(), [*item_fields, "history_change_reason"], pattern, needles
        )
        changed += _redact_text(update_model.objects.all(), ["text"], pattern, needles)
    return changed


def _unlink(participants: models.QuerySet) -> tuple[int, int]:
    """Unlink participants from account and unit and clear the addresses their e-mails went to.
    Returns (participants, e-mails) changed."""
    ids = list(participants.values_list("pk", flat=True))
    emails = SentEmail.objects.filter(participant_id__in=ids).exclude(to="").update(to="")
    unlinked = Participant.objects.filter(pk__in=ids).update(user=None, unit=None)
    # Figures per department or unit no longer count these participants: rebuild cached analysis.
    for survey in Survey.objects.filter(participants__in=ids).distinct():
        survey.touch()
    return unlinked, emails


@transaction.atomic
def erase_person(user: AbstractBaseUser, *, by: AbstractBaseUser) -> ErasureReceipt:
    """Erase the person: the account goes, their participants keep only their number, and their name,
    username and e-mail address are removed wherever they are known to be stored. The diary stays,
    so every figure stays. Raises PersonError when `by` may not."""
    refusal = erasure_refusal(user, by=by)
    if refusal:
        raise PersonError(refusal)
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    pattern = person_pattern(user)
    municipality_ids = person_municipality_ids(user)
    participants = Participant.objects.filter(user=user)
    days = DiaryDay.objects.filter(participant__in=participants).count()

    participations, emails = _unlink(participants)
    if user.email:  # an address may linger on e-mails of a participant unlinked earlier
        emails += SentEmail.objects.filter(to__iexact=user.email).update(to="")
    sign_ins = sum(_sign_in_rows(user, model).delete()[0] for model in _axes_models())
    user_type = ContentType.objects.get_for_model(user)
    log_entries, _by_type = LogEntry.objects.filter(content_type=user_type, object_id=str(user.pk)).delete()
    sessions = _clear_sessions(user, pattern)
    texts = _redact_free_text(user, pattern, municipality_ids)
    # Foreign keys do the rest: memberships, groups and the admin log entries they made go with the
    # account; audit events, progress updates, item history and keyed-in days lose the reference.
    user.delete()

    receipt = ErasureReceipt(
        participations=participations,
        days=days,
        emails=emails,
        sign_in_records=sign_ins,
        sessions=sessions,
        admin_log_entries=log_entries,
        texts_redacted=texts,
        municipality_ids=tuple(sorted(municipality_ids)),
    )
    for municipality_id in receipt.municipality_ids or (None,):
        audit.record(AuditEvent.Action.PERSON_ERASED, user=by, municipality=municipality_id, detail=receipt.describe())
    return receipt


# --- Retention -------------------------------------------------------------------------------------


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """`moment` plus whole calendar months; the 31st becomes the month's last day."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    next_month = dt.date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - dt.timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def _still_linked(survey: Survey) -> models.QuerySet:
    addressed = SentEmail.objects.filter(participant=OuterRef("pk")).exclude(to="")
    return survey.participants.filter(Q(user__isnull=False) | Q(unit__isnull=False) | Exists(addressed))


def rounds_due(now: dt.datetime | None = None) -> list[tuple[Survey, int]]:
    """Closed rounds whose unlink period has run out and that still link people: (round, how many
    participants are still linked)."""
    now = now or timezone.now()
    candidates = Survey.objects.filter(
        status=Survey.Status.CLOSED, closed_at__isnull=False, unlink_after_months__isnull=False
    ).order_by("closed_at")
    due = []
    for survey in candidates:
        if add_months(survey.closed_at, survey.unlink_after_months) <= now:
            linked = _still_linked(survey).count()
            if linked:
                due.append((survey, linked))
    return due


@transaction.atomic
def unlink_round(survey: Survey) -> int:
    """Unlink the round's participants from accounts and units, and clear the addresses of its
    e-mails, as erasure does: the unit is cleared too because one manager leads a unit, so number
    and unit together still point at the person. Writes one PEOPLE_UNLINKED event when anything
    changed. Returns how many participants were unlinked."""
    participants = _still_linked(survey)
    ids = list(participants.values_list("pk", flat=True))
    if not ids:
        return 0
    unlinked, emails = _unlink(Participant.objects.filter(pk__in=ids))
    audit.record(
        AuditEvent.Action.PEOPLE_UNLINKED,
        user=None,
        survey=survey,
        detail=(
            f"{unlinked} participants unlinked and {emails} e-mail addresses cleared, "
            f"{survey.unlink_after_months} months after the round closed"
        ),
    )
    return unlinked


def unlink_expired(now: dt.datetime | None = None) -> int:
    """Apply every round's unlink setting: returns how many participants were unlinked. Running it
    again changes nothing."""
    return sum(unlink_round(survey) for survey, _linked in rounds_due(now))
