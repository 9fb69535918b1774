"""Numbers as every page shows them, the one set of number filters (`{% load analysis_tags %}`, the
action plan's pages too): rounded for reading, halves up, in the reader's number format; "–" for none.

`figure` (1 decimal), `percent` (a share as "12,3 %", in English "12.3%"), `change` (with its sign, a real minus) and
`interval` (a change's 95 % interval).

A warm dashboard formats some 500 figures per request, the same ones each time, and Django's floatformat
(Decimal arithmetic, the locale's formats) cost a fifth of the page's time: each text is kept once made, by
value, type and language (`formatted`), and forgotten when a test changes the format settings."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import FORMAT_SETTINGS
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..labels import pseudonym as _pseudonym
from ..labels import signed_number

register = template.Library()

MISSING = "–"


def _figure(value: Any, decimals: Any) -> str:
    return floatformat(value, f"{decimals}g")


def _percent(value: Any, decimals: Any) -> str:
    number = floatformat(float(value) * 100, decimals)
    return f"{number}\u00a0%" if (get_language() or "").startswith("sv") else f"{number}%"


def _change(value: Any, decimals: Any) -> str:
    return signed_number(float(value), int(decimals))


FORMATS = {"figure": _figure, "percent": _percent, "change": _change}


@lru_cache(maxsize=16384)
def _formatted(kind: str, value: Any, kind_of_value: type, decimals: Any, language: str | None) -> str:
    # The type is part of the key: 1, 1.0 and True are equal keys to a dict, but not the same text to
    # floatformat in every case. The language is the active one, the one the text is made in.
    return FORMATS[kind](value, decimals)


def formatted(kind: str, value: Any, decimals: Any) -> str:
    """FORMATS[kind](value, decimals) in the active language, made once per value (NaN each time)."""
    try:
        return _formatted(kind, value, type(value), decimals, get_language())
    except TypeError:  # an unhashable value (a list, say): made, not kept
        return FORMATS[kind](value, decimals)


@receiver(setting_changed)
def _forget_formats(*, setting: str, **kwargs: Any) -> None:
    # The language is part of the key; the formats of each language are these settings.
    if setting in FORMAT_SETTINGS or setting == "USE_THOUSAND_SEPARATOR":
        _formatted.cache_clear()


@register.filter
def figure(value: Any, decimals: int = 1) -> str:
    """`{{ row.minutes_per_manager_day|figure }}`: 1 decimal (a comma in Swedish), "–" for no value."""
    if value is None or value == "":
        return MISSING
    return formatted("figure", value, decimals)


@register.filter
def percent(value: Any, decimals: int = 1) -> str:
    """A share (0.123) as a percentage: "12,3 %" in Swedish, which puts a space before the sign, "12.3%" in
    English, which does not."""
    if value is None or value == "":
        return MISSING
    return formatted("percent", value, decimals)


@register.filter
def change(value: Any, decimals: int = 1) -> str:
    """A change with its sign: "+1,5", "−2,0" (a real minus), "0,0"; `|change:0` for whole numbers."""
    if value is None or value == "":
        return MISSING
    return formatted("change", value, decimals)


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
