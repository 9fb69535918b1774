"""The action plan's pages: the plan as a table and a board, an item, the overview and "did it help?"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.validators import slug_re
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from surveys import roles
from surveys.models import Area, Municipality, Survey

from . import charts, history, selectors, services, verdicts
from .effect import (
    Measured,
    PlanEffect,
    forest_label,
    forest_rows,
    forest_svg,
    item_effects,
    item_scope,
    measure,
    plan_effect,
    task_effect,
    task_in_rounds,
)
from .forms import FilterForm, ItemForm, UpdateForm
from .models import ActionItem, ActionPlan
from .services import ActionError, StaleItem

STATUS_ORDER = list(ActionItem.Status)


def _require_viewer(request: HttpRequest) -> None:
    if not roles.can_see_plans(request.user):
        raise PermissionDenied


def _require_editor(request: HttpRequest) -> None:
    if not roles.can_edit_plans(request.user):
        raise PermissionDenied


def _plan_for(request: HttpRequest, plan_id: int) -> ActionPlan:
    """A plan the user may see: 403 outside the three groups, 404 for another municipality's plan."""
    _require_viewer(request)
    return get_object_or_404(selectors.plans_visible_to(user=request.user), pk=plan_id)


def _item_for(request: HttpRequest, pk: int) -> ActionItem:
    _require_viewer(request)
    item = get_object_or_404(ActionItem.objects.select_related("plan__municipality", "department", "survey"), pk=pk)
    if not selectors.plans_visible_to(user=request.user).filter(pk=item.plan_id).exists():
        raise Http404
    return item


def _item_to_edit(request: HttpRequest, pk: int) -> ActionItem:
    """An item the user may change: 404 unless readable, 403 outside the administrators, and 404 for
    an administrator who reads the plan (as a manager in its round) but is not the municipality's."""
    item = _item_for(request, pk)
    _require_editor(request)
    if not roles.can_edit_plans(request.user, municipality_id=item.plan.municipality_id):
        raise Http404
    return item


def _can_edit(request: HttpRequest, the_plan: ActionPlan) -> bool:
    return roles.can_edit_plans(request.user, municipality_id=the_plan.municipality_id)


def _base_ctx(plan: ActionPlan, page: str) -> dict[str, object]:
    return {"plan": plan, "nav": "actionplan", "page": page, "can_edit": None}


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    plans = list(selectors.plans_visible_to(user=request.user))
    if len(plans) == 1:
        return redirect(plans[0])
    ctx = {"plans": plans, "nav": "actionplan", "can_edit": roles.can_edit_plans(request.user)}
    return render(request, "actionplan/index.html", ctx)


@login_required
def plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    the_plan = _plan_for(request, plan_id)
    labels = selectors.task_labels(municipality=the_plan.municipality, language=get_language())
    form = FilterForm(request.GET or None, municipality=the_plan.municipality, task_labels=labels)
    filters = selectors.ItemFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.ItemFilters(
            owner_level=data["owner_level"],
            department=data["department"].pk if data["department"] else None,
            area=data["area"],
            status=data["status"],
            overdue=data["overdue"],
            task=data["task"],
        )
    ctx = {
        **_base_ctx(the_plan, "table"),
        "form": form,
        "filters": filters,
        "items": list(selectors.items(plan=the_plan, filters=filters)),
        "total": the_plan.items.count(),
        "can_edit": _can_edit(request, the_plan),
    }
    return render(request, "actionplan/plan.html", ctx)


@login_required
def board(request: HttpRequest, plan_id: int) -> HttpResponse:
    the_plan = _plan_for(request, plan_id)
    items = list(selectors.items(plan=the_plan))
    columns = [(status, [item for item in items if item.status == status]) for status in STATUS_ORDER]
    ctx = {**_base_ctx(the_plan, "board"), "columns": columns, "can_edit": _can_edit(request, the_plan)}
    return render(request, "actionplan/board.html", ctx)


