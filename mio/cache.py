"""Figures and charts cached under a key that changes when their data change, so nothing is ever stale.

Every cached figure and chart goes through here (djangoproject's `generation_key()`): the key carries
a version of the data (for a round its `data_version`, bumped by every write to its diaries) and a
digest of every parameter the value depends on (filters, and for a chart the language and decimal
sign its text is drawn in). The one timeout, `settings.FIGURE_CACHE_SECONDS`, only frees what an
old version left behind; it is never what keeps a figure right.

A shared cache (Redis) outlives a release, so every key also carries a digest of the code and
translations that compute and draw the values: after a release that changes how a figure is counted
or a chart drawn, no page serves what the old code cached.

Plain values and duck typing only: library modules import no app.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar

from django.conf import settings
from django.core.cache import cache as store

T = TypeVar("T")


class Round(Protocol):
    """A survey round as far as the cache needs it (`surveys.models.Survey`)."""

    pk: int
    data_version: int


# What a cached value can depend on: the Python code, and the translations charts draw their text in.
CODE_SUFFIXES = (".py", ".po")
NOT_CODE = {".venv", "node_modules", "staticfiles", "test-artifacts", "tests", ".git", "__pycache__", "media"}


@functools.cache
def code_generation() -> str:
    """A digest of the project's code and translations: the same in every worker of one release."""
    digest = hashlib.sha1()
    root = Path(settings.BASE_DIR)
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(
            name
            for name in subdirectories
            if name not in NOT_CODE and not name.startswith(".") and not Path(directory, name, "pyvenv.cfg").exists()
        )
        for name in sorted(files):
            if name.endswith(CODE_SUFFIXES):
                path = Path(directory, name)
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def versioned(name: str, *, version: str = "", params: object = (), compute: Callable[[], T]) -> T:
    """The value cached under name, version and params, computed and stored on a miss.

    `version` changes whenever the data do (empty when `params` carry the data themselves); `params`
    must have a stable repr (tuples, numbers, strings, frozen dataclasses). A change to either is a
    different key."""
    digest = hashlib.sha1(repr(params).encode()).hexdigest()[:16]
    key = f"mio:{code_generation()}:{name}:{version}:{digest}"
    return store.get_or_set(key, compute, settings.FIGURE_CACHE_SECONDS)


def for_round(name: str, *, survey: Round, params: object = (), compute: Callable[[], T]) -> T:
    """A figure of one round, cached until the round's diaries change."""
    return versioned(name, version=f"{survey.pk}-{survey.data_version}", params=params, compute=compute)
