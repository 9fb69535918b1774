"""How far a round has come: per participant, the weekdays due so far and how many are submitted,
saved as drafts or missing; with invitations and reminders. Read by the participants page, the round
page, `round_status` and the reminders.

Definitions (the same everywhere, the reminders' too):
- due: a day is due once it is over. Managers fill a day in at the end of their working day, so today
  counts from tomorrow (`due_until`).
- expected: the weekdays (Monday–Friday) of the round that are due, i.e. up to and including
  yesterday; every weekday of the round once it has ended.
- submitted / draft: expected days whose diary day has that status.
- missing: expected days with no diary day at all (expected − submitted − draft).
- not started: no expected day submitted or drafted. Behind: fewer submitted than expected.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q
from django.utils import timezone

from .models import DiaryDay, Participant, SentEmail, Survey


@dataclass
class ParticipantProgress:
    participant: Participant
    expected: int
    submitted: int
    draft: int
    reminders: int = 0
    last_reminder: dt.datetime | None = None

    @property
    def number(self) -> int:
        return self.participant.number

    @property
    def missing(self) -> int:
        return self.expected - self.submitted - self.draft

    @property
    def invited(self) -> bool:
        return self.participant.invited_at is not None

    @property
    def not_started(self) -> bool:
        return self.expected > 0 and self.submitted == 0 and self.draft == 0

    @property
    def behind(self) -> bool:
        return self.submitted < self.expected

    def as_dict(self) -> dict[str, object]:
        return {
            "number": self.number,
            "expected": self.expected,
            "submitted": self.submitted,
            "draft": self.draft,
            "missing": self.missing,
            "invited": self.invited,
            "reminders": self.reminders,
        }


@dataclass
class RoundProgress:
    survey: Survey
    today: dt.date
    expected_dates: list[dt.date]
    participants: list[ParticipantProgress] = field(default_factory=list)

    @property
    def ended(self) -> bool:
        """The round's last day is past, so every weekday of it is expected."""
        return self.today > self.survey.end_date

    @property
    def before_start(self) -> bool:
        """No day of the round is due yet (a day is due once it is over): the round starts today or later."""
        return due_until(self.today) < self.survey.start_date

    @property
    def counted_until(self) -> dt.date:
        """The last day the expected days are counted to: yesterday, or the round's end once it has ended."""
        return min(due_until(self.today), self.survey.end_date)

    @property
    def expected_days(self) -> int:
        return sum(row.expected for row in self.participants)

    @property
    def submitted_days(self) -> int:
        return sum(row.submitted for row in self.participants)

    @property
    def draft_days(self) -> int:
        return sum(row.draft for row in self.participants)

    @property
    def missing_days(self) -> int:
        return sum(row.missing for row in self.participants)

    def as_dict(self) -> dict[str, object]:
        return {
            "survey": self.survey.slug,
            "as_of": self.today.isoformat(),
            "expected_days": self.expected_days,
            "submitted_days": self.submitted_days,
            "draft_days": self.draft_days,
            "missing_days": self.missing_days,
            "participants": [row.as_dict() for row in self.participants],
        }


def local_today() -> dt.date:
    return timezone.localdate()


def due_until(today: dt.date) -> dt.date:
    """The last day that is due on `today`: yesterday (a day is due once it is over)."""
    return today - dt.timedelta(days=1)


def round_progress(*, survey: Survey, today: dt.date | None = None, participants=None) -> RoundProgress:
    """Every participant's progress, counted in two aggregate queries."""
    today = today or local_today()
    expected_dates = survey.expected_days(until=due_until(today))
    selected = participants if participants is not None else survey.participants.all()
    selected = selected.select_related("user", "unit__department").order_by("number")
    statuses = {
        row["participant_id"]: row
        for row in DiaryDay.objects.filter(participant__survey=survey, date__in=expected_dates)
        .values("participant_id")
        .annotate(
            submitted=Count("pk", filter=Q(status=DiaryDay.Status.SUBMITTED)),
            draft=Count("pk", filter=Q(status=DiaryDay.Status.DRAFT)),
        )
    }
    reminders = {
        row["participant_id"]: row
        for row in SentEmail.objects.filter(participant__survey=survey, kind=SentEmail.Kind.REMINDER)
        .values("participant_id")
        .annotate(count=Count("pk"), last=Max("sent_at"))
    }
    progress = RoundProgress(survey=survey, today=today, expected_dates=expected_dates)
    for participant in selected:
        days = statuses.get(participant.pk, {})
        sent = reminders.get(participant.pk, {})
        progress.participants.append(
            ParticipantProgress(
                participant=participant,
                expected=len(expected_dates),
                submitted=days.get("submitted", 0),
                draft=days.get("draft", 0),
                reminders=sent.get("count", 0),
                last_reminder=sent.get("last"),
            )
        )
    return progress


def rounds_summary(*, surveys: list[Survey], today: dt.date | None = None) -> dict[int, dict[str, int]]:
    """Per round: participants, expected days and submitted days (as `round_progress` sums them),
    for a list of rounds in two aggregate queries instead of two per round."""
    today = today or local_today()
    participants = dict(
        Participant.objects.filter(survey__in=surveys)
        .values("survey")
        .annotate(n=Count("pk"))
        .values_list("survey", "n")
    )
    # Submitted days on weekdays that are due are the submitted expected days (days lie inside their round).
    submitted = dict(
        DiaryDay.objects.filter(
            participant__survey__in=surveys,
            status=DiaryDay.Status.SUBMITTED,
            date__lte=due_until(today),
            date__iso_week_day__lte=5,
        )
        .values("participant__survey")
        .annotate(n=Count("pk"))
        .values_list("participant__survey", "n")
    )
    return {
        survey.pk: {
            "participants": participants.get(survey.pk, 0),
            "expected": participants.get(survey.pk, 0) * len(survey.expected_days(until=due_until(today))),
            "submitted": submitted.get(survey.pk, 0),
        }
        for survey in surveys
    }


def unsubmitted_days(*, participant: Participant, until: dt.date) -> list[dt.date]:
    """The participant's weekdays up to `until` that are not submitted (missing or drafts)."""
    submitted = set(participant.days.filter(status=DiaryDay.Status.SUBMITTED).values_list("date", flat=True))
    return [date for date in participant.survey.expected_days(until=until) if date not in submitted]


def first_day_to_fill(*, participant: Participant, today: dt.date | None = None) -> dt.date | None:
    """Where a sign-in link or the start page sends a manager: the first weekday due so far that is
    not submitted; before the round starts, its first day; None when everything due is submitted."""
    today = today or local_today()
    survey = participant.survey
    weekdays = survey.weekdays()
    if not weekdays:
        return None
    if today < survey.start_date:
        return weekdays[0]
    open_days = unsubmitted_days(participant=participant, until=today)
    return open_days[0] if open_days else None
