"""Diaries on paper, into the app: an administrator keys in one paper form in the day grid, or uploads a
diary file (the format of `import_diaries`) and confirms what it will store.

Both follow the rules the managers and the command follow: a keyed-in day is saved through the
manager's own day form (`views.day_form_response`) and marked as keyed in by the administrator; an
upload is checked by `services.diaries_check` and stored, all or nothing, by `services.diaries_import`.
Who may: administrators of the round's municipality (`access.survey_for`).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from mio import tablefiles
from mio.numbers import grouped
from mio.uploads import Preview, UploadPreviewConfirm

from . import access, services
from .diaryfile import DiaryParseResult, DiaryRow, RowError, UnsupportedFormat, read_upload, write_csv
from .forms import DiaryUploadForm, KeyPickForm
from .models import DiaryDay, Survey
from .views import day_form_response

RECENT_KEYED_IN = 20

# --- Keying in a paper form ------------------------------------------------------------------------


@login_required
@require_GET
def key_pick(request: HttpRequest, slug: str) -> HttpResponse:
    """Pick a participant and a date; the form is sent with GET and leads on to the day's grid."""
    survey = access.survey_for(request, slug)
    chosen = "participant" in request.GET or "date" in request.GET
    form = KeyPickForm(request.GET if chosen else None, survey=survey)
    if chosen and form.is_valid():
        return redirect("surveys:key_day", survey.slug, form.cleaned_data["participant"], form.cleaned_data["date"])
    recent = (
        DiaryDay.objects.filter(participant__survey=survey, keyed_in_by__isnull=False)
        .select_related("participant", "keyed_in_by")
        .order_by("-updated_at")[:RECENT_KEYED_IN]
    )
    ctx = {
        "survey": survey,
        "form": form,
        "weekdays": survey.weekdays(),
        "recent": recent,
        "nav": "rounds",
    }
    return render(request, "surveys/key_pick.html", ctx, status=400 if form.errors else 200)


def _weekday_around(survey: Survey, date: dt.date, *, step: int) -> dt.date | None:
    """The round's weekday just before (step -1) or after (step 1) `date`, if any."""
    candidates = [day for day in survey.weekdays() if (day - date).days * step > 0]
    if not candidates:
        return None
    return max(candidates) if step < 0 else min(candidates)


@login_required
@require_http_methods(["GET", "POST"])
def key_day(request: HttpRequest, slug: str, number: int, date: str) -> HttpResponse:
    """The day's grid for one participant, saved with every rule of the manager's form, as keyed in by me."""
    survey = access.survey_for(request, slug)
    participant = access.participant_in(survey, number)
    the_date = access.date_in(survey, date)
    return day_form_response(
        request,
        participant=participant,
        date=the_date,
        template="surveys/key_day.html",
        keyed_in_by=request.user,
        extra_context={
            "nav": "rounds",
            "key_previous": _weekday_around(survey, the_date, step=-1),
            "key_next": _weekday_around(survey, the_date, step=1),
        },
    )


# --- Uploading a diary file ----------------------------------------------------------------------


def _session_key(survey: Survey) -> str:
    return f"diary-upload:{survey.pk}"


def _replace_hint() -> str:
    return _("“Replace days that already have a diary” ticked")


def _check(survey: Survey, parsed: DiaryParseResult, *, replace: bool) -> services.ImportPlan:
    """The import's plan, with the file's own errors first in row order: every problem is named at once."""
    plan = services.diaries_check(
        survey=survey, rows=parsed.rows, replace=replace, replace_hint=_replace_hint(), unplaced=parsed.unplaced
    )
    if parsed.errors:
        plan = services.ImportPlan(errors=sorted([*parsed.errors, *plan.errors], key=lambda error: error.row))
    elif not plan.errors and not plan.days:
        plan = services.ImportPlan(errors=[RowError(1, "", _("the file has no diary rows under the header"))])
    return plan


@login_required
@require_http_methods(["GET", "POST"])
def diary_upload(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload a file, see what it will store (or every bad row), then confirm: all or nothing.

    The parsed rows wait in the session between the preview and the confirmation and are checked
    again on confirmation, since a manager or another administrator may have saved a day in between."""
    survey = access.survey_for(request, slug)
    if request.method == "GET" and request.GET.get("mall") == "csv":
        return _example_file(survey)

    def preview(form: DiaryUploadForm) -> Preview:
        upload, replace = form.cleaned_data["file"], form.cleaned_data["replace"]
        try:
            parsed = read_upload(upload.read(), filename=upload.name, hours=survey.hours_per_day)
        except UnsupportedFormat as error:
            form.add_error("file", str(error))
            return Preview()
        plan = _check(survey, parsed, replace=replace)
        if plan.errors:
            return Preview(errors=plan.errors)
        kept = {"replace": replace, "rows": [row.as_list() for row in parsed.rows]}
        return Preview(plan=plan, keep=kept, context={"replace": replace})

    def confirm(kept: dict) -> HttpResponse | list[RowError]:
        rows = [DiaryRow.from_list(values) for values in kept["rows"]]
        try:
            result = services.diaries_import(
                survey=survey, rows=rows, replace=kept["replace"], replace_hint=_replace_hint()
            )
        except services.DiaryError as error:
            return error.errors
        messages.success(request, stored_message(result))
        return redirect("surveys:round", survey.slug)

    flow = UploadPreviewConfirm(request, key=_session_key(survey), form_class=DiaryUploadForm)
    staged = flow.handle(preview=preview, confirm=confirm)
    if isinstance(staged, HttpResponse):
        return staged
    ctx = {
        "survey": survey,
        "nav": "rounds",
        "replace": False,
        **staged.page_context(),
        "tasks": survey.tasks.select_related("category").order_by("order", "id"),
    }
    return render(request, "surveys/diary_upload.html", ctx, status=staged.status)


def stored_message(result: services.ImportResult) -> str:
    """What an upload stored, e.g. "2 diary days are stored and submitted (3 rows, 1 new participant)":
    each count with its own plural form; new participants only when there are any."""
    # Grouped as the language writes counts ("20 000 rows"), as the dashboard does: a whole round is tens of thousands.
    details = [ngettext("%(rows)s row", "%(rows)s rows", result.lines) % {"rows": grouped(result.lines)}]
    if result.participants_created:
        details.append(
            ngettext("%(count)d new participant", "%(count)d new participants", result.participants_created)
            % {"count": result.participants_created}
        )
    return ngettext(
        "%(days)s diary day is stored and submitted (%(details)s).",
        "%(days)s diary days are stored and submitted (%(details)s).",
        result.days,
    ) % {"days": grouped(result.days), "details": ", ".join(details)}


def _example_file(survey: Survey) -> HttpResponse:
    """A file to fill in: the round's columns and one made-up row (the format of export_diaries)."""
    first_task = survey.tasks.order_by("order", "id").values_list("code", flat=True).first() or "other"
    number = survey.participants.order_by("number").values_list("number", flat=True).first() or 1
    weekdays = survey.weekdays() or [survey.start_date]
    minutes = [30, 15, *[""] * (survey.hours_per_day - 2)][: survey.hours_per_day]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")  # with a BOM, so that Excel opens the Swedish letters as UTF-8
    write_csv(
        [[number, weekdays[0].isoformat(), first_task, *minutes, 3, 2, ""]],
        hours=survey.hours_per_day,
        stream=response,
        delimiter=tablefiles.excel_separator(),
    )
    response["Content-Disposition"] = f'attachment; filename="dagbok-{survey.slug}.csv"'
    return response
