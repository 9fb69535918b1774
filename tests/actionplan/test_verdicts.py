"""The effect page's words for its verdicts: items counted with the measurements they rest on, and the open
rounds a verdict rests on. Pure: unsaved items, rounds and changes."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from actionplan.effect import ItemEffect, Measured
from actionplan.models import ActionItem
from actionplan.verdicts import measurements_note, open_rounds, verdict_summary
from analysis.paired import Change
from surveys.models import Survey

SPRING = Survey(pk=1, name="Nollmätning våren 2026", start_date=dt.date(2026, 3, 16), status=Survey.Status.CLOSED)
AUTUMN = Survey(pk=2, name="Tidsdagbok hösten 2026", start_date=dt.date(2026, 11, 16), status=Survey.Status.OPEN)

INVOICES = Change(10, 58.6, 29.1, -29.5, -45.8, -13.2, "less")
RECRUITMENT = Change(10, 29.5, 15.8, -13.6, -25.6, -1.7, "less")
RECRUITMENT_IN_ONE_DEPARTMENT = Change(6, 31.0, 13.3, -17.7, -36.4, 1.0, "unclear")
PURCHASING = Change(10, 8.0, 14.6, 6.6, 1.0, 12.1, "more")


def measured_item(number: int, tasks: str, change: Change, followup: Survey = AUTUMN) -> ItemEffect:
    measured = Measured(baseline_round=SPRING, followup_round=followup, change=change, sek={})
    return ItemEffect(item=ActionItem(number=number, tasks=tasks), measured=measured)


PLAN = [
    measured_item(1, "invoices", INVOICES),
    measured_item(4, "invoices", INVOICES),  # the same tasks: the same measurement as item 1
    measured_item(2, "recruitment", RECRUITMENT),
    measured_item(8, "purchasing", PURCHASING),
]


def test_items_over_the_same_tasks_are_counted_as_one_measurement():
    assert verdict_summary(PLAN) == (
        "Less friction after 3 items (2 distinct measurements), more friction after 1 item."
    )
    assert measurements_note(PLAN) == (
        "The 4 items rest on 3 distinct measurements: items addressing the same tasks share one."
    )


def test_items_over_the_same_tasks_measured_on_other_managers_are_two_measurements():
    # A departmental item over recruitment is measured on its department's managers only.
    effects = [
        measured_item(2, "recruitment", RECRUITMENT),
        measured_item(21, "recruitment", RECRUITMENT_IN_ONE_DEPARTMENT),
    ]

    assert verdict_summary(effects) == "Less friction after 1 item, no clear change after 1 item."
    assert measurements_note(effects) == ""


def test_the_summary_reads_in_swedish_with_its_plurals():
    with translation.override("sv"):
        assert verdict_summary(PLAN) == "Mindre skav efter 3 åtgärder (2 olika mätningar), mer skav efter 1 åtgärd."
        assert measurements_note(PLAN) == (
            "De 4 åtgärderna bygger på 3 olika mätningar: åtgärder med samma arbetsuppgifter delar en mätning."
        )
        twins = PLAN[:2]
        assert verdict_summary(twins) == "Mindre skav efter 2 åtgärder (1 mätning)."
        assert measurements_note(twins) == (
            "De 2 åtgärderna bygger på 1 mätning: åtgärder med samma arbetsuppgifter delar en mätning."
        )


def test_nothing_measured_says_nothing():
    assert verdict_summary([]) == "" and measurements_note([]) == ""


def test_a_verdict_from_an_open_round_names_that_round_once():
    closed_autumn = Survey(pk=3, name="Hösten", start_date=dt.date(2026, 11, 16), status=Survey.Status.CLOSED)

    assert open_rounds([entry.measured for entry in PLAN]) == [AUTUMN]
    assert open_rounds([None, measured_item(1, "invoices", INVOICES, closed_autumn).measured]) == []
