"""Downloads for people: a Swedish page's CSV opens right in Swedish Excel (semicolons, decimal commas,
Swedish headings), an English page's has commas, dots and English headings, an xlsx has the page's
headings and real numbers; the JSON keeps codes and unrounded numbers.

The expected figures are worked out by hand from the small round of conftest.py: five manager-days
(1 Mon, 1 Tue, 2 Mon, 3 Wed, 4 Mon), 480 minutes in all, invoices 60 + 30 + 60 + 30 = 180 of them.
Most tests use `tripled_round`, the same diaries written three times each, so that every unit has
3 managers and the disclosure rule withholds nothing: shares, means and figures per manager-day are
the small round's; counts of managers and days are three times its.
"""

from __future__ import annotations

import csv
import io
import math
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from analysis import headings, reports
from mio import downloads

pytestmark = pytest.mark.django_db

ROUND = "test-round"
INVOICES_SHARE = 180 / 480
# Minute-weighted function of invoices: 60 rated 1, 30 rated 3, 60 rated 2, 30 rated 2.
INVOICES_FUNCTION = (60 * 1 + 30 * 3 + 60 * 2 + 30 * 2) / 180
# Friction weighs minutes by (4 − function) / 3: 60 + 10 + 40 + 20 minutes over 5 manager-days.
INVOICES_FRICTION = (60 + 10 + 40 + 20) / 5


@pytest.fixture
def analyst(client, project_member):
    client.force_login(project_member)
    return client


def english(client):
    client.cookies["django_language"] = "en"
    return client


def table(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads the file as UTF-8 only with its byte order mark
    first_line = text[1:].split("\r\n", 1)[0]
    delimiter = ";" if ";" in first_line else ","
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=delimiter))


def sheet_of(response):
    return load_workbook(io.BytesIO(response.content)).active


def by_code(rows: list[list[str]]) -> dict[str, dict[str, str]]:
    """The CSV's data rows by their first cell (the task code), each as {heading: cell}."""
    header = rows[0]
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}


def export_url(table_name: str, fmt: str) -> str:
    return reverse("analysis:export", args=[ROUND, table_name, fmt])


# --- CSV for Swedish and English Excel ----------------------------------------------------------------


def test_a_swedish_page_downloads_the_ranking_for_swedish_excel(analyst, tripled_round):
    response = analyst.get(export_url("ranking", "csv"))  # Swedish is the default language
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    header_line = text.split("\r\n", 1)[0]
    # One column per field of the report and a last one for why a row is withheld.
    assert header_line.count(";") == len(reports.TASK_FIELDS) and "," not in header_line
    rows = table(response)
    header = rows[0]
    with translation.override("sv"):
        assert header[-1] == translation.gettext("Withheld")
    assert all(row[-1] == "" for row in rows[1:])  # nothing is withheld in tripled_round
    assert {"Arbetsuppgift", "Område", "Andel", "Skavminuter per chef och dag", "Chefer", "Plats"} <= set(header)
    assert not set(header) & set(reports.TASK_FIELDS) - {"task"}  # no column is headed by its code
    invoices = by_code(rows)["invoices"]
    assert rows[1][0] == "invoices"  # highest friction first; the code column stays a code
    assert invoices["Arbetsuppgift"] == "Ekonomi: fakturahantering"
    assert invoices["Område"] == "Ekonomi"  # the support area as a word, not "finance"
    assert invoices["Andel"] == "0,375"
    assert invoices["Andel"].replace(",", ".") == str(INVOICES_SHARE)
    assert invoices["Funktion (1–4)"].startswith("1,8333")
    assert float(invoices["Funktion (1–4)"].replace(",", ".")) == pytest.approx(INVOICES_FUNCTION)
    assert float(invoices["Skavminuter per chef och dag"].replace(",", ".")) == INVOICES_FRICTION
    assert invoices["Chefer"] == "9" and invoices["Plats"] == "1"  # whole numbers stay whole; 3 × (1, 2, 4)


