"""Chat's Celery tasks (found by autodiscovery): the live room's video."""

from .liveroom.media.tasks import (  # noqa: F401
    close_finished_rooms,
    convert_recording,
    revoke_media,
)
