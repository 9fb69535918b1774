"""Files in and out: imports read what Excel saves (UTF-8 with or without BOM, Windows-1252 from
"CSV (semikolonavgränsad)") and refuse anything else by name; files over the size limit are refused
before they are read; downloads never turn text into formulas; exchange files come back exactly."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from actionplan import actionfile
from mio import downloads, tablefiles
from mio.uploads import LimitedTemporaryFileUploadHandler
from surveys import diaryfile, enrolment
from surveys.models import DiaryLine, Participant
from surveys.services import LineInput, diary_save

pytestmark = pytest.mark.usefixtures("english")  # tests/conftest.py: messages asserted in English

MEGABYTE = 1024 * 1024
# What a person may type in a note or a title that Excel would run: a formula, a sign, a function.
FORMULAS = ["=1+1", "+46 70 123 45 67", "-x", "@SUM(A1)", '=HYPERLINK("http://example.se","klicka")', "#N/A"]


def encoded(text: str, encoding: str) -> bytes:
    """`text` as a file: "utf-8-sig" is Excel's "CSV UTF-8", "cp1252" its "CSV (semikolonavgränsad)"."""
    return text.encode(encoding)


ENCODINGS = ["utf-8", "utf-8-sig", "cp1252"]


# --- Reading: which encodings ------------------------------------------------------------------------

# As Swedish Excel saves a sheet: semicolons, CRLF, decimal commas, Swedish letters.
SWEDISH_TABLE = "namn;anteckning;tal\r\nÅsa Öberg;Möte i Ängelholm – kväll;3,5\r\nPer Ärlig;€ och ”citat”;-2\r\n"


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_utf8_with_or_without_bom_and_windows_1252_give_the_same_table(encoding):
    table = tablefiles.csv_table(encoded(SWEDISH_TABLE, encoding))

    assert table == [
        ["namn", "anteckning", "tal"],
        ["Åsa Öberg", "Möte i Ängelholm – kväll", "3,5"],
        ["Per Ärlig", "€ och ”citat”", "-2"],
    ]


def test_excel_for_mac_s_mac_roman_gives_the_same_table():
    # Excel for Mac's "CSV (kommaavgränsad)": Windows-1252 would read "Åsa Öberg" as an undefined byte and "…berg".
    data = SWEDISH_TABLE.encode("mac_roman")
    assert data != SWEDISH_TABLE.encode("cp1252")

    table = tablefiles.csv_table(data)

    assert table == [
        ["namn", "anteckning", "tal"],
        ["Åsa Öberg", "Möte i Ängelholm – kväll", "3,5"],
        ["Per Ärlig", "€ och ”citat”", "-2"],
    ]


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("namn\r\nPer Šešelj\r\nEva Œhman\r\nÅsa\r\n", "cp1252"),  # Windows-1252's Å: not Mac Roman
        ("namn\r\n€ och … och ”citat”\r\n", "cp1252"),  # no ä, å or ö of Mac Roman's: Windows-1252
    ],
)
def test_windows_1252_text_is_not_taken_for_mac_roman(text, encoding):
    assert tablefiles.csv_table(text.encode(encoding)) == [row.split(";") for row in text.split("\r\n")[:-1]]


UTF16 = "the file is UTF-16 text"
NOT_TEXT = "the file is not CSV text (UTF-8 or Windows-1252)"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (SWEDISH_TABLE.encode("utf-16"), UTF16),  # Excel's "Unicode text", with its BOM
        (SWEDISH_TABLE.encode("utf-16-be"), UTF16),  # without one
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", NOT_TEXT),
        (b"namn;anteckning\r\nPer;\x81\x8d\r\n", NOT_TEXT),  # bytes Windows-1252 does not define
        (b"\x7fELF" + b"\x02\x01" * 15 + b"\x00" * 5, NOT_TEXT),  # a program
        (b"PK\x03\x04\x14\x00\x06\x00", "the file is an Excel workbook, not CSV text; give it the ending .xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "the file is an old Excel workbook (.xls)"),
        ("namn\r\nÅsa\r\n".encode() + "Örjan\r\n".encode("cp1252"), "the file is partly UTF-8 and partly Windows-1252"),
        (b"\xef\xbb\xbfnamn\r\n\xc5sa\r\n", "the file starts as UTF-8 text but has characters that are not UTF-8"),
    ],
    ids=[
        "UTF-16",
        "UTF-16 without BOM",
        "a picture",
        "undefined bytes",
        "NULs all over",
        "xlsx named .csv",
        "xls",
        "mixed",
        "bad BOM",
    ],
)
def test_anything_else_is_refused_with_what_it_is(data, message):
    with pytest.raises(tablefiles.UnreadableFile) as refused:
        tablefiles.csv_table(data)

    assert str(refused.value).startswith(message)
    assert "CSV UTF-8" in str(refused.value)  # and what to save it as instead


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1b", "\x7f"])
def test_a_control_character_in_a_cell_is_named_by_row_and_column(character):
    data = f"namn;anteckning\r\nPer;ok\r\nÅsa;a{character}b\r\n".encode()

    with pytest.raises(tablefiles.BadCells) as refused:
        tablefiles.csv_table(data)

    (error,) = refused.value.errors
    assert str(error) == (
        f"Row 3, column anteckning: holds the invisible control character U+{ord(character):04X}, "
        "which is not allowed; remove it"
    )


