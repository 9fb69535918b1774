"""Numbers as every page shows them, the one set of number filters (`{% load analysis_tags %}`, the
action plan's pages too): rounded for reading, halves up, in the reader's number format; "–" for none.

`figure` (1 decimal), `percent` (a share as "12,3 %", in English "12.3%"), `change` (with its sign, a real minus) and
`interval` (a change's 95 % interval)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..labels import pseudonym as _pseudonym
from ..labels import signed_number

register = template.Library()

MISSING = "–"


@register.filter
def figure(value: Any, decimals: int = 1) -> str:
    """`{{ row.minutes_per_manager_day|figure }}`: 1 decimal (a comma in Swedish), "–" for no value."""
    if value is None or value == "":
        return MISSING
    return floatformat(value, f"{decimals}g")


@register.filter
def percent(value: Any, decimals: int = 1) -> str:
    """A share (0.123) as a percentage: "12,3 %" in Swedish, which puts a space before the sign, "12.3%" in
    English, which does not."""
    if value is None or value == "":
        return MISSING
    number = floatformat(float(value) * 100, decimals)
    return f"{number}\u00a0%" if (get_language() or "").startswith("sv") else f"{number}%"


@register.filter
def change(value: Any, decimals: int = 1) -> str:
    """A change with its sign: "+1,5", "−2,0" (a real minus), "0,0"; `|change:0` for whole numbers."""
    if value is None or value == "":
        return MISSING
    return signed_number(float(value), int(decimals))


@register.filter
def interval(value: Any, decimals: int = 1) -> str:
    """A change's 95 % interval, e.g. "−19,0 to −5,0" (`ci_low`, `ci_high` of a dict or object)."""
    values = value if isinstance(value, dict) else vars(value)
    low, high = values.get("ci_low"), values.get("ci_high")
    if low is None or high is None:
        return MISSING
    return _("%(low)s to %(high)s") % {"low": change(low, decimals), "high": change(high, decimals)}


@register.filter
def pseudonym(number: int) -> str:
    return _pseudonym(number)


@register.filter
def get(mapping: dict, key: Any) -> Any:
    return mapping.get(key) if mapping else None


FORMAT_NAMES = {"csv": "CSV", "xlsx": "Excel", "json": "JSON"}


@register.inclusion_tag("analysis/_downloads.html", takes_context=True)
def downloads(context, url_name: str, *args: Any, label: str = "", json: bool = False) -> dict[str, Any]:
    """Links to a table as CSV and xlsx (and JSON), for the page's selection:
    `{% downloads "analysis:export" survey.slug "ranking" label=name json=True %}`."""
    query = context.get("query") or ""
    links = []
    for fmt in ["csv", "xlsx", *(["json"] if json else [])]:
        url = reverse(url_name, args=[*args, fmt])
        links.append({"format": FORMAT_NAMES[fmt], "url": f"{url}?{query}" if query else url, "file": fmt != "json"})
    return {"links": links, "label": label}
