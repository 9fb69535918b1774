"""The diary's load test, bounded and self-contained (`make loadtest`):

1. a PostgreSQL database of its own (LOADTEST_DATABASE_URL, default mio_loadtest on 127.0.0.1), made afresh
   and migrated; a round with 500 managers, their accounts and a signed-in session each (no password hashed);
2. gunicorn on a free port with production settings (DEBUG off, the Redis cache on this machine when there is
   one) and loadtest/gunicorn.conf.py: cores + 1 sync workers unless --workers, the application preloaded;
3. locust, headless: 500 managers, each opening a day and saving it with a changed value every 10 s,
   for --run-time seconds; it stops by itself;
4. gunicorn stopped, every save the server acknowledged checked in the database: the day exists exactly
   once and its rows are what that last acknowledged save sent (or the next save of the day, when that one
   was still under way when locust stopped);
5. a JSON summary on stdout; the exit status is 1 when the goal is missed (p95 ≥ 300 ms, any failed request,
   or any acknowledged save not stored exactly as sent).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/mio_loadtest"
# As in production: one Redis cache shared by the workers (sessions are read through it), here a database index
# of its own that the run empties first. LOADTEST_CACHE_URL= (empty) runs with each worker's memory instead.
DEFAULT_CACHE = "redis://127.0.0.1:6379/13"
START = dt.date(2025, 3, 3)  # a Monday; the round has its five weekdays
DAYS = 5
SLUG = "lasttest"
# gunicorn's settings (workers, the application loaded once and frozen for the garbage collector).
GUNICORN_CONFIG = ROOT / "loadtest" / "gunicorn.conf.py"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--spawn-rate", type=float, default=50)
    parser.add_argument("--run-time", type=int, default=75, help="seconds of load, spawning included")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1, help="as gunicorn.conf.py")
    parser.add_argument("--p95-ms", type=float, default=300)
    return parser.parse_args()


def production_environment(database: str, cache: str) -> dict[str, str]:
    """Production settings on plain HTTP on this machine: DEBUG off (no query log, cached templates)."""
    return {
        "DJANGO_SETTINGS_MODULE": "mio.settings",
        "DATABASE_URL": database,
        "CACHE_URL": cache,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        # The page names its static files; served or not, they are not what is measured.
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "LOG_LEVEL": "ERROR",
    }


def recreate_database(url: str) -> None:
    import psycopg2

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"loadtest: unexpected database name {name!r}")
    server = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username, password=parts.password, dbname="postgres"
    )
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    server.close()


def empty_cache(url: str) -> str:
    """The cache to use, emptied: `url` when its Redis answers, else none (each worker's memory)."""
    if not url:
        return ""
    import redis

    try:
        redis.Redis.from_url(url, socket_timeout=2).flushdb()
    except redis.RedisError:
        sys.stderr.write(f"loadtest: no Redis at {url}; each worker caches in its own memory\n")
        return ""
    return url


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url: str, server: subprocess.Popen, *, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("loadtest: gunicorn exited before it served anything")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own server on 127.0.0.1
            return
        except urllib.error.HTTPError:
            return  # it answered
        except OSError:
            time.sleep(0.3)
    raise SystemExit("loadtest: gunicorn did not answer in time")


def _sent(acks: dict[str, int], tasks: list[str]) -> dict[tuple[int, str], dict[str, dict[str, object]]]:
    """(manager, date) -> the rows of the save sent with those minutes, as stored (columns that are not 0)."""
    rows = {}
    for key, minutes in acks.items():
        number, date = key.split("/")
        first = {"h1": minutes, "value": None, "function": None, "note": ""}
        second = {"h2": 15, "value": None, "function": 3, "note": ""}
        rows[(int(number), date)] = {tasks[0]: first, tasks[1]: second}
    return rows


def verify(survey, acks: dict[str, int], unanswered: dict[str, int], tasks: list[str]) -> dict[str, object]:
    """Every acknowledged save is stored exactly once, with the rows it sent, or replaced by a later save of the
    day that was still under way when locust stopped (`unanswered`: sent, its answer never seen)."""
    from django.db.models import Count

    from surveys.models import HOUR_FIELDS, DiaryDay, DiaryLine

    expected = _sent(acks, tasks)
    in_flight = _sent(unanswered, tasks)
    days = DiaryDay.objects.filter(participant__survey=survey)
    copies = {
        (row["participant__number"], row["date"].isoformat()): row["n"]
        for row in days.values("participant__number", "date").annotate(n=Count("id"))
    }
    stored: dict[tuple[int, str], dict[str, dict[str, object]]] = {}
    columns = [*HOUR_FIELDS, "value", "function", "note"]
    lines = DiaryLine.objects.filter(day__participant__survey=survey).values(
        "day__participant__number", "day__date", "task__code", *columns
    )
    for line in lines:
        key = (line["day__participant__number"], line["day__date"].isoformat())
        stored.setdefault(key, {})[line["task__code"]] = {
            column: line[column] for column in columns if line[column] != 0
        }
    problems = []
    verified = replaced = 0
    for key, want in expected.items():
        if copies.get(key) != 1:
            problems.append(f"manager {key[0]} {key[1]}: stored {copies.get(key, 0)} times")
        elif stored.get(key) == want:
            verified += 1
        elif key in in_flight and stored.get(key) == in_flight[key]:
            replaced += 1  # by the manager's next save of the day, sent before locust stopped
        else:
            problems.append(f"manager {key[0]} {key[1]}: stored {stored.get(key)}, last acknowledged {want}")
    # A save still on its way when locust stopped may be stored without its answer having been seen: not a
    # lost save, but counted, since a run that keeps up has (almost) none.
    unacknowledged = len(set(copies) - set(expected))
    return {
        "verified": verified,
        "replaced_by_unanswered": replaced,
        "problems": problems,
        "unacknowledged": unacknowledged,
        "unanswered": len(unanswered),
    }


def main() -> int:
    args = parse_args()
    began = time.monotonic()
    database = os.environ.get("LOADTEST_DATABASE_URL", DEFAULT_DATABASE)
    cache = empty_cache(os.environ.get("LOADTEST_CACHE_URL", DEFAULT_CACHE))
    environment = production_environment(database, cache)
    os.environ.update(environment)
    recreate_database(database)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.urls import reverse

    from loadtest.rounds import make_round

    call_command("migrate", verbosity=0)
    survey, managers = make_round(slug=SLUG, managers=args.users, start=START, days=DAYS)
    tasks = list(survey.tasks.order_by("order", "id"))
    dates = [START + dt.timedelta(days=offset) for offset in range(DAYS)]
    work = Path(tempfile.mkdtemp(prefix="mio-loadtest-"))
    setup = {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "hours": survey.hours_per_day,
        "tasks": [task.code for task in tasks],
        "notes": [task.code for task in tasks if task.asks_to_specify],
        "days": [(date.isoformat(), reverse("surveys:day", args=[SLUG, date.isoformat()])) for date in dates],
        "managers": [{"number": manager.number, "session": manager.session} for manager in managers],
    }
    (work / "managers.json").write_text(json.dumps(setup), encoding="utf-8")
    connection.close()
    prepared = time.monotonic() - began

    port = free_port()
    host = f"http://127.0.0.1:{port}"
    server_log = work / "gunicorn.log"
    server = subprocess.Popen(
        [
            PYTHON, "-m", "gunicorn", "mio.wsgi:application",
            "--config", str(GUNICORN_CONFIG), "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
            "--timeout", "60",
            "--no-control-socket", "--error-logfile", str(server_log),
        ],
        cwd=ROOT,
        env={**os.environ},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until_serving(f"{host}/", server)
        locust = subprocess.run(
            [
                PYTHON, "-m", "locust", "-f", str(ROOT / "loadtest" / "locustfile.py"), "--headless",
                "--users", str(args.users), "--spawn-rate", str(args.spawn_rate), "--run-time", f"{args.run_time}s",
                "--host", host, "--only-summary", "--stop-timeout", "15", "--loglevel", "WARNING",
                "--exit-code-on-error", "0",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "LOADTEST_MANAGERS": str(work / "managers.json"),
                "LOADTEST_ACKS": str(work / "acks.json"),
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            timeout=args.run_time + 60,
        )  # fmt: skip
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    if not (work / "acks.json").exists():
        sys.stderr.write(locust.stderr[-4000:])
        raise SystemExit("loadtest: locust wrote no results")
    result = json.loads((work / "acks.json").read_text(encoding="utf-8"))
    acks = result.pop("acks")
    checked = verify(survey, acks, result.pop("unanswered", {}), setup["tasks"])
    goal = {
        "p95_under_ms": args.p95_ms,
        "met": result["failures"] == 0
        and result["requests"] > 0
        and result["p95_ms"] < args.p95_ms
        and not checked["problems"]
        and result["saves_acknowledged"] > 0,
    }
    summary = {
        "users": args.users,
        "workers": args.workers,
        "cache": cache or "memory of each worker",
        "run_time_s": args.run_time,
        **result,
        "days_saved": len(acks),
        "verified": checked["verified"],
        "verified_replaced_by_unanswered_save": checked["replaced_by_unanswered"],
        "problems": checked["problems"][:20],
        "days_stored_unacknowledged": checked["unacknowledged"],
        "saves_unanswered_at_stop": checked["unanswered"],
        "setup_s": round(prepared, 1),
        "total_s": round(time.monotonic() - began, 1),
        "goal": goal,
    }
    print(json.dumps(summary, indent=2))
    return 0 if goal["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
