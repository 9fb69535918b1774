"""A synthetic round of any size, and timings of the friction ranking against the bare SQL floor."""

from __future__ import annotations

import datetime as dt
import io
import statistics
import time
import tracemalloc
from collections.abc import Callable

import numpy as np
from django.db import connection, transaction

from surveys import bulkwrite, totals
from surveys.models import (
    HOUR_FIELDS,
    Department,
    DiaryDay,
    DiaryLine,
    Municipality,
    Participant,
    Survey,
    TaskTotal,
    Unit,
)
from surveys.services import survey_create

from . import reports

BENCHMARK_MUNICIPALITY = "Benchmarkkommun"


def benchmark_slug(managers: int, days: int) -> str:
    return f"benchmark-{managers}x{days}"


@transaction.atomic
def build_round(*, managers: int, days: int, seed: int = 7) -> Survey:
    """A round of `managers` × `days` weekday diaries with ~11 tasks a day, rebuilt from scratch."""
    slug = benchmark_slug(managers, days)
    for old in Survey.objects.filter(slug=slug):
        drop_round(old)
    municipality, _ = Municipality.objects.get_or_create(name=BENCHMARK_MUNICIPALITY)
    start = dt.date(2026, 1, 5)  # a Monday
    end = start + dt.timedelta(days=(days - 1) // 5 * 7 + (days - 1) % 5)
    survey = survey_create(
        slug=slug, name=f"Benchmark {managers}×{days}", municipality=municipality, start_date=start, end_date=end
    )
    units = _units(municipality, count=(managers + UNIT_SIZE - 1) // UNIT_SIZE)
    Participant.objects.bulk_create(
        Participant(survey=survey, number=n, unit_id=units[(n - 1) // UNIT_SIZE]) for n in range(1, managers + 1)
    )
    participant_ids = list(survey.participants.order_by("number").values_list("id", flat=True))
    dates = survey.weekdays()[:days]
    DiaryDay.objects.bulk_create(
        (DiaryDay(participant_id=pid, date=date, status="submitted") for pid in participant_ids for date in dates),
        batch_size=5000,
    )
    day_ids = np.array(DiaryDay.objects.filter(participant__survey=survey).order_by("id").values_list("id", flat=True))
    task_ids = np.array(list(survey.tasks.order_by("order").values_list("id", flat=True)))
    rng = np.random.default_rng(seed)
    _insert_lines(rng, day_ids, task_ids, hours=survey.hours_per_day)
    with connection.cursor() as cursor:
        cursor.execute(DAY_TOTALS_SQL, [survey.pk])
    totals.refresh_round(survey)
    survey.touch()
    survey.refresh_from_db()
    return survey


# Managers per unit and departments of the synthetic municipality: every unit big enough to be
# shown on its own, so that a department's dashboard has figures.
UNIT_SIZE = 10
DEPARTMENTS = 5


def _units(municipality: Municipality, *, count: int) -> list[int]:
    """The ids of units "Enhet 1" … "Enhet {count}", spread over the departments; made when missing."""
    departments = [
        Department.objects.get_or_create(municipality=municipality, name=f"Förvaltning {n}")[0]
        for n in range(1, DEPARTMENTS + 1)
    ]
    names = [f"Enhet {n}" for n in range(1, count + 1)]
    existing = dict(Unit.objects.filter(department__municipality=municipality).values_list("name", "id"))
    Unit.objects.bulk_create(
        Unit(department=departments[index % DEPARTMENTS], name=name)
        for index, name in enumerate(names)
        if name not in existing
    )
    existing = dict(Unit.objects.filter(department__municipality=municipality).values_list("name", "id"))
    return [existing[name] for name in names]


def settle() -> None:
    """Vacuum and analyse after a bulk load, as autovacuum would before anyone looks at a real round."""
    bulkwrite.vacuum_analyze([DiaryLine, DiaryDay, TaskTotal, Participant, Unit, Department])


DAY_TOTALS_SQL = f"""
    UPDATE {DiaryDay._meta.db_table} SET minutes = COALESCE(
        (SELECT SUM(l.minutes) FROM {DiaryLine._meta.db_table} l WHERE l.day_id = {DiaryDay._meta.db_table}.id), 0)
    WHERE participant_id IN (SELECT id FROM {Participant._meta.db_table} WHERE survey_id = %s)
"""


def _insert_lines(rng: np.random.Generator, day_ids: np.ndarray, task_ids: np.ndarray, *, hours: int) -> None:
    """Each day: 8 hours, each hour split between up to two of the day's tasks."""
    chunk = 20000
    for start in range(0, len(day_ids), chunk):
        days = day_ids[start : start + chunk]
        count = len(days)
        # Per day and hour: a first task with m minutes and a second with 60 - m.
        first = rng.integers(0, len(task_ids), size=(count, hours))
        second = rng.integers(0, len(task_ids), size=(count, hours))
        split = rng.choice([30, 40, 45, 50, 60], size=(count, hours))
        minutes = np.zeros((count, len(task_ids), hours), dtype=np.int64)
        day_index = np.arange(count)[:, None].repeat(hours, 1)
        hour_index = np.arange(hours)[None, :].repeat(count, 0)
        np.add.at(minutes, (day_index, first, hour_index), split)
        np.add.at(minutes, (day_index, second, hour_index), 60 - split)
        used = minutes.sum(axis=2) > 0
        d, t = np.nonzero(used)
        values = rng.integers(1, 5, size=len(d))
        functions = rng.integers(1, 5, size=len(d))
        rated = rng.random(len(d)) < 0.9
        rows = np.column_stack([days[d], task_ids[t], minutes[d, t, :]])
        _write(rows, np.where(rated, values, 0), np.where(rated, functions, 0), hours=hours)


def _write(rows: np.ndarray, values: np.ndarray, functions: np.ndarray, *, hours: int) -> None:
    columns = ["day_id", "task_id", *HOUR_FIELDS, "value", "function", "note"]
    padding = ",0" * (len(HOUR_FIELDS) - hours)
    if connection.vendor == "postgresql":
        # COPY is ~10x faster than INSERTs for a million lines; unused hours must still be written.
        buffer = io.StringIO()
        for row, value, function in zip(rows.tolist(), values.tolist(), functions.tolist(), strict=True):
            buffer.write(",".join(map(str, row)))
            buffer.write(f'{padding},{value or ""},{function or ""},""\n')
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.copy_expert(
                f"COPY {DiaryLine._meta.db_table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)", buffer
            )
        return
    DiaryLine.objects.bulk_create(
        (
            DiaryLine(
                day_id=row[0],
                task_id=row[1],
                value=value or None,
                function=function or None,
                **dict(zip(HOUR_FIELDS, row[2:], strict=False)),
            )
            for row, value, function in zip(rows.tolist(), values.tolist(), functions.tolist(), strict=True)
        ),
        batch_size=5000,
    )


def drop_round(survey: Survey) -> None:
    """Delete a round with its diaries; lines go first, in one statement (their task is protected)."""
    DiaryLine.objects.filter(task__survey=survey).delete()
    DiaryDay.objects.filter(participant__survey=survey).delete()
    survey.delete()


FLOOR_SQL = f"""
    SELECT l.task_id,
           SUM(l.minutes),
           SUM(CASE WHEN l.function IS NOT NULL THEN l.minutes END),
           SUM(l.minutes * l.function),
           SUM(CASE WHEN l.value IS NOT NULL THEN l.minutes END),
           SUM(l.minutes * l.value)
    FROM {DiaryLine._meta.db_table} l
    WHERE l.task_id IN ({{placeholders}})
    GROUP BY l.task_id
"""


def sql_floor(survey: Survey) -> list[tuple]:
    """The bare GROUP BY with the friction sums: what no report over the same lines can beat."""
    task_ids = list(survey.tasks.values_list("id", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL.format(placeholders=", ".join(["%s"] * len(task_ids))), task_ids)
        return cursor.fetchall()


def _best(function: Callable[[], object], repeat: int) -> float:
    function()  # warm up caches and plans
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run(*, survey: Survey, repeat: int = 5) -> dict[str, object]:
    lines = DiaryLine.objects.filter(task__survey=survey).count()
    floor = _best(lambda: sql_floor(survey), repeat)
    ranking = _best(lambda: reports.ranking(survey=survey), repeat)
    tracemalloc.start()
    reports.ranking(survey=survey)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "database": connection.vendor,
        "managers": survey.participants.count(),
        "days_per_manager": len(survey.weekdays()),
        "lines": lines,
        "sql_group_by_seconds": round(floor, 4),
        "friction_ranking_seconds": round(ranking, 4),
        "ratio": round(ranking / floor, 2) if floor else None,
        "ranking_peak_python_memory_mb": round(peak / 2**20, 1),
    }


def time_pages(*, survey: Survey, repeat: int = 5) -> dict[str, object]:
    """Every analysis page of the round through Django's test client, signed in as a temporary
    project member of its municipality: per page the cold time (right after the round's data
    version is bumped, so that nothing of it is cached), the median of `repeat` warm ones, the
    queries of a warm request and the size of the response.

    The comparison is also timed with a new pair on warm data (`compare_new_pair`), what choosing
    other managers costs; the profile is the member's own as participant 1 of the round for the
    duration; the rounds page compares the round with another of the municipality when one is
    comparable.

    Every chart is an image of its own, timed as its own entry ("chart:…"): cold right after its page
    (as a browser asks for it, with the page's figures cached and the chart not), and for the
    comparison also a new pair's chart after that pair's page (`new_seconds`)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from surveys import roles

    from .comparison import COMPARISON_CHARTS
    from .dashboard import DASHBOARD_CHARTS, DASHBOARD_TABLES
    from .filters import data_weekdays

    user = get_user_model().objects.create_user(username=f"benchmark-{time.time_ns()}")
    participant = survey.participants.filter(number=1, user__isnull=True).first()
    pages: dict[str, dict[str, object]] = {}
    try:
        user.groups.add(Group.objects.get(name=roles.PROJECT_GROUP))
        survey.municipality.members.add(user)  # analysis shows a municipality's rounds to its members only
        if participant is not None:
            Participant.objects.filter(pk=participant.pk).update(user=user)
        # The configured host, not "testserver" (outside tests ALLOWED_HOSTS does not list it).
        client = Client(SERVER_NAME="localhost")
        client.force_login(user)

        def get(url: str) -> tuple[float, int, int]:
            with CaptureQueriesContext(connections["default"]) as queries:
                started = time.perf_counter()
                response = client.get(url, secure=True)
                seconds = time.perf_counter() - started
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            return seconds, len(response.content), len(queries)

        def cold(url: str, after: str | None = None) -> float:
            survey.touch()
            survey.refresh_from_db()
            if after is not None:
                get(after)
            return get(url)[0]

        def measure(name: str, url: str, *, new: Callable[[], str] | None = None, after: str | None = None) -> None:
            first = cold(url, after)
            times, size, queries = [], 0, 0
            for _ in range(max(repeat, 1)):
                seconds, size, queries = get(url)
                times.append(seconds)
            pages[name] = {
                "cold_seconds": round(first, 4),
                "warm_seconds": round(statistics.median(times), 4),
                "warm_queries": queries,
                "bytes": size,
            }
            if new is not None:  # `new()` asks for what comes first (a page) and gives the URL to time
                pages[name]["new_seconds"] = round(get(new())[0], 4)

        slug = survey.slug
        dashboard = reverse("analysis:dashboard", args=[slug])
        measure("dashboard", dashboard)
        for chart in DASHBOARD_CHARTS:
            try:
                measure(
                    f"chart:dashboard:{chart}", reverse("analysis:dashboard_chart", args=[slug, chart]), after=dashboard
                )
            except RuntimeError as refused:  # the managers heatmap is not drawn for more than 30 managers
                pages[f"chart:dashboard:{chart}"] = {"skipped": str(refused)}
        weekdays = data_weekdays(survey=survey)
        if weekdays:
            measure(f"dashboard?weekday={weekdays[-1]}", f"{dashboard}?weekday={weekdays[-1]}")
        department = (
            survey.participants.filter(unit__isnull=False)
            .order_by("number")
            .values_list("unit__department_id", flat=True)
        ).first()
        if department is not None:
            measure(f"dashboard?department={department}", f"{dashboard}?department={department}")
        downloads = [(table, "csv") for table in DASHBOARD_TABLES] + [("ranking", "json"), ("managers", "xlsx")]
        for table, fmt in downloads:
            measure(f"{table}.{fmt}", reverse("analysis:export", args=[slug, table, fmt]))
        last = survey.participants.count()
        compare = reverse("analysis:compare", args=[slug])
        measure("compare", f"{compare}?m=1&m=2", new=lambda: f"{compare}?m={last - 1}&m={last}")

        def new_pair_chart(chart_url: str, pair: str) -> Callable[[], str]:
            def page_then_chart() -> str:
                get(f"{compare}?{pair}")  # the new pair's page first (caching its figures), as a browser
                return f"{chart_url}?{pair}"

            return page_then_chart

        for chart in COMPARISON_CHARTS:
            chart_url = reverse("analysis:compare_chart", args=[slug, chart])
            measure(
                f"chart:compare:{chart}",
                f"{chart_url}?m=1&m=2",
                after=f"{compare}?m=1&m=2",
                # A pair not shown before (the page's new pair is last - 1 and last); each chart has its own cache.
                new=new_pair_chart(chart_url, f"m={last - 2}&m={last}"),
            )
        measure("compare?q=1", f"{compare}?q=1")
        if participant is not None:
            profile = reverse("analysis:profile", args=[slug])
            measure("profile", profile)
            measure("chart:profile", reverse("analysis:profile_chart", args=[slug]), after=profile)
        baseline = (
            # Another size of this benchmark, not the import benchmark's round kept in the same municipality.
            Survey.objects.filter(municipality=survey.municipality, slug__regex=r"^benchmark-[0-9]+x[0-9]+$")
            .exclude(pk=survey.pk)
            .order_by("pk")
            .first()
        )
        if baseline is not None:
            url = reverse("analysis:rounds") + f"?baseline={baseline.slug}&followup={slug}"
            for name, page_url, after in (
                ("rounds", url, None),
                # A pair that is not comparable shows the form's error, and no chart (400).
                ("chart:rounds", reverse("analysis:rounds_chart") + url[url.index("?") :], url),
            ):
                try:
                    measure(name, page_url, after=after)
                except RuntimeError as refused:
                    pages[name] = {"skipped": str(refused)}
        client.logout()
    finally:
        if participant is not None:
            Participant.objects.filter(pk=participant.pk).update(user=None)
        user.delete()
    return {
        "dashboard_cold_seconds": pages["dashboard"]["cold_seconds"],
        "dashboard_warm_seconds": pages["dashboard"]["warm_seconds"],
        "pages": pages,
    }
