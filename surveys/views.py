"""The manager's pages: "Min dagbok" and the day form."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import get_usage, is_ratelimited
from sesame.utils import get_user

from . import (
    access,
    conflicts,
    daygrid,
    dayqueries,
    diaryrules,
    keptday,
    mailings,
    progress,
    roles,
    selectors,
    services,
)
from .forms import FUNCTION_SCALE, VALUE_SCALE, DayForm, SigninLinkForm
from .models import DiaryDay, Participant, Survey
from .services import UNSAVED_VERSION, DiaryError, StaleDay, WithdrawUnconfirmed


def _own_participation(request: HttpRequest, slug: str) -> Participant:
    """The signed-in manager's participation in the round, with the round, in one query (and their groups,
    for the menu); 404 for anyone else and for a round that does not exist."""
    participant = dayqueries.own_participation(request.user, slug)
    if participant is None:
        raise Http404
    return participant


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A manager's start page: per round, the next day to fill and how far they have come.

    Closed rounds follow the ones to fill, to read. Project-group members and administrators with nothing to
    fill land on the rounds they follow."""
    today = progress.local_today()
    rounds = []
    for participant in selectors.participations_of(user=request.user):
        survey = participant.survey
        days = selectors.day_statuses(participant=participant)
        reopened = selectors.reopened_dates(participant=participant)
        weekdays = set(survey.weekdays())
        editable = survey.is_editable()
        next_date = progress.first_day_to_fill(participant=participant, today=today) if editable else None
        if not editable and reopened:
            next_date = min(reopened)
        rounds.append(
            {
                "participant": participant,
                "survey": survey,
                "days": [
                    {
                        "date": date,
                        "status": status,
                        "is_today": date == today,
                        "is_future": date > today,
                        "reopened": date in reopened,
                        "editable": editable or date in reopened,
                    }
                    for date, status in days
                    if date in weekdays or status
                ],
                "submitted": sum(
                    1 for date, status in days if status == DiaryDay.Status.SUBMITTED and date in weekdays
                ),
                "expected": len(weekdays),
                "due": len(survey.expected_days(until=today)),
                "next_date": next_date,
                "editable": editable,
                "fillable": editable or bool(reopened),
            }
        )
    fillable = [entry for entry in rounds if entry["fillable"]]
    if not fillable and roles.can_analyse(request.user):
        return redirect("surveys:rounds")
    # Stable: newest first within the rounds to fill and within the closed ones.
    rounds.sort(key=lambda entry: not entry["fillable"])
    ctx = {"rounds": rounds, "fillable": fillable, "today": today, "nav": "diary"}
    return render(request, "surveys/home.html", ctx)


@require_http_methods(["GET", "POST"])
def day(request: HttpRequest, slug: str, date: str) -> HttpResponse:
    if not request.user.is_authenticated:
        if request.method == "POST":
            # The session ran out while the day was being filled: what was typed waits in the new session for
            # the manager to sign in again and come back here (surveys/keptday.py).
            keptday.keep_posted_day(request.session, path=request.path, data=request.POST, now=int(time.time()))
        return redirect_to_login(request.get_full_path())
    participant = _own_participation(request, slug)
    typed = None
    if request.method == "GET":
        typed = keptday.take_kept_day(request.session, path=request.path, user_id=request.user.pk, now=int(time.time()))
        if typed is not None:
            messages.warning(
                request,
                _(
                    "You were logged out before the day was saved. What you typed is filled in again but not saved "
                    "– save now."
                ),
            )
    return day_form_response(
        request,
        participant=participant,
        date=access.date_in(participant.survey, date),
        template="surveys/day.html",
        typed=typed,
    )


def _clear_response(
    request: HttpRequest,
    *,
    participant: Participant,
    date: dt.date,
    saved: DiaryDay | None,
    keying: bool,
    extra_context: dict | None,
) -> HttpResponse:
    """Clearing a day on purpose: first a page that says what goes and asks (`clear=ask`, the day page's button);
    its own button (`clear=confirm`, with the version it showed) clears, and only that version."""
    if saved is None:
        messages.info(request, _("Nothing is saved for this day, so there is nothing to clear."))
        return redirect(request.path)
    if request.POST["clear"] != "confirm":
        ctx = {
            "survey": participant.survey,
            "participant": participant,
            "date": date,
            "saved": saved,
            "rows": saved.lines.count(),
            # Sent back by "No, keep the day", so that the day page comes back as it was typed.
            "typed": keptday.day_input(request.POST),
            "keying": keying,
            "nav": "diary",
            **(extra_context or {}),
        }
        return render(request, "surveys/day_clear.html", ctx)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = UNSAVED_VERSION
    try:
        services.diary_clear(participant=participant, date=date, by=request.user, expected_version=version)
    except StaleDay:
        messages.error(
            request,
            _(
                "The day was changed elsewhere after you asked to clear it, so nothing was cleared. This is the day as "
                "saved now."
            ),
        )
    except DiaryError as error:
        for message in error.errors:
            messages.error(request, message)
    else:
        messages.success(request, _("The day is cleared: nothing is saved for it now."))
    return redirect(request.path)


def saved_message(*, submit: bool, withdrew: bool, keyed: Participant | None = None, date: dt.date) -> str:
    """What a save of the day form says it did: a withdrawn submission is named, as the day no longer counts. An
    administrator keying in a paper form (`keyed`: whose) is told whose day and which date were stored."""
    if keyed is not None:
        names = {"pseudonym": keyed.pseudonym, "day": formats.date_format(date, "l j F Y")}
        if submit:
            return _("%(pseudonym)s, %(day)s: the paper form is stored as submitted.") % names
        if withdrew:
            return (
                _(
                    "%(pseudonym)s, %(day)s: the paper form is stored as a draft. The day is no longer submitted and "
                    "does not count until it is submitted again."
                )
                % names
            )
        return _("%(pseudonym)s, %(day)s: the paper form is stored as a draft.") % names
    if submit:
        return _("The day is submitted. Thank you!")
    if withdrew:
        return _(
            "The day is saved as a draft and is no longer submitted: it does not count in the figures until you "
            "submit it again."
        )
    return _("The day is saved as a draft.")


@dataclass
class _Refused:
    """A save the page shows again instead of storing: the typed form, and why."""

    form: DayForm | None  # None: the post was incomplete, and the stored day is shown again
    status: int = 200
    unrated: list[diaryrules.Unrated] = field(default_factory=list)  # rows with minutes but a rating missing
    withdrawing: bool = False  # a draft save of a submitted day: asked before the submission is withdrawn
    conflict: dict | None = None  # the day was changed elsewhere since the page was built
    stored_day: DiaryDay | None = None  # with a conflict: the day as it is stored now


def day_form_response(
    request: HttpRequest,
    *,
    participant: Participant,
    date: dt.date,
    template: str,
    keyed_in_by=None,
    extra_context: dict | None = None,
    typed: Mapping[str, str] | None = None,
) -> HttpResponse:
    """The day form, shown and saved: for the manager on their own page, and for an administrator keying in
    the manager's paper form (`keyed_in_by`). The caller has checked who may see it; a save redirects to
    the same address. `typed`: input that was sent but never stored, shown instead of the stored day.

    Six queries for the page (the session, the user, the participation, the manager's days, the tasks with the
    day's rows, the user's groups) and the grid's rows built in Python (surveys/daygrid.py): it is the page
    every manager opens every day."""
    survey = participant.survey
    # Every saved day of the manager in one query: the one shown, and the dates to step between. A save in an
    # open round needs neither unless it is refused and the page is shown again.
    days: list[DiaryDay] | None = None
    saved: DiaryDay | None = None
    if request.method != "POST" or not survey.is_editable() or "clear" in request.POST:
        days = dayqueries.days_of(participant)
        saved = next((day for day in days if day.date == date), None)
    # A day an administrator reopened can be changed in a closed round until it is submitted again.
    editable = survey.is_editable() or (saved is not None and saved.reopened)

    refused = _Refused(form=None)
    if request.method == "POST":
        if not editable:
            messages.error(request, _("The survey round is closed; the diary can no longer be changed."))
            return redirect(request.path)
        if request.POST.get("clear") == "keep":
            # "No, keep the day" on the clearing question: the page again with what was typed, not checked or saved.
            typed = keptday.day_input(request.POST)
        elif "clear" in request.POST:
            return _clear_response(
                request,
                participant=participant,
                date=date,
                saved=saved,
                keying=keyed_in_by is not None,
                extra_context=extra_context,
            )
        else:
            outcome = _save(request, participant=participant, date=date, keyed_in_by=keyed_in_by)
            if isinstance(outcome, HttpResponse):
                return outcome
            refused = outcome
    if days is None:
        days = dayqueries.days_of(participant)
        saved = next((day for day in days if day.date == date), None)
    if refused.conflict is not None:
        saved = refused.stored_day

    form, prefilled_from, prefilled_round = refused.form, None, None
    if form is None and typed is not None:
        form = _typed_form(survey, typed)
    if form is None:
        form, prefilled_from, prefilled_round = _stored_form(
            request, participant=participant, date=date, saved=saved, editable=editable
        )
    hour_totals = form.hour_totals()
    hour_sums = [
        {"hour": hour, "time": survey.hour_label(hour), "total": total}
        for hour, total in enumerate(hour_totals, start=1)
    ]
    grid = form.grid()
    dates = sorted(set(survey.weekdays()) | {day.date for day in days})
    position = dates.index(date) if date in dates else None
    ctx = {
        "survey": survey,
        "participant": participant,
        "date": date,
        "saved": saved,
        "form": form,
        "grid": grid,
        "grid_html": daygrid.grid_html(grid, editable=editable),
        "grid_head_html": daygrid.head_html(hour_sums),
        "grid_sums_html": daygrid.sums_html(hour_sums, day_total=sum(hour_totals)),
        "error_summary": form.error_summary(grid) if form.errors else [],
        "hour_totals": hour_totals,
        "hour_sums": hour_sums,
        # A phone shows a row's hours on one line, or on two when a round has more than 8.
        "phone_columns": survey.hours_per_day if survey.hours_per_day <= 8 else (survey.hours_per_day + 1) // 2,
        "nav": "diary",
        "day_total": sum(hour_totals),
        "editable": editable,
        "prefilled_from": prefilled_from,
        "prefilled_round": prefilled_round,
        # What the page shows was not stored (a refused save, or rows from another day): leaving asks first.
        "unsaved": form.is_bound or prefilled_from is not None or typed is not None,
        "unrated": refused.unrated,
        "withdrawing": refused.withdrawing,
        "value_scale": VALUE_SCALE,
        "function_scale": FUNCTION_SCALE,
        "previous_date": dates[position - 1] if position else None,
        "next_date": dates[position + 1] if position is not None and position + 1 < len(dates) else None,
        "keying": keyed_in_by is not None,
        # Whose the typed day is, should the session run out before it is posted (surveys/keptday.py).
        "owner_token": keptday.owner_token(request.user.pk),
        "conflict": refused.conflict,
        **(extra_context or {}),
    }
    return render(request, template, ctx, status=refused.status)


def _save(request: HttpRequest, *, participant: Participant, date: dt.date, keyed_in_by) -> HttpResponse | _Refused:
    """Save the posted day form: a redirect to the day when it is stored, else what the page shows again."""
    survey = participant.survey
    language = get_language()
    tasks, _lines = dayqueries.tasks_and_lines(survey, None)
    form = DayForm(request.POST, survey=survey, tasks=tasks, language=language)
    incomplete = form.incomplete_message()
    if incomplete:
        # Refused before any rule is checked, and the stored day shown again: an empty grid on the page would
        # only invite saving it.
        messages.error(request, incomplete)
        return _Refused(form=None, status=400)
    valid = form.is_valid()
    submit = "submit" in request.POST
    # Rows with minutes but a rating missing are asked about once; "Submit anyway" answers. A save with errors
    # lists them beside the errors, so that one round of corrections covers everything.
    refused = _Refused(form=form)
    if submit and request.POST["submit"] != "anyway":
        refused.unrated = form.unrated()
    if not valid or refused.unrated:
        return refused
    # A draft of a submitted day drops out of every figure: asked once, "Withdraw …" answers.
    withdraw = not submit and request.POST.get("draft") == "withdraw"
    lines = form.lines()
    try:
        conflicts.diary_save_from_page(
            participant=participant,
            date=date,
            lines=lines,
            submit=submit,
            keyed_in_by=keyed_in_by,
            expected_version=form.cleaned_data["version"],
            withdraw=withdraw,
            language=language,
        )
    except WithdrawUnconfirmed:
        refused.withdrawing = True
    except DiaryError as error:
        for message in error.errors:
            form.add_error(None, message)
    except StaleDay as stale:
        # 409 Conflict: the request was fine, but the day moved on. What was typed stays in the form, now
        # carrying the stored version: saving again is a deliberate overwrite.
        refused.conflict = {
            "differences": conflicts.stale_differences(stale, lines, survey=survey, submit=submit, language=language),
            "when": conflicts.changed_when(stale.day.updated_at) if stale.day else None,
        }
        refused.stored_day = stale.day
        form.show_version(stale.version)
        refused.status = 409
    else:
        keyed = participant if keyed_in_by is not None else None
        messages.success(request, saved_message(submit=submit, withdrew=withdraw, keyed=keyed, date=date))
        return redirect(request.path)
    return refused


def _typed_form(survey: Survey, typed: Mapping[str, str]) -> DayForm:
    """What was typed, shown as typed and not checked: the rules speak when it is saved, not before."""
    tasks, _lines = dayqueries.tasks_and_lines(survey, None)
    return DayForm(initial=dict(typed), survey=survey, tasks=tasks, language=get_language())


