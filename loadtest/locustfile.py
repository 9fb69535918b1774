"""Managers filling their diary: each opens a day, saves it with a changed value, and comes back every 10 s.

Run by `loadtest/run.py` (`make loadtest`), which makes the round, the managers' sessions and the file this
reads (LOADTEST_MANAGERS), and checks afterwards that every save acknowledged here (written to LOADTEST_ACKS
when the run ends) is in the database exactly once."""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import time
from urllib.parse import urlparse

import gevent
from locust import FastHttpUser, events, task
from requests.cookies import create_cookie

with open(os.environ["LOADTEST_MANAGERS"], encoding="utf-8") as stream:
    SETUP = json.load(stream)

_next_manager = itertools.count()
_lock = threading.Lock()
# (manager number, date) -> the minutes of the last save the server acknowledged (a redirect to the day).
ACKS: dict[str, int] = {}
# (manager number, date) -> the minutes of a save sent whose answer never came: still under way when locust
# stopped (it may or may not be stored, and may have replaced an acknowledged save of the day).
UNANSWERED: dict[str, int] = {}
acknowledged = itertools.count()  # every acknowledged save; next() is atomic under the GIL

PERIOD = 10.0  # seconds between one manager's visits
# locust starts users in batches: the spawn rate's worth (50) at the same instant, once a second.
BATCH_SECONDS = 1.0

VERSION = re.compile(r'name="version" value="(\d+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def save_body(*, version: str, csrf: str, minutes: int) -> dict[str, str]:
    """Every box of the grid, as a browser sends it: all empty but the changed one and a fixed second row."""
    body = {"csrfmiddlewaretoken": csrf, "version": version, "draft": ""}
    for code in SETUP["tasks"]:
        for hour in range(1, SETUP["hours"] + 1):
            body[f"{code}-h{hour}"] = ""
    for code in SETUP["notes"]:
        body[f"{code}-note"] = ""
    first, second = SETUP["tasks"][:2]
    body[f"{first}-h1"] = str(minutes)
    body[f"{second}-h2"] = "15"
    body[f"{second}-function"] = "3"
    return body


class Manager(FastHttpUser):
    # geventhttpclient, not requests: a fifth of the CPU per request, left to the server on the same machine.
    def wait_time(self) -> float:
        """A visit every PERIOD seconds from this manager's own first one, as locust's constant_pacing, which
        counts from when the user was made and so would undo the offset `on_start` waits."""
        self.next_visit += PERIOD
        return max(0.0, self.next_visit - time.perf_counter())

    def on_start(self) -> None:
        manager = SETUP["managers"][next(_next_manager) % len(SETUP["managers"])]
        self.number = manager["number"]
        host = urlparse(self.host).hostname
        self.client.cookiejar.set_cookie(create_cookie(SETUP["session_cookie"], manager["session"], domain=host))
        self.client.cookiejar.set_cookie(create_cookie("django_language", "sv", domain=host))
        self.saves = itertools.count(self.number)
        # Each manager at a moment of their own: as locust starts them, the 50 of a batch would otherwise open
        # their day at the same instant, every 10 s, and then nobody for a second, a stampede no 500 people
        # working on their own make (it alone took p95 from 45 ms to over 300 ms on this project's machine).
        gevent.sleep(random.Random(self.number).uniform(0, BATCH_SECONDS))
        self.next_visit = time.perf_counter()

    @task
    def open_and_save_a_day(self) -> None:
        count = next(self.saves)
        date, url = SETUP["days"][count % len(SETUP["days"])]  # the round's dates and their day pages
        with self.client.get(url, name="day page", catch_response=True) as page:
            version, csrf = VERSION.search(page.text), CSRF.search(page.text)
            if page.status_code != 200 or not version or not csrf:
                page.failure(f"day page: {page.status_code}")
                return
        minutes = count % 60 + 1
        body = save_body(version=version.group(1), csrf=csrf.group(1), minutes=minutes)
        key = f"{self.number}/{date}"
        UNANSWERED[key] = minutes  # until the answer comes (a manager saves one day at a time)
        with self.client.post(url, data=body, name="save", allow_redirects=False, catch_response=True) as saved:
            del UNANSWERED[key]
            if saved.status_code == 302 and saved.headers.get("location") == url:
                with _lock:
                    ACKS[key] = minutes
                    next(acknowledged)
            else:
                saved.failure(f"save: {saved.status_code}")


@events.quitting.add_listener
def write_results(environment, **kwargs) -> None:
    total = environment.stats.total
    result = {
        "requests": total.num_requests,
        "failures": total.num_failures,
        "p50_ms": total.get_response_time_percentile(0.5),
        "p95_ms": total.get_response_time_percentile(0.95),
        "max_ms": round(total.max_response_time or 0),
        "requests_per_s": round(total.total_rps, 1),
        "per_request": {
            name: {
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "p50_ms": entry.get_response_time_percentile(0.5),
                "p95_ms": entry.get_response_time_percentile(0.95),
            }
            for (name, _method), entry in environment.stats.entries.items()
        },
        "errors": [f"{error.name}: {error.error} ×{error.occurrences}" for error in environment.stats.errors.values()],
        "saves_acknowledged": next(acknowledged),
        "acks": ACKS,
        "unanswered": UNANSWERED,
    }
    with open(os.environ["LOADTEST_ACKS"], "w", encoding="utf-8") as stream:
        json.dump(result, stream)
