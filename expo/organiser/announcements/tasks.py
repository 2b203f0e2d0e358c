from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .delivery import send_next_batch


# Named as before the organiser app existed, so that batches queued then still run.
@shared_task(
    bind=True,
    max_retries=20,
    default_retry_delay=30,
    name="expo.announcements.tasks.send_announcement",
)
def send_announcement(self, announcement_id):
    """Send an announcement batch by batch until no unsent delivery is left. Safe to run twice
    at once or again after a crash: each delivery is claimed, its email written to the outbox
    and the delivery marked in one transaction."""
    while send_next_batch(announcement_id):
        pass


@shared_task(ignore_result=True, name="expo.announcements.tasks.resume_announcements")
def resume_announcements() -> int:
    """Beat: carry on announcements still sending a while after they were started (their task
    was lost with a killed worker, or the broker was down when it was queued)."""
    from .models import Announcement

    started_before = timezone.now() - timedelta(seconds=30)
    ids = list(
        Announcement.objects.filter(
            status=Announcement.Status.SENDING, send_requested_at__lt=started_before
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        send_announcement.delay(pk)
    return len(ids)
