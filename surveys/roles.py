"""The three groups and who may do what. Group names are data (Swedish, shown in the admin)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

MANAGERS = "Chefer"
PROJECT_GROUP = "Projektgrupp"
ADMINISTRATORS = "Administratörer"
ALL_GROUPS = (MANAGERS, PROJECT_GROUP, ADMINISTRATORS)


def _groups(user: AbstractBaseUser | AnonymousUser) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_mio_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._mio_groups = cached
    return cached


def is_administrator(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.is_authenticated and (user.is_superuser or ADMINISTRATORS in _groups(user))


def is_project_member(user: AbstractBaseUser | AnonymousUser) -> bool:
    return PROJECT_GROUP in _groups(user)


def can_analyse(user: AbstractBaseUser | AnonymousUser) -> bool:
    """The project group and administrators see the analysis of a whole round."""
    return is_administrator(user) or is_project_member(user)


def is_manager(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Managers keep a diary and see their own profile."""
    return MANAGERS in _groups(user)