def test_an_english_page_downloads_the_ranking_with_commas_and_dots(analyst, tripled_round):
    rows = table(english(analyst).get(export_url("ranking", "csv")))
    header = rows[0]
    assert len(header) == len(reports.TASK_FIELDS) + 1 and header[-1] == "Withheld"
    assert header[:4] == ["Task code", "Task", "Category", "Area"]
    assert {"Share", "Function (1–4)", "Friction minutes per manager-day", "Managers", "Rank"} <= set(header)
    invoices = by_code(rows)["invoices"]
    assert invoices["Task"] == "Finance: invoice handling" and invoices["Area"] == "Finance"
    assert invoices["Share"] == "0.375"
    assert float(invoices["Function (1–4)"]) == pytest.approx(INVOICES_FUNCTION)
    assert float(invoices["Friction minutes per manager-day"]) == INVOICES_FRICTION


def test_tasks_without_ratings_leave_their_means_empty(analyst, small_round):
    rows = by_code(table(analyst.get(export_url("ranking", "csv"))))
    assert rows["budget"]["Funktion (1–4)"] == "" and rows["budget"]["Andel"] == "0"


def test_the_managers_grid_is_headed_by_task_labels(analyst, tripled_round):
    rows = table(analyst.get(export_url("managers", "csv")))
    header = rows[0]
    assert header[0] == "Deltagarnummer" and "Ekonomi: fakturahantering" in header and "invoices" not in header
    grid = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert list(grid) == [str(number) for number in range(1, 13)]
    assert grid["1"]["Ekonomi: fakturahantering"] == "45"  # 90 minutes over 2 days
    assert grid["9"]["Ekonomi: fakturahantering"] == "45"  # manager 1's diary, written by manager 9
    english_rows = table(english(analyst).get(export_url("managers", "csv")))
    assert english_rows[0][0] == "Participant number" and "Finance: invoice handling" in english_rows[0]


def test_hours_are_headed_by_clock_times_and_the_cost_ends_with_all_tasks(analyst, tripled_round):
    hours = table(analyst.get(export_url("hours", "csv")))
    with translation.override("sv"):
        assert hours[0][-1] == translation.gettext("Withheld")
    assert hours[0][2:-1] == ["08–09", "09–10", "10–11", "11–12", "12–13", "13–14", "14–15", "15–16"]
    invoices = by_code(hours)["invoices"]
    assert invoices["08–09"] == "22"  # 3 × (60 + 10 + 40) / (3 × 5)
    assert invoices["10–11"] == "4"  # 3 × 20 / (3 × 5)
    cost = table(analyst.get(export_url("cost", "csv")))
    assert cost[-1][:3] == ["all", "Alla arbetsuppgifter", "38"]  # 26 + 12


def test_the_comparison_names_tasks_and_categories_in_words(analyst, tripled_round):
    url = reverse("analysis:compare_export", args=[ROUND, "csv"]) + "?m=1&m=2"
    rows = table(analyst.get(url))
    assert rows[0][:3] == ["Deltagarnummer", "Dagar", "Typ"]
    kinds = {row[2] for row in rows[1:]}
    assert kinds == {"Arbetsuppgift", "Kategori"}
    invoices = next(row for row in rows[1:] if row[0] == "1" and row[3] == "Ekonomi: fakturahantering")
    # Manager 1: 90 of 150 minutes on invoices over 2 days, 60 rated 1 and 30 rated 3.
    assert invoices[4:6] == ["45", "0,6"]
    assert float(invoices[6].replace(",", ".")) == pytest.approx((60 * 1 + 30 * 3) / 90)
    english_rows = table(english(analyst).get(url))
    assert english_rows[0][:3] == ["Participant number", "Days", "Kind"]
    assert {row[2] for row in english_rows[1:]} == {"Task", "Category"}


def test_the_rounds_table_heads_each_figure_by_round(analyst, tripled_round, followup_round):
    url = reverse("analysis:rounds_export", args=["csv"]) + f"?baseline={ROUND}&followup={followup_round.slug}"
    rows = by_code(table(english(analyst).get(url)))
    # Invoices: 26 friction minutes per manager-day in the baseline, 60 × 1/3 = 20 in the follow-up.
    assert rows["invoices"]["Friction minutes per manager-day, baseline"] == "26"
    assert rows["invoices"]["Friction minutes per manager-day, follow-up"] == "20"
    assert rows["invoices"]["Friction minutes per manager-day, change"] == "-6"
    analyst.cookies["django_language"] = "sv"
    swedish = by_code(table(analyst.get(url)))
    assert swedish["invoices"]["Skavminuter per chef och dag, förändring"] == "-6"
    assert swedish["invoices"]["Område"] == "Ekonomi"


