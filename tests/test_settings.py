"""The production settings: `check --deploy` is clean with the production environment, and nonsense
in the environment is refused instead of guessed at."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x9Fq2-production-like-secret-key-with-enough-length-and-variety-7Hk",
    "ALLOWED_HOSTS": "tidsdagbok.example.se",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Only what a production shell would have: nothing of the test session (its DEBUG, async flags).
    environment = {
        key: value for key, value in os.environ.items() if key not in PRODUCTION and not key.startswith("DJANGO_")
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def test_check_deploy_reports_nothing_with_production_environment():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secret_key_is_required_when_debug_is_off():
    result = _manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_boolean_that_is_not_one_is_refused():
    result = _manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_cache_url_chooses_a_shared_redis_cache_and_nonsense_is_refused():
    from mio.settings import cache_from_url

    assert cache_from_url("")["BACKEND"].endswith("LocMemCache")
    shared = cache_from_url("redis://127.0.0.1:6379/1")
    assert shared["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert shared["LOCATION"] == "redis://127.0.0.1:6379/1"
    result = _manage("check", CACHE_URL="memcached://127.0.0.1:11211", DEBUG="true")
    assert result.returncode != 0
    assert "CACHE_URL must be empty or a redis:// address" in result.stderr


def test_production_boots_with_the_shared_cache():
    script = "from django.core.cache import cache; cache.set('mio:probe', 1); print(cache.get('mio:probe'))"
    result = _manage("shell", "-v0", "-c", script, CACHE_URL="redis://127.0.0.1:6379/15", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"


def test_an_env_file_copied_from_the_example_boots_in_production():
    # .env.example leaves variables empty to mean "the default in brackets"; loaded the way the README
    # says (`set -a; . ./.env`), they are set to "", which must not turn the HTTPS hardening off or
    # stop the settings loading.
    script = (
        "set -a; . ./.env.example; set +a; "
        'DEBUG=false SECRET_KEY="$PRODUCTION_SECRET" exec "$PYTHON" manage.py check --deploy --fail-level WARNING'
    )
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(PYTHON=sys.executable, PRODUCTION_SECRET=PRODUCTION["SECRET_KEY"])
    result = subprocess.run(
        ["bash", "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_blank_variable_means_its_default():
    script = (
        "from django.conf import settings; "
        "print(settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS, settings.EMAIL_PORT, settings.EMAIL_BACKEND)"
    )
    blank = dict.fromkeys(("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "EMAIL_PORT", "EMAIL_BACKEND"), "")
    result = _manage("shell", "-v0", "-c", script, **PRODUCTION, **blank)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "31536000", "25", "django.core.mail.backends.smtp.EmailBackend"]
