"""Email leaves through the outbox after commit and reaches a real SMTP server."""

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from django.core.mail import send_mail

from expo.lib.mail import message_from_dict, message_to_dict
from tests.harness import free_port

pytestmark = pytest.mark.django_db


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    yield inbox
    controller.stop()


def test_a_sign_up_email_reaches_a_real_smtp_server(
    client, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {
                "full_name": "Sam Smtp",
                "email": "sam@example.org",
                "password1": "pw-Str0ng-enough!",
                "password2": "pw-Str0ng-enough!",
            },
        )

    assert [m["To"] for m in smtp_server.messages] == ["sam@example.org"]
    assert "/accounts/confirm-email/" in smtp_server.messages[0].get_payload(decode=True).decode()


def test_a_message_survives_the_round_trip_through_json():
    from django.core.mail import EmailMultiAlternatives

    original = EmailMultiAlternatives(
        "Subject ✓",
        "Body",
        "from@example.org",
        ["to@example.org"],
        reply_to=["r@example.org"],
        headers={"List-Unsubscribe": "<https://x/u>"},
    )
    original.attach_alternative("<p>Body</p>", "text/html")

    copy = message_from_dict(message_to_dict(original))

    assert message_to_dict(copy) == message_to_dict(original)


def test_nothing_is_sent_before_the_transaction_commits(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send_mail("Hello", "Body", None, ["a@example.org"])
        assert mailoutbox == []

    assert len(callbacks) == 1
    callbacks[0]()
    assert [m.subject for m in mailoutbox] == ["Hello"]
