"""The paper form: a blank diary page per round, to print and hand out. (Being built for issue 9.)"""

from django.http import Http404


def paper_form(request, slug):
    raise Http404
