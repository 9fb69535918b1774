"""Role and membership changes on the audit trail, wherever they are made: the accounts page, the Django
admin's user and municipality pages (groups, the membership inline, is_superuser, is_staff, is_active),
enrolment, a management command or the shell.

Signals rather than calls in each view, because the admin alone has four ways to change them. Who acted
comes from the request being answered (`audit.current_user`); without one it is the system (None).
Code that records a better event of its own wraps its changes in `audit.quietly()`.

Both directions of each relation are heard: `user.groups.add(group)` and `group.user_set.add(user)`,
`municipality.members.add(user)` and `user.municipalities.add(municipality)`. Rows of these through
tables saved or deleted one by one send no signal (Django sends none for auto-created models): the
admin's membership inline, which does that, calls `membership_inline_saved`. Rows that go with a
deleted account or municipality are no change of membership and are not recorded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_save, pre_save

from . import audit, roles
from .models import Municipality

Action = audit.Action
Membership = Municipality.members.through
Roles = get_user_model().groups.through

# Account flags the Django admin sets: what a change of each is recorded as.
FLAG_ACTIONS = {"is_superuser": Action.ROLES_CHANGED, "is_staff": Action.ROLES_CHANGED, "is_active": None}


def _pairs(instance: Model, pk_set: Iterable[int]) -> list[tuple[int, int]]:
    """(user id, group or municipality id) for each row of the change, from whichever side it was made."""
    if isinstance(instance, get_user_model()):
        return [(instance.pk, pk) for pk in pk_set]
    return [(pk, instance.pk) for pk in pk_set]


def _existing(through: type[Model], other: str, pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Of `pairs`, those that are rows now: `remove` reports every id it was given, held or not."""
    if not pairs:
        return []
    users = {user for user, _other in pairs}
    others = {other_id for _user, other_id in pairs}
    rows = through.objects.filter(user__in=users, **{f"{other}__in": others}).values_list("user", other)
    return sorted(set(rows) & set(pairs))


def _held(through: type[Model], other: str, instance: Model) -> list[tuple[int, int]]:
    """Every row of the instance's side, before `clear` takes them."""
    side = "user" if isinstance(instance, get_user_model()) else other
    return list(through.objects.filter(**{side: instance}).values_list("user", other))


def _pending(instance: Model, sender: type[Model]) -> dict:
    return instance.__dict__.setdefault("_audit_pending", {}).setdefault(sender, {})


def _changes(sender, instance, action: str, pk_set, other: str) -> tuple[list, list] | None:
    """(added, removed) pairs once a change is done; None before it (the rows to be removed are kept)."""
    pending = _pending(instance, sender)
    if action == "pre_remove":
        pending["removed"] = _existing(sender, other, _pairs(instance, pk_set or ()))
    elif action == "pre_clear":
        pending["removed"] = _held(sender, other, instance)
    elif action == "post_add":
        return _pairs(instance, pk_set or ()), []
    elif action in ("post_remove", "post_clear"):
        return [], pending.pop("removed", [])
    return None


def _municipality_of(account_id: int, actor) -> int | None:
    """The municipality a change of a person's roles belongs to: theirs when they have one (or one in
    common with the administrator who acted); otherwise none, and the page shows the event to every
    municipality the person belongs to."""
    theirs = set(Membership.objects.filter(user_id=account_id).values_list("municipality_id", flat=True))
    mine = roles.municipality_ids(actor) if actor is not None else None
    shared = theirs if mine is None else theirs & mine
    return next(iter(shared)) if len(shared) == 1 else None


def _accounts(ids: Iterable[int]) -> dict:
    return get_user_model().objects.in_bulk(set(ids))


