"""Lifting a sign-in lockout (django-axes). Being written (issue 10)."""

from django.http import HttpRequest, HttpResponse


def account_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError
