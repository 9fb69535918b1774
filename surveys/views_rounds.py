"""Running a round in the app: the rounds, a round's progress, its participants (the pseudonym key),
enrolment from a file, invitations and reminders, closing and reopening; and the accounts of a
municipality's people. URLs and their names are listed in `surveys/urls_rounds.py`.

Who may do what: the project group sees the rounds and each round's figures (numbers only, never a
name); administrators of the round's municipality do everything else; superusers do it everywhere.
Anonymous visitors are sent to the login page, a role that may not gets 403, and another
municipality's round or account is 404.
"""

from __future__ import annotations

import datetime as dt
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mio import tablefiles
from mio.uploads import Preview, UploadPreviewConfirm

from . import access, audit, lockouts, mailings, progress, roles, selectors, services
from .enrolment import (
    COLUMNS,
    EnrolmentError,
    EnrolmentResult,
    PersonRow,
    earlier_rounds,
    file_problems,
    participant_remove,
    participants_enrol,
    people_rows,
    read_upload,
)
from .forms import (
    PARTICIPANT_FILTERS,
    AccountCreateForm,
    AccountEditForm,
    DayReopenForm,
    EnrolUploadForm,
    ParticipantUnitForm,
    PersonForm,
)
from .models import DiaryDay, Participant, Survey, Unit
from .people import shared_account_refusal

# --- Access --------------------------------------------------------------------------------------


def _log_key_viewed(request: HttpRequest, survey: Survey, participant: Participant | None = None) -> None:
    """Names next to numbers are the pseudonym key: every look at them is on record."""
    audit.record(audit.Action.KEY_VIEWED, user=request.user, survey=survey, participant=participant)


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")[:-1]


def _add_errors(form, problems) -> None:
    """Service problems next to their fields where the form has one, else above the form."""
    for problem in problems:
        field = getattr(problem, "field", "") or getattr(problem, "column", "") or None
        form.add_error(field if field in form.fields else None, getattr(problem, "message", str(problem)))


# --- Rounds --------------------------------------------------------------------------------------


def _summary(round_progress: progress.RoundProgress) -> dict[str, int]:
    rows = round_progress.participants
    return {
        "participants": len(rows),
        "expected": round_progress.expected_days,
        "submitted": round_progress.submitted_days,
        "draft": round_progress.draft_days,
        "missing": round_progress.missing_days,
        "invited": sum(1 for row in rows if row.invited),
        "reminders": sum(row.reminders for row in rows),
        "not_started": sum(1 for row in rows if row.not_started),
        "behind": sum(1 for row in rows if row.behind),
    }


@login_required
@require_GET
def rounds(request: HttpRequest) -> HttpResponse:
    access.require_follower(request)
    surveys = list(roles.visible_surveys(request.user).select_related("municipality"))
    summaries = progress.rounds_summary(surveys=surveys)
    ctx = {
        "rounds": [{"survey": survey, "summary": summaries[survey.pk]} for survey in surveys],
        "can_administer": roles.is_administrator(request.user),
        "several_municipalities": len({survey.municipality_id for survey in surveys}) > 1,
        "nav": "rounds",
    }
    return render(request, "surveys/rounds.html", ctx)


@login_required
@require_GET
def survey_round(request: HttpRequest, slug: str) -> HttpResponse:
    survey = access.survey_for(request, slug, administer=False)
    round_progress = progress.round_progress(survey=survey)
    ctx = {
        "survey": survey,
        "progress": round_progress,
        "summary": _summary(round_progress),
        "can_administer": roles.is_administrator(request.user),
        "nav": "rounds",
    }
    return render(request, "surveys/round.html", ctx)


@login_required
@require_POST
def round_close(request: HttpRequest, slug: str) -> HttpResponse:
    survey = access.survey_for(request, slug)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that the round is to be closed."))
        return redirect("surveys:round", survey.slug)
    try:
        services.survey_close(survey=survey, by=request.user)
    except services.RoundError as error:
        for message in error.errors:
            messages.error(request, str(message))
    else:
        messages.success(request, _("The round is closed. Managers can now only read their diaries."))
    return redirect("surveys:round", survey.slug)


