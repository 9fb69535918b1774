"""Every analysis chart is an image of its own (`image/svg+xml`), referenced from its page by an
`<img>` with the chart's title as alt text: the page's HTML never waits for matplotlib. A chart image
has its page's access check and selection, draws only its own chart, and is cached per data version;
table downloads are cached the same way, and every download is still audited."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest
from django.urls import reverse

from analysis import charts
from analysis import views as analysis_views
from analysis.comparison import COMPARISON_CHARTS
from analysis.dashboard import DASHBOARD_CHARTS
from surveys.models import AuditEvent

pytestmark = pytest.mark.django_db

ROUND = "test-round"
SVG = "{http://www.w3.org/2000/svg}"


def signed_in(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def images(html: str) -> list[tuple[str, str]]:
    """The page's `<img>`s as (src, alt), unescaped as a browser reads them."""
    return [(unescape(src), unescape(alt)) for src, alt in re.findall(r'<img src="([^"]+)" alt="([^"]*)"', html)]


def fetched_svg(client, src: str) -> ET.Element:
    response = client.get(src)
    assert response.status_code == 200, src
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert "no-store" in response["Cache-Control"]  # signed in: as the page (mio.nostore)
    return ET.fromstring(response.content)


def test_the_dashboard_shows_each_chart_as_an_image_of_its_own(client, tripled_round, project_member):
    signed_in(client, project_member)
    html = client.get(reverse("analysis:dashboard", args=[ROUND])).content.decode()

    shown = images(html)
    # Twelve managers, every unit at least three: the managers × tasks heatmap is drawn too.
    assert [src.split("/")[-1] for src, _alt in shown] == [f"{name}.svg" for name in DASHBOARD_CHARTS]
    assert "<svg" not in html
    for src, alt in shown:
        root = fetched_svg(client, src)
        assert root.tag == f"{SVG}svg" and root.get("role") == "img"
        assert root.find(f"{SVG}title").text == alt  # the alt text is the chart's own title
    assert alt == "Friction minutes per manager-day by hour of the day and task"


def test_a_chart_image_carries_the_pages_selection(client, tripled_round, project_member):
    signed_in(client, project_member)
    query = f"department={tripled_round.social.pk}"
    html = client.get(reverse("analysis:dashboard", args=[ROUND]) + "?" + query).content.decode()

    tasks = next(src for src, _alt in images(html) if "/tasks.svg" in src)
    assert tasks.endswith("?" + query)
    # Norr (manager 4 and its clones) writes only "direct-meeting" and "invoices": the chart of its
    # department draws those two tasks' bars, not the round's other tasks.
    texts = {text.text for text in fetched_svg(client, tasks).iter(f"{SVG}text")}
    whole = {
        text.text
        for text in fetched_svg(client, reverse("analysis:dashboard_chart", args=[ROUND, "tasks"])).iter(f"{SVG}text")
    }
    assert texts != whole


def test_a_chart_image_draws_only_its_chart_once_per_data_version(client, tripled_round, project_member, monkeypatch):
    drawn = []
    for name in ["bars", "bubble_map", "heatmap", "grouped_bars", "dots"]:
        original = getattr(charts, name)

        def record(*args, name=name, original=original, **kwargs):
            drawn.append(name)
            return original(*args, **kwargs)

        monkeypatch.setattr(charts, name, record)
    signed_in(client, project_member)
    page = client.get(reverse("analysis:dashboard", args=[ROUND]))
    assert page.status_code == 200 and drawn == []  # the page draws nothing

    url = reverse("analysis:dashboard_chart", args=[ROUND, "map"])
    first = client.get(url).content
    assert drawn == ["bubble_map"]
    assert client.get(url).content == first and drawn == ["bubble_map"]  # warm: a cache read
    tripled_round.survey.touch()  # a diary written: a new data version
    client.get(url)
    assert drawn == ["bubble_map", "bubble_map"]
    client.get(url + "?weekday=1")  # another selection, another chart
    assert drawn == ["bubble_map"] * 3


def test_a_withheld_selection_has_no_images_and_its_charts_answer_409(client, small_round, project_member):
    signed_in(client, project_member)
    query = f"?unit={small_round.solrosen.pk}"  # two managers
    html = client.get(reverse("analysis:dashboard", args=[ROUND]) + query).content.decode()
    assert "fewer than 3 managers" in html and "<img" not in html
    for name in DASHBOARD_CHARTS:
        response = client.get(reverse("analysis:dashboard_chart", args=[ROUND, name]) + query)
        assert response.status_code == 409, name
        assert b"fewer than 3 managers" in response.content and b"<svg" not in response.content


def test_the_managers_heatmap_is_an_image_only_where_they_may_be_listed(client, small_round, project_member):
    """small_round's Solrosen has two managers: the round's managers are not listed one by one."""
    signed_in(client, project_member)
    html = client.get(reverse("analysis:dashboard", args=[ROUND])).content.decode()
    assert "/managers.svg" not in html and "/hours.svg" in html
    assert client.get(reverse("analysis:dashboard_chart", args=[ROUND, "managers"])).status_code == 404
    assert client.get(reverse("analysis:dashboard_chart", args=[ROUND, "nothing"])).status_code == 404
    assert client.get(reverse("analysis:dashboard_chart", args=[ROUND, "tasks"]) + "?weekday=9").status_code == 400


