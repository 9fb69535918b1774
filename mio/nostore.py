"""`Cache-Control: no-store` on what is personal: every response to a signed-in user, and every download.

A signed-in page holds names, diaries and figures of a municipality; a download is a copy of them.
Neither may stay in a shared proxy's cache or in the browser's history cache after the user has
signed out on a shared computer (OWASP ASVS 8.2.1). Static files never come here: WhiteNoise, earlier
in the middleware, answers them with its own long cache.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control


def is_download(response: HttpResponseBase) -> bool:
    return "attachment" in response.get("Content-Disposition", "").lower()


class NoStoreMiddleware:
    """Adds `no-store` (and `private`) to the response's Cache-Control; a view that already says
    `no-store` keeps its header as it is, and other directives it set stay beside these."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if (signed_in or is_download(response)) and "no-store" not in response.get("Cache-Control", "").lower():
            patch_cache_control(response, no_store=True, private=True)
        return response
