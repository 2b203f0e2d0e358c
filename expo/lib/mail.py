"""Email leaves the request through Celery.

CeleryEmailBackend is Django's EMAIL_BACKEND: it turns each message into JSON and queues
``deliver_email`` (below) once the surrounding transaction commits. The task rebuilds the
message and hands it to EMAIL_DELIVERY_BACKEND (SMTP, console or file). allauth, our services and
the admin all send through Django's email API, so they all go this way.
"""

import smtplib

from celery import shared_task
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend

from . import urls


def message_to_dict(message: EmailMessage) -> dict:
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": {k: str(v) for k, v in (message.extra_headers or {}).items()},
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        "content_subtype": message.content_subtype,
    }


def message_from_dict(data: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
    )
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(content, mimetype)
    message.content_subtype = data["content_subtype"]
    return message


def delivery_connection(**kwargs):
    from django.conf import settings

    return get_connection(settings.EMAIL_DELIVERY_BACKEND, **kwargs)


class CeleryEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        from django.db import transaction

        count = 0
        for message in email_messages:
            if message.attachments:
                raise ValueError("Attachments are not queued; deliver them from a task.")
            payload = message_to_dict(message)
            transaction.on_commit(lambda p=payload: deliver_email.delay(p))
            count += 1
        return count


def send_templated_email(name, recipients, context, reply_to=None):
    """Send the email trio templates/<name>_subject.txt, <name>_body.txt and <name>_body.html.

    recipients are users or plain addresses. Each user gets the email in their own language
    (User.language); a plain address gets the active language (the sender's, e.g. an
    inviter's, or the site's default outside a request). One message per
    recipient, so that nobody sees who else received it. Sending queues Celery tasks after
    commit (CeleryEmailBackend), so call this from inside the service's transaction.
    """
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.utils import translation

    for recipient in recipients:
        address = getattr(recipient, "email", recipient)
        if isinstance(recipient, str):
            language = translation.get_language() or settings.LANGUAGE_CODE
        else:
            language = getattr(recipient, "language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
            site_url = urls.site_url()
            ctx = {
                "site_url": site_url,
                "base_url": site_url,
                **context,
                "recipient": recipient,
                "LANGUAGE_CODE": language,
            }
            if not isinstance(recipient, str):
                ctx.setdefault("user", recipient)
            subject = " ".join(render_to_string(f"{name}_subject.txt", ctx).split())
            text = render_to_string(f"{name}_body.txt", ctx)
            html = render_to_string(f"{name}_body.html", ctx)
        message = EmailMultiAlternatives(
            subject, text, settings.DEFAULT_FROM_EMAIL, [address], reply_to=reply_to
        )
        message.attach_alternative(html, "text/html")
        message.send()


# Named as before mail.py moved to expo/lib/, so that emails queued then are still delivered.
@shared_task(
    name="expo.tasks.deliver_email",
    autoretry_for=(
        smtplib.SMTPServerDisconnected,
        smtplib.SMTPConnectError,
        ConnectionError,
        TimeoutError,
    ),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def deliver_email(payload: dict) -> None:
    """Deliver one queued email with the configured delivery backend."""
    message = message_from_dict(payload)
    try:
        with delivery_connection() as connection:
            connection.send_messages([message])
    except smtplib.SMTPResponseException as error:
        if 400 <= error.smtp_code < 500:  # transient: greylisting, mailbox busy
            raise deliver_email.retry(exc=error, countdown=60) from error
        raise
