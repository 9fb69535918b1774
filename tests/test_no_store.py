"""`Cache-Control: no-store` (mio/nostore.py): every response to a signed-in user and every download,
so that nothing personal stays in a proxy's or the browser's cache (OWASP ASVS 8.2.1)."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from mio.nostore import NoStoreMiddleware
from tests import test_access_matrix
from tests.test_access_matrix import URLS, _client_as

pytestmark = pytest.mark.django_db

world = test_access_matrix.world  # the matrix's two municipalities, as a fixture of this module too

GET_URLS = [url for url in URLS if not url.writes]


def directives(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize("role", ["manager", "project_member", "administrator", "superuser"])
def test_every_page_and_download_of_a_signed_in_user_is_not_stored(client, world, role):
    """Over every GET of the access matrix, whatever the answer (200, a download, a redirect, 403, 404)."""
    _client_as(client, world, role)
    missing = []
    for side in (world.a, world.b):
        for url in GET_URLS:
            path = url.build(side)
            response = client.get(path)
            if "no-store" not in directives(response):
                missing.append(f"{path} {response.status_code} {response.get('Cache-Control')!r}")
    assert not missing


def test_the_signed_in_pages_include_downloads_and_refusals(client, world):
    """The loop above does meet downloads, 403 and 404 (not only ordinary pages)."""
    _client_as(client, world, "administrator")
    download = client.get(reverse("surveys:audit_log") + "?download=csv")
    assert "attachment" in download["Content-Disposition"]
    refused = client.get(reverse("analysis:dashboard", args=[world.b.followup.slug]))
    assert refused.status_code == 404
    assert "no-store" in directives(download) and "no-store" in directives(refused)


def test_a_signed_out_visitor_s_public_page_may_be_cached(client, world):
    response = client.get(reverse("privacy"))
    assert response.status_code == 200
    assert "no-store" not in directives(response)


def test_a_view_that_says_no_store_itself_keeps_its_header(client, world):
    _client_as(client, world, "administrator")
    response = client.get(reverse("surveys:person_export", args=[world.a.administrator.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def _through_middleware(response: HttpResponse, *, user=None) -> HttpResponse:
    request = RequestFactory().get("/")
    if user is not None:
        request.user = user
    return NoStoreMiddleware(lambda _request: response)(request)


def test_a_download_is_not_stored_even_for_nobody_signed_in():
    response = HttpResponse("a,b\n", content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="table.csv"'
    assert directives(_through_middleware(response)) == {"no-store", "private"}


def test_other_directives_of_a_view_stay_and_public_goes(make_user):
    response = HttpResponse("x")
    response["Cache-Control"] = "public, max-age=60"
    directives_now = directives(_through_middleware(response, user=make_user("someone")))
    assert directives_now == {"max-age=60", "no-store", "private"}


def test_static_files_keep_their_own_cache_header(client, world, settings):
    """WhiteNoise answers static files before the middleware: a signed-in user's copy is not `no-store`."""
    settings.WHITENOISE_USE_FINDERS = True  # no collectstatic in tests: serve static/ as it is
    _client_as(client, world, "manager")
    response = client.get("/static/js/diary.js")
    assert response.status_code == 200
    assert "no-store" not in directives(response)
    assert any(directive.startswith("max-age=") and directive != "max-age=0" for directive in directives(response))