# --- xlsx -----------------------------------------------------------------------------------------


def test_the_xlsx_has_the_page_s_headings_and_real_numbers(analyst, tripled_round):
    sheet = sheet_of(analyst.get(export_url("ranking", "xlsx")))
    rows = list(sheet.iter_rows())
    header = [cell.value for cell in rows[0]]
    assert "Skavminuter per chef och dag" in header and "Andel" in header
    assert all(cell.font.b for cell in rows[0])
    invoices = dict(zip(header, rows[1], strict=True))
    assert invoices["Arbetsuppgift"].value == "Ekonomi: fakturahantering"
    friction = invoices["Skavminuter per chef och dag"]
    assert isinstance(friction.value, (int, float)) and friction.value == INVOICES_FRICTION
    assert friction.number_format == "0.0"
    function = invoices["Funktion (1–4)"]
    assert function.value == pytest.approx(INVOICES_FUNCTION, rel=1e-15)  # unrounded, only shown rounded
    assert function.number_format == "0.0"
    assert invoices["Andel"].value == INVOICES_SHARE and invoices["Andel"].number_format == "0.0%"
    assert invoices["Plats"].value == 1 and invoices["Plats"].number_format == "General"

    english_sheet = sheet_of(english(analyst).get(export_url("ranking", "xlsx")))
    english_header = [cell.value for cell in next(english_sheet.iter_rows())]
    assert english_header[:2] == ["Task code", "Task"] and "Friction minutes per manager-day" in english_header
    assert english_header[-1] == "Withheld" and invoices[header[-1]].value is None  # invoices is not withheld


def test_the_cost_xlsx_shows_hours_and_kronor_whole_as_the_page_does(analyst, tripled_round):
    # The page writes 38.0 friction minutes a manager-day as 127 hours and 57 000 kr a year (the round's
    # 200 working days, 450 kr an hour); a cell shown as 126.7 or 57000.0 would not read as the page.
    sheet = sheet_of(analyst.get(export_url("cost", "xlsx")))
    rows = list(sheet.iter_rows())
    header = [cell.value for cell in rows[0]]
    total = dict(zip(header, rows[-1], strict=True))
    minutes = total["Skavminuter per chef och dag"].value
    assert total["Timmar per chef och år"].value == pytest.approx(minutes * 200 / 60)
    assert total["Kr per chef och år"].value == pytest.approx(minutes * 200 / 60 * 450)
    for heading in (
        "Timmar per chef och år",
        "Kr per chef och år",
        "Timmar per år, alla chefer",
        "Kr per år, alla chefer",
    ):
        assert total[heading].number_format == "#,##0"
    assert total["Årsarbetskrafter"].number_format == "0.00"
    assert total["Skavminuter per chef och dag"].number_format == "0.0"


def test_an_empty_mean_is_an_empty_xlsx_cell(analyst, small_round):
    sheet = sheet_of(english(analyst).get(export_url("ranking", "xlsx")))
    values = list(sheet.values)
    budget = dict(zip(values[0], next(row for row in values if row[0] == "budget"), strict=True))
    assert budget["Function (1–4)"] is None and budget["Minutes"] == 0


# --- The JSON stays machine-readable --------------------------------------------------------------


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_json_keeps_codes_and_unrounded_numbers(analyst, tripled_round, language):
    analyst.cookies["django_language"] = language
    data = analyst.get(export_url("ranking", "json")).json()
    # The report with the disclosure rule applied, which withholds nothing in tripled_round.
    report = reports.friction_report(survey=tripled_round.survey)
    assert data == {
        **report,
        "tasks": [{**task, "withheld": False, "withheld_reason": None} for task in report["tasks"]],
    }
    invoices = data["tasks"][0]
    assert set(invoices) == {*reports.TASK_FIELDS, "withheld", "withheld_reason"}
    assert invoices["task"] == "invoices" and invoices["area"] == "finance"
    assert invoices["share"] == INVOICES_SHARE
    assert invoices["function_mean"] == pytest.approx(INVOICES_FUNCTION, rel=1e-15)