def test_a_stray_nul_in_a_windows_1252_file_is_named_by_row_and_column_too():
    data = "namn;anteckning\r\nÅsa;möte\x00\r\n".encode("cp1252")

    with pytest.raises(tablefiles.BadCells) as refused:
        tablefiles.csv_table(data)

    assert [str(error) for error in refused.value.errors] == [
        "Row 2, column anteckning: holds the invisible control character U+0000, which is not allowed; remove it"
    ]


def test_a_cell_longer_than_the_csv_module_s_limit_is_read_whole():
    huge = "x" * 200_000

    table = tablefiles.csv_table(f"namn,anteckning\nPer,{huge}\n".encode())

    assert table == [["namn", "anteckning"], ["Per", huge]]


def test_integer_limits_are_the_model_field_s_on_every_database():
    from mio import fieldlimits
    from surveys.models import Participant

    assert fieldlimits.integer_range(Participant, "number") == (0, 2147483647)


@pytest.mark.parametrize("raw", ["1e6", "3.5", "1_000", "inf", "٣", "", "30,5", "--3", "1 5", "1 0000", "12 34"])
def test_only_whole_decimal_numbers_are_numbers(raw):
    assert tablefiles.whole_number(raw) is None


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("30", 30),
        ("30,0", 30),
        ("30.00", 30),
        (" 7 ", 7),
        (30.0, 30),
        ("-2", -2),
        # Swedish Excel's thousands separator: a no-break space, a narrow one, or a space typed.
        ("12\u00a0345", 12345),
        ("12\u202f345", 12345),
        ("1 234 567", 1234567),
        ("12 345,0", 12345),
    ],
)
def test_whole_numbers_are_read_as_people_write_them(raw, number):
    assert tablefiles.whole_number(raw) == number


@pytest.mark.parametrize(
    "raw",
    [
        "2026-11-24",
        " 2026-11-24 ",
        "2026-11-24 00:00",  # a date-time cell, as Excel writes it into CSV
        "2026-11-24 00:00:00",
        "2026-11-24T00:00:00",
        dt.date(2026, 11, 24),
        dt.datetime(2026, 11, 24, 0, 0),  # noqa: DTZ001 - what openpyxl reads from a date cell
        46350,  # an xlsx date cell that lost its date format: Excel's serial number of the day
        46350.0,
        46350.5,  # its noon
    ],
)
def test_dates_are_read_as_excel_writes_them(raw):
    assert tablefiles.iso_date(raw) == dt.date(2026, 11, 24)


@pytest.mark.parametrize("raw", ["24/11/2026", "11/24/2026", "24.11.2026", "2026-11-24 kl 8", "", 3, 2.0, True, 99999])
def test_dates_written_otherwise_are_not_guessed(raw):
    # A small number in a date column is a rating or minutes in the wrong column, not a day of 1900.
    assert tablefiles.iso_date(raw) is None


def test_a_diary_xlsx_with_a_number_cell_for_its_date_reads_the_day_and_a_bad_date_is_quoted():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(diaryfile.header(3))
    sheet.append([7, 46350, "budget", 30, None, None, 3, 2, None])
    sheet.append([7, "24/11/2026", "budget", 30, None, None, 3, 2, None])
    stream = io.BytesIO()
    workbook.save(stream)

    result = diaryfile.read_upload(stream.getvalue(), filename="dagbok.xlsx", hours=3)

    assert [(row.row, row.date) for row in result.rows] == [(2, dt.date(2026, 11, 24))]
    assert [str(error) for error in result.errors] == [
        "Row 3, column date: “24/11/2026” is not a date; write YYYY-MM-DD"
    ]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_cells_copied_from_excel_into_notepad_are_read_at_their_tabs(encoding):
    text = "name\temail\tunit\r\nÅsa Öberg\tasa@example.se\tFörskolan Solrosen, avd. 2\r\n"

    result = enrolment.read_upload(encoded(text, encoding), filename="deltagare.csv")

    assert result.errors == []
    assert [(row.name, row.unit) for row in result.rows] == [("Åsa Öberg", "Förskolan Solrosen, avd. 2")]


