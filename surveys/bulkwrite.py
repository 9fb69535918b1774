"""Writing many prepared rows into a table at once: what an import of a whole round, and the task totals it
brings, need instead of the ORM's row-by-row statements."""

from __future__ import annotations

import csv
import io
import itertools
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model

BATCH = 5000  # rows per statement: well under SQLite's 32 766 parameters
COPY_CHUNK = 2000  # rows of CSV per read of a COPY's stream


def write_rows(table: str, names: Sequence[str], values: Sequence[tuple], *, texts: Sequence[str] = ()) -> None:
    """Insert rows of database values: with COPY on PostgreSQL (psycopg2), else `insert_rows`. None is
    written as NULL, and so is "", except in the columns `texts`, which keep "" (COPY's FORCE_NOT_NULL)."""
    if not values:
        return
    # COPY's CSV would read a line of just "\." inside a text as the end of the data.
    positions = [list(names).index(name) for name in texts]
    with connection.cursor() as cursor:
        if hasattr(cursor.cursor, "copy_expert") and not any(
            "\\." in row[position] for position in positions for row in values
        ):
            columns = ", ".join(connection.ops.quote_name(name) for name in names)
            keep_empty = (
                f", FORCE_NOT_NULL ({', '.join(connection.ops.quote_name(name) for name in texts)})" if texts else ""
            )
            with connection.wrap_database_errors:  # Django's IntegrityError and DataError, as its cursor's
                cursor.cursor.copy_expert(
                    f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN WITH (FORMAT csv{keep_empty})",
                    CsvStream(values),
                )
            return
    insert_rows(table, names, values)


class CsvStream(io.TextIOBase):
    """Rows as CSV, written a chunk at a time as COPY reads them: PostgreSQL stores one chunk while the next
    is written, where a buffer of every row would leave it waiting for the last (0.15 s of 0.7 s for
    100 000 diary lines)."""

    def __init__(self, rows: Iterable[tuple]):
        self._rows = iter(rows)
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\n")

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        """The next chunk of rows (whole rows, so maybe more than `size` characters); "" at the end."""
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerows(self._rows if size is None or size < 0 else itertools.islice(self._rows, COPY_CHUNK))
        return self._buffer.getvalue()


def vacuum_analyze(models: Sequence[type[Model]]) -> None:
    """On PostgreSQL, vacuum and analyse these models' tables after a bulk write, as autovacuum would before
    anyone looks at a real round: the benchmarks time queries, whose plans follow the statistics, and
    repeated runs leave hundreds of thousands of dead rows where autovacuum is off. Inside a transaction (a
    test's), where VACUUM cannot run, only analyse."""
    if connection.vendor != "postgresql":
        return
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")


def insert_rows(table: str, names: Sequence[str], values: Sequence[tuple]) -> None:
    """INSERTs of prepared rows: executemany on SQLite, which runs it in C; statements of many rows elsewhere,
    since psycopg2's executemany goes to the server once per row."""
    table = connection.ops.quote_name(table)
    columns = ", ".join(connection.ops.quote_name(name) for name in names)
    row = "(" + ", ".join(["%s"] * len(names)) + ")"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for start in range(0, len(values), BATCH * 4):
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES {row}", values[start : start + BATCH * 4])
            return
        size = max(1, 30_000 // len(names))
        for start in range(0, len(values), size):
            batch = values[start : start + size]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(batch))}",
                [value for cells in batch for value in cells],
            )


@contextmanager
def keys_checked_meanwhile() -> Iterator[None]:
    """Run the block while, on PostgreSQL, the server checks the foreign keys written so far in the
    transaction, which Django defers to the commit: an import's 200 000 checks keep the server busy for
    0.7 s, in which the block's Python runs on the other core (psycopg2 lets go of the GIL while it waits).
    The block must not use the database. A key that is not found raises IntegrityError after the block;
    elsewhere, the block just runs and the keys are checked at the commit as before."""
    if connection.vendor != "postgresql":
        yield
        return
    # This thread's connection, in its transaction, lent to the worker as LiveServerTestCase lends it (the
    # `connection` proxy would give the worker a connection of its own).
    wrapper = connections[DEFAULT_DB_ALIAS]
    failure: list[BaseException] = []

    def check() -> None:
        try:
            wrapper.check_constraints()  # SET CONSTRAINTS ALL IMMEDIATE, then DEFERRED again
        except BaseException as error:  # noqa: BLE001 - raised again in the caller's thread
            failure.append(error)

    worker = threading.Thread(target=check, name="keys-checked-meanwhile")
    wrapper.inc_thread_sharing()
    try:
        worker.start()
        try:
            yield
        finally:
            worker.join()
    finally:
        wrapper.dec_thread_sharing()
    if failure:
        raise failure[0]
