"""Celery tasks of the live video: they load by id and call a service (safe to run twice)."""

from celery import shared_task


@shared_task(acks_late=True)
def convert_recording(session_id: int) -> str | None:
    from .replays import do_convert

    replay = do_convert(session_id)
    return replay.status if replay else None


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def revoke_media(user_id: int, session_id: int | None = None) -> int:
    from .services import do_revoke_user

    return do_revoke_user(user_id, session_id)


def close_room(session_id: int) -> None:
    """End the session's video (services.do_close_room), then convert its recording after
    the commit (a task of its own: minutes of ffmpeg never run inside a request)."""
    from .services import do_close_room

    room = do_close_room(session_id)
    if room is not None and room.has_recording:
        convert_recording.delay_on_commit(session_id)


@shared_task
def close_finished_rooms() -> int:
    """Rooms of sessions well past their end whose host never ended them (beat)."""
    from .services import finished_rooms

    sessions = finished_rooms()
    for session_id in sessions:
        close_room(session_id)
    return len(sessions)
