"""Plain helpers for the surveys tests: diary files on disk and what an import must leave unchanged."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from html.parser import HTMLParser
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from surveys.diaryfile import header
from surveys.models import DiaryDay, DiaryLine, Municipality, Participant, Survey


def write_diary_csv(path: Path, rows: Iterable[Sequence[object]], *, hours: int = 8, delimiter: str = ",") -> Path:
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header(hours))
        writer.writerows(rows)
    return path


def row(participant: int, date: str, task: str, minutes: Sequence[object] = (), value="", function="", note=""):
    """A file row; `minutes` fills h1, h2, ... and the rest of the round's 8 hours stay empty."""
    hours = [*minutes, *[""] * (8 - len(minutes))]
    return [participant, date, task, *hours, value, function, note]


def export_csv(survey: Survey) -> str:
    out = io.StringIO()
    call_command("export_diaries", survey=survey.slug, stdout=out)
    return out.getvalue()


def snapshot(survey: Survey) -> tuple[int, int, int, str]:
    """What an import must leave untouched when it fails: the counts and the exported lines."""
    return (
        Participant.objects.filter(survey=survey).count(),
        DiaryDay.objects.filter(participant__survey=survey).count(),
        DiaryLine.objects.filter(day__participant__survey=survey).count(),
        export_csv(survey),
    )


def page_version(survey: Survey, *, date: dt.date | None = None, number: int | None = None) -> int:
    """The version the day page would carry now: of the round's one stored day (narrowed by `date` and the
    participant's `number` when the round has several), 0 when none is stored."""
    days = DiaryDay.objects.filter(participant__survey=survey)
    if date is not None:
        days = days.filter(date=date)
    if number is not None:
        days = days.filter(participant__number=number)
    versions = list(days.values_list("version", flat=True))
    assert len(versions) <= 1, "several stored days could be meant: give day_post the date (and number) or version"
    return versions[0] if versions else 0


def day_post(
    survey: Survey,
    entries: dict[str, object] | None = None,
    *,
    action: str = "draft",
    value: str = "",
    version: int | None = None,
    date: dt.date | None = None,
    number: int | None = None,
) -> dict[str, str]:
    """What the browser posts from the day form: every hour box and note (empty unless given), a button, and
    the version of the day the page was built from.

    Ratings are radio buttons, so a rating is only sent when given in `entries`, as `<code>-value`.
    The button is sent as `action` with `value`: "Submit anyway" is `action="submit", value="anyway"`.
    Without `version`, the one of a page opened just now (`page_version`), as a browser would send it.
    """
    data = {"version": str(page_version(survey, date=date, number=number) if version is None else version)}
    for task in survey.tasks.all():
        for hour in survey.hour_numbers:
            data[f"{task.code}-h{hour}"] = ""
        if task.asks_to_specify:
            data[f"{task.code}-note"] = ""
    data.update({name: str(value) for name, value in (entries or {}).items()})
    data[action] = value
    return data


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inputs: dict[str, dict[str, str | None]] = {}
        self.checked: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag != "input" or not name:
            return
        if attributes.get("type") == "radio":
            if "checked" in attributes:
                self.checked[name] = attributes.get("value") or ""
        else:
            self.inputs[name] = attributes


def form_inputs(html: bytes | str) -> tuple[dict[str, dict[str, str | None]], dict[str, str]]:
    """The page's inputs by name (their attributes), and the checked radio button of each group."""
    parser = _Inputs()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    return parser.inputs, parser.checked


def shown_values(html: bytes | str) -> dict[str, str]:
    """What the manager sees typed in the form: non-empty boxes and checked ratings, by field name."""
    inputs, checked = form_inputs(html)
    values = {name: attrs.get("value") or "" for name, attrs in inputs.items() if attrs.get("type") != "hidden"}
    values.update(checked)
    return {name: value for name, value in values.items() if value}


def signed_in(user) -> Client:
    """A client of its own, in English, signed in as `user`: one open copy of a page each."""
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def version_on_page(response) -> str:
    """The version the page's form carries, as the browser sends it back."""
    return form_inputs(response.content)[0]["version"]["value"]


def emptied_day(participant: Participant, date: dt.date) -> DiaryDay:
    """A stored day without rows, as one arises: saved with a row, then saved empty (a first empty save is refused)."""
    from surveys.services import LineInput, diary_save

    task = participant.survey.tasks.order_by("order").first()
    diary_save(participant=participant, date=date, lines=[LineInput(task=task, minutes=[5])])
    return diary_save(participant=participant, date=date, lines=[])


def people_snapshot() -> tuple[int, int, int, int]:
    """What a refused enrolment must leave untouched: accounts, participants, memberships, group members."""
    User = get_user_model()
    return (
        User.objects.count(),
        Participant.objects.count(),
        Municipality.members.through.objects.count(),
        User.groups.through.objects.count(),
    )