def test_a_number_formatted_with_thousands_in_swedish_excel_is_read_from_its_csv():
    # "CSV (semikolonavgränsad)" writes the no-break space of "Tal" with a thousands separator as byte A0.
    text = "name;email;unit;number\r\nÅsa Öberg;asa@example.se;Förskolan Solrosen;12\u00a0345\r\n"

    result = enrolment.read_upload(text.encode("cp1252"), filename="deltagare.csv")

    assert result.errors == []
    assert [row.number for row in result.rows] == [12345]


def test_a_workbook_is_read_from_its_first_sheet_with_anything_in_it():
    # What Excel's "Data → From Text/CSV" leaves: the empty "Blad1" first, the table on a sheet after it.
    workbook = Workbook()
    workbook.active.title = "Blad1"
    table = workbook.create_sheet("deltagare")
    table.append(["name", "email", "unit"])
    table.append(["Åsa Öberg", "asa@example.se", "Förskolan Solrosen"])
    workbook.create_sheet("Blad3").append(["not", "this", "one"])
    stream = io.BytesIO()
    workbook.save(stream)

    result = enrolment.read_upload(stream.getvalue(), filename="deltagare.xlsx")

    assert result.errors == []
    assert [(row.row, row.name) for row in result.rows] == [(2, "Åsa Öberg")]


# --- Reading: every importer --------------------------------------------------------------------------


def diary_text(note: str = "Brandövning på Åsen, räddningstjänst") -> str:
    header = ";".join(diaryfile.header(3))
    return f"{header}\r\n7;2025-03-03;other;30;15,0;;3;2;{note}\r\n9;2025-03-04;budget;;;60;;;\r\n"


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_diary_file_reads_the_same_in_every_encoding(encoding):
    result = diaryfile.read_upload(encoded(diary_text(), encoding), filename="dagbok.csv", hours=3)

    assert result.errors == []
    assert [(row.participant, row.task, row.minutes, row.value, row.function, row.note) for row in result.rows] == [
        (7, "other", [30, 15, 0], 3, 2, "Brandövning på Åsen, räddningstjänst"),
        (9, "budget", [0, 0, 60], None, None, ""),
    ]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_an_enrolment_file_reads_the_same_in_every_encoding(encoding):
    text = "name;email;unit;number\r\nÅsa Öberg;asa.oberg@example.se;Förskolan Solrosen;4\r\n"

    result = enrolment.read_upload(encoded(text, encoding), filename="deltagare.csv")

    assert result.errors == []
    assert [row.as_dict() for row in result.rows] == [
        {"row": 2, "name": "Åsa Öberg", "email": "asa.oberg@example.se", "unit": "Förskolan Solrosen", "number": 4}
    ]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_an_action_file_reads_the_same_in_every_encoding(encoding):
    row = ["1", "Förenkla lönerutiner", "Både ”blanketter” och möten", "central", "", "finance", "routines"]
    row += ["planned", "2", "Örjan Ås", "2025-04-01", "", "invoices"]
    text = ";".join(actionfile.COLUMNS) + "\r\n" + ";".join(row) + "\r\n"

    result = actionfile.read_csv(encoded(text, encoding))

    assert result.errors == []
    (item,) = result.rows
    assert (item.title, item.description, item.responsible, item.start_date) == (
        "Förenkla lönerutiner",
        "Både ”blanketter” och möten",
        "Örjan Ås",
        dt.date(2025, 4, 1),
    )


# --- Reading: through the pages and commands ---------------------------------------------------------


@pytest.mark.django_db
def test_a_windows_1252_diary_upload_is_stored_with_its_swedish_letters(admin_client, survey):
    header = ";".join(diaryfile.header(8))
    text = f"{header}\r\n7;2025-03-04;other;30;15;;;;;;;3;2;Möte om förskolans städning, Åsa\r\n"
    url = reverse("surveys:diary_upload", args=[survey.slug])

    preview = admin_client.post(url, {"file": SimpleUploadedFile("dagbok.csv", text.encode("cp1252"))})
    assert preview.status_code == 200, preview.context["errors"]
    admin_client.post(url, {"confirm": "yes"})

    line = DiaryLine.objects.get(day__participant__survey=survey, day__participant__number=7)
    assert (line.note, line.h1, line.h2, line.value, line.function) == (
        "Möte om förskolans städning, Åsa",
        30,
        15,
        3,
        2,
    )


