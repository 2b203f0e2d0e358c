"""Announcements: choosing the recipients, starting the sending (the batches run in Celery:
tasks.py -> delivery.py), progress and unsubscribes."""

from django.core import signing
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from booths.models import Membership
from expo.schedule.models import Registration

from .delivery import UNSUBSCRIBE_SALT, announcement_email  # noqa: F401  (the admin's preview)
from .models import Announcement, AnnouncementDelivery, AnnouncementOptOut
from .tasks import send_announcement


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


def progress(announcement) -> dict:
    sent = announcement.deliveries.filter(sent_at__isnull=False).count()
    total = announcement.recipients_total
    return {"sent": sent, "total": total, "percent": round(100 * sent / total) if total else 100}


def user_for_unsubscribe_token(token):
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=60 * 60 * 24 * 365)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=pk).first()


def unsubscribe(user) -> None:
    AnnouncementOptOut.objects.get_or_create(user=user)
