"""An SMTP server that accepts the connection and never answers costs a sender no more than
EMAIL_TIMEOUT (without it, the request never returned)."""

import time

import pytest
from django.core.mail import send_mail

from tests.core.silent_servers import silent_server


def test_the_setting_has_a_default():
    from django.conf import settings

    assert 0 < settings.EMAIL_TIMEOUT <= 30


def test_a_silent_smtp_server_fails_the_sending_within_email_timeout(settings):
    with silent_server() as port:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_TIMEOUT = 1
        started = time.monotonic()
        with pytest.raises(OSError):  # TimeoutError, from the greeting never sent
            send_mail("Objet", "Texte", "pepites@example.org", ["centre@example.org"])
        assert time.monotonic() - started < 2.5
