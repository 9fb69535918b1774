"""Who may see and who may change the action plan.

Everyone in one of the three groups sees the plan (managers should know what is done about their
friction); only administrators create and change items and write progress updates.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from surveys import roles


def can_see_plans(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    if roles.can_analyse(user):
        return True
    cached = getattr(user, "_mio_sees_plans", None)
    if cached is None:
        cached = user.groups.filter(name=roles.MANAGERS).exists()
        user._mio_sees_plans = cached
    return cached


def can_edit_plans(user: AbstractBaseUser | AnonymousUser) -> bool:
    return roles.is_administrator(user)
