"""The diary pages must not pay for pandas and matplotlib: the URLconf loads the analysis views."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys
import django
django.setup()
from django.urls import resolve
from django.template.loader import get_template
resolve("/analys/")
get_template("base.html")
print(sorted(name for name in ("pandas", "numpy", "matplotlib") if name in sys.modules))
"""


def test_loading_the_urls_and_templates_imports_no_pandas_or_matplotlib():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mio.settings", "DEBUG": "true"}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
