"""The three groups and who may do what. Group names are data (Swedish, shown in the admin)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

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


def can_see_plans(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Everyone in one of the three groups sees the action plan: managers should know what is done
    about their friction."""
    return can_analyse(user) or is_manager(user)


def can_edit_plans(user: AbstractBaseUser | AnonymousUser, *, municipality_id: int | None = None) -> bool:
    """Administrators create and change action items and write progress updates; given a municipality,
    only in the plans of municipalities they are a member of."""
    return is_administrator(user) and (municipality_id is None or in_municipality(user, municipality_id))


# --- Municipalities ------------------------------------------------------------------------------
# Several municipalities share one installation; each sees only its own people and data. Superusers
# (the installation's operators) see every municipality.


def municipality_ids(user: AbstractBaseUser | AnonymousUser) -> set[int] | None:
    """The ids of the municipalities the user belongs to; None for a superuser, who sees all."""
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return None
    cached = getattr(user, "_mio_municipalities", None)
    if cached is None:
        cached = set(user.municipalities.values_list("pk", flat=True))
        user._mio_municipalities = cached
    return cached


def in_municipality(user: AbstractBaseUser | AnonymousUser, municipality_id: int) -> bool:
    ids = municipality_ids(user)
    return ids is None or municipality_id in ids


def scope(queryset: QuerySet, user: AbstractBaseUser | AnonymousUser, *, field: str = "municipality") -> QuerySet:
    """`queryset` narrowed to the user's municipalities, through `field` (a lookup to Municipality)."""
    ids = municipality_ids(user)
    return queryset if ids is None else queryset.filter(**{f"{field}__in": ids})


def visible_surveys(user: AbstractBaseUser | AnonymousUser) -> QuerySet:
    """The rounds of the user's municipalities (for analysis and round administration)."""
    from .models import Survey

    return scope(Survey.objects.all(), user)


def administered_surveys(user: AbstractBaseUser | AnonymousUser) -> QuerySet:
    """The rounds an administrator runs; none for anyone else."""
    from .models import Survey

    if not is_administrator(user):
        return Survey.objects.none()
    return scope(Survey.objects.all(), user)
