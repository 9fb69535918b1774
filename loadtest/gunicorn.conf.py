"""gunicorn's settings for the load test (loadtest/run.py passes `--config` this file), meant for production too.

The diary's requests are CPU-bound (the database is on the same machine and answers in well under a
millisecond), so more sync workers than cores only take turns on the CPU, each with its own database
connection and caches: cores + 1 workers keep every core busy while one waits for PostgreSQL or Redis.

The application is loaded once, in the master (`preload_app`), and everything it created then is moved
out of the garbage collector's sight (`gc.freeze()`) before the workers are forked: a full collection then
walks only what a request made, not Django's tens of thousands of long-lived objects (about a tenth of a
day page's CPU time otherwise), and the workers share those pages of memory with the master."""

from __future__ import annotations

import gc
import os

workers = (os.cpu_count() or 1) + 1
worker_class = "sync"
preload_app = True


def when_ready(server) -> None:
    """In the master, after the application is loaded and before any worker is forked."""
    gc.collect()
    gc.freeze()
