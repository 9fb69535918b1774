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

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from mio import cache, downloads
from surveys import audit, roles
from surveys import selectors as survey_selectors
from surveys.models import Participant, Survey

from . import headings
from .disclosure import COMPLEMENT, LISTING, MIN_GROUP, SECONDARY, TOO_FEW, Withheld
from .forms import MAX_COMPARED, CompareForm, FilterForm, RoundsForm, parse_id, search_managers, search_units
from .labels import pseudonym

TABLE_FORMATS = set(downloads.FORMATS)
SLUG = re.compile(r"[-a-zA-Z0-9_]+")


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


def withheld_message(managers: int | None = None, reason: str = TOO_FEW) -> str:
    """Why a selection shows no figures: no manager-days at all (`managers` 0), too few managers, a
    wider selection minus this one would single out fewer than 3, or (the managers × tasks grid) a
    unit too small to list managers one by one. Never how many are in the small group. A page puts it
    after the heading "Figures withheld.", so it gives the reason without saying that again."""
    if reason == COMPLEMENT:
        return _(
            "This selection leaves fewer than %(count)d managers outside it in a wider selection (its department, "
            "the round or its other weekdays): the wider selection's figures minus these would be theirs."
        ) % {"count": MIN_GROUP}
    if reason == SECONDARY:
        return _(
            "A smaller group beside this selection is withheld, and the wider selection minus the parts shown "
            "would otherwise give that group's figures."
        )
    if reason == LISTING:
        return _(
            "A unit or department in this selection has fewer than %(count)d managers, so the managers are not "
            "listed one by one. Choose a selection in which every unit has at least %(count)d."
        ) % {"count": MIN_GROUP}
    if managers == 0:
        return _("No diary days match this selection.")
    return _(
        "This selection has fewer than %(count)d managers: too few to show figures without risking their anonymity."
    ) % {"count": MIN_GROUP}


def _withheld_response(fmt: str, managers: int | None = None, reason: str = TOO_FEW) -> HttpResponse:
    """Downloads of a too small or empty selection answer 409 (the request is allowed; the data are too few)."""
    message = withheld_message(managers, reason)
    if fmt == "json":
        return JsonResponse({"error": message}, status=409, json_dumps_params={"ensure_ascii": False})
    return HttpResponse(message, status=409, content_type="text/plain; charset=utf-8")


def _svg_response(svg: str) -> HttpResponse:
    """A chart as an image of its own, so that a page's HTML never waits for matplotlib. Its
    Cache-Control is `mio.nostore`'s, as for the page it belongs to."""
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


def _chart_link(url: str, query: str, alt: str) -> dict[str, str]:
    """A chart as the page's template shows it: its image URL (with the page's query) and alt text."""
    return {"src": f"{url}?{query}" if query else url, "alt": alt}


