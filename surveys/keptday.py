"""A day form posted after the session ran out, kept in the new (anonymous) session until the manager has
signed in again and opens the same day: shown there unsaved, once, never stored on its own.

Django's login() keeps the data of an anonymous session (it only cycles the key), so what is kept here
survives signing in by password or by personal link. The session that sent the form is gone, so nothing says
whose it was: only the day's boxes are kept (no user, no token), for one path and for an hour.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping

KEPT_DAY = "mio_kept_day"
KEEP_SECONDS = 60 * 60
# Not the day's input: the CSRF token of the dead session, and the buttons (which save a form was asked for).
_NOT_INPUT = {"csrfmiddlewaretoken", "draft", "submit", "clear"}


def day_input(data: Mapping[str, str]) -> dict[str, str]:
    """The day's boxes, ratings, notes and version as posted (one value per field, as the day form sends)."""
    return {name: str(value) for name, value in data.items() if name not in _NOT_INPUT}


def keep_posted_day(session: MutableMapping, *, path: str, data: Mapping[str, str], now: int) -> None:
    """Keep what was posted to the day at `path`."""
    session[KEPT_DAY] = {"path": path, "at": now, "data": day_input(data)}


def take_kept_day(session: MutableMapping, *, path: str, now: int) -> dict[str, str] | None:
    """The input kept for `path` and no older than KEEP_SECONDS, taken out of the session (shown once);
    None otherwise. Input that is too old goes whatever its path; input for another day stays for it."""
    kept = session.get(KEPT_DAY)
    if not isinstance(kept, dict):
        return None
    if now - kept.get("at", 0) > KEEP_SECONDS:
        del session[KEPT_DAY]
        return None
    if kept.get("path") != path:
        return None
    del session[KEPT_DAY]
    return kept.get("data") or None
