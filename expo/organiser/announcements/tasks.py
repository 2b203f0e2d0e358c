from celery import shared_task

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
    at once or again after a crash: each delivery is claimed and marked in one transaction."""
    while send_next_batch(announcement_id):
        pass
