"""The commands speak the installation's language. Django runs a command in LANGUAGE_CODE (Swedish here),
and the services' row messages come out in it; so do a command's own summaries and refusals, with counts
grouped as Swedish writes them (a no-break space between the thousands) and the glossary's words."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from actionplan.actionfile import COLUMNS as ACTION_COLUMNS
from surveys.models import DiaryLine, Participant
from tests.surveys.helpers import row, write_diary_csv

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def swedish_count(count: int) -> str:
    """A count as Swedish writes it: the thousands grouped with a no-break space ("1 250")."""
    return f"{count:,}".replace(",", "\u00a0")


@pytest.fixture(autouse=True)
def installation_language():
    """No language activated, as when manage.py runs a command: the installation's own."""
    translation.deactivate()
    assert translation.get_language() == settings.LANGUAGE_CODE == "sv"
    yield
    translation.deactivate()


def test_an_import_s_summary_is_swedish_with_its_counts_grouped(survey, tmp_path):
    codes = list(survey.tasks.order_by("order").values_list("code", flat=True))[:10]
    weekdays = survey.weekdays()
    managers = 25
    # Five minutes of each of ten tasks in the first hour: 50 minutes, within the hour's 60.
    rows = [
        row(number, day.isoformat(), code, [5], 3, 2)
        for number in range(1, managers + 1)
        for day in weekdays
        for code in codes
    ]
    out = io.StringIO()

    call_command("import_diaries", str(write_diary_csv(tmp_path / "dagar.csv", rows)), survey=survey.slug, stdout=out)

    lines, days = len(rows), managers * len(weekdays)
    assert lines >= 1000 and DiaryLine.objects.count() == lines
    assert out.getvalue() == (
        f"Läste in {swedish_count(lines)} rader på {days} dagar i {survey.slug} ({managers} nya deltagare).\n"
    )


def test_an_import_s_refusal_is_swedish_like_its_row_messages(survey, tmp_path):
    path = write_diary_csv(
        tmp_path / "dagar.csv",
        [row(7, "2025-03-03", "no-such-task", [30], 3, 2), row(7, "2025-03-01", "budget", [30], 3, 2)],
    )
    err = io.StringIO()

    with pytest.raises(CommandError) as refusal:
        call_command("import_diaries", str(path), survey=survey.slug, stdout=io.StringIO(), stderr=err)

    messages = err.getvalue().splitlines()
    assert [message[: len("Rad 2, kolumn ")] for message in messages] == ["Rad 2, kolumn ", "Rad 3, kolumn "]
    assert str(refusal.value) == f"{len(messages)} fel i {path}; ingenting lästes in."
    assert not Participant.objects.exists()


def test_an_unknown_round_is_refused_in_swedish(db):
    with pytest.raises(CommandError) as refusal:
        call_command("export_diaries", survey="finns-inte")

    assert str(refusal.value) == "Det finns ingen mätomgång med kortnamnet ”finns-inte”"


def test_the_invitations_are_counted_in_swedish_in_the_singular_and_the_plural(survey, make_user, mailoutbox):
    for number, name in [(1, "anna"), (2, "bo")]:
        Participant.objects.create(survey=survey, number=number, user=make_user(name, email=f"{name}@kommun.se"))
    Participant.objects.create(survey=survey, number=3)  # no account: cannot be reached
    out = io.StringIO()

    call_command("send_invitations", "--survey", survey.slug, stdout=out)

    assert len(mailoutbox) == 2
    assert out.getvalue().splitlines() == [
        "Bjöd in chef nr 1 <anna@kommun.se>",
        "Bjöd in chef nr 2 <bo@kommun.se>",
        "Kan inte nå chef nr 3: inget konto",
        f"{survey.slug}: 2 inbjudningar skickade, 1 deltagare kan inte nås.",
    ]


def write_actions(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(ACTION_COLUMNS)
        writer.writerows(rows)
    return path


def test_an_action_import_counts_its_items_in_swedish(survey, municipality, tmp_path):
    first = ["1", "Förenkla rutiner", "", "central", "", "finance", "routines", "planned", "2", "", "", "", "", ""]
    second = ["2", "Ny åtgärd", "", "central", "", "it", "other", "proposed", "3", "", "", "", "", ""]

    def run(rows: list[list[str]]) -> str:
        out = io.StringIO()
        path = write_actions(tmp_path / "plan.csv", rows)
        call_command("import_actions", str(path), municipality=municipality.name, stdout=out)
        return out.getvalue()

    plan = f"Åtgärdsplan {municipality.name}"  # the plan an import makes (actionplan.services)
    assert run([first]) == f"Läste in 1 åtgärd i {plan}: 1 ny, 0 ändrade, 0 oförändrade.\n"
    # The first again, unchanged, and a new one: each count in its own number.
    assert run([first, second]) == f"Läste in 2 åtgärder i {plan}: 1 ny, 0 ändrade, 1 oförändrad.\n"


def test_round_status_writes_its_summary_and_table_in_swedish(survey, participant):
    out = io.StringIO()

    call_command("round_status", "--survey", survey.slug, "--format", "table", "--as-of", "2025-03-05", stdout=out)

    lines = out.getvalue().splitlines()
    # Monday and Tuesday are due by Wednesday (a day counts once it is over), neither one filled.
    assert (
        lines[0] == f"{survey.slug} per 2025-03-05: 1 deltagare, 2 dagar förväntade, 0 inskickade, 0 utkast, 2 saknas"
    )
    assert lines[1].split() == ["nr", "förväntade", "inskickade", "utkast", "saknas", "inbjuden", "påminnelser"]
    assert lines[3].split() == [str(participant.number), "2", "0", "0", "2", "nej", "0"]


def test_on_the_command_line_a_bad_argument_is_refused_in_swedish():
    # A real manage.py, where nothing but the settings chooses the language. The argument is refused while
    # it is parsed, before the database is opened.
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment["DEBUG"] = "true"
    result = subprocess.run(
        [sys.executable, "manage.py", "create_survey", "r", "--name", "R", "--start", "1/9", "--end", "2025-09-05"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().endswith("argument --start: ”1/9” är inget datum skrivet ÅÅÅÅ-MM-DD")
    assert "Traceback" not in result.stderr