def test_the_comparison_shows_its_three_charts_as_images_of_the_chosen_managers(client, tripled_round, project_member):
    signed_in(client, project_member)
    html = client.get(reverse("analysis:compare", args=[ROUND]) + "?m=1&m=4").content.decode()

    shown = images(html)
    assert sorted(src.split("/")[-1].split("?")[0] for src, _alt in shown) == sorted(
        f"{name}.svg" for name in COMPARISON_CHARTS
    )
    for src, alt in shown:
        assert src.endswith("?m=1&m=4")
        root = fetched_svg(client, src)
        assert root.find(f"{SVG}title").text == alt
        texts = {text.text for text in root.iter(f"{SVG}text")}
        assert {"Manager no. 1", "Manager no. 4"} <= texts  # the legend names the pair
    chart = reverse("analysis:compare_chart", args=[ROUND, "tasks"])
    assert client.get(chart).status_code == 400  # no managers chosen
    assert client.get(chart + "?m=1").status_code == 400  # one is no comparison


def test_a_withheld_comparison_has_no_images_and_its_charts_answer_409(client, small_round, project_member):
    small_round.participants[3].delete()
    small_round.participants[4].delete()
    signed_in(client, project_member)
    html = client.get(reverse("analysis:compare", args=[ROUND]) + "?m=1&m=2").content.decode()
    assert "fewer than 3 managers" in html and "<img" not in html
    response = client.get(reverse("analysis:compare_chart", args=[ROUND, "tasks"]) + "?m=1&m=2")
    assert response.status_code == 409


def test_my_profile_chart_is_an_image_for_me_only(client, small_round, manager, other_manager, project_member):
    signed_in(client, manager)
    html = client.get(reverse("analysis:profile", args=[ROUND])).content.decode()
    [(src, alt)] = images(html)
    assert src == reverse("analysis:profile_chart", args=[ROUND])
    root = fetched_svg(client, src)
    assert root.find(f"{SVG}title").text == alt == "My minutes per day by task beside the median manager's"
    mine = client.get(src).content
    # The same URL draws the signed-in manager's own figures (participant 2's differ from 1's) ...
    signed_in(client, other_manager)
    theirs = client.get(src)
    assert theirs.status_code == 200 and theirs.content != mine
    # ... and is no one else's: the project group takes no part in the round.
    signed_in(client, project_member)
    assert client.get(src).status_code == 404


def test_the_rounds_chart_is_an_image_of_the_pair(client, small_round, followup_round, project_member):
    signed_in(client, project_member)
    query = f"?baseline={ROUND}&followup={followup_round.slug}"
    html = client.get(reverse("analysis:rounds") + query).content.decode()
    [(src, alt)] = images(html)
    assert src == reverse("analysis:rounds_chart") + query
    root = fetched_svg(client, src)
    assert root.find(f"{SVG}title").text == alt
    texts = {text.text for text in root.iter(f"{SVG}text")}
    assert {small_round.survey.name, followup_round.name} <= texts  # the legend names both rounds


def test_a_warm_download_is_a_cache_read_and_every_download_is_audited(
    client, tripled_round, project_member, monkeypatch
):
    built = []
    original = analysis_views._download

    def counting(*args, **kwargs):
        built.append(kwargs["name"])
        return original(*args, **kwargs)

    monkeypatch.setattr(analysis_views, "_download", counting)
    signed_in(client, project_member)
    url = reverse("analysis:export", args=[ROUND, "managers", "xlsx"])
    before = AuditEvent.objects.count()

    first = client.get(url)
    second = client.get(url)

    assert first.status_code == second.status_code == 200
    assert second.content == first.content and second["Content-Disposition"] == first["Content-Disposition"]
    assert second["Content-Disposition"] == f'attachment; filename="{ROUND}-managers-en.xlsx"'
    assert built == [f"{ROUND}-managers"]  # built once
    assert AuditEvent.objects.count() == before + 2  # but recorded twice
    # Another language is another file (its headings); a new data version rebuilds.
    client.cookies["django_language"] = "sv"
    client.get(url)
    assert len(built) == 2
    tripled_round.survey.touch()
    client.get(url)
    assert len(built) == 3
    assert AuditEvent.objects.count() == before + 4


def test_a_withheld_download_is_never_cached_nor_audited(client, small_round, project_member):
    signed_in(client, project_member)
    url = reverse("analysis:export", args=[ROUND, "ranking", "csv"]) + f"?unit={small_round.solrosen.pk}"
    before = AuditEvent.objects.count()
    assert client.get(url).status_code == client.get(url).status_code == 409
    assert AuditEvent.objects.count() == before


def test_every_analysis_chart_scrolls_sideways_on_a_phone_instead_of_shrinking(
    client, tripled_round, followup_round, project_member, manager
):
    # static/css/mio.css gives `.chart-scroll .chart-img` a minimum width below the sm breakpoint.
    signed_in(client, project_member)
    pages = [
        reverse("analysis:dashboard", args=[ROUND]),
        reverse("analysis:compare", args=[ROUND]) + "?m=1&m=2",
        reverse("analysis:rounds") + f"?baseline={ROUND}&followup={followup_round.slug}",
    ]
    htmls = [client.get(url).content.decode() for url in pages]
    htmls.append(signed_in(client, manager).get(reverse("analysis:profile", args=[ROUND])).content.decode())
    for url, html in zip([*pages, "profile"], htmls, strict=True):
        figures = re.findall(r'<figure class="([^"]*)"', html)
        assert figures and all("chart-scroll" in classes.split() for classes in figures), url