@login_required
@require_POST
def round_reopen(request: HttpRequest, slug: str) -> HttpResponse:
    """Open a draft round, or reopen a closed one."""
    survey = access.survey_for(request, slug)
    try:
        services.survey_reopen(survey=survey, by=request.user)
    except services.RoundError as error:
        for message in error.errors:
            messages.error(request, str(message))
    else:
        messages.success(request, _("The round is open. Managers can fill in and change their diaries."))
    return redirect("surveys:round", survey.slug)


# --- Participants --------------------------------------------------------------------------------


@login_required
@require_GET
def participants(request: HttpRequest, slug: str) -> HttpResponse:
    survey = access.survey_for(request, slug)
    show = request.GET.get("show", "all")
    if show not in dict(PARTICIPANT_FILTERS):
        show = "all"
    round_progress = progress.round_progress(survey=survey)
    rows = [row for row in round_progress.participants if show == "all" or getattr(row, show)]
    now = timezone.now()
    _log_key_viewed(request, survey)
    ctx = {
        "survey": survey,
        "progress": round_progress,
        "summary": _summary(round_progress),
        "rows": rows,
        "show": show,
        "filters": PARTICIPANT_FILTERS,
        "invitations": mailings.invitations_due(survey=survey),
        "reminders": mailings.reminders_due(survey=survey, now=now),
        "daytime": mailings.is_daytime(now),
        "nav": "rounds",
    }
    return render(request, "surveys/participants.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def participant_add(request: HttpRequest, slug: str) -> HttpResponse:
    """One person typed in, through the same plan and rules as a row of an enrolment file."""
    survey = access.survey_for(request, slug)
    form = PersonForm(request.POST or None, survey=survey)
    if request.method == "POST" and form.is_valid():
        row = form.person_row()
        try:
            result = participants_enrol(survey=survey, rows=[row], by=request.user)
        except EnrolmentError as error:
            _add_errors(form, error.errors)
        else:
            if result.accounts_created:
                text = _("%(name)s is enrolled as number %(number)d; a new account was created.")
            else:
                text = _("%(name)s is enrolled as number %(number)d; their existing account was linked.")
            added = result.participants[0]
            # A linked account keeps its own name, whatever the form said.
            name = added.user.get_full_name() or row.name
            messages.success(request, text % {"name": name, "number": added.number})
            return redirect("surveys:participants", survey.slug)
    ctx = {"survey": survey, "form": form, "nav": "rounds"}
    return render(request, "surveys/participant_add.html", ctx, status=400 if form.errors else 200)


def _reopen_choices(statuses: list[tuple[dt.date, str | None]]) -> list[tuple[str, str]]:
    """The participant's days for the reopen form's menu, each with its status."""
    labels = dict(DiaryDay.Status.choices)
    # A day never saved has no status; "Not started", as its badge on the page says.
    not_started = _("Not started")
    return [
        (date.isoformat(), f"{formats.date_format(date, 'D j F')} · {labels.get(status, not_started)}")
        for date, status in statuses
    ]


def _participant_ctx(survey: Survey, participant: Participant, **forms) -> dict[str, object]:
    statuses = selectors.day_statuses(participant=participant)
    reopened = selectors.reopened_dates(participant=participant)
    return {
        "survey": survey,
        "participant": participant,
        "days": [{"date": date, "status": status, "reopened": date in reopened} for date, status in statuses],
        # Only someone without any saved day may leave the round; the statuses already tell.
        "can_remove": not any(status for _date, status in statuses),
        "unit_form": forms.get("unit_form") or ParticipantUnitForm(initial={"unit": participant.unit}, survey=survey),
        "reopen_form": forms.get("reopen_form") or DayReopenForm(dates=_reopen_choices(statuses)),
        "nav": "rounds",
    }


@login_required
@require_http_methods(["GET", "POST"])
def participant(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """One participant: change their unit, reopen one of their days, or take them out of the round."""
    survey = access.survey_for(request, slug)
    the_participant = access.participant_in(survey, number)
    if request.method == "POST":
        form = ParticipantUnitForm(request.POST, survey=survey)
        if form.is_valid():
            try:
                services.participant_set_unit(participant=the_participant, unit=form.cleaned_data["unit"])
            except services.DiaryError as error:
                _add_errors(form, error.errors)
            else:
                messages.success(
                    request, _("The unit of number %(number)d is saved.") % {"number": the_participant.number}
                )
                return redirect("surveys:participant", survey.slug, the_participant.number)
        ctx = _participant_ctx(survey, the_participant, unit_form=form)
        return render(request, "surveys/participant.html", ctx, status=400)
    _log_key_viewed(request, survey, the_participant)
    return render(request, "surveys/participant.html", _participant_ctx(survey, the_participant))


@login_required
@require_POST
def participant_delete(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    survey = access.survey_for(request, slug)
    the_participant = access.participant_in(survey, number)
    try:
        participant_remove(participant=the_participant)
    except EnrolmentError as error:
        for message in error.errors:
            messages.error(request, str(message))
        return redirect("surveys:participant", survey.slug, number)
    messages.success(request, _("Number %(number)d is no longer in the round.") % {"number": number})
    return redirect("surveys:participants", survey.slug)


@login_required
@require_POST
def day_reopen(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    survey = access.survey_for(request, slug)
    the_participant = access.participant_in(survey, number)
    form = DayReopenForm(request.POST, dates=_reopen_choices(selectors.day_statuses(participant=the_participant)))
    if form.is_valid():
        date = form.cleaned_data["date"]
        try:
            services.day_reopen(
                participant=the_participant, date=date, by=request.user, reason=form.cleaned_data["reason"]
            )
        except services.DiaryError as error:
            _add_errors(form, error.errors)
        else:
            messages.success(
                request,
                _("%(day)s is reopened; number %(number)d can change it until they submit it again.")
                % {"day": formats.date_format(date, "l j F"), "number": number},
            )
            return redirect("surveys:participant", survey.slug, number)
    ctx = _participant_ctx(survey, the_participant, reopen_form=form)
    return render(request, "surveys/participant.html", ctx, status=400)


# --- Invitations and reminders -------------------------------------------------------------------


@login_required
@require_POST
def invitations_send(request: HttpRequest, slug: str) -> HttpResponse:
    survey = access.survey_for(request, slug)
    try:
        mailout = mailings.send_invitations(survey=survey, base_url=_base_url(request))
    except mailings.MailingError as refusal:
        messages.error(request, str(refusal))
        return redirect("surveys:participants", survey.slug)
    if mailout.sent:
        messages.success(
            request,
            ngettext("%(count)d invitation was sent.", "%(count)d invitations were sent.", mailout.sent)
            % {"count": mailout.sent},
        )
    else:
        messages.info(request, _("Everyone who can be reached is already invited; no invitations were sent."))
    if mailout.unreachable:
        messages.warning(request, _unreachable_message(mailout.unreachable))
    return redirect("surveys:participants", survey.slug)


def _unreachable_message(unreachable: list[Participant]) -> str:
    numbers = ", ".join(str(participant.number) for participant in unreachable)
    return ngettext(
        "Number %(numbers)s has no active account with an e-mail address and cannot be reached.",
        "Numbers %(numbers)s have no active account with an e-mail address and cannot be reached.",
        len(unreachable),
    ) % {"numbers": numbers}


@login_required
@require_POST
def reminders_send(request: HttpRequest, slug: str) -> HttpResponse:
    """The same rules as the reminder command: never at night or at weekends, never more than the round allows."""
    survey = access.survey_for(request, slug)
    now = timezone.now()
    if survey.status != Survey.Status.OPEN:
        messages.info(request, _("Reminders go out only while the round is open; none were sent."))
    elif not mailings.is_daytime(now):
        messages.info(request, _("Reminders go out on weekdays between 08:00 and 17:00 only; none were sent."))
    else:
        mailout = mailings.send_reminders(survey=survey, now=now, base_url=_base_url(request))
        if mailout.sent:
            messages.success(
                request,
                ngettext("%(count)d reminder was sent.", "%(count)d reminders were sent.", mailout.sent)
                % {"count": mailout.sent},
            )
        else:
            messages.info(request, _("No reminders are due right now; none were sent."))
        if mailout.unreachable:
            messages.warning(request, _unreachable_message(mailout.unreachable))
    return redirect("surveys:participants", survey.slug)


# --- Enrolment from a file -----------------------------------------------------------------------


def _session_key(survey: Survey) -> str:
    return f"enrol:{survey.pk}"


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload a file, see what it would do (or every bad row), then confirm: all or nothing.

    The parsed rows wait in the session between the preview and the confirmation, and are planned
    again on confirmation, since someone may have enrolled people in between."""
    survey = access.survey_for(request, slug)

    def preview(form: EnrolUploadForm) -> Preview:
        upload = form.cleaned_data["file"]
        parsed = read_upload(upload.read(), filename=upload.name)
        plan = file_problems(survey=survey, parsed=parsed, by=request.user)
        if plan.errors:
            return Preview(errors=plan.errors)
        return Preview(plan=plan, keep=[row.as_dict() for row in parsed.rows])

    def confirm(kept: list[dict]) -> HttpResponse | list:
        try:
            result = participants_enrol(survey=survey, rows=[PersonRow(**row) for row in kept], by=request.user)
        except EnrolmentError as error:
            return error.errors
        messages.success(request, enrolled_message(result))
        return redirect("surveys:participants", survey.slug)

    flow = UploadPreviewConfirm(request, key=_session_key(survey), form_class=EnrolUploadForm)
    staged = flow.handle(preview=preview, confirm=confirm)
    if isinstance(staged, HttpResponse):
        return staged
    ctx = {"survey": survey, "nav": "rounds", "earlier_rounds": earlier_rounds(survey), **staged.page_context()}
    return render(request, "surveys/enrol.html", ctx, status=staged.status)


def enrolled_message(result: EnrolmentResult) -> str:
    """What an enrolment did, e.g. "3 participants enrolled (1 new account, 2 existing accounts linked)":
    each count with its own plural form, and a kind of account that none of them has left out."""
    accounts = []
    if result.accounts_created:
        accounts.append(
            ngettext("%(count)d new account", "%(count)d new accounts", result.accounts_created)
            % {"count": result.accounts_created}
        )
    if result.accounts_linked:
        accounts.append(
            ngettext("%(count)d existing account linked", "%(count)d existing accounts linked", result.accounts_linked)
            % {"count": result.accounts_linked}
        )
    count = len(result.participants)
    return ngettext(
        "%(count)d participant enrolled (%(accounts)s).", "%(count)d participants enrolled (%(accounts)s).", count
    ) % {"count": count, "accounts": ", ".join(accounts)}


@login_required
@require_GET
def enrol_template(request: HttpRequest, slug: str) -> HttpResponse:
    """An example file to fill in: the columns and one made-up person."""
    survey = access.survey_for(request, slug)
    unit = Unit.objects.filter(department__municipality_id=survey.municipality_id).values_list("name", flat=True)
    unit = unit.order_by("department__name", "name").first() or "Förskolan Solrosen"
    example = [["Anna Andersson", "anna.andersson@example.se", unit, ""]]
    return _enrolment_file(example, filename=f"deltagare-{survey.slug}.csv")


@login_required
@require_GET
def enrol_earlier(request: HttpRequest, slug: str, earlier: str) -> HttpResponse:
    """An earlier round's people as an enrolment file for this round: the start of a follow-up's file."""
    survey = access.survey_for(request, slug)
    source = access.survey_for(request, earlier)
    if source.municipality_id != survey.municipality_id or source.pk == survey.pk:
        raise Http404
    return _enrolment_file(people_rows(source), filename=f"deltagare-{survey.slug}-fran-{source.slug}.csv")


def _enrolment_file(rows: list[list[object]], *, filename: str) -> HttpResponse:
    """Rows of an enrolment file as CSV for Excel to open and fill in: the separator Excel splits at in the
    page's language, and a BOM, so that it reads the Swedish letters as UTF-8."""
    body = io.StringIO()
    tablefiles.write_csv(COLUMNS, rows, body, delimiter=tablefiles.excel_separator())
    response = HttpResponse("\ufeff" + body.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Accounts ------------------------------------------------------------------------------------


@login_required
@require_GET
def accounts(request: HttpRequest) -> HttpResponse:
    access.require_administrator(request)
    municipalities = access.administered_municipalities(request.user)
    people = list(
        access.accounts_of(request.user)
        .prefetch_related("groups", Prefetch("municipalities", queryset=municipalities))
        .order_by("last_name", "first_name", "email")
    )
    locked = lockouts.locked_until_by_username(person.get_username() for person in people)
    ctx = {
        "people": [
            {"user": person, "roles": _roles_of(person), "locked_until": locked.get(person.get_username())}
            for person in people
        ],
        "several_municipalities": municipalities.count() > 1,
        "nav": "accounts",
    }
    return render(request, "surveys/accounts.html", ctx)


def _roles_of(user: AbstractBaseUser) -> list[str]:
    labels = dict(AccountEditForm.base_fields["roles"].choices)
    held = {group.name for group in user.groups.all()}
    return [str(labels[role]) for role in roles.ALL_GROUPS if role in held]


@login_required
@require_http_methods(["GET", "POST"])
def account_new(request: HttpRequest) -> HttpResponse:
    access.require_administrator(request)
    municipalities = access.administered_municipalities(request.user)
    form = AccountCreateForm(
        request.POST or None,
        municipalities=municipalities,
        initial={"municipality": municipalities.first(), "role": roles.MANAGERS},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.account_create(
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                role=data["role"],
                municipality=data["municipality"],
                by=request.user,
            )
        except services.AccountError as error:
            _add_errors(form, error.errors)
        else:
            messages.success(
                request,
                _("The account for %(email)s is created. They sign in with a link e-mailed from the login page.")
                % {"email": user.email},
            )
            return redirect("surveys:accounts")
    ctx = {"form": form, "nav": "accounts"}
    return render(request, "surveys/account_form.html", ctx, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_administrator(request)
    person = get_object_or_404(access.accounts_of(request.user), pk=pk)
    shared_refusal = None if person.is_superuser else shared_account_refusal(person, by=request.user)
    editable = not person.is_superuser and not shared_refusal
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        form = AccountEditForm(request.POST)
        if form.is_valid():
            try:
                changes = services.account_update(
                    user=person,
                    roles_held=form.cleaned_data["roles"],
                    is_active=form.cleaned_data["is_active"],
                    by=request.user,
                )
            except services.AccountError as error:
                _add_errors(form, error.errors)
            else:
                if changes:
                    messages.success(request, _("The account of %(email)s is saved.") % {"email": person.email})
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect("surveys:accounts")
    else:
        held = set(person.groups.values_list("name", flat=True))
        form = AccountEditForm(
            initial={"roles": [role for role in roles.ALL_GROUPS if role in held], "is_active": person.is_active}
        )
    ctx = {
        "person": person,
        "form": form,
        "editable": editable,
        "shared_refusal": shared_refusal,
        "locked_until": lockouts.locked_until(person),
        "nav": "accounts",
    }
    return render(request, "surveys/account_form.html", ctx, status=400 if form.errors else 200)
