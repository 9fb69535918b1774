"""The analysis pages: rounds, a round's dashboard, managers side by side, two rounds, my profile,
and every table for download.

The project group and administrators see the rounds of their own municipalities (404 for another
municipality's round); a manager sees only their own profile (403 elsewhere, 404 for a round they are
not in). Pages name managers only by participant number.

Each page's figures, rows, charts and download tables come from its own module (`dashboard`,
`comparison`, `rounds`, `profile`), imported inside the view: they bring pandas and numpy, which the
URLconf (and with it every diary page) should not have to load (`tests/analysis/test_imports.py`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from mio import downloads
from surveys import audit, roles
from surveys import selectors as survey_selectors
from surveys.models import Participant, Survey

from . import headings
from .disclosure import MIN_GROUP, Withheld
from .forms import CompareForm, FilterForm, RoundsForm

TABLE_FORMATS = set(downloads.FORMATS)


def _require_analyst(request: HttpRequest) -> None:
    """The whole-round pages are for the project group and administrators: 403 for anyone else."""
    if not roles.can_analyse(request.user):
        raise PermissionDenied


def _survey_for(request: HttpRequest, slug: str) -> Survey:
    """A round of the user's municipalities: 403 for a role without analysis, 404 for another's round."""
    _require_analyst(request)
    return get_object_or_404(roles.visible_surveys(request.user).select_related("municipality"), slug=slug)


def _language() -> str:
    return "en" if (get_language() or "").startswith("en") else "sv"


def _decimal() -> str:
    return formats.get_format("DECIMAL_SEPARATOR")


def withheld_message(managers: int | None = None) -> str:
    """Why a selection shows no figures: no manager-days at all (`managers` 0), or too few managers."""
    if managers == 0:
        return _("No diary days match this selection.")
    return _(
        "This selection has fewer than %(count)d managers, so its figures are withheld to protect their anonymity."
    ) % {"count": MIN_GROUP}


def _withheld_response(fmt: str, managers: int | None = None) -> HttpResponse:
    """Downloads of a too small or empty selection answer 409 (the request is allowed; the data are too few)."""
    message = withheld_message(managers)
    if fmt == "json":
        return JsonResponse({"error": message}, status=409, json_dumps_params={"ensure_ascii": False})
    return HttpResponse(message, status=409, content_type="text/plain; charset=utf-8")


def _invalid_response(form: Any) -> HttpResponse:
    messages = [str(message) for errors in form.errors.values() for message in errors]
    return HttpResponse("\n".join(messages), status=400, content_type="text/plain; charset=utf-8")


def _json(data: dict) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def _download(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    fmt: str,
    name: str,
    tasks: Iterable[Mapping[str, Any]] = (),
    hours: Sequence[str] = (),
) -> HttpResponse:
    """A table for people: headings, labels and numbers as the page's language writes them (the
    JSON keeps codes). `tasks` are the round's task rows, for labels in that language; `hours` its
    hour slots as clock times, heading the columns h1..hN."""
    titles, number_formats, readable_rows = headings.readable(
        header, rows, tasks=tasks, hours=hours, language=_language()
    )
    return downloads.table_response(
        header, readable_rows, fmt=fmt, name=name, headings=titles, number_formats=number_formats
    )


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _require_analyst(request)
    rounds = (
        roles.visible_surveys(request.user)
        .select_related("municipality")
        .annotate(participant_total=Count("participants"))
        .order_by("-start_date", "name")
    )
    return render(request, "analysis/index.html", {"rounds": rounds, "nav": "analysis"})


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    survey = _survey_for(request, slug)
    form = FilterForm(request.GET, survey=survey)
    ctx: dict[str, Any] = {"survey": survey, "form": form, "nav": "analysis", "page": "dashboard"}
    # Read here and not with the cached figures: closing a round does not change its data version.
    ctx["round_open"] = survey.status == Survey.Status.OPEN
    if form.is_valid():
        from .dashboard import dashboard_charts, dashboard_figures, dashboard_rows

        ctx["query"] = form.query()
        try:
            figures = dashboard_figures(survey=survey, filters=form.filters())
        except Withheld as withheld:
            ctx["withheld"] = withheld_message(withheld.managers)
            ctx["empty"] = withheld.managers == 0
        else:
            language = _language()
            ctx.update(dashboard_rows(figures, language=language))
            ctx["charts"] = dashboard_charts(
                survey=survey, filters=form.filters(), figures=figures, language=language, decimal=_decimal()
            )
    return render(request, "analysis/dashboard.html", ctx)


@login_required
def export(request: HttpRequest, slug: str, table: str, fmt: str) -> HttpResponse:
    """A dashboard table as CSV or xlsx, and the ranking also as JSON: `reports.friction_report`'s data."""
    from .dashboard import DASHBOARD_TABLES, dashboard_figures, dashboard_table

    survey = _survey_for(request, slug)
    if table not in DASHBOARD_TABLES or fmt not in TABLE_FORMATS | {"json"}:
        raise Http404
    if fmt == "json" and table != "ranking":
        raise Http404
    form = FilterForm(request.GET, survey=survey)
    if not form.is_valid():
        return _invalid_response(form)
    try:
        figures = dashboard_figures(survey=survey, filters=form.filters())
    except Withheld as withheld:
        return _withheld_response(fmt, withheld.managers)
    audit.downloaded(request, table=table, fmt=fmt, survey=survey, selection=form.query())
    if fmt == "json":
        return _json(figures["report"])
    header, rows = dashboard_table(figures, table)
    return _download(
        header, rows, fmt=fmt, name=f"{survey.slug}-{table}", tasks=figures["tasks"], hours=survey.hour_labels
    )