def roles_changed(sender, instance, action, pk_set, **kwargs) -> None:
    if audit.is_quiet():
        return
    changes = _changes(sender, instance, action, pk_set, "group")
    if not changes or not any(changes):
        return
    added, removed = changes
    names = Group.objects.in_bulk({group for _user, group in added + removed})
    per_account: dict[int, list[str]] = defaultdict(list)
    for sign, pairs in (("+", added), ("−", removed)):
        for user_id, group_id in pairs:
            per_account[user_id].append(f"{sign}{names[group_id].name}")
    actor = audit.current_user()
    accounts = _accounts(per_account)
    for user_id, words in per_account.items():
        audit.record(
            Action.ROLES_CHANGED,
            user=actor,
            account=accounts.get(user_id),
            municipality=_municipality_of(user_id, actor),
            detail=", ".join(sorted(words)),
        )


def _record_membership(pairs: list[tuple[int, int]], sign: str) -> None:
    if not pairs:
        return
    actor = audit.current_user()
    accounts = _accounts(user for user, _municipality in pairs)
    names = Municipality.objects.in_bulk({municipality for _user, municipality in pairs})
    for user_id, municipality_id in pairs:
        audit.record(
            Action.MEMBERSHIP_CHANGED,
            user=actor,
            account=accounts.get(user_id),
            municipality=municipality_id,
            detail=f"{sign}{names[municipality_id].name}",
        )


def membership_changed(sender, instance, action, pk_set, **kwargs) -> None:
    if audit.is_quiet():
        return
    changes = _changes(sender, instance, action, pk_set, "municipality")
    if changes:
        _record_membership(changes[0], "+")
        _record_membership(changes[1], "−")


# The admin's membership inline saves and deletes rows one by one, and Django sends no signal at all
# for the rows of an auto-created through model: the admin calls this after saving the inline.


def membership_inline_saved(formset) -> None:
    """Record what the Django admin's membership inline (surveys.admin.MembershipInline) changed."""
    if audit.is_quiet():
        return
    added, removed = [], []
    for form in formset.forms:
        row, was = form.instance, form.initial.get("municipality")  # `was` is None on a new row
        if form in formset.deleted_forms:
            if was is not None:
                removed.append((row.user_id, was))
        elif row in formset.new_objects:
            added.append((row.user_id, row.municipality_id))
        elif was is not None and "municipality" in form.changed_data:
            removed.append((row.user_id, was))
            added.append((row.user_id, row.municipality_id))
    _record_membership(removed, "−")
    _record_membership(added, "+")


# --- Flags on the account itself -----------------------------------------------------------------


def account_before_save(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(FLAG_ACTIONS):
        return  # e.g. last_login on every sign-in: no flag can have changed
    instance._audit_flags = sender._base_manager.filter(pk=instance.pk).values(*FLAG_ACTIONS).first()


def account_saved(sender, instance, created, raw=False, **kwargs) -> None:
    was = instance.__dict__.pop("_audit_flags", None)
    if created or raw or was is None or audit.is_quiet():
        return
    changed = [flag for flag in FLAG_ACTIONS if was[flag] != getattr(instance, flag)]
    if not changed:
        return
    actor = audit.current_user()
    municipality = _municipality_of(instance.pk, actor)
    role_words = [f"{'+' if getattr(instance, flag) else '−'}{flag}" for flag in changed if FLAG_ACTIONS[flag]]
    if role_words:
        audit.record(
            Action.ROLES_CHANGED, user=actor, account=instance, municipality=municipality, detail=", ".join(role_words)
        )
    if "is_active" in changed:
        audit.record(
            Action.ACCOUNT_CHANGED,
            user=actor,
            account=instance,
            municipality=municipality,
            detail="activated" if instance.is_active else "deactivated",
        )


def connect() -> None:
    """Called from SurveysConfig.ready()."""
    User = get_user_model()
    m2m_changed.connect(roles_changed, sender=Roles, dispatch_uid="audit_roles_changed")
    m2m_changed.connect(membership_changed, sender=Membership, dispatch_uid="audit_membership_changed")
    pre_save.connect(account_before_save, sender=User, dispatch_uid="audit_account_before_save")
    post_save.connect(account_saved, sender=User, dispatch_uid="audit_account_saved")
