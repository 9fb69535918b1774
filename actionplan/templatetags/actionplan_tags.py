"""Template helpers of the action plan, for its own templates and for anyone linking to it. Numbers are
formatted by analysis_tags (`figure`, `change`, `interval`), the one set of number filters."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from .. import selectors

register = template.Library()


@register.simple_tag
def new_action_url(survey_slug: str, task_code: str) -> str:
    """The form for a new item addressing a task found in a round: `{% new_action_url survey.slug row.task %}`."""
    return f"{reverse('actionplan:item_new')}?{urlencode({'task': task_code, 'survey': survey_slug})}"


@register.simple_tag(takes_context=True)
def action_count(context, survey, task_code: str) -> int:
    """How many items of the round's municipality plan address the task.

    A ranking asks once per row; the counts are read once per request and survey.
    """
    memo = context.get("request").__dict__.setdefault("_actionplan_counts", {})
    if survey.pk not in memo:
        memo[survey.pk] = selectors.item_counts_by_task(municipality=survey.municipality)
    return memo[survey.pk][task_code]


STATUS_BADGES = {
    "proposed": "text-bg-light border",
    "planned": "text-bg-info",
    "in_progress": "text-bg-warning",
    "done": "text-bg-success",
    "dropped": "text-bg-secondary",
}


@register.inclusion_tag("actionplan/_status_badge.html")
def status_badge(status: str, label: str) -> dict[str, str]:
    return {"status": status, "label": label, "css": STATUS_BADGES.get(status, "text-bg-light")}


@register.simple_tag(takes_context=True)
def plan_effect_url(context, survey) -> str:
    """The "did it help?" page of the action plan of the round's municipality, when the reader may see
    that plan ("" otherwise): `{% plan_effect_url followup as url %}`."""
    plan = (
        selectors.plans_visible_to(user=context["request"].user).filter(municipality_id=survey.municipality_id).first()
    )
    return reverse("actionplan:effect", args=[plan.pk]) if plan else ""
