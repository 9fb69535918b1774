"""Who may open a page of the surveys app: the checks views share, each raising PermissionDenied (a role
that may not) or Http404 (another municipality's object, or one that does not exist).

The predicates themselves (is_administrator, can_analyse, scope, ...) live in roles.py; this module
turns them into the lookups views need."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from . import roles
from .models import Municipality, Participant, Survey


def require_follower(request: HttpRequest) -> None:
    """The project group and administrators follow rounds; managers do not."""
    if not roles.can_analyse(request.user):
        raise PermissionDenied


def require_administrator(request: HttpRequest) -> None:
    if not roles.is_administrator(request.user):
        raise PermissionDenied


def survey_for(request: HttpRequest, slug: str, *, administer: bool = True) -> Survey:
    """A round of the user's municipalities: 403 for a role that may not, 404 for another municipality's."""
    require_follower(request)
    if administer:
        require_administrator(request)
    return get_object_or_404(roles.visible_surveys(request.user).select_related("municipality"), slug=slug)


def participant_in(survey: Survey, number: int) -> Participant:
    return get_object_or_404(survey.participants.select_related("user", "unit__department", "survey"), number=number)


def date_in(survey: Survey, text: str) -> dt.date:
    """The ISO date `text` if it is a day of the round; 404 otherwise (a URL, not a form field)."""
    try:
        date = dt.date.fromisoformat(text)
    except ValueError:
        raise Http404 from None
    if not survey.contains(date):
        raise Http404
    return date


def administered_municipalities(user: AbstractBaseUser) -> QuerySet:
    return roles.scope(Municipality.objects.all(), user, field="pk")


def accounts_of(user: AbstractBaseUser) -> QuerySet:
    """The people of the administrator's municipalities (everyone, for a superuser)."""
    return roles.scope(get_user_model().objects.all(), user, field="municipalities").distinct()


def account_for(request: HttpRequest, pk: int) -> AbstractBaseUser:
    """An account an administrator may manage: 403 for other roles, 404 outside their municipalities."""
    require_administrator(request)
    return get_object_or_404(accounts_of(request.user), pk=pk)
