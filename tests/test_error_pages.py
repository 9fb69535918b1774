"""The error pages as a user meets them (DEBUG off): the status, what happened in the user's language,
the site's navigation and a way on; the 500 page without a database; a refused form explained."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest
from django.test import Client
from django.urls import path, reverse
from django.utils import translation

from mio import errors
from mio import urls as site_urls
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

# --- A URL configuration with views that fail, for the 400 and the 500 ------------------------------


def _fails(request: HttpRequest):
    raise RuntimeError("a bug")


def _bad(request: HttpRequest):
    raise BadRequest("nonsense in the request")


urlpatterns = [path("test/fails/", _fails), path("test/bad/", _bad), *site_urls.urlpatterns]
handler400 = site_urls.handler400
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500

WITH_FAILING_VIEWS = pytest.mark.urls(__name__)


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


@pytest.fixture
def english_client() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def swedish(msgid: str) -> str:
    # Compared through gettext, so that the tests hold before and after the catalogue is compiled.
    with translation.override("sv"):
        return translation.gettext(msgid)


def text(response) -> str:
    return response.content.decode()


# --- 404 -------------------------------------------------------------------------------------------


def test_404_is_swedish_by_default_with_the_way_home_and_to_log_in(client):
    response = client.get("/finns-inte/")

    assert response.status_code == 404
    html = text(response)
    assert '<html lang="sv"' in html
    assert swedish("The page could not be found") in html
    assert f'href="{reverse("home")}"' in html
    assert f'href="{reverse("login")}"' in html
    assert f'href="{reverse("privacy")}"' in html


def test_404_is_english_with_the_language_cookie(english_client):
    response = english_client.get("/finns-inte/")

    assert response.status_code == 404
    html = text(response)
    assert '<html lang="en"' in html
    assert "The page could not be found" in html
    assert "Go to the start page" in html


def test_404_keeps_the_signed_in_users_navigation(english_client, administrator):
    english_client.force_login(administrator)

    html = text(english_client.get("/finns-inte/"))

    assert f'href="{reverse("surveys:accounts")}"' in html
    assert f'<form method="post" action="{reverse("logout")}"' in html
    # Signed in already: no way to the login page.
    assert f'href="{reverse("login")}"' not in html


def test_404_of_another_page_on_the_site_offers_the_way_back(english_client):
    response = english_client.get("/finns-inte/", HTTP_REFERER="http://testserver/integritet/")

    assert 'href="http://testserver/integritet/"' in text(response)
    assert "Back to the previous page" in text(response)


def test_404_offers_no_way_back_to_another_site(english_client):
    response = english_client.get("/finns-inte/", HTTP_REFERER="https://evil.example/")

    assert "evil.example" not in text(response)
    assert "Back to the previous page" not in text(response)


def test_a_missing_object_gets_the_same_404(english_client, manager):
    english_client.force_login(manager)

    response = english_client.get(reverse("surveys:day", args=["no-such-round", "2025-03-03"]))

    assert response.status_code == 404
    assert "The page could not be found" in text(response)


# --- 403 -------------------------------------------------------------------------------------------


def test_403_says_the_role_does_not_reach_and_keeps_the_navigation(client, manager):
    client.force_login(manager)

    response = client.get(reverse("analysis:index"))

    assert response.status_code == 403
    html = text(response)
    assert swedish("You do not have access to this page") in html
    assert swedish("My diary") in html
    assert f'href="{reverse("home")}"' in html


def test_403_in_english(english_client, manager):
    english_client.force_login(manager)

    response = english_client.get(reverse("analysis:index"))

    assert response.status_code == 403
    assert "You do not have access to this page" in text(response)
    assert "ask an administrator in your municipality" in text(response)


def test_a_refused_form_says_to_reload_and_try_again(manager):
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})

    assert response.status_code == 403
    html = text(response)
    assert "The form could not be sent" in html
    assert "Reload the page and try again." in html
    assert f'href="{reverse("home")}"' in html
    assert "You do not have access to this page" not in html
    # Refused before the password was looked at.
    assert "_auth_user_id" not in client.session


def test_the_refused_form_page_is_swedish_by_default(manager):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})

    assert response.status_code == 403
    assert swedish("The form could not be sent") in text(response)


def test_csrf_failures_go_to_our_view():
    assert settings.CSRF_FAILURE_VIEW == "mio.errors.csrf_failure"


# --- 400 -------------------------------------------------------------------------------------------


@WITH_FAILING_VIEWS
def test_400_in_swedish_and_english(client, english_client):
    response = client.get("/test/bad/")

    assert response.status_code == 400
    assert swedish("The request could not be handled") in text(response)

    response = english_client.get("/test/bad/")

    assert response.status_code == 400
    assert "The request could not be handled" in text(response)
    assert "nonsense in the request" not in text(response)  # the exception is for developers
    assert f'href="{reverse("home")}"' in text(response)


def test_a_host_not_allowed_gets_400_without_trusting_it(english_client):
    response = english_client.get("/", HTTP_HOST="evil.example", HTTP_REFERER="http://evil.example/")

    assert response.status_code == 400
    assert "The request could not be handled" in text(response)
    assert "evil.example" not in text(response)


# --- 500 -------------------------------------------------------------------------------------------


@WITH_FAILING_VIEWS
def test_500_in_swedish_with_static_navigation(client):
    client.raise_request_exception = False

    response = client.get("/test/fails/")

    assert response.status_code == 500
    html = text(response)
    assert '<html lang="sv"' in html
    assert swedish("Something went wrong") in html
    assert f'href="{reverse("home")}"' in html
    assert f'href="{reverse("privacy")}"' in html
    assert "a bug" not in html


@WITH_FAILING_VIEWS
def test_500_in_english(english_client):
    english_client.raise_request_exception = False

    response = english_client.get("/test/fails/")

    assert response.status_code == 500
    assert "Something went wrong" in text(response)
    assert "Go to the start page" in text(response)


@WITH_FAILING_VIEWS
def test_500_needs_no_database(english_client, django_db_blocker):
    english_client.raise_request_exception = False

    with django_db_blocker.block():
        response = english_client.get("/test/fails/")

    assert response.status_code == 500
    assert "Something went wrong" in text(response)


class _NoDatabase:
    """Stands in for request.user and request.session: anything touching them fails the test."""

    def __getattr__(self, name):
        raise AssertionError(f"the 500 page touched {name}")


def test_500_reads_nothing_of_the_user_or_the_session(rf, django_db_blocker):
    request = rf.get("/dagbok/", HTTP_REFERER="http://testserver/omgangar/")
    request.user = _NoDatabase()
    request.session = _NoDatabase()

    with django_db_blocker.block(), translation.override("en"):
        response = errors.server_error(request)

    assert response.status_code == 500
    assert "Something went wrong" in text(response)
    assert 'href="http://testserver/omgangar/"' in text(response)


def test_the_browser_s_own_favicon_request_finds_the_site_s_icon(client):
    # The Django admin's pages name no icon, so the browser asks for /favicon.ico on each of them.
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")
    from django.contrib.staticfiles import finders

    assert finders.find("img/favicon.svg")


@pytest.mark.parametrize("query", ["q=a%00", "q%00=a"])
def test_a_nul_character_in_the_query_string_is_a_bad_request(client, survey, make_user, query):
    # PostgreSQL refuses NUL in text: the searches and the sign-in link passed it on and answered 500.
    client.force_login(make_user("boss", "Administratörer", municipality=survey.municipality))
    search = client.get(reverse("analysis:unit_search", args=[survey.slug]) + "?" + query)
    link = client.get(reverse("signin_link") + "?lank=x&omgang=" + query.replace("=", ""))

    assert (search.status_code, link.status_code) == (400, 400)
    assert "Cache-Control" in search and search["Content-Language"] == "sv"