@pytest.mark.django_db
def test_a_utf16_diary_upload_is_refused_and_nothing_is_stored(admin_client, survey):
    text = ",".join(diaryfile.header(8)) + "\n7,2025-03-04,other,30,,,,,,,,,,\n"
    url = reverse("surveys:diary_upload", args=[survey.slug])

    response = admin_client.post(url, {"file": SimpleUploadedFile("dagbok.csv", text.encode("utf-16"))})

    assert response.status_code == 400
    assert response.context["errors"][0].message.startswith(UTF16)
    assert "“CSV UTF-8” or “CSV (Comma delimited)”" in response.content.decode()
    assert not Participant.objects.filter(survey=survey).exists()


@pytest.mark.django_db
def test_a_windows_1252_enrolment_upload_shows_the_names_right(admin_client, survey, unit):
    text = f"name;email;unit\r\nÅsa Öberg;asa@example.se;{unit.name}\r\n"

    response = admin_client.post(
        reverse("surveys:enrol", args=[survey.slug]), {"file": SimpleUploadedFile("d.csv", text.encode("cp1252"))}
    )

    assert response.status_code == 200
    assert [enrolee.row.name for enrolee in response.context["plan"].enrolees] == ["Åsa Öberg"]
    assert [enrolee.unit for enrolee in response.context["plan"].enrolees] == [unit]


# --- The size limit -----------------------------------------------------------------------------------


def test_the_size_message_rounds_up_and_writes_numbers_as_the_language_does(settings):
    settings.IMPORT_MAX_BYTES = 20 * MEGABYTE

    assert tablefiles.too_large_message(20 * MEGABYTE) is None
    assert tablefiles.too_large_message(20 * MEGABYTE + 1) == "The file is 20.1 MB; files may be at most 20 MB."
    with translation.override("sv"):
        swedish = tablefiles.too_large_message(int(23.4 * MEGABYTE))
    assert "23,4" in swedish and "23.4" not in swedish


def test_the_limit_comes_from_the_environment(monkeypatch):
    import importlib

    from mio import settings as mio_settings

    monkeypatch.setenv("MAX_IMPORT_MB", "5")
    try:
        assert importlib.reload(mio_settings).IMPORT_MAX_BYTES == 5 * MEGABYTE
        monkeypatch.delenv("MAX_IMPORT_MB")
        assert importlib.reload(mio_settings).IMPORT_MAX_BYTES == 20 * MEGABYTE
    finally:
        importlib.reload(mio_settings)


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["surveys:diary_upload", "surveys:enrol"])
def test_an_oversize_upload_is_refused_before_it_is_read(admin_client, survey, settings, monkeypatch, page):
    settings.IMPORT_MAX_BYTES = MEGABYTE
    read = []
    monkeypatch.setattr(tablefiles, "csv_table", lambda data: read.append(data) or [])
    big = SimpleUploadedFile("stor.csv", b"participant,date\n" + b"7,2025-03-03\n" * 100_000)  # 1.3 MB

    response = admin_client.post(reverse(page, args=[survey.slug]), {"file": big})

    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["The file is 1.3 MB; files may be at most 1 MB."]
    assert read == []  # the parser never saw it
    assert not Participant.objects.filter(survey=survey).exists()


@pytest.mark.django_db
def test_the_upload_form_says_the_limit(admin_client, survey, settings):
    settings.IMPORT_MAX_BYTES = 20 * MEGABYTE

    page = admin_client.get(reverse("surveys:diary_upload", args=[survey.slug])).content.decode()

    assert "At most 20 MB." in page


def test_an_upload_over_the_limit_keeps_nothing_on_disk_but_its_size(settings):
    settings.IMPORT_MAX_BYTES = 1000
    handler = LimitedTemporaryFileUploadHandler()
    handler.new_file("file", "stor.csv", "text/csv", 3000)
    for start in range(0, 3000, 500):
        handler.receive_data_chunk(b"x" * 500, start)

    uploaded = handler.file_complete(3000)

    assert uploaded.size == 3000
    assert uploaded.read() == b""
    assert Path(uploaded.temporary_file_path()).stat().st_size == 0
    uploaded.close()


def test_an_upload_within_the_limit_is_kept_whole(settings):
    settings.IMPORT_MAX_BYTES = 1000
    handler = LimitedTemporaryFileUploadHandler()
    handler.new_file("file", "liten.csv", "text/csv", 1000)
    handler.receive_data_chunk(b"a" * 600, 0)
    handler.receive_data_chunk(b"b" * 400, 600)

    uploaded = handler.file_complete(1000)

    assert uploaded.read() == b"a" * 600 + b"b" * 400
    uploaded.close()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("import_diaries", {"survey": "test-round"}),
        ("enrol_participants", {"survey": "test-round"}),
        ("import_actions", {"municipality": "Testkommun"}),
    ],
)
def test_a_command_refuses_an_oversize_file_without_opening_it(
    survey, settings, monkeypatch, tmp_path, command, options
):
    settings.IMPORT_MAX_BYTES = MEGABYTE
    path = tmp_path / "stor.csv"
    path.write_bytes(b"x" * (MEGABYTE + 1))
    opened = []
    monkeypatch.setattr(tablefiles, "open", lambda *args, **kwargs: opened.append(args), raising=False)

    with pytest.raises(CommandError, match=r"^The file is 1\.1 MB; files may be at most 1 MB\.$"):
        call_command(command, str(path), stdout=io.StringIO(), stderr=io.StringIO(), **options)

    assert opened == []
    assert not Participant.objects.exists()


# --- Writing: xlsx text is text ----------------------------------------------------------------------


def sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as workbook:
        return workbook.read("xl/worksheets/sheet1.xml").decode()


def assert_text_cells(data: bytes, values: list[str]) -> None:
    """Every value is a text cell holding exactly that text, and the sheet has no formula at all."""
    assert "<f>" not in sheet_xml(data) and "<f " not in sheet_xml(data)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if cell.value is not None}
    for value in values:
        assert cells[value].data_type == "s", value


def test_the_xlsx_download_for_people_writes_text_as_text():
    stream = io.BytesIO()
    rows = [[value, -3, -2.5] for value in FORMULAS]

    downloads.write_xlsx(["=Heading", "Minus", "Float"], rows, stream, title="t")

    assert_text_cells(stream.getvalue(), ["=Heading", *FORMULAS])
    sheet = load_workbook(stream).worksheets[0]
    assert [(row[1], row[2]) for row in sheet.iter_rows(min_row=2, values_only=True)] == [(-3, -2.5)] * len(FORMULAS)


def test_the_xlsx_exchange_writer_writes_text_as_text():
    stream = io.BytesIO()

    tablefiles.write_xlsx(["note", "n"], [[value, -3] for value in FORMULAS], stream, title="t")

    assert_text_cells(stream.getvalue(), FORMULAS)
    assert tablefiles.xlsx_table(io.BytesIO(stream.getvalue())) == [["note", "n"], *[[value, -3] for value in FORMULAS]]


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_table_download_in_xlsx_has_no_formulas(language):
    """The analysis pages' downloads all go through `table_response`."""
    with translation.override(language):
        response = downloads.table_response(
            ["unit", "minutes"], [[value, -30] for value in FORMULAS], fmt="xlsx", name="t", headings={"unit": "=Enhet"}
        )

    assert_text_cells(response.content, ["=Enhet", *FORMULAS])


# --- Writing: CSV for people --------------------------------------------------------------------------


def test_the_csv_download_for_people_makes_formulas_inert_and_keeps_numbers():
    text = io.StringIO()
    rows = [[value, -3, -2.5] for value in FORMULAS] + [["-3,5", 0, 1.25], ["\tflik", 1, 2.0], ["Åsa", 2, 3.0]]

    downloads.write_csv(["Text", "Heltal", "Decimal"], rows, text, swedish=True)

    table = list(csv.reader(io.StringIO(text.getvalue().lstrip("\ufeff"), newline=""), delimiter=";"))
    assert table[1:] == [
        ["'=1+1", "-3", "-2,5"],
        ["'+46 70 123 45 67", "-3", "-2,5"],
        ["'-x", "-3", "-2,5"],
        ["'@SUM(A1)", "-3", "-2,5"],
        ['\'=HYPERLINK("http://example.se","klicka")', "-3", "-2,5"],
        ["#N/A", "-3", "-2,5"],  # Excel shows it as an error value, and runs nothing
        ["-3,5", "0", "1,25"],  # text that is just a negative number is that number to Excel
        ["'\tflik", "1", "2"],
        ["Åsa", "2", "3"],
    ]


def test_a_table_download_in_csv_makes_formulas_inert_in_both_languages():
    for language, delimiter in [("sv", ";"), ("en", ",")]:
        with translation.override(language):
            response = downloads.table_response(["unit", "n"], [["=1+1", -4]], fmt="csv", name="t")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=delimiter))
        assert rows == [["unit", "n"], ["'=1+1", "-4"]], language


# --- Exchange files come back exactly ----------------------------------------------------------------

NOTES = ['=HYPERLINK("http://example.se";"klicka")', "+46 70 123 45 67", "-inte minus", "@Åsa: räkna ”ö”", "#N/A"]


@pytest.fixture
def noted(survey, participant):
    tasks = list(survey.tasks.order_by("order")[: len(NOTES)])
    lines = [LineInput(task=task, minutes=[10], note=note) for task, note in zip(tasks, NOTES, strict=True)]
    diary_save(participant=participant, date=dt.date(2025, 3, 3), lines=lines, submit=True)
    return survey


def export_diaries(survey, path: Path) -> bytes:
    call_command("export_diaries", survey=survey.slug, output=str(path), stderr=io.StringIO())
    return path.read_bytes()


def import_diaries(survey, path: Path) -> None:
    call_command("import_diaries", str(path), survey=survey.slug, replace=True, stdout=io.StringIO())


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_diary_notes_that_look_like_formulas_come_back_exactly(noted, tmp_path, suffix):
    first = export_diaries(noted, tmp_path / f"first.{suffix}")
    DiaryLine.objects.filter(day__participant__survey=noted).delete()

    import_diaries(noted, tmp_path / f"first.{suffix}")
    second = export_diaries(noted, tmp_path / f"second.{suffix}")

    notes = DiaryLine.objects.filter(day__participant__survey=noted).values_list("note", flat=True)
    assert sorted(notes) == sorted(NOTES)
    if suffix == "csv":
        assert second == first
    else:
        assert tablefiles.xlsx_table(io.BytesIO(second)) == tablefiles.xlsx_table(io.BytesIO(first))
        assert_text_cells(second, NOTES)


@pytest.mark.django_db
def test_a_diary_export_saved_by_swedish_excel_comes_back_exactly(noted, tmp_path):
    first = export_diaries(noted, tmp_path / "first.csv")
    # "CSV (semikolonavgränsad)": semicolons, CRLF, Windows-1252.
    table = list(csv.reader(io.StringIO(first.decode(), newline="")))
    with open(tmp_path / "excel.csv", "w", encoding="cp1252", newline="") as stream:
        csv.writer(stream, delimiter=";", lineterminator="\r\n").writerows(table)

    import_diaries(noted, tmp_path / "excel.csv")

    assert export_diaries(noted, tmp_path / "second.csv") == first


@pytest.mark.django_db
def test_action_titles_that_look_like_formulas_come_back_exactly(municipality, tmp_path):
    rows = [
        [str(number), title, "Beskrivning med å, ä och ö", "central", "", "finance", "routines", "planned", "2"]
        + ["Örjan", "", "", ""]
        for number, title in enumerate(["=SUM(A1)", "-minska blanketter", "@alla"], start=1)
    ]
    with open(tmp_path / "plan.csv", "w", encoding="utf-8", newline="") as stream:
        csv.writer(stream, lineterminator="\n").writerows([actionfile.COLUMNS, *rows])

    def round_trip(source: Path, target: Path) -> str:
        call_command("import_actions", str(source), municipality=municipality.name, stdout=io.StringIO())
        call_command("export_actions", municipality=municipality.name, output=str(target), stderr=io.StringIO())
        return target.read_text(encoding="utf-8")

    first = round_trip(tmp_path / "plan.csv", tmp_path / "first.csv")
    assert round_trip(tmp_path / "first.csv", tmp_path / "second.csv") == first
    assert [row[1] for row in csv.reader(io.StringIO(first))][1:] == ["=SUM(A1)", "-minska blanketter", "@alla"]


def test_a_cell_in_a_message_is_quoted_in_the_readers_language_and_cut():
    with translation.override("sv"):
        assert tablefiles.shown("lars-at-demokommun") == "”lars-at-demokommun”"
        assert tablefiles.shown("9" * 50, limit=40) == "”" + "9" * 40 + "…”"
    with translation.override("en"):
        assert tablefiles.shown("it's") == "“it's”"
