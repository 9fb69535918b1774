"""Charts: SVG that goes inline into a page, names itself for screen readers and reads Swedish."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pandas as pd

from analysis import charts
from analysis.labels import task_labels

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
