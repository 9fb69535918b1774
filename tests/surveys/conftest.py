"""Fixtures for the surveys tests: English messages and a signed-in manager."""

from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English, the source language, whatever Swedish catalogue exists."""
    with translation.override("en"):
        yield


@pytest.fixture
def english_client(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def manager_client(english_client, manager, participant):
    english_client.force_login(manager)
    return english_client