# --- The writer itself ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "dot", "comma"),
    [
        (1e-05, "0.00001", "0,00001"),
        (-2.5, "-2.5", "-2,5"),
        (26.0, "26", "26"),
        (0.1 + 0.2, "0.3", "0,3"),  # 15 significant digits, as Excel keeps, not 0.30000000000000004
        (1234567.25, "1234567.25", "1234567,25"),  # no thousands separator: Excel must read a number
        (1.5e20, "150000000000000000000", "150000000000000000000"),
        (-0.0, "0", "0"),
        (Decimal("12.50"), "12.5", "12,5"),
        (math.nan, "", ""),
    ],
)
def test_numbers_are_written_as_plain_decimals(value, dot, comma):
    assert downloads.number_text(value) == dot
    assert downloads.number_text(value, decimal=",") == comma


def test_the_csv_writer_keeps_ints_strings_and_empty_cells():
    rows = [[7, None, -0.5, 1e-05, "a;b", "1,5", 0]]
    swedish = io.StringIO()
    downloads.write_csv(["Nr", "Tom", "Minus", "Liten", "Text", "Sträng", "Noll"], rows, swedish, swedish=True)
    assert swedish.getvalue() == '\ufeffNr;Tom;Minus;Liten;Text;Sträng;Noll\r\n7;;-0,5;0,00001;"a;b";1,5;0\r\n'
    english_text = io.StringIO()
    downloads.write_csv(["No", "Empty", "Minus", "Small", "Text", "String", "Zero"], rows, english_text, swedish=False)
    assert english_text.getvalue() == '\ufeffNo,Empty,Minus,Small,Text,String,Zero\r\n7,,-0.5,0.00001,a;b,"1,5",0\r\n'


def test_the_xlsx_writer_writes_numeric_cells_with_their_display_format():
    stream = io.BytesIO()
    downloads.write_xlsx(
        ["Nr", "Tom", "Minus", "Liten", "Andel", "Text"],
        [[7, None, -0.5, 1e-05, 0.25, "Ekonomi"]],
        stream,
        title="a-very-long-name-that-excel-would-not-accept-as-a-sheet",
        number_formats=[None, None, None, None, "0.0%"],
    )
    workbook = load_workbook(io.BytesIO(stream.getvalue()))
    sheet = workbook.active
    assert sheet.title == "a-very-long-name-that-excel-wou"  # 31 characters
    assert [cell.value for cell in sheet[1]] == ["Nr", "Tom", "Minus", "Liten", "Andel", "Text"]
    number, empty, minus, small, share, text = sheet[2]
    assert (number.value, number.number_format) == (7, "General")
    assert empty.value is None
    assert (minus.value, minus.number_format) == (-0.5, "0.0")
    assert (small.value, small.number_format) == (1e-05, "0.0")
    assert (share.value, share.number_format) == (0.25, "0.0%")
    assert text.value == "Ekonomi"
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["F"].width >= len("Ekonomi")


def test_a_response_follows_the_active_language():
    header, rows = ["task", "share", "other"], [["invoices", 0.5, 2]]
    names = {"task": "Task", "share": "Share"}
    with translation.override("sv"):
        response = downloads.table_response(header, rows, fmt="csv", name="t", headings=names)
    assert response.content.decode("utf-8-sig") == "Task;Share;other\r\ninvoices;0,5;2\r\n"  # "other": its code
    assert response["Content-Disposition"] == 'attachment; filename="t.csv"'
    with translation.override("en"):
        response = downloads.table_response(header, rows, fmt="csv", name="t", headings=names)
    assert response.content.decode("utf-8-sig") == "Task,Share,other\r\ninvoices,0.5,2\r\n"


def test_an_unknown_column_code_is_its_own_heading():
    with translation.override("en"):
        assert headings.heading("something_new") == "something_new"
        assert headings.heading("h3") == "Hour 3"  # no round's clock times given
        assert headings.heading("h3", hours=["07–08", "08–09", "09–10"]) == "09–10"
        assert headings.heading("value_mean_followup") == "Value (1–4), follow-up"
        assert headings.number_format("share") == "0.0%" and headings.number_format("minutes") is None