def _cached_download(survey: Survey, name: str, params: tuple, build: Callable[[], HttpResponse]) -> HttpResponse:
    """A download's bytes, built once per data version, selection, table, format, language and
    decimal sign (`build()` may raise Withheld, which is never cached): a warm download is a cache
    read. The caller records the download in the audit trail every time."""

    def compute() -> tuple[bytes, str, str]:
        response = build()
        return response.content, response["Content-Type"], response.get("Content-Disposition", "")

    content, content_type, disposition = cache.for_round(
        f"analysis:download-{name}", survey=survey, params=(*params, _language(), _decimal()), compute=compute
    )
    response = HttpResponse(content, content_type=content_type)
    if disposition:
        response["Content-Disposition"] = disposition
    return response


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
    selection: Sequence[str] = (),
    tasks: Iterable[Mapping[str, Any]] = (),
    hours: Sequence[str] = (),
) -> HttpResponse:
    """A table for people: headings, labels and numbers as the page's language writes them (the
    JSON keeps codes). `tasks` are the round's task rows, for labels in that language; `hours` its
    hour slots as clock times, heading the columns h1..hN.

    The file is named `name`, then the words of the page's selection and the language
    ("demo-ranking-hemtjanst-norr-monday-en.csv"), its sheet `name`: the same table of two
    selections or languages would otherwise share a name, and Excel opens only one workbook of a name."""
    language = _language()
    titles, number_formats, readable_rows = headings.readable(header, rows, tasks=tasks, hours=hours, language=language)
    return downloads.table_response(
        header,
        readable_rows,
        fmt=fmt,
        name="-".join([name, *selection, language]),
        headings=titles,
        number_formats=number_formats,
        sheet=name,
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
        from .dashboard import chart_titles, dashboard_chart_names, dashboard_figures, dashboard_rows

        ctx["query"] = form.query()
        try:
            figures = dashboard_figures(survey=survey, filters=form.filters())
        except Withheld as withheld:
            ctx["withheld"] = withheld_message(withheld.managers, withheld.reason)
            ctx["empty"] = withheld.managers == 0
        else:
            language = _language()
            ctx.update(dashboard_rows(figures, language=language))
            ctx["listing_withheld"] = withheld_message(None, LISTING)
            ctx["min_group"] = MIN_GROUP
            titles = chart_titles()
            ctx["charts"] = {
                name: _chart_link(reverse("analysis:dashboard_chart", args=[slug, name]), ctx["query"], titles[name])
                for name in dashboard_chart_names(figures)
            }
    return render(request, "analysis/dashboard.html", ctx)


@login_required
def dashboard_chart(request: HttpRequest, slug: str, chart: str) -> HttpResponse:
    """One of the dashboard's charts for the page's selection (the same query string), for the same
    users; a withheld selection answers 409 and a chart it does not draw (the managers heatmap where
    they may not be listed or are too many) 404."""
    from .dashboard import CHART_PARTS
    from .dashboard import dashboard_chart as draw

    survey = _survey_for(request, slug)
    if chart not in CHART_PARTS:
        raise Http404
    form = FilterForm(request.GET, survey=survey)
    if not form.is_valid():
        return _invalid_response(form)
    try:
        svg = draw(survey=survey, filters=form.filters(), name=chart, language=_language(), decimal=_decimal())
    except Withheld as withheld:
        return _withheld_response("svg", withheld.managers, withheld.reason)
    if not svg:
        raise Http404
    return _svg_response(svg)


@login_required
def export(request: HttpRequest, slug: str, table: str, fmt: str) -> HttpResponse:
    """A dashboard table as CSV or xlsx, and the ranking also as JSON: `reports.friction_report`'s data
    with the disclosure rule applied. Each computes only its part of the dashboard's figures."""
    from .dashboard import DASHBOARD_TABLES, TABLE_PARTS, dashboard_figures, dashboard_table

    survey = _survey_for(request, slug)
    if table not in DASHBOARD_TABLES or fmt not in TABLE_FORMATS | {"json"}:
        raise Http404
    if fmt == "json" and table != "ranking":
        raise Http404
    form = FilterForm(request.GET, survey=survey)
    if not form.is_valid():
        return _invalid_response(form)

    def build() -> HttpResponse:
        figures = dashboard_figures(survey=survey, filters=form.filters(), parts=TABLE_PARTS[table])
        if fmt == "json":
            return _json(figures["report"])
        header, rows = dashboard_table(figures, table)
        return _download(
            header,
            rows,
            fmt=fmt,
            name=f"{survey.slug}-{table}",
            selection=form.file_words(),
            tasks=figures["tasks"],
            hours=survey.hour_labels,
        )

    try:
        response = _cached_download(survey, "dashboard", (form.filters(), survey.first_hour, table, fmt), build)
    except Withheld as withheld:
        return _withheld_response(fmt, withheld.managers, withheld.reason)
    audit.downloaded(request, table=table, fmt=fmt, survey=survey, selection=form.query())
    return response


@login_required
def unit_search(request: HttpRequest, slug: str) -> JsonResponse:
    """The dashboard's unit search as JSON for its script (`?q=`, within `?department=`): the same
    matches as `?unit_q=` on the page, at most `forms.UNIT_CHOICES`, for the same users."""
    survey = _survey_for(request, slug)
    search = search_units(
        survey=survey, query=request.GET.get("q", ""), department=parse_id(request.GET.get("department"))
    )
    return _json(
        {
            "query": search.query,
            "total": search.total,
            "units": [
                {"id": unit.id, "name": unit.name, "department_id": unit.department_id, "department": unit.department}
                for unit in search.units
            ],
            # The page's own sentence under the list, so that the script writes what the page would.
            "note": search.note(),
        }
    )


def _compare_form(request: HttpRequest, survey: Survey) -> CompareForm:
    return CompareForm(request.GET if "m" in request.GET else None, survey=survey)


@login_required
def compare(request: HttpRequest, slug: str) -> HttpResponse:
    """Managers side by side. The managers to choose from are the chosen ones and a search's
    matches (`?q=` a number or a unit), never the whole round: the page's size does not grow with it."""
    survey = _survey_for(request, slug)
    form = _compare_form(request, survey)
    chosen = form.chosen()
    searching = "q" in request.GET
    ctx: dict[str, Any] = {
        "survey": survey,
        "form": form,
        "nav": "analysis",
        "page": "compare",
        "chosen": [(number, pseudonym(number)) for number in chosen],
        "search": search_managers(survey=survey, query=request.GET.get("q", ""), exclude=chosen),
        # A search with fewer than two chosen is not yet a comparison: no error for it.
        "show_errors": form.is_bound and not searching,
    }
    if form.is_valid():
        from .comparison import COMPARISON_CHARTS, chart_titles, comparison_figures, comparison_rows

        numbers = form.cleaned_data["m"]
        ctx["query"] = "&".join(f"m={number}" for number in numbers)
        try:
            data = comparison_figures(survey=survey, numbers=numbers)
        except Withheld:
            ctx["withheld"] = withheld_message()
        else:
            language = _language()
            ctx.update(comparison_rows(data, language=language))
            titles = chart_titles()
            ctx["charts"] = {
                name: _chart_link(reverse("analysis:compare_chart", args=[slug, name]), ctx["query"], titles[name])
                for name in COMPARISON_CHARTS
            }
    return render(request, "analysis/compare.html", ctx)


@login_required
def compare_chart(request: HttpRequest, slug: str, chart: str) -> HttpResponse:
    """One of the comparison's charts for the page's managers (the same `m=` numbers), for the same
    users; 400 without a valid choice and 409 where the figures are withheld."""
    from .comparison import COMPARISON_CHARTS, comparison_chart

    survey = _survey_for(request, slug)
    if chart not in COMPARISON_CHARTS:
        raise Http404
    form = CompareForm(request.GET, survey=survey)
    if not form.is_valid():
        return _invalid_response(form)
    try:
        svg = comparison_chart(
            survey=survey, numbers=form.cleaned_data["m"], name=chart, language=_language(), decimal=_decimal()
        )
    except Withheld:
        return _withheld_response("svg")
    return _svg_response(svg)


@login_required
def compare_search(request: HttpRequest, slug: str) -> JsonResponse:
    """The compare page's search as JSON for its script: the same matches as `?q=` on the page,
    for the same users (the round's analysts)."""
    survey = _survey_for(request, slug)
    exclude = [int(value) for value in request.GET.getlist("m") if value.isdigit() and len(value) < 10][:MAX_COMPARED]
    search = search_managers(survey=survey, query=request.GET.get("q", ""), exclude=exclude)
    return _json(
        {
            "query": search.query,
            "total": search.total,
            "managers": [{"number": match.number, "name": match.name, "unit": match.unit} for match in search.matches],
            # The page's own sentences, so that the script writes what the page would.
            "heading": _("Matching “%(query)s”") % {"query": search.query} if search.query else "",
            "empty": _("No manager matches the search."),
            "more": (
                _("Showing %(shown)s of %(total)s managers. Search by number or unit to find others.")
                % {"shown": len(search.matches), "total": search.total}
                if search.truncated
                else ""
            ),
        }
    )


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

    numbers = form.cleaned_data["m"]

    def build() -> HttpResponse:
        data = comparison_figures(survey=survey, numbers=numbers)
        if fmt == "json":
            return _json(data["report"])
        header, rows = comparison_rows(data["report"])
        return _download(
            header,
            rows,
            fmt=fmt,
            name=f"{survey.slug}-comparison",
            selection=[str(number) for number in numbers],
            tasks=data["tasks"],
        )

    try:
        response = _cached_download(survey, "comparison", (tuple(numbers), fmt), build)
    except Withheld:
        return _withheld_response(fmt)
    selection = "&".join(f"m={number}" for number in numbers)
    audit.downloaded(request, table="comparison", fmt=fmt, survey=survey, selection=selection)
    return response


def _rounds_form(request: HttpRequest) -> RoundsForm:
    """The rounds asked for; without a baseline, the follow-up's latest comparable earlier round
    (and without either, the latest such pair), so that the page opens on a comparison. Only the
    user's municipalities' rounds are offered, found or accepted."""
    visible = roles.visible_surveys(request.user)
    params = request.GET.copy()
    # A round that is not the user's answers 404, like its dashboard, and not a form error that
    # would tell that it exists.
    asked = {params.get(name) for name in ("baseline", "followup")} - {None, ""}
    # Not a slug (a NUL, say, which PostgreSQL refuses in a query) is no round of anyone's either.
    if any(not SLUG.fullmatch(slug) for slug in asked):
        raise Http404
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
        from .rounds import chart_title, rounds_figures, rounds_rows

        baseline, followup = form.cleaned_data["baseline"], form.cleaned_data["followup"]
        ctx.update(baseline=baseline, followup=followup, query=request.GET.urlencode())
        # Read here and not with the cached figures: closing a round does not change its data version.
        ctx["open_rounds"] = [survey for survey in (baseline, followup) if survey.status == Survey.Status.OPEN]
        try:
            data = rounds_figures(baseline=baseline, followup=followup)
        except Withheld as withheld:
            ctx["withheld"] = withheld_message(withheld.managers, withheld.reason)
        else:
            ctx["min_group"] = MIN_GROUP
            language = _language()
            ctx.update(rounds_rows(data, language=language))
            query = urlencode({"baseline": baseline.slug, "followup": followup.slug})
            ctx["chart"] = _chart_link(reverse("analysis:rounds_chart"), query, chart_title())
    return render(request, "analysis/rounds.html", ctx)


@login_required
def rounds_chart(request: HttpRequest) -> HttpResponse:
    """The rounds page's chart for the same rounds (the same query string), for the same users; 409
    where the pair's figures are withheld."""
    _require_analyst(request)
    form = _rounds_form(request)
    if not form.is_valid():
        return _invalid_response(form)
    from .rounds import rounds_chart as draw
    from .rounds import rounds_figures

    baseline, followup = form.cleaned_data["baseline"], form.cleaned_data["followup"]
    try:
        data = rounds_figures(baseline=baseline, followup=followup)
    except Withheld as withheld:
        return _withheld_response("svg", withheld.managers, withheld.reason)
    return _svg_response(
        draw(baseline=baseline, followup=followup, data=data, language=_language(), decimal=_decimal())
    )


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

    def build() -> HttpResponse:
        data = rounds_figures(baseline=baseline, followup=followup)
        if fmt == "json":
            return _json(data["report"])
        header, rows = rounds_table(data)
        return _download(header, rows, fmt=fmt, name=f"{baseline.slug}-{followup.slug}", tasks=data["tasks"])

    try:
        response = _cached_download(followup, "rounds", (baseline.pk, baseline.data_version, fmt), build)
    except Withheld as withheld:
        return _withheld_response(fmt, withheld.managers, withheld.reason)
    audit.downloaded(request, table="rounds", fmt=fmt, survey=followup, selection=f"baseline={baseline.slug}")
    return response


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
    from .profile import chart_title, profile_figures, profile_rows

    language = _language()
    data = profile_figures(survey=survey, number=participant.number)
    ctx = {
        "survey": survey,
        "participant": participant,
        "nav": "profile",
        **profile_rows(data, language=language),
        # Drawn only with diary days and a median to show beside them (as `profile.profile_chart`).
        "chart": _chart_link(reverse("analysis:profile_chart", args=[slug]), "", chart_title())
        if data["days"] and not data["withheld"]
        else None,
    }
    return render(request, "analysis/profile.html", ctx)


@login_required
def profile_chart(request: HttpRequest, slug: str) -> HttpResponse:
    """My profile's chart, for the manager themself only (404 for anyone else, as the page); 404
    too where the page draws none (no diary days, or the median withheld)."""
    survey = get_object_or_404(Survey, slug=slug)
    participant = _participant_for(request, survey)
    from .profile import profile_chart as draw
    from .profile import profile_figures

    data = profile_figures(survey=survey, number=participant.number)
    svg = draw(survey=survey, data=data, language=_language(), decimal=_decimal())
    if svg is None:
        raise Http404
    return _svg_response(svg)
