"""Fixtures for the surveys tests: English messages and a signed-in manager."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def english(english):
    """Every test here asserts messages in English (tests/conftest.py's `english`)."""
    return english


@pytest.fixture
def manager_client(english_client, manager, participant):
    english_client.force_login(manager)
    return english_client
