"""Did it help? in words for the effect pages: how many items each verdict covers, on how many distinct
measurements, and which open rounds a verdict rests on. Pure: no query beyond what the effects hold."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.utils.text import capfirst
from django.utils.translation import ngettext

from surveys.models import Survey

from .effect import ItemEffect, Measured

# The order the summary names the verdicts in (analysis.paired's verdict codes).
VERDICT_ORDER = ("less", "unclear", "more", "withheld")


def measurement_key(measured: Measured, codes: Sequence[str]) -> tuple:
    """What makes two items' figures one measurement: the same rounds, tasks and figures. The figures
    are part of the key so that items over the same tasks measured on other managers (another
    department) still count as two."""
    change = measured.change
    return (
        measured.baseline_round.pk,
        measured.followup_round.pk,
        frozenset(codes),
        (change.change, change.ci_low, change.ci_high, change.paired_managers),
    )


def _verdict_part(verdict: str, items: int, measurements: int) -> str:
    if verdict == "less":
        text = ngettext("less friction after %(count)d item", "less friction after %(count)d items", items)
    elif verdict == "more":
        text = ngettext("more friction after %(count)d item", "more friction after %(count)d items", items)
    elif verdict == "unclear":
        text = ngettext("no clear change after %(count)d item", "no clear change after %(count)d items", items)
    else:
        text = ngettext("not shown for %(count)d item", "not shown for %(count)d items", items)
    text %= {"count": items}
    if measurements < items:
        # Items over the same tasks share one measurement: counting them apart would count it twice.
        shared = ngettext("%(count)d measurement", "%(count)d distinct measurements", measurements)
        text += " (" + shared % {"count": measurements} + ")"
    return text


def verdict_summary(measured: Sequence[ItemEffect]) -> str:
    """E.g. "Less friction after 5 items (3 distinct measurements), no clear change after 5 items
    (4 distinct measurements), more friction after 1 item." for the measured items; "" for none."""
    keys: dict[str, list[tuple]] = {verdict: [] for verdict in VERDICT_ORDER}
    for entry in measured:
        if entry.measured is not None:
            keys.setdefault(entry.verdict, []).append(measurement_key(entry.measured, entry.item.task_codes))
    parts = [_verdict_part(verdict, len(found), len(set(found))) for verdict, found in keys.items() if found]
    return capfirst(", ".join(parts)) + "." if parts else ""


def measurements_note(measured: Sequence[ItemEffect]) -> str:
    """How many distinct measurements the items rest on, when fewer than the items; else ""."""
    found = [entry for entry in measured if entry.measured is not None]
    count = len({measurement_key(entry.measured, entry.item.task_codes) for entry in found})
    if count >= len(found):
        return ""
    return ngettext(
        "The %(items)d items rest on %(count)d measurement: items addressing the same tasks share one.",
        "The %(items)d items rest on %(count)d distinct measurements: items addressing the same tasks share one.",
        count,
    ) % {"items": len(found), "count": count}


def open_rounds(measured: Iterable[Measured | None]) -> list[Survey]:
    """The rounds still open among those the changes compare, in the order met: their figures, and so
    the verdicts, move as more days are submitted."""
    found: dict[int, Survey] = {}
    for entry in measured:
        if entry is None:
            continue
        for survey in (entry.baseline_round, entry.followup_round):
            if survey.status == Survey.Status.OPEN:
                found.setdefault(survey.pk, survey)
    return list(found.values())
