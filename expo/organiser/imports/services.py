"""Starting an import once its preview was checked; the passes themselves run in Celery
(tasks.py -> running.py)."""

from django.db import transaction
from django.utils import timezone

from .models import ImportJob
from .tasks import run_import


def start_import(job_id) -> bool:
    """Confirm a checked import. Refused (nothing imported) in all-or-nothing mode when rows
    are bad; a second confirmation of the same import starts nothing."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status != ImportJob.Status.CHECKED:
            return False
        if job.mode == ImportJob.Mode.ALL_OR_NOTHING and job.row_errors:
            job.status = ImportJob.Status.REFUSED
            job.message = "Nothing was imported because some rows are bad."
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "message", "finished_at"])
            return False
        job.status = ImportJob.Status.IMPORTING
        job.save(update_fields=["status"])
        transaction.on_commit(lambda: run_import.delay(job.pk))
    return True
