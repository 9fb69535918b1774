"""E-mails to participants: invitations, reminders and sign-in links, and the links themselves.

Links are django-sesame tokens, each scoped to its purpose: a link in an invitation or reminder
(valid 14 days) signs in to one round only; a link asked for on the login page signs in for an hour.
Every e-mail to a participant is recorded as a SentEmail (who, what, when, which days).

Reminders follow the round's rules: only participants who were invited and have weekdays up to
yesterday that are not submitted; never on the day they were invited (an invitation is not to be
followed by a reminder minutes later); at most one every `reminder_interval_days` (counted in
calendar days) and at most `max_reminders`; and only on weekdays between 08:00 and 17:00 Stockholm
time, since the project's own action plan moved notifications from night time to day time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from sesame.utils import get_token

from .models import DiaryDay, Participant, SentEmail, Survey
from .progress import due_until

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DAYTIME = (dt.time(8, 0), dt.time(17, 0))
LOGIN_SCOPE = "login"
LOGIN_LINK_MAX_AGE = dt.timedelta(hours=1)
# What the invitation promises: a day's form takes about this long to fill.
MINUTES_TO_FILL_A_DAY = 5
# Calendar days (Stockholm) from an invitation to the first reminder: 1 is "not on the same day".
DAYS_FROM_INVITATION_TO_REMINDER = 1


# --- Links ---------------------------------------------------------------------------------------


def diary_scope(survey: Survey) -> str:
    """A link from an invitation or reminder signs in for its own round only."""
    return f"diary:{survey.pk}"


def signin_url(
    *,
    user: AbstractBaseUser,
    survey: Survey | None = None,
    date: dt.date | None = None,
    base_url: str = "",
    next_url: str = "",
) -> str:
    """A personal sign-in link: to a round (and one of its days), or, without a round, a plain login that
    opens `next_url` (a path the caller has checked) when given."""
    scope = diary_scope(survey) if survey else LOGIN_SCOPE
    params = {settings.SESAME_TOKEN_NAME: get_token(user, scope=scope)}
    if survey is not None:
        params["omgang"] = survey.slug
    if date is not None:
        params["dag"] = date.isoformat()
    if next_url and survey is None:
        params["next"] = next_url
    return f"{base_url or settings.SITE_URL}{reverse('signin_link')}?{urlencode(params)}"


# --- Sending -------------------------------------------------------------------------------------


def _message(*, template: str, to: str, context: dict) -> EmailMessage:
    # Participants have no language of their own on record; the product speaks Swedish.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"surveys/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"surveys/email/{template}.txt", context)
    return EmailMessage(subject=subject, body=body, to=[to])


def _addressable(participant: Participant) -> bool:
    user = participant.user
    return user is not None and user.is_active and bool(user.email)


def unreachable_reason(participant: Participant) -> str:
    """Why no e-mail can go to this participant (for the commands' output)."""
    user = participant.user
    if user is None:
        return _("no account")
    if not user.is_active:
        return _("account deactivated")
    return _("no e-mail address")


@dataclass
class Mailout:
    """What a send did or would do (dry run): who gets an e-mail and who cannot be reached; for
    reminders also who has days due but was invited today (`invited_today`), reminded later."""

    recipients: list[tuple[Participant, list[dt.date]]] = field(default_factory=list)
    unreachable: list[Participant] = field(default_factory=list)
    invited_today: list[Participant] = field(default_factory=list)
    sent: int = 0

    @property
    def count(self) -> int:
        return len(self.recipients)


def invitations_due(*, survey: Survey) -> Mailout:
    """Every participant not yet invited; those without an account or e-mail address cannot be."""
    mailout = Mailout()
    for participant in survey.participants.filter(invited_at=None).select_related("user").order_by("number"):
        if _addressable(participant):
            mailout.recipients.append((participant, []))
        else:
            mailout.unreachable.append(participant)
    return mailout


class MailingError(ValueError):
    """A send that may not happen now; the message says why, and nothing was sent."""


def invitation_refusal(*, survey: Survey) -> str | None:
    """Why no invitations may go out for the round now, or None.

    A draft round's link opens a day that cannot be filled in, and once the round opens the person
    counts as invited and would never get a working one."""
    if survey.status == Survey.Status.DRAFT:
        return _("The round is still a draft; invitations go out once it is open. No invitations were sent.")
    if survey.status == Survey.Status.CLOSED:
        return _("The round is closed; no invitations were sent.")
    return None


def send_invitations(*, survey: Survey, dry_run: bool = False, base_url: str = "") -> Mailout:
    """Invite everyone not yet invited; raises MailingError, sending nothing, unless the round is open."""
    refusal = invitation_refusal(survey=survey)
    if refusal:
        raise MailingError(refusal)
    mailout = invitations_due(survey=survey)
    if dry_run:
        return mailout
    context = {"survey": survey, "minutes": MINUTES_TO_FILL_A_DAY, "valid_days": settings.SESAME_MAX_AGE.days}
    now = timezone.now()
    with get_connection() as connection:
        for participant, _days in mailout.recipients:
            user = participant.user
            message = _message(
                template="invitation",
                to=user.email,
                context={**context, "user": user, "link": signin_url(user=user, survey=survey, base_url=base_url)},
            )
            message.connection = connection
            message.send()
            _record(participant, SentEmail.Kind.INVITATION, [], at=now, invited=True)
            mailout.sent += 1
    return mailout


@transaction.atomic
def _record(
    participant: Participant, kind: str, days: list[dt.date], *, at: dt.datetime, invited: bool = False
) -> None:
    # `at` is the moment the send acted on, not the wall clock: the next run's interval is counted
    # from it, so a run told `now` (tests, --now) must record that moment.
    SentEmail.objects.create(
        participant=participant, kind=kind, sent_at=at, to=participant.user.email, days=[d.isoformat() for d in days]
    )
    if invited:
        Participant.objects.filter(pk=participant.pk).update(invited_at=at)
        participant.invited_at = at


def is_daytime(moment: dt.datetime) -> bool:
    """Monday to Friday, 08:00–17:00 in Stockholm: when reminders may go out."""
    local = moment.astimezone(STOCKHOLM)
    return local.isoweekday() <= 5 and DAYTIME[0] <= local.time() < DAYTIME[1]


def reminders_due(*, survey: Survey, now: dt.datetime | None = None) -> Mailout:
    """Who gets a reminder now, each with exactly their unsubmitted weekdays up to yesterday.

    Ignores the clock (see `is_daytime`), never the day of the invitation, the interval or the maximum."""
    now = now or timezone.now()
    mailout = Mailout()
    if survey.status != Survey.Status.OPEN:
        return mailout
    today = now.astimezone(STOCKHOLM).date()
    yesterday = due_until(today)
    expected = survey.expected_days(until=yesterday)
    if not expected:
        return mailout
    participants = list(
        survey.participants.exclude(invited_at=None).select_related("user", "survey").order_by("number")
    )
    submitted: dict[int, set[dt.date]] = {}
    for participant_id, date in DiaryDay.objects.filter(
        participant__survey=survey, status=DiaryDay.Status.SUBMITTED, date__in=expected
    ).values_list("participant_id", "date"):
        submitted.setdefault(participant_id, set()).add(date)
    sent: dict[int, list[dt.datetime]] = {}
    for participant_id, sent_at in SentEmail.objects.filter(
        participant__survey=survey, kind=SentEmail.Kind.REMINDER
    ).values_list("participant_id", "sent_at"):
        sent.setdefault(participant_id, []).append(sent_at)
    for participant in participants:
        days = [date for date in expected if date not in submitted.get(participant.pk, set())]
        if not days:
            continue
        earlier = sent.get(participant.pk, [])
        if len(earlier) >= survey.max_reminders:
            continue
        if earlier:
            last = max(earlier).astimezone(STOCKHOLM).date()
            if (today - last).days < survey.reminder_interval_days:
                continue
        invited_on = participant.invited_at.astimezone(STOCKHOLM).date()
        if (today - invited_on).days < DAYS_FROM_INVITATION_TO_REMINDER:
            mailout.invited_today.append(participant)
            continue
        if _addressable(participant):
            mailout.recipients.append((participant, days))
        else:
            mailout.unreachable.append(participant)
    return mailout


def send_reminders(
    *, survey: Survey, now: dt.datetime | None = None, force: bool = False, dry_run: bool = False, base_url: str = ""
) -> Mailout:
    """Send the reminders due in one round; outside weekday daytime nothing goes out unless `force`."""
    now = now or timezone.now()
    if not force and not is_daytime(now):
        return Mailout()
    mailout = reminders_due(survey=survey, now=now)
    if dry_run:
        return mailout
    with get_connection() as connection:
        for participant, days in mailout.recipients:
            user = participant.user
            links = [(date, signin_url(user=user, survey=survey, date=date, base_url=base_url)) for date in days]
            message = _message(
                template="reminder",
                to=user.email,
                context={"survey": survey, "user": user, "days": links, "minutes": MINUTES_TO_FILL_A_DAY},
            )
            message.connection = connection
            message.send()
            _record(participant, SentEmail.Kind.REMINDER, days, at=now)
            mailout.sent += 1
    return mailout


# --- Sign-in link asked for on the login page ----------------------------------------------------


def send_signin_link(*, email: str, base_url: str = "", next_url: str = "") -> bool:
    """E-mail a one-hour sign-in link to the active account with this address, if there is exactly one.

    The caller answers the same whether or not it went out, so that nobody learns who has an account."""
    User = get_user_model()
    users = list(User.objects.filter(email__iexact=email.strip(), is_active=True)[:2])
    if len(users) != 1:
        return False
    user = users[0]
    message = _message(
        template="signin_link",
        to=user.email,
        context={"user": user, "link": signin_url(user=user, base_url=base_url, next_url=next_url), "minutes": 60},
    )
    message.send()
    return True
