"""An item's history: the versions django-simple-history records of every change (who made each, and
what it changed), the progress updates written on it, and a key that moves whenever any item of a plan
changes.

Writes record their author here (`remember_user`); the item page lists `changes()` and
`updates()`; a refused edit names the last change with `changed_by()`.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Max, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from surveys.conflicts import changed_when

from .models import ActionItem, ActionPlan, ActionUpdate


def remember_user(item: ActionItem, by: AbstractBaseUser | None) -> None:
    """Name `by` as the author of the version the next save of `item` records."""
    # Outside a request (commands, the demo) the history middleware knows no user.
    if by is not None:
        item._history_user = by


def _records(item: ActionItem):
    return item.history.select_related("history_user").order_by("-history_date", "-history_id")


def changes(item: ActionItem) -> list[dict[str, object]]:
    """Each recorded version of the item, newest first, with who made it and what changed."""
    records = list(_records(item))
    fields = {field.name: field for field in ActionItem._meta.get_fields() if hasattr(field, "verbose_name")}
    entries = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        entry = {"record": newer, "user": newer.history_user, "date": newer.history_date, "changes": []}
        if older is not None:
            delta = newer.diff_against(older, foreign_keys_are_objs=True)
            for change in delta.changes:
                field = fields[change.field]
                entry["changes"].append(
                    {
                        "field": field.verbose_name,
                        "old": _display(field, change.old),
                        "new": _display(field, change.new),
                    }
                )
        entry["created"] = older is None and newer.history_type == "+"
        if older is not None or entry["created"]:
            entries.append(entry)
    return entries


def _display(field, value) -> str:
    if value in (None, ""):
        return "–"
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if hasattr(value, "isoformat"):
        return date_format(value, "j F Y")  # as the item's details read it
    return str(value)


def changed_by(item: ActionItem) -> str:
    """Who made the item's last change and when, from its history: "by Anna Andersson at 10:42"."""
    last = _records(item).first()
    if last is None:
        return ""
    when = changed_when(last.history_date)
    user = last.history_user
    if user is None:
        return when
    return _("by %(name)s %(when)s") % {"name": user.get_full_name() or user.get_username(), "when": when}


def updates(item: ActionItem) -> QuerySet[ActionUpdate]:
    """The item's progress updates, with their authors (the model orders them)."""
    return item.updates.select_related("author")


def plan_key(*, plan: ActionPlan) -> str:
    """Changes whenever an item of the plan changes: a cache key part for figures drawn from it."""
    latest = ActionItem.history.filter(plan_id=plan.pk).aggregate(latest=Max("history_id"))["latest"]
    return f"{plan.pk}-{latest or 0}"
