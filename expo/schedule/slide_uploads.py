"""A host's PDF upload, kept to become the session's slides: the row and the file written in
one transaction, tasks.convert_slides queued after the commit (expo/schedule/slides.py converts
it). Apart from slides.py so that the tasks module, which runs the conversion, and the upload,
which queues it, import each other in one direction only."""

from django.db import transaction
from django.utils import timezone

from .models import SlideConversion
from .tasks import convert_slides


def request_conversion(session, upload, user) -> SlideConversion:
    """Keep the host's PDF to be converted into the session's slides: the row and the file in
    one transaction, the task queued after the commit. A newer upload replaces a waiting one."""
    with transaction.atomic():
        conversion, _created = SlideConversion.objects.select_for_update().get_or_create(
            session=session
        )
        replaced = conversion.pdf.name
        upload.seek(0)
        conversion.pdf.save("slides.pdf", upload, save=False)
        conversion.status = SlideConversion.Status.WAITING
        conversion.error, conversion.pages = "", 0
        conversion.requested_by = user
        conversion.updated_at = timezone.now()
        conversion.save()
        storage = conversion.pdf.storage
        if replaced:
            transaction.on_commit(lambda: storage.delete(replaced))
        # Best effort: with the broker down, the sweep converts the row.
        transaction.on_commit(lambda: convert_slides.delay(session.pk), robust=True)
    return conversion
