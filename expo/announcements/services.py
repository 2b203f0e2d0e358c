"""Sending announcements: once per recipient, in batches, with progress, honouring unsubscribes."""

from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from booths.models import Membership
from expo.models import Registration

from .models import Announcement, AnnouncementDelivery, AnnouncementOptOut

BATCH_SIZE = 200
UNSUBSCRIBE_SALT = "expo.announcements.unsubscribe"


def segment_users(announcement):
    """The users an announcement goes to: its segment, minus those who unsubscribed, minus
    inactive accounts."""
    Segment = Announcement.Segment
    users = User.objects.filter(is_active=True)
    staff_ids = Membership.objects.values("user_id")
    match announcement.segment:
        case Segment.ALL_TALENT:
            users = users.filter(is_staff=False).exclude(pk__in=staff_ids)
        case Segment.TRACK_REGISTRANTS:
            users = users.filter(
                pk__in=Registration.objects.filter(
                    session__track=announcement.track,
                    status=Registration.Status.REGISTERED,
                ).values("user_id")
            )
        case Segment.COMPANY_ADMINS:
            users = users.filter(
                pk__in=Membership.objects.filter(role=Membership.Role.ADMIN).values("user_id")
            )
        case Segment.EMPLOYER_STAFF:
            users = users.filter(pk__in=staff_ids)
        case Segment.EVERYONE:
            pass
    return users.exclude(pk__in=AnnouncementOptOut.objects.values("user_id"))


def request_send(announcement_id) -> bool:
    """Start sending a draft. A second click (or a second admin) finds it already sending and
    starts nothing. Returns whether this call started the sending."""
    from .tasks import send_announcement

    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().get(pk=announcement_id)
        if announcement.status != Announcement.Status.DRAFT:
            return False
        recipients = list(segment_users(announcement).values_list("pk", flat=True))
        AnnouncementDelivery.objects.bulk_create(
            [AnnouncementDelivery(announcement=announcement, user_id=pk) for pk in recipients],
            batch_size=1000,
            ignore_conflicts=True,
        )
        announcement.status = Announcement.Status.SENDING
        announcement.send_requested_at = timezone.now()
        announcement.recipients_total = len(recipients)
        announcement.save(update_fields=["status", "send_requested_at", "recipients_total"])
        transaction.on_commit(lambda: send_announcement.delay(announcement.pk))
    return True


def send_next_batch(announcement_id, batch_size=BATCH_SIZE) -> int:
    """Claim up to batch_size unsent deliveries (skip_locked, so parallel runs never share a
    row), queue their emails and mark them sent in the same transaction. Returns how many."""
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


def progress(announcement) -> dict:
    sent = announcement.deliveries.filter(sent_at__isnull=False).count()
    total = announcement.recipients_total
    return {"sent": sent, "total": total, "percent": round(100 * sent / total) if total else 100}


def unsubscribe_token(user) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def user_for_unsubscribe_token(token):
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=60 * 60 * 24 * 365)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=pk).first()


def unsubscribe(user) -> None:
    AnnouncementOptOut.objects.get_or_create(user=user)


def announcement_email(announcement, user):
    """The email of one announcement to one user, in the user's language, with a one-click
    unsubscribe link (also as List-Unsubscribe)."""
    from django.conf import settings

    path = reverse("announcement_unsubscribe", args=[unsubscribe_token(user)])
    base = settings.SITE_URL.rstrip("/")
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
