"""An invitation through a real SMTP server on 127.0.0.1 (aiosmtpd): what arrives is addressed, encoded and
linked as it should be, and the link in it signs in."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from surveys import mailings

pytestmark = pytest.mark.django_db


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    # aiosmtpd's Controller checks that its server is up by connecting to the port it was given, so
    # it needs a real port number rather than 0.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = controller.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        yield inbox
    finally:
        controller.stop()


def test_an_invitation_arrives_over_smtp_with_a_working_link(survey, participant, smtp_server, client, settings):
    participant.user.email = "alice@kommun.se"
    participant.user.save()

    mailout = mailings.send_invitations(survey=survey)

    assert mailout.sent == 1
    (envelope,) = smtp_server.envelopes
    assert envelope.rcpt_tos == ["alice@kommun.se"]
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert message["To"] == "alice@kommun.se"
    assert message["From"] == settings.DEFAULT_FROM_EMAIL
    # The subject is the Swedish catalogue's wording, with the round's name (and its ä) intact after
    # the header's encoding.
    with translation.override("sv"):
        subject = gettext("Invitation to the time-use diary: %(name)s") % {"name": survey.name}
    assert message["Subject"] == subject
    # The round's name stands on its own: "Inbjudan: tidsdagboken Tidsdagbok hösten 2026" read badly.
    assert message["Subject"] == f"Inbjudan till tidsdagboken: {survey.name}"
    assert "Nollmätning 2025" in message["Subject"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Nollmätning 2025" in body
    assert "7 mars 2025" in body
    (link,) = re.findall(r"https?://\S+", body)
    assert link.startswith(f"{settings.SITE_URL}{reverse('signin_link')}?")

    parts = urlsplit(link)
    response = client.get(f"{parts.path}?{parts.query}")

    assert response.status_code == 302
    assert response.url == reverse("surveys:day", args=[survey.slug, survey.start_date.isoformat()])
    assert int(client.session[SESSION_KEY]) == participant.user.pk
