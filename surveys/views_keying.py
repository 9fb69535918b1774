"""Keying in paper forms and uploading diary files in the browser. (Being built for issue 9.)"""

from django.http import Http404


def key_pick(request, slug):
    raise Http404


def key_day(request, slug, number, date):
    raise Http404


def diary_upload(request, slug):
    raise Http404
