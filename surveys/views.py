"""The manager's pages: "Min dagbok" and the day form."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import get_usage, is_ratelimited
from sesame.utils import get_user

from . import access, conflicts, mailings, progress, roles, selectors
from .forms import FUNCTION_SCALE, VALUE_SCALE, DayForm, SigninLinkForm
from .models import DiaryDay, Participant, Survey
from .services import UNSAVED_VERSION, DiaryError, StaleDay, unrated_lines


def _participant_for(request: HttpRequest, survey: Survey) -> Participant:
    """The signed-in manager's participation in the round; 404 for anyone else."""
    try:
        return Participant.objects.select_related("survey").get(survey=survey, user=request.user)
    except Participant.DoesNotExist:
        raise Http404 from None


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A manager's start page: per round, the next day to fill and how far they have come.

    Project-group members and administrators who keep no diary land on the rounds they follow."""
    participations = list(selectors.participations_open_for(user=request.user))
    if not participations and roles.can_analyse(request.user):
        return redirect("surveys:rounds")
    today = progress.local_today()
    rounds = []
    for participant in participations:
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
            }
        )
    ctx = {"rounds": rounds, "today": today, "nav": "diary"}
    return render(request, "surveys/home.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def day(request: HttpRequest, slug: str, date: str) -> HttpResponse:
    survey = get_object_or_404(Survey, slug=slug)
    participant = _participant_for(request, survey)
    return day_form_response(
        request, participant=participant, date=access.date_in(survey, date), template="surveys/day.html"
    )


def day_form_response(
    request: HttpRequest,
    *,
    participant: Participant,
    date: dt.date,
    template: str,
    keyed_in_by=None,
    extra_context: dict | None = None,
) -> HttpResponse:
    """The day form, shown and saved: for the manager on their own page, and for an administrator keying in
    the manager's paper form (`keyed_in_by`). The caller has checked who may see it; a save redirects to
    the same address."""
    survey = participant.survey
    saved = DiaryDay.objects.select_related("keyed_in_by").filter(participant=participant, date=date).first()
    tasks = list(survey.tasks.select_related("category").order_by("order", "id"))
    language = get_language()
    # A day an administrator reopened can be changed in a closed round until it is submitted again.
    editable = survey.is_editable() or (saved is not None and saved.reopened)
    prefilled_from = None
    prefilled_round = None  # the earlier round the rows came from, when not this one
    unrated: list[tuple[str, str]] = []  # (task code, label) of rows asked about before submitting
    conflict = None  # a save refused because the day was changed elsewhere since the page was built
    status = 200

    if request.method == "POST":
        if not editable:
            messages.error(request, _("The survey round is closed; the diary can no longer be changed."))
            return redirect(request.path)
        form = DayForm(request.POST, survey=survey, tasks=tasks, language=language)
        if form.is_valid():
            submit = "submit" in request.POST
            lines = form.lines()
            # Rows without a "how well it worked" rating are asked about once; "Submit anyway" answers.
            if submit and request.POST["submit"] != "anyway":
                unrated = [(line.task.code, line.task.display_label(language)) for line in unrated_lines(lines)]
            if not unrated:
                try:
                    conflicts.diary_save_from_page(
                        participant=participant,
                        date=date,
                        lines=lines,
                        submit=submit,
                        keyed_in_by=keyed_in_by,
                        expected_version=form.cleaned_data["version"],
                        language=language,
                    )
                except DiaryError as error:
                    for message in error.errors:
                        form.add_error(None, message)
                except StaleDay as stale:
                    # 409 Conflict: the request was fine, but the day moved on. What was typed stays in the
                    # form, now carrying the stored version: saving again is a deliberate overwrite.
                    conflict = {
                        "differences": conflicts.stale_differences(
                            stale, lines, survey=survey, submit=submit, language=language
                        ),
                        "when": conflicts.changed_when(stale.day.updated_at) if stale.day else None,
                    }
                    form.show_version(stale.version)
                    saved = stale.day
                    status = 409
                else:
                    if submit:
                        messages.success(request, _("The day is submitted. Thank you!"))
                    else:
                        messages.success(request, _("The day is saved as a draft."))
                    return redirect(request.path)
    else:
        lines = saved.lines.select_related("task") if saved else []
        initial = DayForm.initial_from(lines, hours=survey.hours_per_day)
        if request.GET.get("from") == "previous" and editable:
            previous = selectors.previous_day(participant=participant, before=date)
            if previous:
                # Rows only: the ratings belong to the day being described. Rows are matched by task code,
                # so a task another round does not have is left out.
                initial = DayForm.initial_from(
                    previous.lines.select_related("task"), hours=survey.hours_per_day, ratings=False
                )
                prefilled_from = previous.date
                if previous.participant_id != participant.pk:
                    prefilled_round = previous.participant.survey
            else:
                messages.info(request, _("There is no earlier saved day to start from."))
        initial["version"] = saved.version if saved else UNSAVED_VERSION
        form = DayForm(initial=initial, survey=survey, tasks=tasks, language=language)

    hour_totals = form.hour_totals()
    grid = form.grid()
    dates = [day for day, _status in selectors.day_statuses(participant=participant)]
    position = dates.index(date) if date in dates else None
    ctx = {
        "survey": survey,
        "participant": participant,
        "date": date,
        "saved": saved,
        "form": form,
        "grid": grid,
        "error_summary": form.error_summary(grid) if form.errors else [],
        "hour_totals": hour_totals,
        "hour_sums": [
            {"hour": hour, "time": survey.hour_label(hour), "total": total}
            for hour, total in enumerate(hour_totals, start=1)
        ],
        # A phone shows a row's hours on one line, or on two when a round has more than 8.
        "phone_columns": survey.hours_per_day if survey.hours_per_day <= 8 else (survey.hours_per_day + 1) // 2,
        "nav": "diary",
        "day_total": sum(hour_totals),
        "editable": editable,
        "prefilled_from": prefilled_from,
        "prefilled_round": prefilled_round,
        # What the page shows was not stored (a refused save, or rows from another day): leaving asks first.
        "unsaved": form.is_bound or prefilled_from is not None,
        "unrated": unrated,
        "value_scale": VALUE_SCALE,
        "function_scale": FUNCTION_SCALE,
        "previous_date": dates[position - 1] if position else None,
        "next_date": dates[position + 1] if position is not None and position + 1 < len(dates) else None,
        "keying": keyed_in_by is not None,
        "conflict": conflict,
        **(extra_context or {}),
    }
    return render(request, template, ctx, status=status)


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
        return redirect("home")
    try:
        date = dt.date.fromisoformat(request.GET.get("dag", ""))
    except ValueError:
        date = progress.first_day_to_fill(participant=participant)
    if date is None or not survey.contains(date):
        return redirect("home")
    return redirect("surveys:day", survey.slug, date.isoformat())


def _address_key(group: str, request: HttpRequest) -> str:
    # Addresses match accounts whatever their case, so "Anna@" and "anna@" share one limit.
    return request.POST.get("email", "").strip().casefold()


# Per address and per client, so that nobody can flood someone's inbox or probe many addresses.
SIGNIN_LINK_RATES = {_address_key: "3/h", "ip": "20/h"}


@require_http_methods(["POST"])
def signin_request(request: HttpRequest) -> HttpResponse:
    """'E-mail me a sign-in link': the same answer whether or not the address has an account."""
    form = SigninLinkForm(request.POST)
    if not form.is_valid():
        return render(
            request, "registration/login.html", {"form": AuthenticationForm(request), "link_form": form}, status=400
        )
    limited = [
        is_ratelimited(request, group="signin-link", key=key, rate=rate, increment=True)
        for key, rate in SIGNIN_LINK_RATES.items()
    ]
    if not any(limited):
        mailings.send_signin_link(email=form.cleaned_data["email"], base_url=request.build_absolute_uri("/")[:-1])
    messages.info(
        request,
        _(
            "If %(email)s belongs to an account, a sign-in link is on its way. It is valid for one hour; "
            "check your spam folder if it does not arrive within a few minutes."
        )
        % {"email": form.cleaned_data["email"]},
    )
    return redirect("login")
