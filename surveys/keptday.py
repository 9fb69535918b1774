"""A day form posted after the session ran out, kept in the new (anonymous) session until the manager has
signed in again and opens the same day: shown there unsaved, once, never stored on its own.

Django's login() keeps the data of an anonymous session (it only cycles the key), so what is kept here
survives signing in by password or by personal link. The session that sent the form is gone, so the form says
whose it is: a signed `owner` field the page wrote for the signed-in user. The input is kept only with a valid
one, and shown only to that user (a shared office computer must not show one manager's day to the next),
for one path and for an hour.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping

from django.core import signing

KEPT_DAY = "mio_kept_day"
KEEP_SECONDS = 60 * 60
OWNER_FIELD = "owner"
_OWNER_SALT = "mio.kept-day.owner"
# A page stays open at most a sign-in's lifetime (SESSION_MAX_HOURS is 12) before its form is posted.
_OWNER_MAX_AGE = 24 * 60 * 60
# Not the day's input: the CSRF token of the dead session, whose it is, and the buttons (which save was asked for).
_NOT_INPUT = {"csrfmiddlewaretoken", OWNER_FIELD, "draft", "submit", "clear"}


def owner_token(user_id: int) -> str:
    """The value of the day form's `owner` field: the signed-in user, signed so that no form can claim another."""
    return signing.dumps(user_id, salt=_OWNER_SALT)


def _owner(data: Mapping[str, str]) -> int | None:
    try:
        return signing.loads(str(data.get(OWNER_FIELD, "")), salt=_OWNER_SALT, max_age=_OWNER_MAX_AGE)
    except signing.BadSignature:
        return None


def day_input(data: Mapping[str, str]) -> dict[str, str]:
    """The day's boxes, ratings, notes and version as posted (one value per field, as the day form sends)."""
    return {name: str(value) for name, value in data.items() if name not in _NOT_INPUT}


def keep_posted_day(session: MutableMapping, *, path: str, data: Mapping[str, str], now: int) -> None:
    """Keep what was posted to the day at `path`, if the form says whose it is."""
    owner = _owner(data)
    if owner is not None:
        session[KEPT_DAY] = {"path": path, "at": now, "owner": owner, "data": day_input(data)}


def take_kept_day(session: MutableMapping, *, path: str, user_id: int, now: int) -> dict[str, str] | None:
    """The input `user_id` typed for `path`, no older than KEEP_SECONDS, taken out of the session (shown once);
    None otherwise. Input that is too old, or someone else's, goes whatever its path; input for another day
    stays for it."""
    kept = session.get(KEPT_DAY)
    if not isinstance(kept, dict):
        return None
    if now - kept.get("at", 0) > KEEP_SECONDS or kept.get("owner") != user_id:
        del session[KEPT_DAY]
        return None
    if kept.get("path") != path:
        return None
    del session[KEPT_DAY]
    return kept.get("data") or None
