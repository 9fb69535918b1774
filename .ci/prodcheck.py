"""The HTTP half of .ci/prodcheck: a production server (gunicorn, DEBUG off) answers as it should.

Usage: prodcheck.py BASE_URL STATIC_ROOT USERNAME PASSWORD

Every request says `X-Forwarded-Proto: https`, as a TLS-terminating proxy would, so the server
treats it as HTTPS (SECURE_PROXY_SSL_HEADER=true) while the script talks plain HTTP to it.
Cookies are kept by hand: they are Secure, and http.cookiejar would not send them over http://.
Standard library only, so it runs before or without the project's requirements.
"""

from __future__ import annotations

import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path

SECURITY_HEADERS = {
    "Content-Security-Policy": None,  # checked on its own below
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": None,
    "Strict-Transport-Security": None,
    "X-Frame-Options": "DENY",
}
CSP_REQUIRED = ["default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]


class CheckFailed(Exception):
    pass


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are followed by hand, so that each response's cookies are kept."""

    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.origin = "https://" + urllib.parse.urlsplit(self.base_url).netloc
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(NoRedirects)

    def request(self, path: str, *, data: dict[str, str] | None = None, proxy_https: bool = True, referer: str = ""):
        """One request; returns (status, headers, body). Redirects are not followed."""
        headers = {"User-Agent": "mio-prodcheck"}
        if proxy_https:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            # Django checks the Origin (and Referer) of an HTTPS POST against the host.
            headers["Origin"] = self.origin
            headers["Referer"] = referer or self.origin + path
        request = urllib.request.Request(self.base_url + path, data=body, headers=headers)
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:  # 3xx (not followed) and 4xx/5xx
            response = error
        with response:
            content = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, response.headers, content

    def get(self, path: str, *, follow: bool = False):
        status, headers, body = self.request(path)
        for _hop in range(5):
            if not (follow and status in (301, 302, 303)):
                break
            location = urllib.parse.urlsplit(headers["Location"])
            path = location.path + (f"?{location.query}" if location.query else "")
            status, headers, body = self.request(path)
        return status, headers, body


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def check_security_headers(headers, where: str) -> None:
    for name, value in SECURITY_HEADERS.items():
        expect(headers.get(name) is not None, f"{where}: no {name} header")
        if value is not None:
            expect(headers[name] == value, f"{where}: {name} is {headers[name]!r}, expected {value!r}")
    policy = headers["Content-Security-Policy"]
    directives = [part.strip() for part in policy.split(";")]
    for directive in CSP_REQUIRED:
        expect(directive in directives, f"{where}: Content-Security-Policy lacks {directive!r}: {policy}")
    expect("unsafe-inline" not in policy, f"{where}: Content-Security-Policy allows 'unsafe-inline': {policy}")
    expect("camera=()" in headers["Permissions-Policy"], f"{where}: Permissions-Policy allows the camera")
    expect("max-age=" in headers["Strict-Transport-Security"], f"{where}: Strict-Transport-Security has no max-age")


def run(base_url: str, static_root: Path, username: str, password: str) -> None:
    client = Client(base_url)
    login_path = "/konto/logga-in/"

    # Plain http (no proxy header) is sent to https.
    status, headers, _body = client.request(login_path, proxy_https=False)
    expect(status == 301, f"plain http login page: {status}, expected 301 to https")
    expect(headers["Location"].startswith("https://"), f"plain http redirects to {headers['Location']}")

    # The login page, with every security header.
    status, headers, body = client.request(login_path)
    expect(status == 200, f"login page: {status}")
    check_security_headers(headers, "login page")
    page = body.decode()
    print("  login page: 200 with the security headers")

    # A static file through whitenoise: its hashed name from the manifest, cached for good.
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    hashed = manifest["css/mio.css"]
    expect(hashed != "css/mio.css", "the manifest has no hashed name for css/mio.css")
    expect(f"/static/{hashed}" in page, f"the login page does not link the hashed /static/{hashed}")
    status, headers, body = client.request(f"/static/{hashed}")
    expect(status == 200, f"/static/{hashed}: {status}")
    cache_control = headers.get("Cache-Control", "")
    expect("max-age=315360000" in cache_control, f"/static/{hashed}: Cache-Control is {cache_control!r}")
    expect(b".diary-grid" in body, f"/static/{hashed} is not the site's stylesheet")
    print(f"  static file: /static/{hashed} 200, Cache-Control: {cache_control}")

    # Sign in with the form's CSRF token, then a signed-in page.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    expect(token is not None, "the login page has no CSRF token")
    expect("csrftoken" in client.cookies, "the login page set no CSRF cookie")
    form = {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
    status, headers, body = client.request(login_path, data=form, referer=client.origin + login_path)
    expect(status == 302, f"signing in: {status}, expected a redirect (wrong password or CSRF refused?)")
    expect("sessionid" in client.cookies, "signing in set no session cookie")
    status, headers, body = client.get("/", follow=True)
    expect(status == 200, f"the start page when signed in: {status}")
    check_security_headers(headers, "start page")
    expect(b'action="/konto/logga-ut/"' in body, "the start page shows no log-out button: not signed in")
    status, headers, body = client.get("/admin/")
    expect(status == 200, f"the admin index: {status}")
    expect(username.encode() in body, "the admin index does not name the signed-in user")
    print("  signed in: the start page and the admin index answer 200 for the user")


def main() -> int:
    base_url, static_root, username, password = sys.argv[1:5]
    try:
        run(base_url, Path(static_root), username, password)
    except (CheckFailed, OSError, KeyError) as error:
        print(f"prodcheck FAILED: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
