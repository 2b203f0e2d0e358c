"""Email goes through the outbox (expo/lib/outbox.py).

OutboxEmailBackend is Django's EMAIL_BACKEND: each message becomes a queued row (a
django-post-office Email) in the caller's transaction, and the worker (the send_outbox task)
sends it with EMAIL_DELIVERY_BACKEND (SMTP, console or file) after the commit. allauth, our
services and the admin all send through Django's email API, so they all go this way.
"""

from celery import shared_task
from django.core.mail import EmailMessage, EmailMultiAlternatives
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


class OutboxEmailBackend(BaseEmailBackend):
    """Writes each message as an outbox row in the current transaction (nothing is sent here:
    a rolled-back transaction sends nothing, a committed one can no longer lose its email)."""

    def send_messages(self, email_messages):
        from .outbox import queue

        for message in email_messages:
            queue(message)
        return len(email_messages)


def _zone(name):
    import zoneinfo

    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def send_templated_email(name, recipients, context, reply_to=None, attachments=None):
    """Send the email trio templates/<name>_subject.txt, <name>_body.txt and <name>_body.html.

    attachments: a function(recipient) returning [(filename, content, mimetype)], called in
    the recipient's language (e.g. an invitation .ics for each side of a meeting); the outbox
    keeps them with the row (expo/lib/outbox.py).

    recipients are users or plain addresses. Each user gets the email in their own language
    (User.language); a plain address gets the active language (the sender's, e.g. an
    inviter's, or the site's default outside a request). One message per
    recipient, so that nobody sees who else received it. Sending writes outbox rows
    (OutboxEmailBackend), so call this from inside the service's transaction.
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
                # times in the recipient's own zone beside Hong Kong's, as on the site
                ctx.setdefault("visitor_tz", _zone(getattr(recipient, "time_zone", "")))
            subject = " ".join(render_to_string(f"{name}_subject.txt", ctx).split())
            text = render_to_string(f"{name}_body.txt", ctx)
            html = render_to_string(f"{name}_body.html", ctx)
            files = attachments(recipient) if attachments else []
        message = EmailMultiAlternatives(
            subject, text, settings.DEFAULT_FROM_EMAIL, [address], reply_to=reply_to
        )
        message.attach_alternative(html, "text/html")
        for filename, content, mimetype in files:
            message.attach(filename, content, mimetype)
        message.send()


# Named as before mail.py moved to expo/lib/: messages queued as Celery tasks by the version
# before the outbox land in the outbox.
@shared_task(name="expo.tasks.deliver_email", ignore_result=True)
def deliver_email(payload: dict) -> None:
    from .outbox import queue

    queue(message_from_dict(payload))
