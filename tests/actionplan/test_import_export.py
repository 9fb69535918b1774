"""Action files: bad rows are all reported and change nothing; export and import give back the same plan."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from actionplan.actionfile import COLUMNS, parse_table
from actionplan.models import ActionItem
from actionplan.services import plan_get_or_create
from surveys.models import Department, Municipality
from surveys.services import survey_create

pytestmark = pytest.mark.django_db

GOOD = [
    "1",
    "Förenkla rutiner",
    "",
    "central",
    "",
    "finance",
    "routines",
    "planned",
    "2",
    "Per",
    "",
    "",
    "invoices",
    "",
]


def write(path, rows, *, header=COLUMNS):
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def export(municipality: str, **options) -> str:
    out = io.StringIO()
    call_command("export_actions", municipality=municipality, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def import_errors(path, municipality: str) -> list[str]:
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_actions", str(path), municipality=municipality, stdout=io.StringIO(), stderr=err)
    assert "nothing was imported" in str(raised.value)
    return err.getvalue().splitlines()


def snapshot(plan) -> list[tuple]:
    return list(plan.items.order_by("number").values_list("number", "title", "status", "tasks", "department_id"))


def test_the_reader_reports_each_bad_cell_with_its_row_column_and_what_is_allowed():
    bad = ["x", "", "", "regional", "", "lunch", "forms", "started", "5", "", "1 april", "", "invoices ok!"]

    result = parse_table([COLUMNS, GOOD, bad])

    assert len(result.rows) == 1
    assert [(error.row, error.column) for error in result.errors] == [
        (3, "number"),
        (3, "title"),
        (3, "owner_level"),
        (3, "area"),
        (3, "status"),
        (3, "priority"),
        (3, "start"),
        (3, "tasks"),
    ]
    messages = {error.column: str(error) for error in result.errors}
    assert (
        messages["owner_level"]
        == "Row 3, column owner_level: “regional” is not allowed; use one of: central, department"
    )
    assert messages["area"].endswith("use one of: it, finance, hr, operations")
    assert messages["priority"].endswith("use 1 (high), 2 (medium) or 3 (low)")


def test_a_wrong_header_is_one_error_naming_the_columns():
    result = parse_table([["number", "title"], ["1", "x"]])

    assert [str(error) for error in result.errors] == [
        "Row 1: the header must be " + ",".join(COLUMNS) + ", not number,title"
    ]


def test_a_blank_header_row_says_it_found_nothing():
    result = parse_table([["", ""], ["1", "x"]])

    assert [str(error) for error in result.errors] == [
        "Row 1: the header must be " + ",".join(COLUMNS) + ", not nothing"
    ]


def test_bad_rows_leave_the_plan_unchanged_and_name_every_problem(tmp_path, plan, make_item, department):
    make_item(1, title="Redan här", tasks=["budget"])
    before = snapshot(plan)
    rows = [
        ["1", "Ändrad titel", "", "central", "", "finance", "forms", "done", "1", "", "", "", "budget"],
        ["2", "Ny", "", "department", "Okänd förvaltning", "it", "forms", "planned", "2", "", "", "", ""],
        ["3", "Ny", "", "department", "", "it", "forms", "planned", "2", "", "", "", ""],
        ["4", "Ny", "", "central", "", "it", "forms", "planned", "2", "", "2025-05-02", "2025-05-01", "lunch"],
        ["2", "Igen", "", "central", "", "it", "forms", "planned", "2", "", "", "", ""],
    ]

    errors = import_errors(write(tmp_path / "plan.csv", rows), "Testkommun")

    assert snapshot(plan) == before
    assert ActionItem.objects.count() == 1
    assert errors[0].startswith("Row 3, column department: unknown department “Okänd förvaltning”; Testkommun has:")
    assert errors[1:] == [
        "Row 4, column department: A departmental item needs its owning department.",
        "Row 5, column due: “Due” cannot be before “Start”.",
        "Row 5, column tasks: Unknown task code(s) lunch; the rounds of this municipality have: "
        + ", ".join(sorted(plan.municipality.surveys.get().tasks.values_list("code", flat=True)))
        + ".",
        "Row 6, column number: repeats the number of row 3; each number only once",
    ]


def test_a_start_after_an_items_recorded_done_date_is_a_row_message_and_nothing_changes(tmp_path, plan, make_item):
    # A row without a done day keeps the one recorded, so a later start would put the item's start after it.
    make_item(1, status="done", start_date=dt.date(2025, 4, 1), done_on=dt.date(2025, 5, 20), tasks=["invoices"])
    make_item(2, title="Orörd")
    before = snapshot(plan)
    rows = [
        row(status="done", responsible="", start="2025-06-01"),
        ["2", "Ändrad", "", "central", "", "it", "other", "proposed", "3", "", "", "", ""],
    ]

    errors = import_errors(write(tmp_path / "plan.csv", rows), "Testkommun")

    assert errors == ["Row 2, column done: “Done on” (20 May 2025) cannot be before “Start” (1 June 2025)."]
    assert snapshot(plan) == before
    assert ActionItem.objects.get(number=1).start_date == dt.date(2025, 4, 1)


def test_an_unknown_municipality_is_refused(tmp_path):
    with pytest.raises(CommandError, match="^No municipality “Ingenstans”$"):
        call_command("import_actions", str(write(tmp_path / "p.csv", [GOOD])), municipality="Ingenstans")


def test_a_row_with_a_known_number_updates_that_item_and_others_are_added(tmp_path, plan, make_item):
    make_item(1, title="Gammal titel")
    rows = [GOOD, ["2", "Ny åtgärd", "", "central", "", "it", "other", "proposed", "3", "", "", "", ""]]
    out = io.StringIO()

    call_command("import_actions", str(write(tmp_path / "p.csv", rows)), municipality="Testkommun", stdout=out)

    assert "1 new, 1 changed, 0 unchanged" in out.getvalue()
    assert snapshot(plan) == [
        (1, "Förenkla rutiner", "planned", "invoices", None),
        (2, "Ny åtgärd", "proposed", "", None),
    ]


@pytest.fixture
def twin(municipality, department, survey):
    """A second municipality with a department of the same name and a round with the same tasks."""
    other = Municipality.objects.create(name="Tvillingkommun")
    Department.objects.create(municipality=other, name=department.name)
    survey_create(
        slug="twin-round",
        name="Nollmätning",
        municipality=other,
        start_date=survey.start_date,
        end_date=survey.end_date,
    )
    return other


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_then_import_gives_the_same_plan(tmp_path, plan, make_item, department, twin, suffix):
    make_item(1, title="Processkartläggning, fakturor", description='Rad ett\nrad två; "citat"', tasks=["invoices"])
    make_item(
        2,
        owner_level="department",
        department=department,
        area="hr",
        kind="forms",
        status="in_progress",
        priority=1,
        responsible="Eva Moberg, HR-chef",
        start_date=dt.date(2025, 4, 1),
        due_date=dt.date(2025, 6, 30),
        tasks=["payroll-hr", "recruitment"],
    )
    make_item(3, status="done", done_on=dt.date(2025, 5, 20), start_date=dt.date(2025, 4, 1), tasks=["invoices"])
    path = tmp_path / f"plan.{suffix}"
    export("Testkommun", output=str(path))

    call_command("import_actions", str(path), municipality="Tvillingkommun", stdout=io.StringIO())

    exported = export("Testkommun")
    assert export("Tvillingkommun") == exported
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [row["description"] for row in rows] == ['Rad ett\nrad två; "citat"', "", ""]
    assert rows[1]["department"] == department.name
    # The day a done item became done travels with it: "did it help?" measures from that day.
    assert [row["done"] for row in rows] == ["", "", "2025-05-20"]
    assert ActionItem.objects.get(plan__municipality=twin, number=3).done_on == dt.date(2025, 5, 20)


def test_a_done_row_without_its_day_is_done_as_of_the_import_and_an_update_keeps_the_day(
    tmp_path, plan, make_item, monkeypatch
):
    make_item(1, status="done", done_on=dt.date(2025, 5, 20), tasks=["invoices"])
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: dt.date(2025, 9, 1))
    # A file of the format before the done column.
    rows = [row(status="done")[:-1], row(number="2", status="done")[:-1]]

    call_command(
        "import_actions",
        str(write(tmp_path / "p.csv", rows, header=COLUMNS[:-1])),
        municipality="Testkommun",
        stdout=io.StringIO(),
    )

    assert dict(plan.items.values_list("number", "done_on")) == {1: dt.date(2025, 5, 20), 2: dt.date(2025, 9, 1)}


def test_a_done_day_on_an_item_not_done_or_in_the_future_is_a_row_message(tmp_path, plan):
    planned = row(done="2025-05-20")
    future = row(number="2", status="done", done="2999-01-01")
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command(
            "import_actions",
            str(write(tmp_path / "p.csv", [planned, future])),
            municipality="Testkommun",
            stdout=out,
            stderr=out,
        )

    messages = out.getvalue()
    assert "Row 2, column done: Only a done item has a date it was done: leave it empty or choose Done." in messages
    assert "Row 3, column done: The item cannot be done on a day still to come." in messages
    assert not plan.items.exists()


def test_importing_the_export_into_the_same_plan_changes_nothing(tmp_path, plan, make_item):
    make_item(1, tasks=["invoices"])
    make_item(2, area="it")
    path = tmp_path / "plan.csv"
    path.write_text(export("Testkommun"), encoding="utf-8")
    out = io.StringIO()

    call_command("import_actions", str(path), municipality="Testkommun", stdout=out)

    assert "0 new, 0 changed, 2 unchanged" in out.getvalue()
    assert all(item.history.count() == 1 for item in plan.items.all())


def test_import_creates_the_plan_when_there_is_none(tmp_path, municipality, survey):
    call_command(
        "import_actions", str(write(tmp_path / "p.csv", [GOOD])), municipality="Testkommun", stdout=io.StringIO()
    )

    assert plan_get_or_create(municipality=municipality).items.get().title == "Förenkla rutiner"


# --- Every value the database could not hold is a row message ---------------------------------------


def long_codes(survey, count: int) -> list[str]:
    """`count` tasks with 45-character codes in the round: ten and more do not fit an item (500 characters)."""
    category = survey.categories.first()
    codes = [f"{index:02d}-" + "x" * 42 for index in range(count)]
    for index, code in enumerate(codes):
        survey.tasks.create(category=category, code=code, label=f"Lång uppgift {index}", area="it", order=100 + index)
    return codes


def row(**cells: str) -> list[str]:
    values = dict(zip(COLUMNS, GOOD, strict=True))
    values.update(cells)
    return [values[column] for column in COLUMNS]


@pytest.mark.parametrize("number", ["40000", "32768", "1e6", "1_000", "٣", "0", "-4", "2.5"])
def test_an_item_number_the_field_cannot_hold_is_a_row_message(number):
    result = parse_table([COLUMNS, row(number=number)])

    assert not result.rows
    assert [str(error) for error in result.errors] == [
        f"Row 2, column number: “{number}” is not an item number; use a whole number from 1 to 32767"
    ]


def test_the_largest_item_number_is_read():
    assert [item.number for item in parse_table([COLUMNS, row(number="32767")]).rows] == [32767]


def test_text_longer_than_its_field_is_a_row_message_naming_the_limit():
    result = parse_table([COLUMNS, row(title="T" * 201, responsible="R" * 250), row(title="T" * 200)])

    assert [str(error) for error in result.errors] == [
        "Row 2, column title: is 201 characters long; at most 200 are allowed",
        "Row 2, column responsible: is 250 characters long; at most 200 are allowed",
    ]
    assert [len(item.title) for item in result.rows] == [200]


def test_a_nul_character_is_a_row_message():
    result = parse_table([COLUMNS, row(description="före\x00efter")])

    assert [str(error) for error in result.errors] == [
        "Row 2, column description: contains a NUL character (\\0), which text cannot hold; remove it"
    ]


def test_more_task_codes_than_fit_an_item_are_a_row_message():
    codes = " ".join(f"{index:02d}-" + "x" * 42 for index in range(11))  # 11 × 45 + 10 spaces = 505

    result = parse_table([COLUMNS, row(tasks=codes)])

    assert [str(error) for error in result.errors] == [
        "Row 2, column tasks: the task codes take 505 characters, separated by spaces; at most 500 fit in an item: "
        "split the item or leave some tasks out"
    ]


def test_the_command_reports_every_too_large_value_and_stores_nothing(tmp_path, plan, make_item, survey):
    make_item(1, title="Redan här")
    before = snapshot(plan)
    rows = [
        row(number="40000"),
        row(number="2", title="T" * 201),
        row(number="3", responsible="R" * 201),
        row(number="4", tasks=" ".join(long_codes(survey, 11))),
    ]

    errors = import_errors(write(tmp_path / "plan.csv", rows), "Testkommun")

    assert snapshot(plan) == before
    assert errors == [
        "Row 2, column number: “40000” is not an item number; use a whole number from 1 to 32767",
        "Row 3, column title: is 201 characters long; at most 200 are allowed",
        "Row 4, column responsible: is 201 characters long; at most 200 are allowed",
        "Row 5, column tasks: the task codes take 505 characters, separated by spaces; at most 500 fit in an item: "
        "split the item or leave some tasks out",
    ]


def test_an_xlsx_file_with_too_large_values_is_refused_the_same_way(tmp_path, plan):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    sheet.append([40000.0, *row(title="ok")[1:]])  # Excel keeps numbers as floats
    sheet.append([1e6, *row()[1:]])
    sheet.append([5, "T" * 300, *row()[2:]])
    workbook.save(tmp_path / "plan.xlsx")

    errors = import_errors(tmp_path / "plan.xlsx", "Testkommun")

    assert errors == [
        "Row 2, column number: “40000” is not an item number; use a whole number from 1 to 32767",
        "Row 3, column number: “1000000” is not an item number; use a whole number from 1 to 32767",
        "Row 4, column title: is 300 characters long; at most 200 are allowed",
    ]
    assert not plan.items.exists()


def test_the_service_refuses_what_the_fields_cannot_hold_whoever_calls_it(plan, survey):
    from actionplan.services import ActionError, ItemInput, item_create

    data = ItemInput(
        number=40000,
        title="T" * 201,
        owner_level="central",
        area="it",
        responsible="R" * 201,
        coordinator="C\x00",
        tasks=long_codes(survey, 11),
    )
    with pytest.raises(ActionError) as refused:
        item_create(plan=plan, data=data)

    assert {(problem.field, problem.message) for problem in refused.value.errors} == {
        ("number", "The number must be from 1 to 32767."),
        ("title", "Title is 201 characters long; at most 200 are allowed."),
        ("responsible", "Responsible is 201 characters long; at most 200 are allowed."),
        ("coordinator", "Coordinator contains a NUL character (\\0), which text cannot hold; remove it."),
        (
            "tasks",
            "The task codes take 505 characters, separated by spaces; at most 500 fit in an item: "
            "split the item or leave some tasks out.",
        ),
    }
    assert not plan.items.exists()
