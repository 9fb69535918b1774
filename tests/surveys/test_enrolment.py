"""Enrolment: reading the file, every kind of bad row (and nothing changed), numbers kept across rounds,
accounts linked or made, and the enrol_participants command."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from mio.tablefiles import RowError
from surveys import roles
from surveys.enrolment import (
    EnrolmentError,
    PersonRow,
    file_problems,
    participants_enrol,
    plan_enrolment,
    read_file,
    read_upload,
)
from surveys.models import Department, DiaryDay, Municipality, Participant, Survey, Unit
from surveys.services import survey_create

from .helpers import people_snapshot

pytestmark = pytest.mark.django_db

User = get_user_model()


def write_csv(path: Path, rows: Sequence[Sequence[object]], *, delimiter=",", bom=False, header=None) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header or ["name", "email", "unit", "number"])
    writer.writerows(rows)
    path.write_bytes(("\ufeff" if bom else "").encode() + buffer.getvalue().encode("utf-8"))
    return path


def person(row: int, name: str, email: str, unit: str = "Förskolan Solrosen", number: int | None = None):
    return PersonRow(row=row, name=name, email=email, unit=unit, number=number)


def follow_up(municipality: Municipality, slug: str = "uppfoljning") -> Survey:
    return survey_create(
        slug=slug,
        name="Uppföljning 2026",
        municipality=municipality,
        start_date=dt.date(2026, 3, 2),
        end_date=dt.date(2026, 3, 6),
        status=Survey.Status.OPEN,
    )


def refused(survey: Survey, rows: Sequence[PersonRow]) -> list[RowError]:
    """Enrol rows that must be refused; return the errors, after checking nothing changed."""
    before = people_snapshot()
    with pytest.raises(EnrolmentError) as caught:
        participants_enrol(survey=survey, rows=rows)
    assert people_snapshot() == before
    return caught.value.errors


def places(errors: Sequence[RowError]) -> list[tuple[int, str]]:
    return [(error.row, error.column) for error in errors]


# --- Reading files -------------------------------------------------------------------------------


def test_it_reads_a_comma_separated_file(tmp_path):
    path = write_csv(tmp_path / "p.csv", [["Anna Andersson", "anna@x.se", "Förskolan Solrosen", ""]])

    parsed = read_file(path)

    assert parsed.errors == []
    assert [row.as_dict() for row in parsed.rows] == [
        {"row": 2, "name": "Anna Andersson", "email": "anna@x.se", "unit": "Förskolan Solrosen", "number": None}
    ]


def test_it_reads_semicolons_and_a_bom_as_swedish_excel_writes_them(tmp_path):
    path = write_csv(
        tmp_path / "p.csv",
        [["Anna Andersson", "anna@x.se", "Förskolan Solrosen", "4"], ["Bo Berg", "bo@x.se", "", ""]],
        delimiter=";",
        bom=True,
    )

    parsed = read_file(path)

    assert parsed.errors == []
    assert [(row.row, row.name, row.email, row.number) for row in parsed.rows] == [
        (2, "Anna Andersson", "anna@x.se", 4),
        (3, "Bo Berg", "bo@x.se", None),
    ]


def test_the_number_column_is_optional(tmp_path):
    path = write_csv(
        tmp_path / "p.csv", [["Anna", "anna@x.se", "Förskolan Solrosen"]], header=["name", "email", "unit"]
    )

    parsed = read_file(path)

    assert parsed.errors == []
    assert parsed.rows[0].number is None


def test_it_reads_a_workbook_with_numbers_as_excel_stores_them(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "email", "unit", "number"])
    sheet.append(["Anna Andersson", "anna@x.se", "Förskolan Solrosen", 3.0])
    sheet.append(["Bo Berg", "bo@x.se", "Förskolan Solrosen", None])
    path = tmp_path / "p.xlsx"
    workbook.save(path)

    parsed = read_file(path)

    assert parsed.errors == []
    assert [(row.row, row.name, row.number) for row in parsed.rows] == [(2, "Anna Andersson", 3), (3, "Bo Berg", None)]
    uploaded = read_upload(path.read_bytes(), filename="deltagare.xlsx")
    assert [row.as_dict() for row in uploaded.rows] == [row.as_dict() for row in parsed.rows]


@pytest.mark.parametrize(
    "header",
    [["name", "unit"], ["name", "e-mail", "unit"], ["name", "email", "unit", "number", "phone"]],
    ids=["email missing", "misspelt", "unknown column"],
)
def test_a_wrong_header_is_one_error_on_row_1(tmp_path, header):
    path = write_csv(tmp_path / "p.csv", [["Anna", "anna@x.se", "Förskolan Solrosen"]], header=header)

    parsed = read_file(path)

    assert parsed.rows == []
    assert places(parsed.errors) == [(1, "")]
    assert "name,email,unit,number" in parsed.errors[0].message


def test_a_number_that_is_no_whole_number_is_a_bad_row(tmp_path):
    path = write_csv(tmp_path / "p.csv", [["Anna", "anna@x.se", "", "2,5"], ["Bo", "bo@x.se", "", "0"]])

    parsed = read_file(path)

    assert places(parsed.errors) == [(2, "number"), (3, "number")]


# --- Bad rows: refused with row and column, nothing changed --------------------------------------


def test_an_invalid_email_is_refused(survey, unit):
    errors = refused(survey, [person(2, "Anna", "anna@x.se"), person(3, "Bo", "bo-at-x.se")])

    assert places(errors) == [(3, "email")]
    assert "bo-at-x.se" in str(errors[0])
    assert str(errors[0]).startswith("Row 3, column email:")


def test_an_email_twice_in_the_file_is_refused_whatever_its_case(survey, unit):
    errors = refused(survey, [person(2, "Anna", "anna@x.se"), person(3, "Anna igen", "ANNA@x.se")])

    assert places(errors) == [(3, "email")]
    assert "row 2" in errors[0].message


def test_an_unknown_unit_is_refused_and_the_known_ones_listed(survey, unit):
    errors = refused(survey, [person(2, "Anna", "anna@x.se", unit="Förskolan Vitsippan")])

    assert places(errors) == [(2, "unit")]
    assert "Förskolan Vitsippan" in errors[0].message
    assert unit.name in errors[0].message


def test_a_number_someone_else_has_in_the_municipality_is_refused(survey, unit, make_user):
    baseline = Participant.objects.create(survey=survey, number=4, user=make_user("eva", email="eva@x.se"))
    later = follow_up(survey.municipality)

    errors = refused(later, [person(2, "Anna", "anna@x.se", number=baseline.number)])

    assert places(errors) == [(2, "number")]
    assert "4" in errors[0].message


def test_a_number_on_two_rows_is_refused_on_the_second(survey, unit):
    errors = refused(survey, [person(2, "Anna", "anna@x.se", number=9), person(3, "Bo", "bo@x.se", number=9)])

    assert places(errors) == [(3, "number")]
    assert "row 2" in errors[0].message


def test_a_person_already_in_the_round_is_refused(survey, unit, participant, manager):
    manager.email = "alice@x.se"
    manager.save()

    errors = refused(survey, [person(2, "Alice", "Alice@X.se")])

    assert places(errors) == [(2, "email")]
    assert "already takes part" in errors[0].message


def test_an_existing_account_keeps_its_number_and_may_not_be_given_another(survey, unit, make_user):
    anna = make_user("anna", email="anna@x.se")
    Participant.objects.create(survey=survey, number=2, user=anna)
    later = follow_up(survey.municipality)

    errors = refused(later, [person(2, "Anna", "anna@x.se", number=5)])

    assert places(errors) == [(2, "number")]
    assert "number 2" in errors[0].message


def imported_day(survey: Survey, number: int) -> Participant:
    """A participant as a diary import makes one: by number, without an account, with a submitted day."""
    participant = Participant.objects.create(survey=survey, number=number)
    DiaryDay.objects.create(
        participant=participant, date=survey.start_date, status=DiaryDay.Status.SUBMITTED, minutes=60
    )
    return participant


def test_a_person_whose_number_has_imported_days_in_the_round_is_linked_to_them(survey, unit, make_user):
    # Numbers are people within a municipality: the paper diaries imported for number 2 are Anna's. Refusing her
    # left a dead end: she could never join the round, and the participant, having days, could not be removed.
    anna = make_user("anna", email="anna@x.se")
    Participant.objects.create(survey=survey, number=2, user=anna)
    later = follow_up(survey.municipality)
    imported = imported_day(later, 2)
    version = later.data_version

    (enrolee,) = plan_enrolment(survey=later, rows=[person(2, "Anna", "anna@x.se")]).enrolees
    result = participants_enrol(survey=later, rows=[person(2, "Anna", "anna@x.se")])

    assert (enrolee.number, enrolee.kept_number, enrolee.imported_days) == (2, True, True)
    assert [participant.pk for participant in result.participants] == [imported.pk]
    imported.refresh_from_db()
    assert (imported.user, imported.unit) == (anna, unit)
    assert later.participants.count() == 1 and imported.days.count() == 1
    later.refresh_from_db()
    assert later.data_version != version  # the figures per unit count the imported day in Anna's unit now


def test_a_new_person_given_the_number_of_imported_days_is_linked_to_them(survey, unit):
    imported = imported_day(survey, 7)

    (enrolee,) = plan_enrolment(survey=survey, rows=[person(2, "Bo Ek", "bo@x.se", number=7)]).enrolees
    participants_enrol(survey=survey, rows=[person(2, "Bo Ek", "bo@x.se", number=7)])

    assert (enrolee.new_account, enrolee.imported_days) == (True, True)
    imported.refresh_from_db()
    assert imported.user.email == "bo@x.se"
    assert survey.participants.count() == 1


def test_a_number_another_account_has_in_the_round_is_still_refused(survey, unit, make_user):
    Participant.objects.create(survey=survey, number=7, user=make_user("eva", email="eva@x.se"))

    errors = refused(survey, [person(2, "Bo Ek", "bo@x.se", number=7)])

    assert places(errors) == [(2, "number")]


def test_a_file_of_thousands_of_people_is_planned(survey, unit, make_user):
    # SQLite refused one condition over a thousand addresses ("Expression tree is too large"): a 500 error.
    existing = make_user("asa", email="Person1199@Example.se")
    rows = [person(row, f"Person Nummer{row}", f"person{row}@example.se") for row in range(2, 1202)]

    plan = plan_enrolment(survey=survey, rows=rows)

    assert plan.errors == []
    assert len(plan.enrolees) == 1200
    assert [enrolee.row.row for enrolee in plan.enrolees if enrolee.user is not None] == [1199]
    assert plan.enrolees[1197].user == existing


def test_every_bad_row_is_reported_at_once_and_the_good_ones_are_not_enrolled(survey, unit):
    rows = [
        person(2, "Anna", "anna@x.se"),
        person(3, "Bo", "bo@"),
        person(4, "Cilla", "cilla@x.se", unit="Ingenstans"),
        person(5, "Dan", "dan@x.se", number=11),
        person(6, "Eva", "eva@x.se", number=11),
    ]

    errors = refused(survey, rows)

    assert places(errors) == [(3, "email"), (4, "unit"), (6, "number")]
    assert not survey.participants.exists()


# --- Numbers -------------------------------------------------------------------------------------


def test_reading_and_planning_problems_are_reported_together(tmp_path, survey, unit):
    path = write_csv(
        tmp_path / "bad.csv",
        [
            ["Karin Ek", "karin@x.se", "Förskolan Solrosen", ""],
            ["Karin Igen", "KARIN@x.se", "Förskolan Solrosen", ""],
            ["Okänd Enhet", "okand@x.se", "Förskolan Norr", ""],
            ["Dålig Mejl", "inte-en-mejl", "Förskolan Solrosen", ""],
            ["", "tomnamn@x.se", "Förskolan Solrosen", ""],
            ["Fel Nummer", "fel@x.se", "Förskolan Solrosen", "abc"],
        ],
    )
    before = people_snapshot()

    plan = file_problems(survey=survey, parsed=read_file(path))

    assert places(plan.errors) == [(3, "email"), (4, "unit"), (5, "email"), (6, "name"), (7, "number")]
    assert plan.enrolees == []
    assert people_snapshot() == before


def test_the_upload_page_shows_every_rows_problem_in_one_go(english_client, administrator, survey, unit):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    english_client.force_login(administrator)
    text = "name,email,unit\n,tom@x.se,Förskolan Solrosen\nOkänd,okand@x.se,Förskolan Norr\n"

    response = english_client.post(
        reverse("surveys:enrol", args=[survey.slug]),
        {"file": SimpleUploadedFile("deltagare.csv", text.encode(), content_type="text/csv")},
    )

    assert response.status_code == 400
    assert places(response.context["errors"]) == [(2, "name"), (3, "unit")]


def test_a_person_keeps_their_number_in_a_follow_up_and_new_people_come_after_the_highest(survey, unit):
    first = participants_enrol(
        survey=survey, rows=[person(2, "Anna Andersson", "anna@x.se", number=2), person(3, "Bo Berg", "bo@x.se")]
    )
    baseline_numbers = {p.user.email: p.number for p in first.participants}
    # Bo had no number: one more than the highest number used in the municipality (Anna's 2).
    assert baseline_numbers == {"anna@x.se": 2, "bo@x.se": 2 + 1}
    later = follow_up(survey.municipality)

    second = participants_enrol(
        survey=later, rows=[person(2, "Cilla Ceder", "cilla@x.se"), person(3, "Anna Andersson", "anna@x.se")]
    )

    numbers = {p.user.email: p.number for p in second.participants}
    highest_in_municipality = max(baseline_numbers.values())
    assert numbers == {"anna@x.se": baseline_numbers["anna@x.se"], "cilla@x.se": highest_in_municipality + 1}
    assert set(later.participants.values_list("number", flat=True)) == {2, 4}
    assert (second.accounts_created, second.accounts_linked) == (1, 1)


def test_numbering_in_another_municipality_is_independent(survey, unit):
    participants_enrol(survey=survey, rows=[person(2, "Anna", "anna@x.se", number=12)])
    elsewhere = Municipality.objects.create(name="Annankommun")
    other_unit = Unit.objects.create(
        department=Department.objects.create(municipality=elsewhere, name="Socialförvaltningen"), name="Hemtjänst Norr"
    )
    other_round = follow_up(elsewhere, slug="annan")

    result = participants_enrol(
        survey=other_round,
        rows=[person(2, "Anna", "anna@x.se", unit=other_unit.name), person(3, "Bo", "bo@x.se", unit=other_unit.name)],
    )

    # Nobody has a number in Annankommun yet: Anna's 12 elsewhere neither follows her nor blocks 1.
    assert [(p.user.email, p.number) for p in result.participants] == [("anna@x.se", 1), ("bo@x.se", 2)]


def test_a_given_number_is_used_and_the_next_free_numbers_come_after_it(survey, unit):
    result = participants_enrol(
        survey=survey, rows=[person(2, "Anna", "anna@x.se"), person(3, "Bo", "bo@x.se", number=20)]
    )

    # New people come after every number in use or claimed by the file: 20 + 1.
    assert [(p.user.email, p.number) for p in result.participants] == [("anna@x.se", 21), ("bo@x.se", 20)]


# --- Accounts ------------------------------------------------------------------------------------


def test_an_existing_account_is_linked_whatever_the_case_of_its_address(survey, unit, make_user):
    anna = make_user("anna", email="anna@x.se")
    accounts = User.objects.count()

    result = participants_enrol(survey=survey, rows=[person(2, "Anna Andersson", "Anna@X.se")])

    assert User.objects.count() == accounts
    assert (result.accounts_created, result.accounts_linked) == (0, 1)
    assert survey.participants.get().user == anna
    anna.refresh_from_db()
    assert anna.has_usable_password()  # her password is left alone
    assert anna.groups.filter(name=roles.MANAGERS).exists()
    assert survey.municipality.members.filter(pk=anna.pk).exists()


def test_a_new_account_signs_in_with_links_is_a_manager_and_a_member(survey, unit):
    result = participants_enrol(survey=survey, rows=[person(2, "Anna Maria Andersson", "Anna@X.se")])

    assert (result.accounts_created, result.accounts_linked) == (1, 0)
    participant = survey.participants.get()
    user = User.objects.get(pk=participant.user_id)
    assert not user.has_usable_password()
    assert user.is_active
    assert user.email == "Anna@X.se"
    assert (user.first_name, user.last_name) == ("Anna Maria", "Andersson")
    assert list(user.groups.values_list("name", flat=True)) == [roles.MANAGERS]
    assert list(user.municipalities.all()) == [survey.municipality]
    assert participant.unit == unit
    assert Group.objects.get(name=roles.MANAGERS).user_set.filter(pk=user.pk).exists()


def test_a_line_break_or_no_break_space_in_a_name_or_unit_is_a_space(tmp_path, survey, unit):
    # Alt+Enter in an Excel cell, and a no-break space pasted from a web page, both look like a space there.
    path = write_csv(
        tmp_path / "p.csv",
        [
            ["Åsa\u00a0Öberg", "asa@x.se", "Förskolan\u00a0Solrosen", ""],
            ["Bo\r\nBerg", "bo@x.se", "förskolan  solrosen", ""],
        ],
        delimiter=";",
    )

    parsed = read_file(path)
    participants_enrol(survey=survey, rows=parsed.rows)

    assert [(row.name, row.unit) for row in parsed.rows] == [
        ("Åsa Öberg", "Förskolan Solrosen"),
        ("Bo Berg", "förskolan solrosen"),
    ]
    people = survey.participants.order_by("number").values_list("user__first_name", "user__last_name", "unit")
    assert list(people) == [("Åsa", "Öberg", unit.pk), ("Bo", "Berg", unit.pk)]


# --- The command ---------------------------------------------------------------------------------


def enrol(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("enrol_participants", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_enrols_and_counts_accounts_created_and_linked(tmp_path, survey, unit, make_user):
    make_user("bo", email="bo@x.se")
    path = write_csv(
        tmp_path / "deltagare.csv",
        [["Anna Andersson", "anna@x.se", "Förskolan Solrosen", ""], ["Bo Berg", "BO@x.se", "Förskolan Solrosen", ""]],
        delimiter=";",
    )

    out, err = enrol(str(path), "--survey", survey.slug)

    assert err == ""
    assert "Enrolled 2 participants into test-round" in out
    assert "1 account created, 1 existing account linked." in out
    assert sorted(survey.participants.values_list("user__email", flat=True)) == ["anna@x.se", "bo@x.se"]


def test_the_command_prints_each_bad_row_and_changes_nothing(tmp_path, survey, unit):
    path = write_csv(
        tmp_path / "deltagare.csv",
        [
            ["Anna Andersson", "anna@x.se", "Förskolan Solrosen", ""],
            ["Bo Berg", "bo@x", "Förskolan Solrosen", ""],
            ["Cilla Ceder", "cilla@x.se", "Okänd enhet", ""],
        ],
    )
    before = people_snapshot()
    err = io.StringIO()

    with pytest.raises(CommandError, match="2 error"):
        call_command("enrol_participants", str(path), "--survey", survey.slug, stdout=io.StringIO(), stderr=err)

    lines = err.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("Row 3, column email: ")
    assert lines[1].startswith("Row 4, column unit: ")
    assert people_snapshot() == before


def test_the_command_refuses_a_file_it_cannot_read(tmp_path, survey):
    path = tmp_path / "deltagare.txt"
    path.write_text("name,email,unit\n")

    with pytest.raises(CommandError, match=".txt"):
        enrol(str(path), "--survey", survey.slug)
    with pytest.raises(CommandError, match="^No survey round “nope”$"):
        enrol(str(path), "--survey", "nope")


# --- Values the accounts cannot hold: a row message, nothing stored ------------------------------

LONG_EMAIL = "a" * 250 + "@x.se"  # 255 characters: a valid address, one more than the account holds


@pytest.mark.parametrize("number", ["1e6", "1_000", "٣", "1000000", "2.5", "inf"])
def test_a_participant_number_in_other_than_whole_decimal_digits_or_too_large_is_a_row_message(tmp_path, number):
    path = write_csv(tmp_path / "p.csv", [["Anna Ek", "anna@x.se", "", number]])

    parsed = read_file(path)

    assert parsed.rows == []
    assert [str(error) for error in parsed.errors] == [
        f"Row 2, column number: “{number}” is not a participant number; "
        "use a whole number from 1 to 99999, or leave it empty"
    ]


def test_a_name_or_address_longer_than_the_account_holds_is_a_row_message(tmp_path):
    rows = [
        ["Anna " + "B" * 151, "anna@x.se", "", ""],
        ["C" * 151 + " Dahl", "cilla@x.se", "", ""],
        ["Eva Ek", LONG_EMAIL, "", ""],
        ["F" * 150 + " " + "G" * 150, "f@x.se", "", ""],  # fits exactly
    ]
    parsed = read_file(write_csv(tmp_path / "p.csv", rows))

    assert [str(error) for error in parsed.errors] == [
        "Row 2, column name: the last name (the last word) is 151 characters long; at most 150 are allowed",
        "Row 3, column name: the first names (all words but the last) are 151 characters long; at most 150 are allowed",
        "Row 4, column email: the e-mail address is 255 characters long; at most 254 are allowed",
    ]
    assert [row.row for row in parsed.rows] == [5]


def test_the_enrolment_itself_refuses_what_the_account_cannot_hold(survey, unit):
    errors = refused(
        survey,
        [person(2, "Anna " + "B" * 151, "anna@x.se"), person(3, "Eva Ek", LONG_EMAIL), person(4, "Nul\x00l", "n@x.se")],
    )

    assert [str(error) for error in errors] == [
        "Row 2, column name: the last name (the last word) is 151 characters long; at most 150 are allowed",
        "Row 3, column email: the e-mail address is 255 characters long; at most 254 are allowed",
        "Row 4, column name: the name contains a NUL character (\\0), which text cannot hold; remove it",
    ]


def test_the_command_prints_the_too_long_values_and_changes_nothing(tmp_path, survey, unit):
    path = write_csv(tmp_path / "p.csv", [["Anna Ek", "anna@x.se", "", ""], ["Eva Ek", LONG_EMAIL, "", "1e6"]])
    before = people_snapshot()
    err = io.StringIO()

    with pytest.raises(CommandError, match="2 error"):
        call_command("enrol_participants", str(path), "--survey", survey.slug, stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        "Row 3, column email: the e-mail address is 255 characters long; at most 254 are allowed",
        "Row 3, column number: “1e6” is not a participant number; use a whole number from 1 to 99999, "
        "or leave it empty",
    ]
    assert people_snapshot() == before


def test_the_upload_page_lists_the_too_long_values_and_changes_nothing(english_client, administrator, survey, unit):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    english_client.force_login(administrator)
    text = f"name,email,unit,number\nAnna {'B' * 151},anna@x.se,,\nEva Ek,{LONG_EMAIL},,1_000\n"
    before = people_snapshot()

    response = english_client.post(
        reverse("surveys:enrol", args=[survey.slug]),
        {"file": SimpleUploadedFile("deltagare.csv", text.encode(), content_type="text/csv")},
    )

    assert response.status_code == 400
    assert [str(error) for error in response.context["errors"]] == [
        "Row 2, column name: the last name (the last word) is 151 characters long; at most 150 are allowed",
        "Row 3, column email: the e-mail address is 255 characters long; at most 254 are allowed",
        "Row 3, column number: “1_000” is not a participant number; use a whole number from 1 to 99999, "
        "or leave it empty",
    ]
    assert people_snapshot() == before


# --- The person form: the same limits beside its fields ------------------------------------------


def add_person(client, survey, **data):
    from django.urls import reverse

    values = {"name": "Anna Ek", "email": "anna@x.se", "unit": "", "number": ""}
    values.update(data)
    return client.post(reverse("surveys:participant_add", args=[survey.slug]), values)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"name": "Anna " + "B" * 151},
            "name",
            "the last name (the last word) is 151 characters long; at most 150 are allowed",
        ),
        ({"name": "N" * 302}, "name", "Ensure this value has at most 301 characters (it has 302)."),
        ({"name": "Anna\x00 Ek"}, "name", "Null characters are not allowed."),
        ({"email": LONG_EMAIL}, "email", "Ensure this value has at most 254 characters (it has 255)."),
        ({"number": "1_000"}, "number", "Enter a whole number in digits, e.g. 12."),
        ({"number": "1e6"}, "number", "Enter a whole number in digits, e.g. 12."),
        ({"number": "٣"}, "number", "Enter a whole number in digits, e.g. 12."),
        ({"number": "100000"}, "number", "Ensure this value is less than or equal to 99999."),
    ],
)
def test_the_person_form_names_a_value_the_account_cannot_hold(
    english_client, administrator, survey, data, field, message
):
    english_client.force_login(administrator)
    before = people_snapshot()

    response = add_person(english_client, survey, **data)

    assert response.status_code == 400
    assert [str(error) for error in response.context["form"].errors[field]] == [message]
    assert people_snapshot() == before


def test_the_account_form_takes_its_limits_from_the_account():
    from surveys.forms import AccountCreateForm

    fields = AccountCreateForm.base_fields
    assert [fields[name].max_length for name in ("first_name", "last_name", "email")] == [
        User._meta.get_field(name).max_length for name in ("first_name", "last_name", "email")
    ]
