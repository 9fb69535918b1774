"""Template helpers of the action plan, for its own templates and for anyone linking to it."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.http import urlencode

from .. import selectors
from ..access import can_edit_plans, can_see_plans

register = template.Library()


@register.filter
def sees_action_plan(user) -> bool:
    return can_see_plans(user)


@register.filter
def edits_action_plan(user) -> bool:
    return can_edit_plans(user)


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


@register.filter
def signed(value: float | None, digits: int = 1) -> str:
    """A change with its sign, e.g. +1.5 or −2.0 (a true minus sign)."""
    if value is None:
        return "–"
    rounded = round(float(value), int(digits))
    text = number_format(abs(rounded), int(digits))
    if rounded == 0:
        return text
    return f"+{text}" if rounded > 0 else f"−{text}"
