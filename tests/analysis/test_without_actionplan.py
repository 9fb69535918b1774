"""The analysis stands on its own: without the action plan in INSTALLED_APPS every page still works.

Only the app goes; its tables stay in the database. The root URLconf includes the action plan's URLs
only when the app is installed, so it is reloaded on the way in and on the way out; the template
engines and their app directories are rebuilt by Django when INSTALLED_APPS changes.
"""

from __future__ import annotations

import importlib

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.urls import NoReverseMatch, clear_url_caches, reverse

import mio.urls

from .test_views import ROUND, page_urls, signed_in

pytestmark = pytest.mark.django_db


def reload_urls() -> None:
    importlib.reload(mio.urls)
    clear_url_caches()


@pytest.fixture
def without_actionplan():
    with override_settings(INSTALLED_APPS=[app for app in settings.INSTALLED_APPS if app != "actionplan"]):
        reload_urls()
        yield
    reload_urls()


def assert_no_action_plan(html: str) -> None:
    assert "/atgardsplan/" not in html
    assert 'data-testid="actions-' not in html and 'data-testid="new-action-' not in html
    assert "Action plan" not in html


def test_the_action_plan_is_gone(without_actionplan):
    with pytest.raises(NoReverseMatch):
        reverse("actionplan:index")


@pytest.mark.parametrize("role", ["project_member", "administrator"])
def test_every_analysis_page_works_for_the_project_group_and_administrators(
    client, tripled_round, followup_round, without_actionplan, role, request
):
    # tripled_round: every unit has at least 3 managers, so managers.csv is given too.
    signed_in(client, request.getfixturevalue(role))
    for url in page_urls(followup_round.slug):
        response = client.get(url)
        assert response.status_code == 200, url
        if response["Content-Type"].startswith("text/html"):
            assert_no_action_plan(response.content.decode())


def test_a_manager_sees_their_profile(client, small_round, manager, without_actionplan):
    signed_in(client, manager)
    for url in [reverse("analysis:my_profiles"), reverse("analysis:profile", args=[ROUND])]:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert_no_action_plan(response.content.decode())


def test_the_dashboard_needs_few_queries_and_fewer_when_warm(
    client, small_round, project_member, without_actionplan, django_assert_max_num_queries
):
    signed_in(client, project_member)
    url = reverse("analysis:dashboard", args=[ROUND])
    client.get(reverse("analysis:index"))  # the session's once-a-minute renewal is no page's own cost
    # On PostgreSQL the per-manager sums run with their own work_mem and without JIT: SET LOCAL in a
    # transaction of their own (analysis.introws.large_statements), inside the test's transaction
    # a savepoint and its release, 3 statements that SQLite does not run.
    with django_assert_max_num_queries(15 + (3 if connection.vendor == "postgresql" else 0)):
        assert client.get(url).status_code == 200
    # Session, user, groups, the user's municipalities, the round and the filter's units; the figures
    # come from the cache.
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200
