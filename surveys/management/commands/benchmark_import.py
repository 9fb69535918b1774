"""Time the diary import against the export of the same lines, in the configured database. Prints JSON.

A synthetic diary file of about `--lines` rows is written (managers × weekdays, each hour split between
up to two of the round's tasks, most rows rated). An earlier benchmark round is deleted and the tables
vacuumed and analysed (as autovacuum would), then, in a round of its own:

1. `import_diaries` of the file into the empty round: new participants, new days;
2. `export_diaries` of those lines to CSV: the yardstick;
3. `import_diaries --replace` of the exported file: every day stored already, its lines replaced;
4. the floor: the same lines, already as tuples, written into the empty table (rolled back);
5. the same replacing import once more under tracemalloc, for its peak Python memory.

The round is deleted afterwards unless `--keep` is given.
"""

import datetime as dt
import io
import json
import os
import resource
import tempfile
import time
import tracemalloc

import numpy as np
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from mio.tablefiles import write_csv
from surveys import bulkwrite
from surveys.diaryfile import header
from surveys.diaryimport import LINE_COLUMNS, insert_lines
from surveys.models import DiaryDay, DiaryLine, Municipality, Participant, Survey, TaskTotal
from surveys.services import survey_create

SLUG = "benchmark-import"
LINES_PER_DAY = 9.66  # what the generator below gives on average


def diary_rows(*, codes: list[str], dates: list[dt.date], managers: int, hours: int, seed: int = 7):
    """Rows of a valid diary file: per day and hour a first task with m minutes and a second with 60 - m."""
    rng = np.random.default_rng(seed)
    for number in range(1, managers + 1):
        for date in dates:
            first = rng.integers(0, len(codes), size=hours)
            second = rng.integers(0, len(codes), size=hours)
            split = rng.choice([30, 40, 45, 50, 60], size=hours)
            minutes = np.zeros((len(codes), hours), dtype=np.int64)
            np.add.at(minutes, (first, np.arange(hours)), split)
            np.add.at(minutes, (second, np.arange(hours)), 60 - split)
            used = np.nonzero(minutes.sum(axis=1))[0]
            ratings = rng.integers(1, 5, size=(len(used), 2)).tolist()
            rated = (rng.random(len(used)) < 0.9).tolist()
            for task, (value, function), is_rated in zip(used.tolist(), ratings, rated, strict=True):
                cells = ["" if amount == 0 else amount for amount in minutes[task].tolist()]
                note = "Möte; “Ängen”, kväll" if task == len(codes) - 1 else ""
                yield [
                    number,
                    date.isoformat(),
                    codes[task],
                    *cells,
                    value if is_rated else "",
                    function if is_rated else "",
                    note,
                ]


def _timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


class Command(BaseCommand):
    help = (
        "Time import_diaries of a synthetic file of --lines rows (into an empty round, then replacing every day) "
        "against export_diaries of the same lines. Prints JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--lines", type=int, default=100_000, help="about this many file rows")
        parser.add_argument("--keep", action="store_true", help="keep the benchmark round afterwards")

    def handle(self, *args, lines, keep, **options):
        if lines < 10:
            raise CommandError("use at least 10 lines")
        days = 10
        managers = max(1, round(lines / LINES_PER_DAY / days))
        for old in Survey.objects.filter(slug=SLUG):
            _drop(old)
        bulkwrite.vacuum_analyze([DiaryLine, DiaryDay, TaskTotal, Participant])
        municipality, _ = Municipality.objects.get_or_create(name="Benchmarkkommun")
        start = dt.date(2026, 1, 5)  # a Monday: two working weeks
        survey = survey_create(
            slug=SLUG,
            name="Benchmark import",
            municipality=municipality,
            start_date=start,
            end_date=start + dt.timedelta(days=11),
            status=Survey.Status.OPEN,
        )
        codes = list(survey.tasks.order_by("order").values_list("code", flat=True))
        hours = survey.hours_per_day
        with tempfile.TemporaryDirectory() as directory:
            source = os.path.join(directory, "source.csv")
            exported = os.path.join(directory, "exported.csv")
            with open(source, "w", encoding="utf-8", newline="") as stream:
                write_csv(
                    header(hours),
                    diary_rows(codes=codes, dates=survey.weekdays(), managers=managers, hours=hours),
                    stream,
                )
            with open(source, encoding="utf-8") as stream:
                rows = sum(1 for _ in stream) - 1
            quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
            new_seconds = _timed(lambda: call_command("import_diaries", source, survey=SLUG, **quiet))
            # The process's high-water mark so far: Django, the file being written (streamed) and this import.
            import_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            stored = DiaryLine.objects.filter(day__participant__survey=survey).count()
            day_count = DiaryDay.objects.filter(participant__survey=survey).count()
            export_seconds = _timed(lambda: call_command("export_diaries", survey=SLUG, output=exported, **quiet))
            replace_seconds = _timed(
                lambda: call_command("import_diaries", exported, survey=SLUG, replace=True, **quiet)
            )
            # The high-water mark after both imports and the export, before the floor below reads every line.
            imports_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            floor_write, floor_keys = _database_floor(survey)
            tracemalloc.start()
            call_command("import_diaries", exported, survey=SLUG, replace=True, **quiet)
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        if stored != rows:
            raise CommandError(f"the import stored {stored} lines of {rows}")
        slowest = max(new_seconds, replace_seconds)
        result = {
            "database": connection.vendor,
            "lines": rows,
            "days": day_count,
            "import_new_seconds": round(new_seconds, 3),
            "import_new_lines_per_second": round(rows / new_seconds),
            "import_replace_seconds": round(replace_seconds, 3),
            "import_replace_lines_per_second": round(rows / replace_seconds),
            "export_seconds": round(export_seconds, 3),
            "ratio_import_to_export": round(slowest / export_seconds, 2),
            "database_floor_seconds": round(floor_write + floor_keys, 3),
            "database_floor_foreign_key_check_seconds": round(floor_keys, 3),
            "import_peak_python_memory_mb": round(peak / 2**20, 1),
            "process_peak_rss_after_first_import_mb": round(import_rss / 1024, 1),
            "process_peak_rss_after_both_imports_mb": round(imports_rss / 1024, 1),
            "process_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
        if not keep:
            _drop(survey)
        self.stdout.write(json.dumps(result, indent=2))


class _RolledBack(Exception):
    pass


def _database_floor(survey: Survey) -> tuple[float, float]:
    """Writing the round's lines, already as tuples, into their empty table with every constraint checked
    (COPY on PostgreSQL, executemany on SQLite), rolled back: what no import of these lines can beat.
    The seconds of writing, and of checking the foreign keys that PostgreSQL defers to the commit."""
    lines = list(DiaryLine.objects.filter(day__participant__survey=survey).order_by("id").values_list(*LINE_COLUMNS))
    seconds = (0.0, 0.0)
    try:
        with transaction.atomic():
            DiaryLine.objects.filter(day__participant__survey=survey).delete()
            started = time.perf_counter()
            insert_lines(lines)
            written = time.perf_counter()
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign keys, checked at commit
            seconds = (written - started, time.perf_counter() - written)
            raise _RolledBack
    except _RolledBack:
        pass
    return seconds


def _drop(survey: Survey) -> None:
    """Lines first, in one statement: their tasks are protected."""
    DiaryLine.objects.filter(day__participant__survey=survey).delete()
    DiaryDay.objects.filter(participant__survey=survey).delete()
    survey.delete()
