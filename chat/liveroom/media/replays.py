"""The on-demand replay of a session: converted once after it ends (a Celery task calls
`do_convert`), then served to the people who may see the session, seekable."""

import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from expo.schedule.models import Registration, Session, Stage

from . import recording
from .models import MediaGrant, MediaRoom, Replay

log = logging.getLogger(__name__)


def replay_path(session_id: int) -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "replays" / f"session-{session_id}.mp4"


def _claim(session_id: int) -> Replay | None:
    """Take the replay for conversion (None when another run has it or it is done)."""
    with transaction.atomic():
        replay, _created = Replay.objects.get_or_create(session_id=session_id)
        replay = Replay.objects.select_for_update().get(pk=replay.pk)
        if replay.status in (Replay.Status.READY, Replay.Status.EMPTY):
            return None
        if replay.status == Replay.Status.CONVERTING and replay.updated_at > timezone.now() - (
            timezone.timedelta(minutes=30)
        ):
            return None  # another worker is on it (a crashed one is retried after 30 min)
        replay.status, replay.progress, replay.error = Replay.Status.CONVERTING, 0, ""
        replay.save(update_fields=["status", "progress", "error", "updated_at"])
        return replay


def do_convert(session_id: int) -> Replay | None:
    """Convert the session's recording into its replay. Safe to run twice."""
    room = MediaRoom.objects.filter(session_id=session_id).first()
    if room is None or not room.recording_dir:
        return None
    replay = _claim(session_id)
    if replay is None:
        return Replay.objects.filter(session_id=session_id).first()
    stage = Stage.objects.filter(session_id=session_id).first()
    live_seconds, window = 0.0, None
    if stage and stage.went_live_at and stage.ended_at:
        live_seconds = (stage.ended_at - stage.went_live_at).total_seconds()
        window = (stage.went_live_at.timestamp(), stage.ended_at.timestamp())
    host_feeds = list(
        MediaGrant.objects.filter(session_id=session_id, role=MediaGrant.Role.HOST).values_list(
            "feed_id", flat=True
        )
    )

    def progress(percent):
        Replay.objects.filter(pk=replay.pk).update(progress=percent, updated_at=timezone.now())

    output = replay_path(session_id)
    output.parent.mkdir(parents=True, exist_ok=True)
    fields = {"live_seconds": live_seconds, "updated_at": timezone.now()}
    missing = recording.missing_tools()
    if missing:
        fields.update(
            status=Replay.Status.FAILED,
            error=f"The converter needs: apt-get install {' '.join(missing)}",
        )
    else:
        try:
            duration = recording.convert(
                Path(room.recording_dir), output, host_feeds, window, on_progress=progress
            )
        except FileNotFoundError:
            fields.update(status=Replay.Status.EMPTY, progress=100)
        except (recording.ConversionError, OSError) as error:
            log.exception("session %s: the replay conversion failed", session_id)
            fields.update(status=Replay.Status.FAILED, error=str(error)[:2000])
        else:
            fields.update(
                status=Replay.Status.READY,
                progress=100,
                file=str(output),
                size=output.stat().st_size,
                duration=duration,
            )
    Replay.objects.filter(pk=replay.pk).update(**fields)
    replay.refresh_from_db()
    return replay


def may_watch(user, session: Session) -> bool:
    """The replay is for the people who could attend: hosts, organiser staff, registered."""
    if not user.is_authenticated:
        return False
    if user.is_staff or session.is_host(user):
        return True
    return Registration.objects.filter(
        session=session, user=user, status=Registration.Status.REGISTERED
    ).exists()
