"""Pages every visitor may read: the privacy notice and the accessibility statement. Being written."""

from django.http import HttpRequest, HttpResponse


def privacy(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


def accessibility(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError
