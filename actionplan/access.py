"""Who may see and who may change the action plan.

Everyone in one of the three groups sees the plan (managers should know what is done about their
friction); only administrators create and change items and write progress updates. These are the
roles; which municipalities' plans a user reaches is `selectors.plans_visible_to` and
`can_edit_plan` (another municipality's plan answers 404).
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


def can_edit_plan(user: AbstractBaseUser | AnonymousUser, *, municipality_id: int) -> bool:
    """An administrator changes only the plans of municipalities they are a member of."""
    return can_edit_plans(user) and roles.in_municipality(user, municipality_id)
