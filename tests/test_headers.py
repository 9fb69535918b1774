"""Security headers on every page: the Content-Security-Policy (nothing inline), and the headers that
keep pages out of frames, other windows and the browser's devices.

The pages are the access matrix's (tests/test_access_matrix.py: every app's pages for two
municipalities), plus the login, public, admin and error pages, for each role. Every HTML page that
answers 200 is also read for what the policy would refuse: inline scripts and styles, `style=` and
`on…=` attributes, `javascript:` links."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.test_access_matrix import URLS, world  # noqa: F401  (world: the fixture the URLs are built on)

pytestmark = pytest.mark.django_db

EXPECTED_CSP = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
OTHER_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
}
DENIED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb", "display-capture", "serial"]
ROLES = ["anonymous", "manager", "administrator", "superuser"]


def csp_directives(header: str) -> dict[str, list[str]]:
    """`"default-src 'self'; img-src 'self' data:"` as {"default-src": ["'self'"], "img-src": [...]}."""
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


class InlineCode(HTMLParser):
    """Collects what a policy without 'unsafe-inline' refuses to run or apply."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        # A data block (json_script) is not run, so the policy leaves it alone.
        if tag == "script" and "src" not in attributes and attributes.get("type") != "application/json":
            self.found.append("an inline <script>")
        if tag == "style":
            self.found.append("a <style> element")
        for name, value in attrs:
            is_url = name in {"href", "src", "action", "formaction"}
            javascript_url = is_url and (value or "").strip().lower().startswith("javascript:")
            if name == "style" or name.startswith("on") or javascript_url:
                self.found.append(f'{name}="{value}" on <{tag}>')


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def header_problems(response) -> list[str]:
    problems = []
    policy = response.get("Content-Security-Policy")
    if policy is None:
        return ["no Content-Security-Policy"]
    if csp_directives(policy) != EXPECTED_CSP:
        problems.append(f"Content-Security-Policy is {policy!r}")
    if "unsafe-inline" in policy or "unsafe-eval" in policy:
        problems.append(f"Content-Security-Policy allows unsafe code: {policy!r}")
    for name, value in OTHER_HEADERS.items():
        if response.get(name) != value:
            problems.append(f"{name} is {response.get(name)!r}, expected {value!r}")
    permissions = response.get("Permissions-Policy", "")
    problems += [f"Permissions-Policy does not deny {f}" for f in DENIED_FEATURES if f"{f}=()" not in permissions]
    return problems


def other_pages(world) -> list[str]:  # noqa: F811
    """Pages outside the access matrix: sign-in, the public pages, the admin and an error page."""
    survey = world.a.followup
    return [
        reverse("login"),
        reverse("privacy"),
        reverse("accessibility"),
        reverse("admin:index"),
        reverse("admin:surveys_survey_changelist"),
        reverse("admin:surveys_survey_change", args=[survey.pk]),
        reverse("admin:surveys_survey_add"),
        reverse("admin:surveys_diaryday_change", args=[survey.participants.first().days.first().pk]),
        reverse("admin:actionplan_actionitem_change", args=[world.a.item.pk]),
        "/no-such-page/",
    ]


@pytest.fixture
def https(settings):
    """HSTS as in production; Django sends it only over HTTPS, so the requests say they are secure."""
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True


@pytest.mark.parametrize("role", ROLES)
def test_every_page_sends_the_security_headers_and_holds_no_inline_code(client, world, https, role):  # noqa: F811
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    paths = [url.build(world.a) for url in URLS if not url.writes] + other_pages(world)
    statuses, problems = set(), []

    for path in paths:
        response = client.get(path, secure=True)
        statuses.add(response.status_code)
        problems += [f"{path} ({response.status_code}): {problem}" for problem in header_problems(response)]
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            problems += [f"{path}: {found}" for found in inline_code(response.content.decode())]

    assert not problems, "\n".join(problems)
    # The list really reached pages, refusals and sign-in redirects, not only one of them.
    assert 200 in statuses and 404 in statuses
    assert 302 in statuses if role == "anonymous" else True


def test_a_refused_host_and_a_refused_role_get_the_headers_too(client, world, https):  # noqa: F811
    bad_host = client.get(reverse("login"), HTTP_HOST="elsewhere.example", secure=True)
    client.force_login(world.users["manager"])
    forbidden = client.get(reverse("analysis:dashboard", args=[world.a.followup.slug]), secure=True)

    assert (bad_host.status_code, forbidden.status_code) == (400, 403)
    assert header_problems(bad_host) == [] and header_problems(forbidden) == []


def test_the_checker_finds_what_the_policy_would_refuse():
    html = (
        '<p style="color: red" onclick="go()">x</p><a href="javascript:go()">y</a><style>p{}</style>'
        '<script>go()</script><script src="/static/js/diary.js"></script>'
        '<script id="data" type="application/json">{}</script>'
    )
    assert inline_code(html) == [
        'style="color: red" on <p>',
        'onclick="go()" on <p>',
        'href="javascript:go()" on <a>',
        "a <style> element",
        "an inline <script>",
    ]
    assert csp_directives("default-src 'self'; img-src 'self' data:") == {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
    }
