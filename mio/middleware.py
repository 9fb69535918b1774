from django.conf import settings
from django.core.exceptions import BadRequest
from django.utils import translation


class LanguageMiddleware:
    """Swedish unless the user chose another language (the cookie set by Django's set_language view).

    Django's LocaleMiddleware would follow the browser's Accept-Language, but the product is Swedish
    by default: a municipal manager with an English browser still gets the Swedish form.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RefuseNulMiddleware:
    """A query string with a NUL character (`?q=%00`) is a bad request (400), never a server error.

    PostgreSQL cannot store NUL in text, and its driver refuses such a query with a ValueError: the
    unit and manager searches and the sign-in link, which read their parameters straight from the
    query string, answered 500 to anyone who sent one (SQLite took it). Forms refuse NUL themselves.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values):
            raise BadRequest("A NUL character in the query string")
        return self.get_response(request)
