"""Uploading a diary file in the browser: the rules of import_diaries, every bad row named, a preview
of what will be stored, and nothing stored until it is confirmed, all or nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from surveys.diaryfile import header, read_csv
from surveys.diaryimport import ImportResult
from surveys.models import DiaryDay, DiaryLine, Participant, Survey
from surveys.services import LineInput, diary_save
from surveys.views_keying import stored_message

from .helpers import emptied_day, row, snapshot

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 3, 3)
TUESDAY = dt.date(2025, 3, 4)

PLANNING = "Planning and follow-up of the operation"
GOOD = [
    row(7, "2025-03-04", "planning", [30, 30], 3, 3),
    row(7, "2025-03-04", "budget", [30], 2, 1),
    row(9, "2025-03-05", "invoices", [10, 20, 30], "", 2, ""),
]


def csv_file(rows, *, columns=None, name="dagbok.csv", delimiter=",") -> SimpleUploadedFile:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header(8) if columns is None else columns)
    writer.writerows(rows)
    return SimpleUploadedFile(name, text.getvalue().encode(), content_type="text/csv")


def xlsx_file(rows) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header(8))
    for cells in rows:
        sheet.append([None if cell == "" else cell for cell in cells])
    stream = io.BytesIO()
    workbook.save(stream)
    return SimpleUploadedFile("dagbok.xlsx", stream.getvalue())


def upload_url(survey) -> str:
    return reverse("surveys:diary_upload", args=[survey.slug])


def upload(client, survey, file, *, replace=False):
    data = {"file": file, **({"replace": "on"} if replace else {})}
    return client.post(upload_url(survey), data)


def confirm(client, survey):
    return client.post(upload_url(survey), {"confirm": "yes"})


@pytest.fixture
def filled(survey, participant) -> Survey:
    """Number 7 has a submitted Monday."""
    task = survey.tasks.get(code="direct-meeting")
    diary_save(
        participant=participant, date=MONDAY, lines=[LineInput(task=task, minutes=[60, 60], value=4)], submit=True
    )
    return survey


# --- Preview and confirmation ----------------------------------------------------------------------


def test_the_page_explains_the_file_and_offers_an_example(admin_client, filled):
    response = admin_client.get(upload_url(filled))

    content = response.content.decode()
    assert response.status_code == 200
    assert "participant,date,task,h1,h2,h3,h4,h5,h6,h7,h8,value,function,note" in content
    assert "Replace days that already have a diary" in content
    assert 'href="?mall=csv"' in content


def test_the_example_file_is_in_the_round_s_format_and_previews_without_problems(admin_client, survey, participant):
    example = admin_client.get(upload_url(survey), {"mall": "csv"})

    assert example["Content-Type"] == "text/csv; charset=utf-8"
    assert read_csv(example.content, hours=8).errors == []
    response = upload(admin_client, survey, SimpleUploadedFile("mall.csv", example.content))
    assert response.status_code == 200 and response.context["plan"]


def test_the_swedish_example_file_is_separated_by_semicolons_as_swedish_excel_opens_it(
    admin_client, survey, participant
):
    admin_client.cookies["django_language"] = "sv"

    example = admin_client.get(upload_url(survey), {"mall": "csv"})

    header, row = example.content.decode("utf-8-sig").splitlines()
    assert header == "participant;date;task;h1;h2;h3;h4;h5;h6;h7;h8;value;function;note"
    assert row == "7;2025-03-03;direct-meeting;30;15;;;;;;;3;2;"
    assert read_csv(example.content, hours=8).errors == []


def test_the_preview_shows_what_will_be_stored_and_stores_nothing(admin_client, filled):
    before = snapshot(filled)

    response = upload(admin_client, filled, csv_file(GOOD))

    assert response.status_code == 200
    plan = response.context["plan"]
    assert [(day.participant, day.date, day.lines, day.minutes, day.status) for day in plan.days] == [
        (7, TUESDAY, 2, 90, None),
        (9, dt.date(2025, 3, 5), 1, 60, None),
    ]
    assert (plan.lines, plan.minutes, plan.participants, plan.participants_created) == (3, 150, 2, [9])
    content = response.content.decode()
    assert "Preview: 2 diary days will be stored" in content
    assert "Manager no. 9" in content and "new participant" in content
    assert "Number 9 is not in the round yet; it will be added without an account." in content
    assert "Confirm: store 2 diary days" in content
    assert snapshot(filled) == before


def test_the_preview_groups_a_large_count_as_the_page_s_language_writes_it(admin_client, survey):
    # 5 managers × 5 days, every hour full: 12 000 minutes, "12 000" in Swedish (a no-break space), as on the dashboard.
    days = [dt.date(2025, 3, 3) + dt.timedelta(days=offset) for offset in range(5)]
    rows = [row(number, day.isoformat(), "planning", [60] * 8) for number in range(1, 6) for day in days]
    admin_client.cookies["django_language"] = "sv"

    response = upload(admin_client, survey, csv_file(rows))

    assert response.context["plan"].minutes == 5 * 5 * 8 * 60
    assert "12\u00a0000 minuter sammanlagt" in response.content.decode()


def test_confirming_stores_the_days_submitted(admin_client, filled):
    upload(admin_client, filled, csv_file(GOOD))

    response = confirm(admin_client, filled)

    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:round", args=[filled.slug])
    days = DiaryDay.objects.filter(date__in=[TUESDAY, dt.date(2025, 3, 5)]).order_by("date")
    assert [(day.participant.number, day.status, day.minutes) for day in days] == [
        (7, "submitted", 90),
        (9, "submitted", 60),
    ]
    assert DiaryLine.objects.get(task__code="budget").function == 1
    assert Participant.objects.get(survey=filled, number=9).user is None
    message = admin_client.get(response["Location"]).content.decode()
    assert "2 diary days are stored and submitted (3 rows, 1 new participant)." in message


def test_a_second_confirmation_finds_the_preview_gone(admin_client, filled):
    upload(admin_client, filled, csv_file(GOOD))
    confirm(admin_client, filled)
    before = snapshot(filled)

    response = confirm(admin_client, filled)

    assert response["Location"] == upload_url(filled)
    assert snapshot(filled) == before


def test_an_expired_preview_stores_nothing_and_says_so(admin_client, filled):
    before = snapshot(filled)

    response = admin_client.post(upload_url(filled), {"confirm": "yes"}, follow=True)

    assert "The preview has expired; upload the file again." in response.content.decode()
    assert snapshot(filled) == before


def test_the_rows_are_checked_again_on_confirmation(admin_client, filled, participant):
    upload(admin_client, filled, csv_file(GOOD))
    # Between the preview and the confirmation the manager saves the Tuesday in the file.
    diary_save(
        participant=participant, date=TUESDAY, lines=[LineInput(task=filled.tasks.get(code="other"), minutes=[5])]
    )
    before = snapshot(filled)

    response = confirm(admin_client, filled)

    assert response.status_code == 400
    assert "participant 7 already has a diary for 2025-03-04" in response.content.decode()
    assert snapshot(filled) == before


def test_replace_overwrites_a_day_that_has_a_diary(admin_client, filled):
    rows = [row(7, "2025-03-03", "budget", [0, 0, 45], 2, 2)]

    response = upload(admin_client, filled, csv_file(rows), replace=True)

    assert response.status_code == 200
    (day,) = response.context["plan"].days
    assert (day.replaces, day.status) == (True, "submitted")
    assert "replaces the stored diary" in response.content.decode()
    assert "1 day that already has a diary will be replaced" in response.content.decode()
    confirm(admin_client, filled)
    assert list(DiaryLine.objects.values_list("task__code", "h3")) == [("budget", 45)]
    assert DiaryDay.objects.get().minutes == 45


def test_a_saved_day_without_rows_is_filled_without_replace(admin_client, survey, participant):
    emptied_day(participant, TUESDAY)

    response = upload(admin_client, survey, csv_file([GOOD[0]]))

    assert "fills a saved day without rows" in response.content.decode()
    confirm(admin_client, survey)
    assert DiaryDay.objects.get().status == "submitted"


def test_an_xlsx_file_is_read_too(admin_client, filled):
    upload(admin_client, filled, xlsx_file(GOOD))

    assert confirm(admin_client, filled).status_code == 302
    assert DiaryLine.objects.filter(day__date__gt=MONDAY).count() == 3


def test_a_semicolon_csv_from_swedish_excel_is_read(admin_client, filled):
    response = upload(admin_client, filled, csv_file(GOOD, delimiter=";"))

    assert response.status_code == 200 and len(response.context["plan"].days) == 2


# --- Bad files: every problem named, nothing stored --------------------------------------------------

BAD_ROWS = {
    "unknown task code": (
        [GOOD[0], row(7, "2025-03-05", "coffee", [10])],
        (3, "task", "unknown task code “coffee”; this round has: direct-meeting,"),
    ),
    "date outside the round": (
        [GOOD[0], row(7, "2025-03-10", "planning", [10])],
        (3, "date", "2025-03-10 is outside the round (2025-03-03 to 2025-03-07)"),
    ),
    "duplicate row": (
        [GOOD[0], row(7, "2025-03-04", "planning", [0, 0, 10])],
        (3, "task", "repeats row 2: each participant, date and task only once"),
    ),
    "a day with a diary, without replace": (
        [GOOD[0], row(7, "2025-03-03", "budget", [0, 0, 10])],
        (
            3,
            "date",
            "participant 7 already has a diary for 2025-03-03; "
            "import with “Replace days that already have a diary” ticked to overwrite it",
        ),
    ),
    "an hour over 60 across rows": (
        [GOOD[0], row(7, "2025-03-04", "budget", [31])],
        (3, "h1", "08–09: the tasks add up to 61 minutes, but an hour has at most 60."),
    ),
    "a bad number in a cell": (
        [GOOD[0], row(7, "2025-03-05", "planning", [0, "halv"])],
        (3, "h2", "“halv” is not allowed: minutes are whole numbers from 0 to 60 (empty means 0)"),
    ),
    "61 minutes": (
        [GOOD[0], row(7, "2025-03-05", "planning", [61])],
        (3, "h1", f"{PLANNING}, 08–09: 61 minutes is not allowed; an hour has at most 60."),
    ),
    "a bad rating": (
        [GOOD[0], row(7, "2025-03-05", "planning", [10], value=5)],
        (3, "value", f"{PLANNING}, value for the operation: the rating 5 is not allowed; choose 1, 2, 3 or 4."),
    ),
    "a bad date": (
        [GOOD[0], row(7, "4/3", "planning", [10])],
        (3, "date", "“4/3” is not a date; write YYYY-MM-DD"),
    ),
    "a bad participant": (
        [GOOD[0], row(0, "2025-03-05", "planning", [10])],
        (3, "participant", "“0” is not a participant number; use a whole number from 1 to 99999"),
    ),
    "participant 99999999999": (
        [GOOD[0], row(99999999999, "2025-03-05", "planning", [10])],
        (3, "participant", "“99999999999” is not a participant number; use a whole number from 1 to 99999"),
    ),
    "participant 1e6": (
        [GOOD[0], row("1e6", "2025-03-05", "planning", [10])],
        (3, "participant", "“1e6” is not a participant number; use a whole number from 1 to 99999"),
    ),
    "a task code over 50 characters": (
        [GOOD[0], row(7, "2025-03-05", "p" * 51, [10])],
        (3, "task", "must be a task code of at most 50 characters (now 51)"),
    ),
    "a note over 500 characters": (
        [GOOD[0], row(7, "2025-03-05", "other", [10], note="n" * 501)],
        (3, "note", "Other (specify), specify: at most 500 characters (now 501)."),
    ),
    "a note over the csv module's field limit of 131 072 characters": (
        [GOOD[0], row(7, "2025-03-05", "other", [10], note="n" * 200_000)],
        (3, "note", "Other (specify), specify: at most 500 characters (now 200000)."),
    ),
    "a NUL in a note": (
        [GOOD[0], row(7, "2025-03-05", "other", [10], note="Möte\x00 kväll")],
        (3, "note", "holds the invisible control character U+0000, which is not allowed; remove it"),
    ),
    "minutes 3.5": (
        [GOOD[0], row(7, "2025-03-05", "planning", ["3.5"])],
        (3, "h1", "“3.5” is not allowed: minutes are whole numbers from 0 to 60 (empty means 0)"),
    ),
    "no rows under the header": ([], (1, "", "the file has no diary rows under the header")),
}


@pytest.mark.parametrize("kind", BAD_ROWS)
def test_a_bad_row_is_named_and_nothing_is_stored(admin_client, filled, kind):
    rows, (number, column, message) = BAD_ROWS[kind]
    before = snapshot(filled)

    response = upload(admin_client, filled, csv_file(rows))

    assert response.status_code == 400
    assert response.context["plan"] is None
    ((row_number, row_column, row_message),) = [(e.row, e.column, e.message) for e in response.context["errors"]]
    assert (row_number, row_column) == (number, column)
    assert row_message.startswith(message)
    content = response.content.decode()
    assert "Nothing was stored: the file has 1 problem." in content
    assert response.context["errors"][0].message in content.replace("&#x27;", "'")
    assert snapshot(filled) == before
    assert _upload_session(admin_client, filled) is None


def _upload_session(client, survey):
    return client.session.get(f"diary-upload:{survey.pk}")


@pytest.mark.parametrize(
    "columns",
    [
        header(7),
        header(9),
        ["participant", "date", "task", "h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8", "value", "function"],
        ["deltagare", "datum", "uppgift", *[f"t{n}" for n in range(1, 9)], "nytta", "funktion", "notering"],
    ],
    ids=["too few hours", "too many hours", "a missing column", "Swedish column names"],
)
def test_wrong_or_missing_columns_are_named_and_nothing_is_stored(admin_client, filled, columns):
    before = snapshot(filled)

    response = upload(admin_client, filled, csv_file([GOOD[0]], columns=columns))

    assert response.status_code == 400
    (error,) = response.context["errors"]
    assert error.row == 1
    assert error.message.startswith(
        "the header must be participant,date,task,h1,h2,h3,h4,h5,h6,h7,h8,value,function,note"
    )
    assert snapshot(filled) == before


def test_every_bad_row_is_named_at_once_in_row_order(admin_client, filled):
    rows = [
        GOOD[0],
        row(7, "2025-03-04", "budget", [40]),  # hour 1 over 60 with row 2
        row(7, "2025-03-05", "planning", [10], function=7),  # a bad rating
        row(7, "2025-03-11", "coffee", [5]),  # unknown task, outside the round
    ]
    before = snapshot(filled)

    response = upload(admin_client, filled, csv_file(rows))

    assert [(error.row, error.column) for error in response.context["errors"]] == [
        (3, "h1"),
        (4, "function"),
        (5, "task"),
        (5, "date"),
    ]
    assert "Nothing was stored: the file has 4 problems." in response.content.decode()
    assert snapshot(filled) == before


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("dagbok.txt", b"participant,date\n"), "Choose a .csv or .xlsx file."),
        (SimpleUploadedFile("dagbok.csv", b"x" * (1024 * 1024 + 1)), "The file is 1.1 MB; files may be at most 1 MB."),
    ],
    ids=["not a csv or xlsx", "too big"],
)
def test_a_file_of_the_wrong_kind_or_size_is_refused(admin_client, filled, file, message, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    before = snapshot(filled)

    response = upload(admin_client, filled, file)

    assert response.status_code == 400
    assert message in response.context["form"].errors["file"][0]
    assert snapshot(filled) == before


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("dagbok.csv", "deltagare;datum\n1;å\n".encode("utf-16")), "the file is UTF-16 text"),
        (SimpleUploadedFile("dagbok.xlsx", b"not a workbook"), "the file is not a readable .xlsx workbook"),
    ],
    ids=["UTF-16", "a broken workbook"],
)
def test_an_unreadable_file_is_named_and_nothing_is_stored(admin_client, filled, file, message):
    before = snapshot(filled)

    response = upload(admin_client, filled, file)

    assert response.status_code == 400
    assert response.context["errors"][0].message.startswith(message)
    assert snapshot(filled) == before


def test_no_file_is_refused(admin_client, filled):
    response = admin_client.post(upload_url(filled), {})

    assert response.status_code == 400
    assert response.context["form"].errors["file"]


def test_a_new_upload_forgets_the_previous_preview(admin_client, filled):
    upload(admin_client, filled, csv_file(GOOD))
    upload(admin_client, filled, csv_file([row(7, "2025-03-10", "planning", [10])]))
    before = snapshot(filled)

    response = confirm(admin_client, filled)

    assert response["Location"] == upload_url(filled)
    assert snapshot(filled) == before


@pytest.mark.parametrize(
    ("days", "lines", "new", "swedish"),
    [
        (1, 1, 0, "1 dagboksdag är sparad och inskickad (1 rad)."),
        (2, 3, 1, "2 dagboksdagar är sparade och inskickade (3 rader, 1 ny deltagare)."),
        (5, 12, 2, "5 dagboksdagar är sparade och inskickade (12 rader, 2 nya deltagare)."),
        # A whole round's counts are grouped as Swedish writes them, with a no-break space.
        (12500, 20000, 0, "12\u00a0500 dagboksdagar är sparade och inskickade (20\u00a0000 rader)."),
    ],
)
def test_the_stored_message_has_a_plural_form_for_each_count(days, lines, new, swedish):
    result = ImportResult(days=days, lines=lines, participants_created=new)

    with translation.override("sv"):
        assert stored_message(result) == swedish
