"""No page of the analysis app names a person: on the demo data, every page and download is
searched for every user's first name, last name and username."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from surveys.demo import ROUND_SLUG
from surveys.models import Department, Survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", "--force", stdout=StringIO())
    cache.clear()
    yield Survey.objects.get(slug=ROUND_SLUG)
    cache.clear()


def names() -> set[str]:
    found = set()
    for user in get_user_model().objects.all():
        found |= {user.username, user.first_name, user.last_name} - {""}
    return found


def visible(content: str) -> str:
    """What a reader (or a screen reader) gets: text and attribute values, without the embedded
    bitmaps of heatmaps, whose base64 could spell anything."""
    return re.sub(r"data:image/[^\"']+", "", content)


def named_in(content: str) -> set[str]:
    text = visible(content)
    return {name for name in names() if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)}


def analysis_urls(demo: Survey) -> list[str]:
    slug = demo.slug
    department = Department.objects.filter(units__participants__survey=demo).first()
    urls = [
        reverse("analysis:index"),
        reverse("analysis:dashboard", args=[slug]),
        reverse("analysis:dashboard", args=[slug]) + f"?department={department.pk}",
        reverse("analysis:dashboard", args=[slug]) + "?weekday=2",
        reverse("analysis:compare", args=[slug]),
        reverse("analysis:compare", args=[slug]) + "?m=2&m=8",
        reverse("analysis:compare_export", args=[slug, "json"]) + "?m=2&m=8",
        reverse("analysis:compare_export", args=[slug, "csv"]) + "?m=2&m=8",
        reverse("analysis:export", args=[slug, "ranking", "json"]),
        reverse("analysis:rounds"),
        reverse("analysis:my_profiles"),
    ]
    urls += [
        reverse("analysis:export", args=[slug, table, "csv"])
        for table in ["ranking", "categories", "tasks", "variation", "managers", "cost", "hours"]
    ]
    baseline = Survey.objects.exclude(pk=demo.pk).order_by("start_date").first()
    if baseline is not None:  # the action plan's demo adds the spring round
        query = f"?baseline={baseline.slug}&followup={slug}"
        urls += [reverse("analysis:rounds") + query, reverse("analysis:rounds_export", args=["csv"]) + query]
    return urls


@pytest.mark.parametrize("language", ["sv", "en"])
def test_no_analysis_page_names_a_user(client, demo, language):
    client.force_login(get_user_model().objects.get(username="projekt"))
    client.cookies["django_language"] = language
    for url in analysis_urls(demo):
        response = client.get(url)
        # Every demo unit has at least 3 managers: nothing here is withheld, the managers' list included.
        assert response.status_code == 200, url
        assert named_in(response.content.decode()) == set(), url


def test_no_profile_names_a_user_either(client, demo):
    for username in ["anna", "bengt", "hanna"]:
        client.force_login(get_user_model().objects.get(username=username))
        response = client.get(reverse("analysis:profile", args=[demo.slug]))
        assert response.status_code == 200
        assert named_in(response.content.decode()) == set(), username


def test_the_search_would_find_a_name(client, demo):
    """The check above is not vacuous: the names are there to find where they are shown."""
    assert named_in("<p>Chef: Anna Lindqvist</p>") == {"Anna", "Lindqvist"}
    assert named_in("Förskolan Ekorren, Ekonomi") == set()  # "Ek" is a last name, not a prefix
