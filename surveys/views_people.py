"""The audit trail page and a person's data: export and erasure. Being written (issue 10)."""

from django.http import HttpRequest, HttpResponse


def audit_log(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


def person_export(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError


def person_erase(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError
