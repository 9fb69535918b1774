"""Settings for MIO Tidsdagbok, read from the environment (see .env.example)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env(name: str, default: str = "") -> str:
    """The variable's value, or `default` when it is unset or blank: .env.example leaves a variable
    empty (`SECURE_HSTS_SECONDS=`) to mean the default in brackets, and a file copied from it and
    loaded with `set -a; . .env` or systemd's EnvironmentFile= sets those variables to ""."""
    return os.environ.get(name, "").strip() or default


def envbool(name: str, default: str) -> bool:
    value = env(name, default).lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def envint(name: str, default: str) -> int:
    value = env(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "false")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    # Only for local development: a fixed key keeps sessions across restarts.
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "csp",
    "axes",
    "surveys",
    # Before analysis: the app template loader searches apps in this order, so that actionplan's
    # analysis/_ranking_*_actions.html and _nav_actions.html override analysis's empty hooks.
    "actionplan",
    "analysis",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Up here with the other headers, so that a refused request (400 for a wrong host) has it too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mio.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication, to know who is signed in: their pages and every download are not cached.
    "mio.nostore.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication and messages: ends too-old sign-ins and explains timeouts (see Sessions).
    "mio.sessions.SessionLifetimeMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Inside every middleware above, so that its 400 page has their headers and the user's language.
    "mio.middleware.RefuseNulMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mio.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "surveys.context_processors.roles_context",
            ],
        },
    },
]

WSGI_APPLICATION = "mio.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("CONN_MAX_AGE", "60"),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_from_url(url: str) -> dict[str, object]:
    """The cache named by CACHE_URL: empty for memory in each process (`make run`, tests), or
    redis://host:port/db (rediss:// for TLS) for one cache that every worker and server shares in
    production: figures are then computed once, not once per worker, and sign-in limits count every
    attempt, not only those that reached the same worker."""
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "mio"}
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": "mio"}
    raise ImproperlyConfigured(f"CACHE_URL must be empty or a redis:// address, not {url!r}")


CACHES = {"default": cache_from_url(env("CACHE_URL"))}
# Sessions stay in the database, and are read through the cache when it is one shared cache (CACHE_URL): every
# signed-in page then finds its session in Redis instead of asking PostgreSQL, one query less (loadtest/bench.py
# measures it). Not with each process's own memory: a session ended in one worker (logging out) would live on in
# the memory of the others.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHES["default"]["BACKEND"].endswith("RedisCache")
    else "django.contrib.sessions.backends.db"
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses sign-in for a locked account before any password is checked (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Personal sign-in links in invitations, reminders and "e-mail me a sign-in link".
    "sesame.backends.ModelBackend",
]
# Links in invitations and reminders are valid 14 days; a link asked for on the login page
# for a shorter time (see surveys.signin). Each is scoped to its purpose.
SESAME_MAX_AGE = dt.timedelta(days=14)
SESAME_TOKEN_NAME = "lank"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Sign-in attempts (django-axes) ---
# AXES_FAILURE_LIMIT failed passwords for one account lock that account for an hour (surveys/lockouts.py
# shows the page, writes the audit trail and lets administrators lift it). The lock is per account, not
# per address: a municipality's managers often share one public IP address, and a per-address lock would
# let one person's guessing shut all of them out. A per-address limit over many accounts (one password
# tried on every account) is left out for the same reason; most accounts have no password at all.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "10")
if AXES_FAILURE_LIMIT < 1:
    raise ImproperlyConfigured(f"AXES_FAILURE_LIMIT must be at least 1, not {AXES_FAILURE_LIMIT}")
AXES_COOLOFF_TIME = dt.timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for "ip_address" in the lock; per account only is the choice explained above.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
# Attempts refused during a lock do not extend it: the lockout page can say when it lifts, and whoever
# keeps guessing cannot keep the owner out for longer than an hour.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "surveys.lockouts.lockout_response"
# No record of every successful sign-in (the account's last login is enough): less personal data kept.
AXES_DISABLE_ACCESS_LOG = True
# The client's address for axes' records and for the rate limits (django-ratelimit's "ip" key). Behind
# reverse proxies set TRUSTED_PROXY_COUNT to how many there are: the address is then read from
# X-Forwarded-For, counting from the right, so a client cannot choose it (mio/clientip.py).
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "0")
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT must be 0 or more, not {TRUSTED_PROXY_COUNT}")
AXES_CLIENT_IP_CALLABLE = "mio.clientip.client_ip"
RATELIMIT_IP_META_KEY = "mio.clientip.client_ip"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Stockholm"
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic puts the files that whitenoise serves (.ci/prodcheck uses a temporary folder).
STATIC_ROOT = Path(env("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# HTTPS hardening: on by default when DEBUG is off; each can be turned off behind a
# proxy that already does it.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "false" if DEBUG else "true")
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", "false" if DEBUG else "true")
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", "false" if DEBUG else "true")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "true")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "false" if DEBUG else "true")
if envbool("SECURE_PROXY_SSL_HEADER", "false"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Django's default, said here: another site's window cannot reach ours through window.opener.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Content-Security-Policy (django-csp) ---
# The site's own scripts, styles, images and fonts only, and nothing inline: no <script> or <style>
# in a page, no style="" or on…="" attributes (the charts are inline SVG with presentation attributes,
# see analysis/charts.py). data: images are Bootstrap's icons written into its stylesheet (the navbar
# toggler, form validation) and matplotlib's colour bars. No plugins, no <base>, no framing by other
# sites, and forms post only here. tests/test_headers.py and the browser tests hold pages to it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- Permissions-Policy (django-permissions-policy) ---
# A diary needs no camera, microphone, position, payment or device access: refuse them for the site
# and anything it might embed. Only features the browsers know: Chromium reports every other name as an
# error in the console of every page (ambient-light-sensor and bluetooth were left out for that).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# --- Sessions ---
# Idle timeout: the session lives SESSION_IDLE_MINUTES from its last save, and mio/sessions.py saves it
# again (at most once a minute) while the user is active, so it ends after that long without activity.
# The cookie itself lasts until the browser closes, so that a browser coming back later still names
# its expired session and the login page can say why.
# Absolute lifetime: SESSION_MAX_HOURS after signing in, whatever the activity (mio/sessions.py).
SESSION_IDLE_MINUTES = envint("SESSION_IDLE_MINUTES", "60")
SESSION_MAX_HOURS = envint("SESSION_MAX_HOURS", "12")
if SESSION_IDLE_MINUTES < 1 or SESSION_MAX_HOURS < 1:
    raise ImproperlyConfigured("SESSION_IDLE_MINUTES and SESSION_MAX_HOURS must be at least 1")
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# A refused form (usually a page left open so long that its security token went stale) gets the
# site's own 403 page with advice, not Django's bare one.
CSRF_FAILURE_VIEW = "mio.errors.csrf_failure"

# E-mail: invitations, reminders and sign-in links. Development prints them in the terminal.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", "30")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "MIO Tidsdagbok <tidsdagbok@localhost>")
if env("EMAIL_FILE_PATH"):
    EMAIL_FILE_PATH = env("EMAIL_FILE_PATH")
# The address people reach the app at, for links in e-mails sent by commands (cron has no request).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Imported files ---
# A CSV or xlsx file to import (web upload or command) larger than MAX_IMPORT_MB is refused before it is
# read. An upload's bytes beyond the limit are counted, not kept on disk (mio/uploads.py), so that the form
# can say how large it was; a reverse proxy's body limit should stop far larger requests before Django.
IMPORT_MAX_BYTES = envint("MAX_IMPORT_MB", "20") * 1024 * 1024
if IMPORT_MAX_BYTES < 1:
    raise ImproperlyConfigured("MAX_IMPORT_MB must be at least 1")
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "mio.uploads.LimitedTemporaryFileUploadHandler",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# Who answers questions about personal data and about accessibility, shown on the privacy notice and the
# accessibility statement (e.g. "dataskyddsombud@mjolby.se, 0142-850 00"). Empty: the pages tell people to
# ask their municipality's data protection officer or the administrator of the survey.
PRIVACY_CONTACT = env("PRIVACY_CONTACT")
ACCESSIBILITY_CONTACT = env("ACCESSIBILITY_CONTACT")
FIGURE_CACHE_SECONDS = envint("FIGURE_CACHE_SECONDS", "86400")  # mio/cache.py: keys carry the data's version