def _svg_response(svg: str) -> HttpResponse:
    """A chart as an image of its own, so that a page's HTML never waits for matplotlib (Cache-Control
    as `mio.nostore` sets it for the page)."""
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


def _area_rows(counts: dict) -> list[dict[str, object]]:
    return [
        {
            "label": label,
            "counts": [counts["by_area"][(area, status)] for status in STATUS_ORDER],
            "total": sum(counts["by_area"][(area, status)] for status in STATUS_ORDER),
        }
        for area, label in Area.choices
    ]


@login_required
def overview(request: HttpRequest, plan_id: int) -> HttpResponse:
    the_plan = _plan_for(request, plan_id)
    counts = selectors.status_counts(plan=the_plan)

    level_rows = [
        {
            "label": label,
            "counts": [counts["by_level"][(status, level)] for status in STATUS_ORDER],
            "total": sum(counts["by_level"][(status, level)] for status in STATUS_ORDER),
        }
        for level, label in ActionItem.OwnerLevel.choices
    ]
    area_rows = _area_rows(counts)
    status_totals = [sum(row["counts"][index] for row in level_rows) for index in range(len(STATUS_ORDER))]
    ctx = {
        **_base_ctx(the_plan, "overview"),
        "statuses": STATUS_ORDER,
        "level_rows": level_rows,
        "area_rows": area_rows,
        "status_totals": status_totals,
        "counts": counts,
        "chart": {
            "src": reverse("actionplan:overview_chart", args=[the_plan.pk]),
            "alt": _("Items per support area, by status"),
        },
        "addressed": _addressed_tasks(the_plan),
    }
    return render(request, "actionplan/overview.html", ctx)


