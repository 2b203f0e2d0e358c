"""Delivering an announcement: once per recipient, in batches, honouring unsubscribes. Run by
tasks.send_announcement; services.request_send queues it."""

from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from expo.lib.urls import site_url

from .models import Announcement, AnnouncementDelivery

BATCH_SIZE = 200
# The salt names the module as it was when the first links were sent: they stay valid.
UNSUBSCRIBE_SALT = "expo.announcements.unsubscribe"


def send_next_batch(announcement_id, batch_size=BATCH_SIZE) -> int:
    """Claim up to batch_size unsent deliveries (skip_locked, so parallel runs never share a
    row), write their emails to the outbox and mark them sent in the same transaction: a
    delivery marked sent always has its email queued (expo/lib/outbox.py). Returns how many."""
    with transaction.atomic():
        announcement = Announcement.objects.get(pk=announcement_id)
        batch = list(
            AnnouncementDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(announcement=announcement, sent_at__isnull=True)
            .select_related("user")
            .order_by("pk")[:batch_size]
        )
        for delivery in batch:
            announcement_email(announcement, delivery.user).send()
        AnnouncementDelivery.objects.filter(pk__in=[d.pk for d in batch]).update(
            sent_at=timezone.now()
        )
        if not batch and not announcement.deliveries.filter(sent_at__isnull=True).exists():
            Announcement.objects.filter(pk=announcement.pk, sent_at__isnull=True).update(
                status=Announcement.Status.SENT, sent_at=timezone.now()
            )
    return len(batch)


def unsubscribe_token(user) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def announcement_email(announcement, user):
    """The email of one announcement to one user, in the user's language, with a one-click
    unsubscribe link (also as List-Unsubscribe)."""

    path = reverse("announcement_unsubscribe", args=[unsubscribe_token(user)])
    base = site_url()
    context = {"announcement": announcement, "user": user, "unsubscribe_url": base + path}
    with translation.override(user.language or "en"):
        subject = render_to_string("expo/email/announcement_subject.txt", context).strip()
        text = render_to_string("expo/email/announcement_body.txt", context)
        html = render_to_string("expo/email/announcement_body.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{base}{path}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
