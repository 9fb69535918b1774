"""Figures and charts cached under a key that changes when their data change, so nothing is ever stale.

Every cached figure and chart goes through here (djangoproject's `generation_key()`): the key carries
a version of the data (for a round its `data_version`, bumped by every write to its diaries) and a
digest of every parameter the value depends on (filters, and for a chart the language and decimal
sign its text is drawn in). The one timeout, `settings.FIGURE_CACHE_SECONDS`, only frees what an
old version left behind; it is never what keeps a figure right.

Plain values and duck typing only: library modules import no app.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Protocol, TypeVar

from django.conf import settings
from django.core.cache import cache as store

T = TypeVar("T")


class Round(Protocol):
    """A survey round as far as the cache needs it (`surveys.models.Survey`)."""

    pk: int
    data_version: int


def versioned(name: str, *, version: str = "", params: object = (), compute: Callable[[], T]) -> T:
    """The value cached under name, version and params, computed and stored on a miss.

    `version` changes whenever the data do (empty when `params` carry the data themselves); `params`
    must have a stable repr (tuples, numbers, strings, frozen dataclasses). A change to either is a
    different key."""
    digest = hashlib.sha1(repr(params).encode()).hexdigest()[:16]
    return store.get_or_set(f"mio:{name}:{version}:{digest}", compute, settings.FIGURE_CACHE_SECONDS)


def for_round(name: str, *, survey: Round, params: object = (), compute: Callable[[], T]) -> T:
    """A figure of one round, cached until the round's diaries change."""
    return versioned(name, version=f"{survey.pk}-{survey.data_version}", params=params, compute=compute)
