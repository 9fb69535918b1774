"""The diary file reader: CSV with commas or semicolons, with or without BOM, and xlsx; every bad cell reported."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from surveys.diaryfile import (
    DiaryRow,
    RowError,
    UnplacedRow,
    UnsupportedFormat,
    format_for,
    header,
    read_csv,
    read_file,
    read_xlsx,
    write_csv,
    write_xlsx,
)
from surveys.models import Task

HEADER = ",".join(header(3))
EXPECTED = [
    DiaryRow(2, 7, dt.date(2025, 3, 3), "invoices", [20, 0, 5], 2, 1, ""),
    DiaryRow(3, 7, dt.date(2025, 3, 3), "other", [0, 15, 0], None, None, "Brandövning, hela gruppen"),
]


def csv_bytes(text: str, *, bom: bool = False) -> bytes:
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def xlsx_bytes(table) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    for cells in table:
        sheet.append(list(cells))
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    return stream


def test_the_header_names_the_rounds_hours():
    assert header(3) == ["participant", "date", "task", "h1", "h2", "h3", "value", "function", "note"]
    assert len(header(12)) == 3 + 12 + 3


def test_it_reads_comma_separated_rows():
    text = f'{HEADER}\n7,2025-03-03,invoices,20,,5,2,1,\n7,2025-03-03,other,,15,,,,"Brandövning, hela gruppen"\n'

    result = read_csv(csv_bytes(text), hours=3)

    assert result.errors == []
    assert result.rows == EXPECTED


def test_it_reads_semicolon_separated_rows_from_swedish_excel():
    text = (
        "participant;date;task;h1;h2;h3;value;function;note\r\n"
        "7;2025-03-03;invoices;20;;5;2;1;\r\n"
        "7;2025-03-03;other;;15;;;;Brandövning, hela gruppen\r\n"
    )

    result = read_csv(csv_bytes(text), hours=3)

    assert result.errors == []
    assert result.rows == EXPECTED


@pytest.mark.parametrize("separator", [",", ";"])
def test_it_reads_utf8_with_a_byte_order_mark(separator):
    text = separator.join(header(3)) + "\n" + separator.join(["7", "2025-03-03", "invoices", "20", "", "5", "2", "1"])

    result = read_csv(csv_bytes(text + separator + "Å\n", bom=True), hours=3)

    assert result.errors == []
    assert result.rows == [DiaryRow(2, 7, dt.date(2025, 3, 3), "invoices", [20, 0, 5], 2, 1, "Å")]


def test_it_reads_an_xlsx_workbook():
    table = [
        header(3),
        [7, "2025-03-03", "invoices", 20, None, 5, 2, 1, None],
        # Excel stores a typed date as a naive datetime.
        [7, dt.datetime(2025, 3, 3), "other", None, 15.0, None, None, None, "Brandövning, hela gruppen"],  # noqa: DTZ001
    ]

    result = read_xlsx(xlsx_bytes(table), hours=3)

    assert result.errors == []
    assert result.rows == EXPECTED


def test_it_chooses_the_reader_by_the_extension(tmp_path):
    csv_path = tmp_path / "days.CSV"
    csv_path.write_bytes(csv_bytes(f"{HEADER}\n7,2025-03-03,invoices,20,,5,2,1,\n", bom=True))
    xlsx_path = tmp_path / "days.xlsx"
    xlsx_path.write_bytes(xlsx_bytes([header(3), [7, "2025-03-03", "invoices", 20, "", 5, 2, 1, ""]]).getvalue())

    assert read_file(csv_path, hours=3).rows == EXPECTED[:1]
    assert read_file(xlsx_path, hours=3).rows == EXPECTED[:1]


@pytest.mark.parametrize("name", ["days.txt", "days.xls", "days"])
def test_other_file_types_are_refused(name):
    with pytest.raises(UnsupportedFormat, match="use .csv or .xlsx"):
        format_for(name)


def test_header_case_spaces_and_trailing_empty_cells_are_forgiven():
    text = " Participant ; DATE;task;h1;h2;h3;value;function;note;;\n7;2025-03-03;invoices;20;;5;2;1;;;\n"

    result = read_csv(csv_bytes(text), hours=3)

    assert result.errors == []
    assert result.rows == EXPECTED[:1]


def test_blank_lines_are_skipped_but_rows_keep_their_file_numbers():
    text = f"{HEADER}\n\n,,,,,,,,\n7,2025-03-03,invoices,20,,5,2,1,\n\n"

    result = read_csv(csv_bytes(text), hours=3)

    assert [row.row for row in result.rows] == [4]


def test_a_comma_decimal_whole_number_is_read_as_minutes():
    text = "participant;date;task;h1;h2;h3;value;function;note\n7;2025-03-03;invoices;20,0;;5;2,0;1;\n"

    assert read_csv(csv_bytes(text), hours=3).rows == EXPECTED[:1]


def test_a_row_with_nothing_in_it_is_read_but_empty():
    (row,) = read_csv(csv_bytes(f"{HEADER}\n7,2025-03-03,invoices,,,,,,\n"), hours=3).rows

    assert (row.minutes, row.value, row.function, row.note) == ([0, 0, 0], None, None, "")
    assert row.line(Task(code="invoices")).is_empty()


def test_a_wrong_header_is_reported_on_row_1():
    result = read_csv(csv_bytes("participant,date,task,h1,h2,value,function,note\n"), hours=3)

    assert result.rows == []
    (error,) = result.errors
    assert error.row == 1
    assert str(error).startswith("Row 1: the header must be participant,date,task,h1,h2,h3,value,function,note")
    assert "this round has 3 hours" in str(error)


def test_an_empty_file_is_reported():
    assert [str(error) for error in read_csv(b"", hours=3).errors] == ["Row 1: the file is empty"]


def test_a_blank_header_row_says_it_found_nothing():
    # Swedish Excel saves a sheet whose first row is empty as a row of semicolons.
    (error,) = read_csv(b";;;;\r\n7;2025-03-03;invoices;;\r\n", hours=3).errors

    assert str(error).endswith("(this round has 3 hours), not nothing")


def test_a_windows_1252_file_is_read():
    data = f"{HEADER}\n7,2025-03-03,other,,15,,,,Brandövning\n".encode("cp1252")

    result = read_csv(data, hours=3)

    assert not result.errors
    assert [row.note for row in result.rows] == ["Brandövning"]


def test_a_utf16_file_is_reported():
    data = f"{HEADER}\n7,2025-03-03,other,,15,,,,Brandövning\n".encode("utf-16")

    (error,) = read_csv(data, hours=3).errors

    assert str(error).startswith("Row 1: the file is UTF-16 text")


def test_a_broken_workbook_is_reported():
    (error,) = read_xlsx(io.BytesIO(b"not a workbook"), hours=3).errors

    assert str(error) == "Row 1: the file is not a readable .xlsx workbook"


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        (
            "0,2025-03-03,invoices,20,,,,,",
            "participant",
            "“0” is not a participant number; use a whole number from 1 to 99999",
        ),
        (
            "sju,2025-03-03,invoices,20,,,,,",
            "participant",
            "“sju” is not a participant number; use a whole number from 1 to 99999",
        ),
        (
            "99999999999,2025-03-03,invoices,20,,,,,",
            "participant",
            "“99999999999” is not a participant number; use a whole number from 1 to 99999",
        ),
        (
            "2147483648,2025-03-03,invoices,20,,,,,",
            "participant",
            "“2147483648” is not a participant number; use a whole number from 1 to 99999",
        ),
        (
            "100000,2025-03-03,invoices,20,,,,,",
            "participant",
            "“100000” is not a participant number; use a whole number from 1 to 99999",
        ),
        (
            "1e6,2025-03-03,invoices,20,,,,,",
            "participant",
            "“1e6” is not a participant number; use a whole number from 1 to 99999",
        ),
        (
            "1_000,2025-03-03,invoices,20,,,,,",
            "participant",
            "“1_000” is not a participant number; use a whole number from 1 to 99999",
        ),
        ("7,3/3/2025,invoices,20,,,,,", "date", "“3/3/2025” is not a date; write YYYY-MM-DD"),
        ("7,2025-03-03," + "x" * 51 + ",20,,,,,", "task", "must be a task code of at most 50 characters (now 51)"),
        ("7,2025-03-03,invoices,,,1e1,,,", "h3", "“1e1” is not allowed: minutes are whole numbers from 0 to 60"),
        ("7,2025-03-03,invoices,,,inf,,,", "h3", "“inf” is not allowed: minutes are whole numbers from 0 to 60"),
        ("7,2025-03-03,invoices,,,٣,,,", "h3", "“٣” is not allowed: minutes are whole numbers from 0 to 60"),
        ("7,2025-03-03,invoices,20,,,1e0,,", "value", "“1e0” is not allowed: a rating is 1, 2, 3, 4 or empty"),
        ("7,2025-03-03,,20,,,,,", "task", "must name a task code"),
        ("7,2025-03-03,invoices,,,tjugo,,,", "h3", "“tjugo” is not allowed: minutes are whole numbers from 0 to 60"),
        ("7,2025-03-03,invoices,,,7.5,,,", "h3", "“7.5” is not allowed: minutes are whole numbers from 0 to 60"),
        ("7,2025-03-03,invoices,20,,,,bra,", "function", "“bra” is not allowed: a rating is 1, 2, 3, 4 or empty"),
    ],
)
def test_a_bad_cell_is_reported_with_its_row_and_column(cells, column, message):
    result = read_csv(csv_bytes(f"{HEADER}\n7,2025-03-03,budget,10,,,,,\n{cells}\n"), hours=3)

    # Without whose day or which task the row is left out; a bad minute or rating is read as empty.
    kept = [] if column in ("participant", "date", "task") else ["invoices"]
    assert [row.task for row in result.rows] == ["budget", *kept]
    (error,) = result.errors
    assert error == RowError(3, column, error.message)
    assert str(error).startswith(f"Row 3, column {column}: {message}")


def test_whole_numbers_off_the_scale_are_read_as_they_are():
    # Whether 61 minutes or a rating of 5 is allowed is a rule of the day (diaryrules), which the form shares.
    (row,) = read_csv(csv_bytes(f"{HEADER}\n7,2025-03-03,invoices,61,-5,,5,0,\n"), hours=3).rows

    assert (row.minutes, row.value, row.function) == ([61, -5, 0], 5, 0)


def test_a_row_with_too_many_cells_is_reported():
    (error,) = read_csv(csv_bytes(f"{HEADER}\n7,2025-03-03,invoices,20,,,,,,extra\n"), hours=3).errors

    assert str(error) == "Row 2: has 10 cells, expected 9"


def test_a_short_row_is_padded_with_empty_cells():
    (row,) = read_csv(csv_bytes(f"{HEADER}\n7,2025-03-03,invoices,20\n"), hours=3).rows

    assert (row.minutes, row.value, row.function, row.note) == ([20, 0, 0], None, None, "")


def test_every_bad_cell_of_every_row_is_reported():
    text = f"{HEADER}\n7,2025-03-03,invoices,6 1,x,,nio,,\n8,someday,budget,10,,,,,\n"

    errors = read_csv(csv_bytes(text), hours=3).errors

    assert [(error.row, error.column) for error in errors] == [(2, "h1"), (2, "h2"), (2, "value"), (3, "date")]


def test_what_is_written_reads_back_the_same():
    rows = [
        [7, "2025-03-03", "invoices", 20, 0, 5, 2, 1, ""],
        [8, "2025-03-04", "other", 0, 15, 0, None, None, 'Möte "Ängen"; kväll, sent'],
    ]
    text = io.StringIO()
    write_csv(rows, hours=3, stream=text)
    workbook = io.BytesIO()
    write_xlsx(rows, hours=3, stream=workbook)
    workbook.seek(0)

    from_csv = read_csv(text.getvalue().encode(), hours=3)
    from_xlsx = read_xlsx(workbook, hours=3)

    assert from_csv.errors == from_xlsx.errors == []
    assert from_csv.rows == from_xlsx.rows
    assert [(row.participant, row.minutes, row.value, row.note) for row in from_csv.rows] == [
        (7, [20, 0, 5], 2, ""),
        (8, [0, 15, 0], None, 'Möte "Ängen"; kväll, sent'),
    ]
    workbook.seek(0)
    assert next(load_workbook(workbook).worksheets[0].values) == tuple(header(3))


def test_a_row_without_its_day_or_task_is_kept_aside_with_what_can_still_be_checked():
    long_code = "x" * 51
    text = (
        f"{HEADER}\n"
        "7,2025-03-03,invoices,20,,,,,\n"
        "7,4/3,planning,10,75,,5,,\n"  # no day: a date that cannot be read
        "sju,2025-03-03,coffee,halv,,-5,,0,Möte\n"  # no participant; a minute cell that cannot be read either
        f"7,2025-03-03,{long_code},,,61,,,\n"  # a task code too long to be one
        "7,2025-03-03,  ,,,,2,bra,\n"  # no task; a rating that cannot be read
    )

    result = read_csv(csv_bytes(text), hours=3)

    assert [row.row for row in result.rows] == [2]
    # Read as the rows are (a cell that cannot be read as empty: its error is the reader's), the task as written.
    assert result.unplaced == [
        UnplacedRow(3, "planning", [10, 75, 0], 5, None, ""),
        UnplacedRow(4, "coffee", [0, 0, -5], None, 0, "Möte"),
        UnplacedRow(5, long_code, [0, 0, 61], None, None, ""),
        UnplacedRow(6, "", [0, 0, 0], 2, None, ""),
    ]
    assert [(error.row, error.column) for error in result.errors] == [
        (3, "date"),
        (4, "participant"),
        (4, "h1"),
        (5, "task"),
        (6, "task"),
        (6, "function"),
    ]


def test_a_file_without_such_rows_keeps_none_aside():
    assert read_csv(csv_bytes(f"{HEADER}\n7,2025-03-03,invoices,20,,,,,\n"), hours=3).unplaced == []
    assert read_xlsx(io.BytesIO(b"not a workbook"), hours=3).unplaced == []