def _compare_form(request: HttpRequest, survey: Survey) -> CompareForm:
    numbers = list(survey.participants.order_by("number").values_list("number", flat=True))
    return CompareForm(request.GET if "m" in request.GET else None, numbers=numbers)


@login_required
def compare(request: HttpRequest, slug: str) -> HttpResponse:
    survey = _survey_for(request, slug)
    form = _compare_form(request, survey)
    ctx: dict[str, Any] = {"survey": survey, "form": form, "nav": "analysis", "page": "compare"}
    if form.is_valid():
        from .comparison import comparison_charts, comparison_figures, comparison_rows

        numbers = form.cleaned_data["m"]
        ctx["query"] = "&".join(f"m={number}" for number in numbers)
        try:
            data = comparison_figures(survey=survey, numbers=numbers)
        except Withheld:
            ctx["withheld"] = withheld_message()
        else:
            language = _language()
            ctx.update(comparison_rows(data, language=language))
            ctx["charts"] = comparison_charts(survey=survey, data=data, language=language, decimal=_decimal())
    return render(request, "analysis/compare.html", ctx)


@login_required
def compare_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """Managers side by side as JSON (`reports.compare_managers`'s data), CSV or xlsx."""
    survey = _survey_for(request, slug)
    if fmt not in TABLE_FORMATS | {"json"}:
        raise Http404
    form = _compare_form(request, survey)
    if not form.is_valid():
        return (
            _invalid_response(form)
            if form.is_bound
            else HttpResponse(
                _("Choose at least two managers to compare."), status=400, content_type="text/plain; charset=utf-8"
            )
        )
    from .comparison import comparison_figures
    from .reports import comparison_rows

    try:
        data = comparison_figures(survey=survey, numbers=form.cleaned_data["m"])
    except Withheld:
        return _withheld_response(fmt)
    selection = "&".join(f"m={number}" for number in form.cleaned_data["m"])
    audit.downloaded(request, table="comparison", fmt=fmt, survey=survey, selection=selection)
    if fmt == "json":
        return _json(data["report"])
    header, rows = comparison_rows(data["report"])
    return _download(header, rows, fmt=fmt, name=f"{survey.slug}-comparison", tasks=data["tasks"])


def _rounds_form(request: HttpRequest) -> RoundsForm:
    """The rounds asked for; without a baseline, the follow-up's latest comparable earlier round
    (and without either, the latest such pair), so that the page opens on a comparison. Only the
    user's municipalities' rounds are offered, found or accepted."""
    visible = roles.visible_surveys(request.user)
    params = request.GET.copy()
    # A round that is not the user's answers 404, like its dashboard, and not a form error that
    # would tell that it exists.
    asked = {params.get(name) for name in ("baseline", "followup")} - {None, ""}
    if asked and visible.filter(slug__in=asked).count() != len(asked):
        raise Http404
    if params.get("baseline"):
        return RoundsForm(params, surveys=visible)
    followup = visible.filter(slug=params["followup"]).first() if params.get("followup") else None
    if followup is not None:
        # A pair needs as many managers in both rounds as any figure (MIN_GROUP). The baseline is of
        # the follow-up's municipality, which the user sees.
        baseline = survey_selectors.comparable_baseline(followup=followup, min_paired=MIN_GROUP)
        if baseline is None:  # nothing earlier to compare with: let the user pick
            return RoundsForm(initial={"followup": followup}, surveys=visible)
        pair = (baseline, followup)
    else:
        pair = survey_selectors.latest_comparable_pair(surveys=visible, min_paired=MIN_GROUP)
    if pair is None:
        return RoundsForm(params if "followup" in params else None, surveys=visible)
    params["baseline"], params["followup"] = pair[0].slug, pair[1].slug
    return RoundsForm(params, surveys=visible)


@login_required
def rounds(request: HttpRequest) -> HttpResponse:
    _require_analyst(request)
    form = _rounds_form(request)
    ctx: dict[str, Any] = {"form": form, "nav": "analysis"}
    if form.is_valid():
        from .rounds import rounds_chart, rounds_figures, rounds_rows

        baseline, followup = form.cleaned_data["baseline"], form.cleaned_data["followup"]
        ctx.update(baseline=baseline, followup=followup, query=request.GET.urlencode())
        try:
            data = rounds_figures(baseline=baseline, followup=followup)
        except Withheld:
            ctx["withheld"] = withheld_message()
        else:
            language = _language()
            ctx.update(rounds_rows(data, language=language))
            ctx["chart"] = rounds_chart(
                baseline=baseline, followup=followup, data=data, language=language, decimal=_decimal()
            )
    return render(request, "analysis/rounds.html", ctx)


@login_required
def rounds_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _require_analyst(request)
    if fmt not in TABLE_FORMATS | {"json"}:
        raise Http404
    form = _rounds_form(request)
    if not form.is_valid():
        return _invalid_response(form)
    from .rounds import rounds_figures, rounds_table

    baseline, followup = form.cleaned_data["baseline"], form.cleaned_data["followup"]
    try:
        data = rounds_figures(baseline=baseline, followup=followup)
    except Withheld:
        return _withheld_response(fmt)
    audit.downloaded(request, table="rounds", fmt=fmt, survey=followup, selection=f"baseline={baseline.slug}")
    if fmt == "json":
        return _json(data["report"])
    header, rows = rounds_table(data)
    return _download(header, rows, fmt=fmt, name=f"{baseline.slug}-{followup.slug}", tasks=data["tasks"])


def _participant_for(request: HttpRequest, survey: Survey) -> Participant:
    """The signed-in user's own participation in the round; 404 for anyone else's or none."""
    try:
        return Participant.objects.get(survey=survey, user=request.user)
    except Participant.DoesNotExist:
        raise Http404 from None


@login_required
def my_profiles(request: HttpRequest) -> HttpResponse:
    """ "My profile": straight to it when the user takes part in one round, else a list of rounds."""
    participations = list(
        Participant.objects.filter(user=request.user).select_related("survey").order_by("-survey__start_date")
    )
    if len(participations) == 1:
        return redirect("analysis:profile", participations[0].survey.slug)
    return render(request, "analysis/profiles.html", {"participations": participations, "nav": "profile"})


@login_required
def profile(request: HttpRequest, slug: str) -> HttpResponse:
    survey = get_object_or_404(Survey, slug=slug)
    participant = _participant_for(request, survey)
    from .profile import profile_chart, profile_figures, profile_rows

    language = _language()
    data = profile_figures(survey=survey, number=participant.number)
    ctx = {
        "survey": survey,
        "participant": participant,
        "nav": "profile",
        **profile_rows(data, language=language),
        "chart": profile_chart(survey=survey, data=data, language=language, decimal=_decimal()),
    }
    return render(request, "analysis/profile.html", ctx)
