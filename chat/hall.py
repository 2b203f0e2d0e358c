"""What chat adds to the exhibition hall (registered in ChatConfig.ready(), see
booths/extensions.py): how many talent wait in each booth's queue."""

from django.db.models import Count

from .models import QueueEntry


def waiting_counts(booths) -> None:
    """Sets booth.waiting_count on a page of booths, in one query."""
    waiting = dict(
        QueueEntry.objects.waiting()
        .filter(booth__in=booths)
        .values("booth")
        .annotate(n=Count("pk"))
        .values_list("booth", "n")
    )
    for booth in booths:
        booth.waiting_count = waiting.get(booth.pk, 0)


def register():
    from booths import extensions

    extensions.HALL_DECORATORS["waiting"] = waiting_counts
