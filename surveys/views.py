"""The manager's pages: "Min dagbok" and the day form."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import roles, selectors
from .forms import FUNCTION_SCALE, VALUE_SCALE, DayForm
from .models import DiaryDay, Participant, Survey
from .services import DiaryError, diary_save


def _participant_for(request: HttpRequest, survey: Survey) -> Participant:
    """The signed-in manager's participation in the round; 404 for anyone else."""
    try:
        return Participant.objects.select_related("survey").get(survey=survey, user=request.user)
    except Participant.DoesNotExist:
        raise Http404 from None


def _date_in(survey: Survey, text: str) -> dt.date:
    try:
        date = dt.date.fromisoformat(text)
    except ValueError:
        raise Http404 from None
    if not survey.contains(date):
        raise Http404
    return date


@login_required
def home(request: HttpRequest) -> HttpResponse:
    participations = list(selectors.participations_open_for(user=request.user))
    rounds = []
    for participant in participations:
        days = selectors.day_statuses(participant=participant)
        submitted = sum(1 for _date, status in days if status == DiaryDay.Status.SUBMITTED)
        rounds.append(
            {
                "participant": participant,
                "survey": participant.survey,
                "days": days,
                "submitted": submitted,
                "expected": len(participant.survey.weekdays()),
            }
        )
    ctx = {"rounds": rounds, "can_analyse": roles.can_analyse(request.user), "nav": "diary"}
    return render(request, "surveys/home.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def day(request: HttpRequest, slug: str, date: str) -> HttpResponse:
    survey = get_object_or_404(Survey, slug=slug)
    participant = _participant_for(request, survey)
    the_date = _date_in(survey, date)
    saved = DiaryDay.objects.filter(participant=participant, date=the_date).first()
    tasks = list(survey.tasks.select_related("category").order_by("order", "id"))
    language = get_language()
    editable = survey.is_editable()
    prefilled_from = None

    if request.method == "POST":
        if not editable:
            messages.error(request, _("The survey round is closed; the diary can no longer be changed."))
            return redirect("surveys:day", survey.slug, the_date.isoformat())
        form = DayForm(request.POST, survey=survey, tasks=tasks, language=language)
        if form.is_valid():
            submit = "submit" in request.POST
            try:
                diary_save(participant=participant, date=the_date, lines=form.lines(), submit=submit)
            except DiaryError as error:
                for message in error.errors:
                    form.add_error(None, message)
            else:
                if submit:
                    messages.success(request, _("The day is submitted. Thank you!"))
                else:
                    messages.success(request, _("The day is saved as a draft."))
                return redirect("surveys:day", survey.slug, the_date.isoformat())
    else:
        lines = saved.lines.select_related("task") if saved else []
        initial = DayForm.initial_from(lines, hours=survey.hours_per_day)
        if request.GET.get("from") == "previous" and editable:
            previous = selectors.previous_day(participant=participant, before=the_date)
            if previous and previous.date != the_date:
                # Rows only: the ratings belong to the day being described.
                initial = DayForm.initial_from(
                    previous.lines.select_related("task"), hours=survey.hours_per_day, ratings=False
                )
                prefilled_from = previous.date
            else:
                messages.info(request, _("There is no earlier saved day to start from."))
        form = DayForm(initial=initial, survey=survey, tasks=tasks, language=language)

    hour_totals = form.hour_totals()
    dates = [date for date, _status in selectors.day_statuses(participant=participant)]
    position = dates.index(the_date) if the_date in dates else None
    ctx = {
        "survey": survey,
        "participant": participant,
        "date": the_date,
        "saved": saved,
        "form": form,
        "grid": form.grid(),
        "hour_totals": hour_totals,
        "over_hours": {hour for hour, total in enumerate(hour_totals, start=1) if total > 60},
        "nav": "diary",
        "day_total": sum(hour_totals),
        "editable": editable,
        "prefilled_from": prefilled_from,
        "value_scale": VALUE_SCALE,
        "function_scale": FUNCTION_SCALE,
        "previous_date": dates[position - 1] if position else None,
        "next_date": dates[position + 1] if position is not None and position + 1 < len(dates) else None,
    }
    return render(request, "surveys/day.html", ctx)
