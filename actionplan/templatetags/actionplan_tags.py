"""Template helpers of the action plan, for its own templates and for anyone linking to it."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from surveys import roles

from .. import effect, selectors

register = template.Library()


@register.filter
def sees_action_plan(user) -> bool:
    return roles.can_see_plans(user)


@register.filter
def edits_action_plan(user) -> bool:
    return roles.can_edit_plans(user)


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
    """A change with its sign, e.g. +1.5 or −2.0 (a true minus sign); "–" for none."""
    return "–" if value is None else effect.signed(float(value), int(digits))


@register.filter
def interval(change, digits: int = 1) -> str:
    """A change's 95 % interval, e.g. "−19,0 to −5,0" (`ci_low`, `ci_high` of a dict or object)."""
    values = change if isinstance(change, dict) else vars(change)
    low, high = values.get("ci_low"), values.get("ci_high")
    if low is None or high is None:
        return "–"
    return _("%(low)s to %(high)s") % {"low": signed(low, digits), "high": signed(high, digits)}
