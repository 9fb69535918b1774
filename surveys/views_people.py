"""The audit trail page and a person's data: export and erasure."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from mio import downloads

from . import access, audit, people, roles
from .forms_audit import AuditFilterForm, person_label
from .models import AuditEvent

# --- The audit trail -----------------------------------------------------------------------------
# Administrators read the events of their own municipalities (`audit.visible_events`), superusers
# all of them; any other role gets 403. The filtered trail also downloads as a table, which is
# itself a download on record: it names people.

AUDIT_PAGE_SIZE = 50
AUDIT_FORMATS = ("csv", "xlsx")
AUDIT_COLUMNS = ["at", "who", "action", "survey", "participant", "account", "date", "detail"]


def _audit_headings() -> dict[str, str]:
    return {
        "at": _("When"),
        "who": _("Who"),
        "action": _("What"),
        "survey": _("Survey round"),
        "participant": _("Participant"),
        "account": _("Account"),
        "date": _("Date"),
        "detail": _("Detail"),
    }


def audit_table(events) -> list[list[object]]:
    """The events as rows of AUDIT_COLUMNS: local times, people by name, the action in words."""
    return [
        [
            timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M"),
            person_label(event.user),
            event.get_action_display(),
            event.survey.name if event.survey else "",
            event.participant.pseudonym if event.participant else "",
            person_label(event.account) if event.account_id else "",
            event.date.isoformat() if event.date else "",
            event.detail,
        ]
        for event in events
    ]


def _audit_download(request: HttpRequest, form: AuditFilterForm, events, fmt: str) -> HttpResponse:
    response = downloads.table_response(
        AUDIT_COLUMNS, audit_table(events), fmt=fmt, name="audit", headings=_audit_headings()
    )
    ids = roles.municipality_ids(request.user)
    selection = urlencode([(name, request.GET[name]) for name in form.fields if request.GET.get(name)])
    municipality = next(iter(ids)) if ids and len(ids) == 1 else None
    audit.downloaded(request, table="audit", fmt=fmt, municipality=municipality, selection=selection)
    return response


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """Who did or saw what, newest first, 50 to a page; filtered by a GET form."""
    if not roles.is_administrator(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET, user=request.user)
    fmt = request.GET.get("download", "")
    ctx: dict[str, object] = {"form": form, "formats": AUDIT_FORMATS, "page": None, "nav": "accounts"}
    if fmt and fmt not in AUDIT_FORMATS:
        form.add_error(None, _("There is no download as %(format)s.") % {"format": fmt})
    if not form.is_valid():
        return render(request, "surveys/audit_log.html", ctx, status=400)
    events = audit.events_for(request.user, filters=form.filters())
    if fmt:
        return _audit_download(request, form, events, fmt)
    keep = request.GET.copy()
    for name in ("page", "download"):
        keep.pop(name, None)
    ctx["page"] = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    ctx["query"] = keep.urlencode()
    return render(request, "surveys/audit_log.html", ctx)


# --- A person's data: export and erasure ---------------------------------------------------------
# Administrators of one of the person's municipalities (superusers: anyone). A person outside the
# administrator's municipalities answers 404, like the account page; a role without accounts 403.


def _shared_municipalities(request: HttpRequest, person: AbstractBaseUser) -> list[int | None]:
    """The person's municipalities that the administrator sees, for the audit trail."""
    ids = people.person_municipality_ids(person)
    mine = roles.municipality_ids(request.user)
    shared = sorted(ids if mine is None else ids & mine)
    return shared or [None]


@login_required
@require_GET
def person_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything stored about the person as a JSON file (a right-of-access request)."""
    person = access.account_for(request, pk)
    # A person shared with another municipality: only what the administrator's own municipalities hold.
    outside = people.municipalities_outside(person, by=request.user)
    data = people.person_data(person, municipality_ids=roles.municipality_ids(request.user) if outside else None)
    for municipality_id in _shared_municipalities(request, person):
        audit.record(AuditEvent.Action.PERSON_EXPORTED, user=request.user, municipality=municipality_id, account=person)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.json"'
    response["Cache-Control"] = "no-store"  # personal data: no copy in a shared cache or the browser's
    return response


@login_required
@require_http_methods(["GET", "POST"])
def person_erase(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what erasing the person will do, and a field to type their username; POST: erase."""
    person = access.account_for(request, pk)
    refusal = people.erasure_refusal(person, by=request.user)
    error = ""
    if request.method == "POST" and not refusal:
        typed = request.POST.get("confirm", "").strip()
        if typed.casefold() != person.get_username().casefold():
            error = _("Type the username exactly as shown to confirm; nothing was erased.")
        else:
            # The pattern before the account goes: this request's own session is saved again after
            # the view, so entries naming the person (an enrolment preview) are dropped from it too.
            pattern = people.person_pattern(person)
            receipt = people.erase_person(person, by=request.user)
            for key in list(request.session.keys()):
                if key not in people.scrub_session_data({key: request.session[key]}, pattern):
                    del request.session[key]
            messages.success(
                request,
                ngettext(
                    "The person is erased. %(count)d participation was unlinked and keeps only its number.",
                    "The person is erased. %(count)d participations were unlinked and keep only their number.",
                    receipt.participations,
                )
                % {"count": receipt.participations},
            )
            return redirect("surveys:accounts")
    ctx = {
        "person": person,
        "preview": people.erasure_preview(person),
        "refusal": refusal,
        "error": error,
        "nav": "accounts",
    }
    status = 403 if refusal else 400 if error else 200
    return render(request, "surveys/person_erase.html", ctx, status=status)
