"""Charts: SVG that goes inline into a page, names itself for screen readers and reads Swedish."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from html import unescape

import pandas as pd
import pytest

from actionplan.models import ActionItem
from analysis import charts
from analysis.labels import task_labels
from surveys import totals
from surveys.models import Department, DiaryLine, Survey, Task, Unit
from tests import test_access_matrix

SVG = "{http://www.w3.org/2000/svg}"

RANKING = pd.DataFrame({"label": ["Lön och HR: lön, schema, frånvaro", "Ekonomi"], "value": [35.9, 2.3]})


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_a_chart_is_inline_svg_with_an_accessible_name():
    svg = charts.bars(RANKING, value="value", title="Skavminuter per uppgift", xlabel="Minuter")
    assert svg.startswith("<svg ")  # no XML prolog or doctype inside a page
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Skavminuter per uppgift"
    assert root.find(f"{SVG}title").text == "Skavminuter per uppgift"
    assert root.get("viewBox")  # it scales with its column
    assert "<metadata>" not in svg


def test_labels_and_numbers_read_swedish():
    svg = charts.bars(RANKING, value="value", title="t", xlabel="Minuter per chefsdag", decimal=",")
    texts = [text.text for text in parse(svg).iter(f"{SVG}text")]
    assert "35,9" in texts and "2,3" in texts
    assert "Lön och HR: lön, schema, frånvaro" in " ".join(filter(None, texts)).replace("\n", " ")
    assert not any(text and re.fullmatch(r"\d+\.\d", text) for text in texts)


# Halves, worked out by hand: 1.25 and 16.25 are exact in binary, so Python's rounding to even would
# give 1.2 and 16.2; the tables round them up. 2.675 is stored just below 2.675, but written "2.675".
@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1.25, 1, "1,3"),
        (16.25, 1, "16,3"),
        (0.05, 1, "0,1"),
        (-1.25, 1, "−1,3"),
        (2.675, 2, "2,68"),
        (-0.04, 1, "0,0"),
        (12.5, 0, "13"),
        (35.94, 1, "35,9"),
    ],
)
def test_a_chart_rounds_halves_up_as_its_table_does(value, decimals, expected):
    assert charts.number(value, decimals, ",") == expected


def test_a_chart_writes_every_figure_as_the_table_beside_it():
    from django.utils import translation

    from analysis.templatetags.analysis_tags import figure

    with translation.override("sv"):
        for eighths in range(-200, 201):
            value = eighths / 8 + 0.05 * (eighths % 3)  # halves, quarters and ordinary tenths
            assert charts.number(value, 1, ",") == figure(value).replace("-", "−").replace("\xa0", ""), value


def test_a_bar_label_on_a_half_reads_as_in_the_table():
    frame = pd.DataFrame({"label": ["Annat (specificera), indirekt arbete", "Telefonkontakt"], "value": [1.25, 16.25]})
    texts = [
        text.text
        for text in parse(charts.bars(frame, value="value", title="t", xlabel="x", decimal=",")).iter(f"{SVG}text")
    ]
    assert "1,3" in texts and "16,3" in texts
    assert "1,2" not in texts and "16,2" not in texts


def test_a_forest_plot_writes_changes_with_their_sign_and_intervals_in_words():
    rows = [
        {"label": "Fakturor", "change": -29.45, "ci_low": -45.75, "ci_high": -13.2, "verdict": "less"},
        {"label": "Lön", "change": 2.0, "ci_low": -0.04, "ci_high": 4.05, "verdict": "unclear"},
    ]

    svg = charts.forest(rows, title="t", xlabel="x", zero_label="0", decimal=",", interval="%(low)s till %(high)s")

    texts = texts_of(svg)
    assert "−29,5  (−45,8 till −13,2)" in texts
    assert "+2,0  (0,0 till +4,1)" in texts


def test_ids_are_unique_to_each_chart_so_several_fit_one_page():
    first = charts.bars(RANKING, value="value", title="one", xlabel="x")
    second = charts.bars(RANKING.iloc[::-1], value="value", title="two", xlabel="x")
    ids = [re.findall(r'\bid="([^"]+)"', svg) for svg in (first, second)]
    assert not set(ids[0]) & set(ids[1])
    for svg, found in zip((first, second), ids, strict=True):
        assert len(found) == len(set(found))
        assert all(reference in found for reference in re.findall(r'href="#([^"]+)"', svg))
        # No stylesheet of matplotlib's to reach the page's other charts (nor any the CSP would refuse).
        assert "<style" not in svg


def test_every_chart_draws_from_a_frame():
    tasks = pd.DataFrame(
        {
            "label": ["A", "B", "C"],
            "function_mean": [1.5, 3.5, None],
            "value_mean": [3.0, 2.0, None],
            "minutes": [120, 30, 0],
        }
    )
    grid = pd.DataFrame([[0.0, 4.5], [12.0, 0.0]], index=["A", "B"], columns=[1, 2])
    quadrants = {"low_function_high_value": "Fungerar dåligt, hög nytta"}
    svgs = [
        charts.bubble_map(
            tasks, title="Karta", xlabel="Funktion", ylabel="Nytta", size_label="Yta: minuter", quadrants=quadrants
        ),
        charts.heatmap(grid, title="Timmar", xlabel="Timme", colour_label="Skavminuter"),
        charts.grouped_bars(grid, title="Jämför", xlabel="Minuter"),
        charts.dots(
            pd.DataFrame({"Chef nr 2": [1.2, None], "Chef nr 8": [3.0, 4.0]}, index=["A", "B"]), title="F", xlabel="1–4"
        ),
    ]
    for svg in svgs:
        assert parse(svg).get("role") == "img"
        # Inline, a style attribute or element would be refused by the Content-Security-Policy;
        # presentation attributes carry the same colours and fonts.
        assert " style=" not in svg and "<style" not in svg
    assert all('font-size="' in svg and 'fill="#' in svg for svg in svgs)
    assert "Fungerar dåligt, hög nytta" in svgs[0]


def test_a_label_shared_by_tasks_gets_its_category():
    tasks = [
        {
            "task": "direct-other",
            "label": "Annat (specificera)",
            "label_en": "Other (specify)",
            "category": "Direkt arbete med barn",
            "category_en": "Direct work",
        },
        {
            "task": "other",
            "label": "Annat (specificera)",
            "label_en": "Other (specify)",
            "category": "Övriga arbetsuppgifter",
            "category_en": "Other tasks",
        },
        {
            "task": "budget",
            "label": "Ekonomi: budget",
            "label_en": "Finance: budget",
            "category": "Övriga arbetsuppgifter",
            "category_en": "Other tasks",
        },
    ]
    assert task_labels(tasks, "sv") == {
        "direct-other": "Annat (specificera), direkt arbete",
        "other": "Annat (specificera), övriga arbetsuppgifter",
        "budget": "Ekonomi: budget",
    }
    assert task_labels(tasks, "en")["budget"] == "Finance: budget"


def test_long_labels_wrap_to_two_lines():
    assert charts.wrap("Information: e-post, telefon, webb (specificera) och mycket mer", 20) == (
        "Information: e-post,\ntelefon, webb…"
    )


# --- Text from data is text, never mathtext ---------------------------------------------------------
# matplotlib reads a text between two `$` as a formula: "$x^2$" would be drawn as x², and "$\frac$"
# (a formula it cannot read) stops the drawing. Task labels and round names come from data.

MATH_LABEL = r"Attest $x^2$ o $\frac$"
MATH_ROUND = r"Runda $\frac$ 2025"


def texts_of(svg: str) -> list[str]:
    return [text.text or "" for text in parse(svg).iter(f"{SVG}text")]


def test_a_bar_chart_draws_dollar_signs_and_backslashes_as_written():
    frame = pd.DataFrame({"label": [MATH_LABEL, "Ekonomi"], "value": [35.9, 2.3]})

    svg = charts.bars(frame, value="value", title=MATH_ROUND, xlabel=MATH_LABEL)

    assert texts_of(svg).count(MATH_LABEL) == 2  # the row and the axis's name
    assert parse(svg).find(f"{SVG}title").text == MATH_ROUND


def test_a_bubble_map_draws_its_labels_as_written():
    frame = pd.DataFrame(
        {"label": [MATH_LABEL, "Ekonomi"], "function_mean": [1.5, 3.0], "value_mean": [3.5, 2.0], "minutes": [90, 30]}
    )

    svg = charts.bubble_map(
        frame,
        title=MATH_ROUND,
        xlabel=MATH_LABEL,
        ylabel=MATH_LABEL,
        size_label=MATH_LABEL,
        quadrants={"low_function_high_value": MATH_LABEL},
    )

    assert texts_of(svg).count(MATH_LABEL) == 5  # the bubble, both axes, the size note, a corner


def test_a_heatmap_draws_its_rows_and_columns_as_written():
    frame = pd.DataFrame({MATH_ROUND: [1.0, 2.0], "$5": [3.0, 0.0]}, index=[MATH_LABEL, "$10 $20"])

    svg = charts.heatmap(frame, title=MATH_ROUND, xlabel=MATH_LABEL, colour_label=MATH_LABEL)

    texts = texts_of(svg)
    assert {MATH_LABEL, "$10 $20", MATH_ROUND, "$5"} <= set(texts)
    assert texts.count(MATH_LABEL) == 3


@pytest.mark.parametrize("draw", [charts.grouped_bars, charts.dots])
def test_series_charts_draw_rows_and_round_names_as_written(draw):
    frame = pd.DataFrame({MATH_ROUND: [2.0, 3.0], "Uppföljning $x$": [1.5, 2.5]}, index=[MATH_LABEL, "Ekonomi"])

    svg = draw(frame, title=MATH_ROUND, xlabel=MATH_LABEL)

    texts = texts_of(svg)
    assert {MATH_ROUND, "Uppföljning $x$"} <= set(texts)  # the legend
    assert texts.count(MATH_LABEL) == 2  # the row and the axis's name


def test_a_forest_plot_draws_its_rows_as_written():
    rows = [{"label": MATH_LABEL, "change": -3.0, "ci_low": -5.0, "ci_high": -1.0, "verdict": "less"}]

    svg = charts.forest(rows, title=MATH_ROUND, xlabel=MATH_LABEL, zero_label=MATH_ROUND)

    texts = texts_of(svg)
    assert texts.count(MATH_LABEL) == 2 and MATH_ROUND in texts


def test_the_action_plan_s_status_chart_draws_its_labels_as_written():
    from actionplan.charts import _draw

    svg = _draw([(MATH_LABEL, [1, 2, 0, 1, 0])], [("proposed", MATH_ROUND), ("planned", "$a$"), ("done", "b")])

    assert {MATH_LABEL, MATH_ROUND, "$a$"} <= set(texts_of(svg))


def test_every_text_of_a_figure_is_switched_off_mathtext_with_its_tick_labels():
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    figure = Figure()
    axes = figure.add_subplot()
    axes.set_xticks([0, 1], ["$a$", "$b$"])
    axes.set_title("$c$")
    axes.legend(handles=axes.plot([0, 1], label="$d$"))

    charts.plain_text(figure)

    texts = figure.findobj(Text)
    assert {"$a$", "$b$", "$c$", "$d$"} <= {text.get_text() for text in texts}
    assert not [text.get_text() for text in texts if text.get_parse_math()]


# --- Every chart page with such labels -----------------------------------------------------------------

world = test_access_matrix.world  # two municipalities with rounds, diaries and an action plan

CHART_PAGES = [
    # (who, URL name, path arguments of side A, query, whether the page has a chart with the task's label)
    ("superuser", "analysis:dashboard", lambda a: [a.followup.slug], {}, True),
    ("superuser", "analysis:dashboard", lambda a: [a.followup.slug], {"department": "department"}, True),
    ("superuser", "analysis:compare", lambda a: [a.followup.slug], {"m": [1, 2]}, True),
    ("superuser", "analysis:rounds", lambda a: [], {"baseline": "baseline", "followup": "followup"}, True),
    ("superuser", "analysis:rounds", lambda a: [], {"followup": "followup"}, True),
    ("manager", "analysis:profile", lambda a: [a.followup.slug], {}, True),
    ("superuser", "actionplan:overview", lambda a: [a.plan.pk], {}, False),  # areas and statuses only
    ("superuser", "actionplan:effect", lambda a: [a.plan.pk], {}, True),  # the item's title
    ("superuser", "actionplan:item", lambda a: [a.item.pk], {}, True),  # the item's title
    ("superuser", "actionplan:task", lambda a: [a.baseline.slug, "invoices"], {}, False),  # tables only
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "name", "args", "query", "chart"), CHART_PAGES, ids=[f"{page[1]}-{i}" for i, page in enumerate(CHART_PAGES)]
)
def test_every_chart_page_answers_with_a_formula_like_task_label_and_round_name(
    client, world, who, name, args, query, chart
):
    from django.urls import reverse

    a = world.a
    Task.objects.filter(survey__municipality=a.municipality, code="invoices").update(
        label=MATH_LABEL, label_en=MATH_LABEL
    )
    Survey.objects.filter(pk=a.baseline.pk).update(name=MATH_ROUND)
    Survey.objects.filter(pk=a.followup.pk).update(name=r"Uppföljning $x^2$ $\frac$")
    Department.objects.filter(pk=a.department.pk).update(name=r"Förvaltning $\frac$")
    Unit.objects.filter(pk=a.unit.pk).update(name=r"Enhet $\frac$ $y$")
    # Done between the rounds, with less friction in the follow-up: the item's effect has a forest plot.
    ActionItem.objects.filter(pk=a.item.pk).update(
        done_on=dt.date(2025, 5, 2), title=MATH_LABEL, tasks="invoices planning"
    )
    for number, minutes in ((1, 45), (2, 30), (3, 15)):
        lines = DiaryLine.objects.filter(day__participant__survey=a.followup, day__participant__number=number)
        lines.filter(task__code="invoices").update(h1=minutes)
    totals.refresh_round(a.followup)  # lines written straight to the table: their task totals too
    values = {"department": a.department.pk, "baseline": a.baseline.slug, "followup": a.followup.slug}
    params = {key: values.get(value, value) if isinstance(value, str) else value for key, value in query.items()}
    client.force_login(world.users[who])

    response = client.get(reverse(name, args=args(a)), params)

    assert response.status_code == 200
    page = response.content.decode()
    assert MATH_LABEL in page
    if chart:
        # Charts drawn in the page, and charts served as images of their own (fetched as a browser would).
        svgs = re.findall(r"<svg .*?</svg>", page, flags=re.DOTALL)
        for src in re.findall(r'<img src="([^"]+)"', page):
            image = client.get(unescape(src))
            assert image.status_code == 200 and image["Content-Type"].startswith("image/svg+xml"), src
            svgs.append(image.content.decode())
        assert [svg for svg in svgs if MATH_LABEL in svg]


def test_a_forest_plot_writes_an_items_whole_title_on_up_to_three_lines():
    title = "10. Färre manuella steg i lönesystemet för frånvaro och tidrapportering"
    rows = [{"label": title, "change": -6.5, "ci_low": -23.3, "ci_high": 10.4, "verdict": "unclear"}]

    texts = texts_of(charts.forest(rows, title="t", xlabel="x", zero_label="0"))

    assert "10. Färre manuella steg i lönesystemet för" in texts and "frånvaro och tidrapportering" in texts