def _stored_form(
    request: HttpRequest, *, participant: Participant, date: dt.date, saved: DiaryDay | None, editable: bool
) -> tuple[DayForm, dt.date | None, Survey | None]:
    """The form of the stored day; asked for (`?from=previous`), the rows of the manager's previous day instead,
    with that day's date and, when it is another round's, that round."""
    survey = participant.survey
    tasks, lines = dayqueries.tasks_and_lines(survey, saved)
    initial = DayForm.initial_from(lines, hours=survey.hours_per_day)
    prefilled_from = prefilled_round = None
    if request.method == "GET" and request.GET.get("from") == "previous" and editable:
        previous = selectors.previous_day(participant=participant, before=date)
        if previous:
            # Rows only: the ratings belong to the day being described. Rows are matched by task code, so a
            # task another round does not have is left out.
            initial = DayForm.initial_from(
                previous.lines.select_related("task"), hours=survey.hours_per_day, ratings=False
            )
            prefilled_from = previous.date
            if previous.participant_id != participant.pk:
                prefilled_round = previous.participant.survey
        else:
            messages.info(request, _("There is no earlier saved day to start from."))
    initial["version"] = saved.version if saved else UNSAVED_VERSION
    return (
        DayForm(initial=initial, survey=survey, tasks=tasks, language=get_language()),
        prefilled_from,
        prefilled_round,
    )


# --- Sign-in links -------------------------------------------------------------------------------


# Links that did not work, per client: a signed link cannot be guessed, but nobody gets to try. Only
# refused links count, so a municipality's managers behind one address can all open their invitations.
SIGNIN_LINK_FAILURES_PER_HOUR = 30


def _link_failures(request: HttpRequest, *, increment: bool) -> int:
    rate = f"{SIGNIN_LINK_FAILURES_PER_HOUR}/h"
    usage = get_usage(request, group="signin-link-use", key="ip", rate=rate, increment=increment)
    return usage["count"] if usage else 0


@require_http_methods(["GET"])
def signin_link(request: HttpRequest) -> HttpResponse:
    """A personal link from an e-mail: sign in and open the day it names, or the first day to fill."""
    if _link_failures(request, increment=False) >= SIGNIN_LINK_FAILURES_PER_HOUR:
        return render(request, "registration/link_limited.html", status=429)
    survey = None
    if request.GET.get("omgang"):
        survey = Survey.objects.filter(slug=request.GET["omgang"]).first()
        user = get_user(request, scope=mailings.diary_scope(survey), update_last_login=False) if survey else None
    else:
        user = get_user(
            request, scope=mailings.LOGIN_SCOPE, max_age=mailings.LOGIN_LINK_MAX_AGE, update_last_login=False
        )
    if user is None:
        _link_failures(request, increment=True)
        return render(request, "registration/link_invalid.html", {"form": SigninLinkForm()}, status=400)
    login(request, user)
    participant = Participant.objects.filter(survey=survey, user=user).first() if survey else None
    if participant is None:
        # A link asked for on the login page returns to the page that sent the user there.
        return redirect(_safe_next(request, request.GET.get("next", "")) or "home")
    try:
        date = dt.date.fromisoformat(request.GET.get("dag", ""))
    except ValueError:
        date = progress.first_day_to_fill(participant=participant)
    if date is None or not survey.contains(date):
        return redirect("home")
    return redirect("surveys:day", survey.slug, date.isoformat())


def _safe_next(request: HttpRequest, url: str) -> str:
    """`url` when it is a page of this site to return to after signing in, else ""."""
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and allowed else ""


def _address_key(group: str, request: HttpRequest) -> str:
    # Addresses match accounts whatever their case, so "Anna@" and "anna@" share one limit.
    return request.POST.get("email", "").strip().casefold()


# Per address and per client, so that nobody can flood someone's inbox or probe many addresses.
SIGNIN_LINK_RATES = {_address_key: "3/h", "ip": "20/h"}


@require_http_methods(["POST"])
def signin_request(request: HttpRequest) -> HttpResponse:
    """'E-mail me a sign-in link': the same answer whether or not the address has an account."""
    form = SigninLinkForm(request.POST)
    next_url = _safe_next(request, request.POST.get("next", ""))
    if not form.is_valid():
        ctx = {"form": AuthenticationForm(request), "link_form": form, "next": next_url}
        return render(request, "registration/login.html", ctx, status=400)
    limited = [
        is_ratelimited(request, group="signin-link", key=key, rate=rate, increment=True)
        for key, rate in SIGNIN_LINK_RATES.items()
    ]
    if not any(limited):
        mailings.send_signin_link(
            email=form.cleaned_data["email"], base_url=request.build_absolute_uri("/")[:-1], next_url=next_url
        )
    messages.info(
        request,
        _(
            "If %(email)s belongs to an account, a sign-in link is on its way. It is valid for one hour; "
            "check your spam folder if it does not arrive within a few minutes."
        )
        % {"email": form.cleaned_data["email"]},
    )
    if next_url:
        return redirect(f"{reverse('login')}?{urlencode({'next': next_url})}")
    return redirect("login")
