"""Real-browser fixtures: Debian's chromium through Playwright, against Django's live server."""

from __future__ import annotations

import os
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.urls import reverse

from surveys.demo import DEMO_PASSWORD
from surveys.models import Municipality

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls there otherwise.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--headless",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Swedish is the product's language; the tests read the expected strings through gettext.
    # Without smooth scrolling a focused field is in place when the test looks at it.
    return {**browser_context_args, "locale": "sv-SE", "viewport": DESKTOP, "reduced_motion": "reduce"}


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def demo(transactional_db):
    """The demo round, in a transactional database (the live server reads it from another thread).

    Seeding writes its hundred days through the diary service, over a second for each of a hundred
    browser tests; so a worker seeds once, keeps a copy of every table, and later tests get that copy
    back (a browser test starts from an emptied database, as after a flush). Getting it back empties every
    table first, so a test's own rows are made after this fixture, never before."""
    made_before = [model.__name__ for model in (get_user_model(), Municipality) if model.objects.exists()]
    assert not made_before, f"{made_before} made before the demo, which empties the database: ask for `demo` first"
    if _demo_tables:
        _restore(_demo_tables)
    else:
        call_command("seed_demo", "--force", stdout=StringIO())
        _demo_tables.update(_copy_tables())


# Table name: (column names, rows), as seed_demo left the database; filled by this worker's first `demo`.
_demo_tables: dict[str, tuple[list[str], list[tuple]]] = {}


def _models() -> list:
    """The models with a table of their own: the tables to copy, empty and number again."""
    return [
        model for model in apps.get_models(include_auto_created=True) if model._meta.managed and not model._meta.proxy
    ]


def _tables() -> dict[str, list[str]]:
    """Every model's table and its stored columns (not the generated ones, which the database computes)."""
    return {
        model._meta.db_table: [field.column for field in model._meta.local_concrete_fields if not field.generated]
        for model in _models()
    }


def _copy_tables() -> dict[str, tuple[list[str], list[tuple]]]:
    quote = connection.ops.quote_name
    tables = {}
    with connection.cursor() as cursor:
        for table, columns in _tables().items():
            cursor.execute(f"SELECT {', '.join(quote(column) for column in columns)} FROM {quote(table)}")
            rows = cursor.fetchall()
            if rows:
                tables[table] = (columns, rows)
    return tables


def _restore(tables: dict[str, tuple[list[str], list[tuple]]]) -> None:
    """Empty every table and write the copy back, ids and all; the keys are checked at the commit."""
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in connection.ops.sql_flush(no_style(), list(_tables())):
            cursor.execute(statement)
        for table, (columns, rows) in tables.items():
            names = ", ".join(quote(column) for column in columns)
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)
        # PostgreSQL's id sequences go on after the copied ids (SQLite's AUTOINCREMENT does so itself).
        for statement in connection.ops.sequence_reset_sql(no_style(), _models()):
            cursor.execute(statement)
    # Content types and their ids come back from the copy; the in-process cache of them must not linger.
    ContentType.objects.clear_cache()


# How Chromium words a refusal: "Refused to apply inline style because it violates the following
# Content Security Policy directive: …".
CSP_VIOLATION = "Content Security Policy"
# How Chromium words a header it cannot read: "Error with Permissions-Policy header: Unrecognized
# feature: 'bluetooth'." on every page, in the console an auditor opens first.
HEADER_ERROR = "Error with Permissions-Policy header"


def watch_console(page) -> list[str]:
    """Every console message and uncaught script error of `page`, as text, for the test's teardown."""
    messages: list[str] = []
    page.on("console", lambda message: messages.append(f"console {message.type}: {message.text}"))
    page.on("pageerror", lambda error: messages.append(f"script error: {error}"))
    return messages


def console_problems(messages: list[str]) -> list[str]:
    """What fails a test: a script that threw, anything the Content-Security-Policy refused, or a
    security header the browser could not read."""
    return [
        message
        for message in messages
        if message.startswith("script error") or CSP_VIOLATION in message or HEADER_ERROR in message
    ]


@pytest.fixture
def page(page, live_server):
    """A page that fails the test when the site answers an error, a script throws or the
    Content-Security-Policy refuses something (an inline script or style, say)."""
    problems: list[str] = []
    messages = watch_console(page)
    page.on(
        "response",
        lambda response: problems.append(f"{response.status} {response.url}") if response.status >= 400 else None,
    )
    page.set_default_timeout(10_000)
    # A cold dashboard draws its charts on the first request: on a slow, shared two-core machine, with a
    # second test worker busy beside it, loading it took over 10 s once.
    page.set_default_navigation_timeout(30_000)
    yield page
    problems += console_problems(messages)
    assert not problems, "\n".join(problems)


@pytest.fixture
def log_in(page, live_server, demo):
    """Sign in through the login form, as a person would."""

    def sign_in(username: str = "anna") -> None:
        login = live_server.url + reverse("login")
        page.goto(login)
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("main form button[type=submit]")
        # The start page: a manager's diary, or the page that home sends the project group on to.
        page.wait_for_url(lambda url: not url.startswith(login))

    return sign_in