@login_required
def overview_chart(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The overview's chart of items by support area and status, for the overview's readers."""
    the_plan = _plan_for(request, plan_id)
    area_rows = _area_rows(selectors.status_counts(plan=the_plan))
    return _svg_response(
        charts.status_by_area_svg(
            plan_key=history.plan_key(plan=the_plan),
            language=get_language(),
            rows=[(str(row["label"]), row["counts"]) for row in area_rows],
            statuses=[(status.value, str(status.label)) for status in STATUS_ORDER],
        )
    )


def _addressed_tasks(the_plan: ActionPlan) -> list[dict[str, object]]:
    """The tasks the plan addresses, with their items, and the latest round to show the task in."""
    rounds = selectors.rounds_of(municipality=the_plan.municipality)
    labels = selectors.task_labels(municipality=the_plan.municipality, language=get_language())
    latest = rounds[-1] if rounds else None
    return [
        {"code": code, "label": labels.get(code, code), "items": items, "survey": latest}
        for code, items in sorted(selectors.items_by_task(plan=the_plan).items(), key=lambda pair: -len(pair[1]))
    ]


@login_required
def effect(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Did it help? The plan's tasks together, then each done item measured by a later round, and
    the items not measurable yet with the reason."""
    the_plan = _plan_for(request, plan_id)
    effects, total, points = _plan_points(the_plan)
    measured = [entry for entry in effects if entry.measured]
    ctx = {
        **_base_ctx(the_plan, "effect"),
        "total": total,
        "measured": measured,
        "waiting": [entry for entry in effects if not entry.measured],
        "chart": _forest_image(reverse("actionplan:effect_chart", args=[the_plan.pk]), points),
        "verdict_summary": verdicts.verdict_summary(measured),
        "measurements_note": verdicts.measurements_note(measured),
        "open_rounds": verdicts.open_rounds([total, *(entry.measured for entry in measured)]),
    }
    return render(request, "actionplan/effect.html", ctx)


@login_required
def effect_chart(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The effect page's forest plot, for its readers; 404 where the page has none (nothing measured)."""
    _effects, total, points = _plan_points(_plan_for(request, plan_id))
    return _forest_response(points, emphasise_total=total is not None and total.measured is not None)


def _plan_points(the_plan: ActionPlan) -> tuple[list, PlanEffect | None, list[tuple[str, Measured]]]:
    """The plan's item effects, the done items' tasks together, and the forest plot's points of both."""
    effects = item_effects(plan=the_plan)
    total = plan_effect(plan=the_plan)
    points = [
        (forest_label(f"{entry.item.number}. {entry.item.title}", entry.measured), entry.measured)
        for entry in effects
        if entry.measured
    ]
    if total is not None and total.measured is not None:
        points.append((forest_label(_("The done items' tasks together"), total.measured), total.measured))
    return effects, total, points


def _forest_image(url: str, points: list[tuple[str, Measured]]) -> dict[str, str] | None:
    """The forest plot as the page's image (its URL and alt text), None when no point has figures."""
    if not forest_rows(points):
        return None
    title = _("Change in friction minutes per manager-day with its %(level)s confidence interval") % {"level": "95 %"}
    return {"src": url, "alt": title}


def _forest_response(points: list[tuple[str, Measured]], *, emphasise_total: bool = False) -> HttpResponse:
    """The forest plot of `points` (label, measured change) as an image; 404 when none has figures."""
    rows = forest_rows(points)
    if not rows:
        raise Http404
    return _svg_response(forest_svg(rows=rows, emphasise_last=emphasise_total and len(rows) == len(points)))


@login_required
def item(request: HttpRequest, pk: int) -> HttpResponse:
    the_item = _item_for(request, pk)
    form = UpdateForm(item=the_item) if _can_edit(request, the_item.plan) else None
    return render(request, "actionplan/item.html", _item_ctx(request, the_item, update_form=form))


def _item_parts(the_item: ActionItem, labels: dict[str, str]) -> tuple[object, list[tuple[str, Measured]]]:
    """The item's effect, and its tasks' changes one by one (and together) for the forest plot."""
    effects = item_effects(plan=the_item.plan, items=[the_item])
    the_effect = effects[0] if effects else None
    parts: list[tuple[str, Measured]] = []
    if the_effect is not None and the_effect.measured is not None:
        rounds = {"baseline": the_effect.measured.baseline_round, "followup": the_effect.measured.followup_round}
        scope = item_scope(the_item)
        parts = [
            (labels.get(code, code), measure(**rounds, codes=[code], department=scope)) for code in the_item.task_codes
        ]
        if len(parts) > 1:
            parts.append((forest_label(_("The item's tasks together"), the_effect.measured), the_effect.measured))
    return the_effect, parts


@login_required
def item_chart(request: HttpRequest, pk: int) -> HttpResponse:
    """The item page's forest plot of its tasks, for its readers; 404 where the page has none."""
    the_item = _item_for(request, pk)
    labels = selectors.task_labels(municipality=the_item.plan.municipality, language=get_language())
    _effect, parts = _item_parts(the_item, labels)
    if len(parts) < 2:  # the page draws it only with more than one task
        raise Http404
    return _forest_response(parts, emphasise_total=True)


def _item_ctx(request: HttpRequest, the_item: ActionItem, *, update_form: UpdateForm | None) -> dict[str, object]:
    municipality = the_item.plan.municipality
    labels = selectors.task_labels(municipality=municipality, language=get_language())
    the_effect, parts = _item_parts(the_item, labels)
    return {
        **_base_ctx(the_item.plan, "item"),
        "item": the_item,
        "can_edit": _can_edit(request, the_item.plan),
        "tasks": [(code, labels.get(code, code)) for code in the_item.task_codes],
        # Task pages show the round that found the item, else the latest one.
        "task_survey": the_item.survey or (selectors.rounds_of(municipality=municipality) or [None])[-1],
        "updates": history.updates(the_item),
        "history": history.changes(the_item),
        "effect": the_effect,
        "open_rounds": verdicts.open_rounds([the_effect.measured if the_effect else None]),
        "parts": parts,
        "chart": _forest_image(reverse("actionplan:item_chart", args=[the_item.pk]), parts) if len(parts) > 1 else None,
        "update_form": update_form,
    }


def _municipality_for_new(request: HttpRequest) -> tuple[Municipality, Survey | None]:
    """Whose plan a new item goes in: the round's (?survey=), the plan's (?plan=), or the user's only
    municipality. Another municipality's round or plan, or a round and a plan of two, answer 404."""
    municipality, survey = None, None
    if request.GET.get("survey"):
        # A round's short name is a slug; anything else (a NUL character PostgreSQL refuses) is no round.
        if not slug_re.fullmatch(request.GET["survey"]):
            raise Http404
        rounds = roles.administered_surveys(request.user).select_related("municipality")
        survey = get_object_or_404(rounds, slug=request.GET["survey"])
        municipality = survey.municipality
    if request.GET.get("plan"):
        # A plan's id in ASCII digits: str.isdigit() would also pass "²", which int() refuses.
        if not (request.GET["plan"].isascii() and request.GET["plan"].isdigit()):
            raise Http404
        the_plan = get_object_or_404(selectors.plans_editable_by(user=request.user), pk=request.GET["plan"])
        if municipality is not None and the_plan.municipality_id != municipality.pk:
            raise Http404
        municipality = the_plan.municipality
    if municipality is None:
        municipalities = list(roles.scope(Municipality.objects.all(), request.user, field="pk")[:2])
        if len(municipalities) != 1:
            raise Http404
        municipality = municipalities[0]
    return municipality, survey


@login_required
@require_http_methods(["GET", "POST"])
def item_new(request: HttpRequest) -> HttpResponse:
    """A new item; `?task=<code>&survey=<slug>` fills it in for that task of that round's ranking."""
    _require_viewer(request)
    _require_editor(request)
    municipality, survey = _municipality_for_new(request)
    the_plan = ActionPlan.objects.filter(municipality=municipality).first()
    labels = selectors.task_labels(municipality=municipality, language=get_language())
    if request.method == "POST":
        form = ItemForm(request.POST, municipality=municipality, task_labels=labels)
        if form.is_valid():
            the_plan = the_plan or services.plan_get_or_create(municipality=municipality)
            try:
                new = services.item_create(plan=the_plan, data=form.item_input(), by=request.user)
            except ActionError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Item %(number)d is added to the plan.") % {"number": new.number})
                return redirect(new)
    else:
        initial = {
            "number": selectors.next_number(plan=the_plan) if the_plan else 1,
            "status": ActionItem.Status.PROPOSED,
            "priority": ActionItem.Priority.MEDIUM,
            "owner_level": ActionItem.OwnerLevel.CENTRAL,
            "kind": ActionItem.Kind.OTHER,
            "survey": survey,
        }
        code = request.GET.get("task", "")
        if code in labels:
            initial["tasks"] = [code]
            task = survey.tasks.filter(code=code).first() if survey else None
            if task is not None:
                initial["area"] = task.area
        form = ItemForm(initial=initial, municipality=municipality, task_labels=labels)
    ctx = {
        "plan": the_plan,
        "municipality": municipality,
        "nav": "actionplan",
        "form": form,
        "item": None,
        "task": request.GET.get("task", ""),
        "task_label": labels.get(request.GET.get("task", "")),
        "survey": survey,
    }
    return render(request, "actionplan/item_form.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    the_item = _item_to_edit(request, pk)
    municipality = the_item.plan.municipality
    labels = selectors.task_labels(municipality=municipality, language=get_language())
    conflict = None  # a save refused because the item was changed since the page was built
    status = 200
    if request.method == "POST":
        form = ItemForm(request.POST, municipality=municipality, task_labels=labels)
        if form.is_valid():
            try:
                services.item_update(
                    item=the_item,
                    data=form.item_input(),
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                )
            except ActionError as error:
                _add_errors(form, error)
            except StaleItem as stale:
                # 409 Conflict: what was entered stays in the form, now carrying the stored version, so that
                # saving again overwrites the other change deliberately, after seeing it.
                conflict = {
                    "changed": history.changed_by(stale.item),
                    "differences": [
                        {
                            "field": form.fields[difference.field].label,
                            "saved": form.display(difference.field, difference.saved),
                            "typed": form.display(difference.field, difference.typed),
                        }
                        for difference in stale.differences
                    ],
                }
                form.show_version(stale.version)
                status = 409
            else:
                messages.success(request, _("The item is saved."))
                return redirect(the_item)
    else:
        form = ItemForm(initial=ItemForm.initial_from(the_item), municipality=municipality, task_labels=labels)
    ctx = {
        "plan": the_item.plan,
        "municipality": municipality,
        "nav": "actionplan",
        "form": form,
        "item": the_item,
        "conflict": conflict,
    }
    return render(request, "actionplan/item_form.html", ctx, status=status)


@login_required
@require_POST
def update_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a progress update, possibly moving the item to another status."""
    the_item = _item_to_edit(request, pk)
    form = UpdateForm(request.POST, item=the_item)
    status = 400
    if form.is_valid():
        try:
            services.update_add(
                item=the_item,
                author=request.user,
                text=form.cleaned_data["text"],
                status=form.cleaned_data["status"],
                expected_version=form.cleaned_data["version"],
            )
        except ActionError as error:
            _add_errors(form, error)
        except StaleItem as stale:
            form = _stale_update_form(request, stale)
            status = 409
        else:
            messages.success(request, _("The progress update is saved."))
            return redirect(the_item)
    return render(request, "actionplan/item.html", _item_ctx(request, the_item, update_form=form), status=status)


def _stale_update_form(request: HttpRequest, stale: StaleItem) -> UpdateForm:
    """The progress update again, for the item as it is now: the text kept, the status to choose again."""
    data = request.POST.copy()
    data["version"] = str(stale.version)
    data["status"] = ""
    form = UpdateForm(data, item=stale.item)
    message = _(
        "The item was changed %(changed)s, after you opened the page: its status is now %(status)s. "
        "Nothing is saved; your text is kept below. Choose the status again and save."
    ) % {"changed": history.changed_by(stale.item), "status": stale.item.get_status_display()}
    form.add_error(None, message)
    return form


def _add_errors(form, error: ActionError) -> None:
    for problem in error.errors:
        field = getattr(problem, "field", "") or None
        form.add_error(field if field in form.fields else None, problem.message)


@login_required
def task(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """One task of a round: its figures in each round of the municipality and the items addressing it."""
    _require_viewer(request)
    survey = get_object_or_404(Survey.objects.select_related("municipality"), slug=slug)
    the_task = get_object_or_404(survey.tasks, code=code)
    municipality = survey.municipality
    if not selectors.can_see_municipality(user=request.user, municipality=municipality):
        raise Http404
    # Without a plan yet the page still shows the task, for an administrator to start one from.
    the_plan = ActionPlan.objects.filter(municipality=municipality).first()
    the_effect = task_effect(municipality_id=municipality.pk, code=code)
    ctx = {
        "plan": the_plan,
        "nav": "actionplan",
        "survey": survey,
        "task": the_task,
        "category": the_task.category.display_name(get_language()),
        "label": selectors.task_labels(municipality=municipality, language=get_language()).get(
            code, the_task.display_label(get_language())
        ),
        "rounds": task_in_rounds(municipality=municipality, code=code),
        "effect": the_effect,
        "open_rounds": verdicts.open_rounds([the_effect]),
        "items": list(the_plan.items.addressing(code).select_related("department")) if the_plan else [],
        "can_edit": roles.can_edit_plans(request.user, municipality_id=municipality.pk),
    }
    return render(request, "actionplan/task.html", ctx)
