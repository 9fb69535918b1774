"""Server time and queries of the diary day page: the GET and a save, medians over many runs.

    DATABASE_URL=postgres://…/mio_bench .venv/bin/python loadtest/bench.py [--runs 60]

Uses the configured database (migrated first) and Django's test client, so the time is the server's
alone: middleware, view, template; no network and no gunicorn. Prints JSON."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mio.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.template.base import Template  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from loadtest.rounds import make_round  # noqa: E402

START = dt.date(2025, 3, 3)


def measure(call, runs: int) -> dict[str, float]:
    """Wall time (median and best) and the CPU time of this process (median): on a machine shared with other
    work the wall time includes waiting for the CPU and for PostgreSQL, the CPU time is the server's own cost."""
    times, cpu, queries = [], [], []
    for _run in range(runs):
        with CaptureQueriesContext(connection) as captured:
            began, began_cpu = time.perf_counter(), time.process_time()
            call()
            cpu.append((time.process_time() - began_cpu) * 1000)
            times.append((time.perf_counter() - began) * 1000)
        queries.append(len(captured))
    return {
        "median_ms": round(statistics.median(times), 2),
        "min_ms": round(min(times), 2),
        "cpu_median_ms": round(statistics.median(cpu), 2),
        "queries": max(queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    rendering = Template._render
    setup_test_environment()
    # The test environment makes every template render send a signal that the test client answers by copying
    # the context: test machinery, not the server's work, so rendering is put back as the server runs it.
    Template._render = rendering
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    survey, (manager,) = make_round(slug="bench", managers=1, start=START)
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = manager.session
    url = reverse("surveys:day", args=[survey.slug, START.isoformat()])
    tasks = list(survey.tasks.order_by("order"))

    def body(*, version: int, minutes: int) -> str:
        """A save as a browser sends it (urlencoded): every box, all empty but two rows."""
        data = {"version": str(version), "draft": ""}
        for task in tasks:
            for hour in survey.hour_numbers:
                data[f"{task.code}-h{hour}"] = ""
            if task.asks_to_specify:
                data[f"{task.code}-note"] = ""
        data[f"{tasks[0].code}-h1"] = str(minutes)
        data[f"{tasks[1].code}-h2"] = "15"
        data[f"{tasks[1].code}-function"] = "3"
        return urlencode(data)

    assert client.get(url).status_code == 200
    # As gunicorn.conf.py does in the master before forking the workers: what is loaded by now is left out of
    # the garbage collector's full collections.
    gc.collect()
    gc.freeze()
    page = measure(lambda: client.get(url), args.runs)
    # Each save is of the version the one before made; the first creates the day.
    bodies = iter([body(version=version, minutes=version % 60 + 1) for version in range(args.runs)])

    def post():
        response = client.post(url, next(bodies), content_type="application/x-www-form-urlencoded")
        assert response.status_code == 302, response.status_code

    saved = measure(post, args.runs)
    print(json.dumps({"database": connection.vendor, "runs": args.runs, "day_page": page, "save": saved}, indent=2))


if __name__ == "__main__":
    main()
