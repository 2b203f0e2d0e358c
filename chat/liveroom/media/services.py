"""Live video in the live room: Django is the authority, Janus (VideoRoom) carries the media.

- When the host goes live, Django creates the session's room on a media server with its own
  secret and PIN (`do_open_room`). When the session ends it destroys it, which drops every
  peer, and removes every token (`do_close_room`); the recording then goes to the converter.
- Each person in the room asks for a grant (`do_grant`): a per-user token that Django adds to
  Janus's token store (without one Janus refuses every request) while they may attend:
  registered or host, not banned, the session live. Logout, a ban, a cancelled registration
  or the session's end revokes it (`do_revoke_user`, `do_close_room`).
- Publishing needs more: the token must be in the room's `allowed` list, which Janus checks
  when someone joins as a publisher. Only hosts (at most 1 + LIVE_COHOSTS_MAX at once) and the
  attendees a host brought on stage are in it; taking someone off stage removes the token and
  kicks their publisher. Viewers subscribe with the room's PIN, which only grant holders get.
- What people see (who is publishing, who raised a hand, who is on stage) is one `media`
  event in the live room's numbered stream, built from the database and Janus's own list of
  publishers (`do_reconcile`): a participant Janus lists that no grant explains is kicked.
"""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from chat.models import Ban
from expo.schedule.models import Registration, Stage

from .. import services as liveroom
from . import janus
from .models import MediaGrant, MediaRoom, Replay, StageSeat

log = logging.getLogger(__name__)

MAX_HOST_PUBLISHERS = 1 + settings.LIVE_COHOSTS_MAX
NOT_CONFIGURED = "off"


class MediaError(liveroom.LiveRoomError):
    pass


def _random_id() -> int:
    """A Janus id: random, non-zero, exact in a JavaScript number."""
    return secrets.randbelow(2**53 - 2) + 1


# --- State --------------------------------------------------------------------------------
def media_state(session_id: int, stage_status: str | None = None) -> dict:
    """What every client draws: the media status, the published feeds, the stage and hands."""
    if stage_status is None:
        stage_status = (
            Stage.objects.filter(session_id=session_id).values_list("status", flat=True).first()
            or Stage.Status.WAITING
        )
    room = MediaRoom.objects.filter(session_id=session_id).first()
    if not janus.configured():
        status = NOT_CONFIGURED
    elif stage_status == Stage.Status.ENDED:
        status = "ended"
    elif stage_status != Stage.Status.LIVE:
        status = "waiting"
    elif room is not None and room.is_open:
        status = "ready"
    else:
        status = "unavailable"
    feeds, stage, hands = [], [], []
    if status == "ready":
        grants = MediaGrant.objects.filter(
            session_id=session_id, revoked_at__isnull=True, publishing=True
        ).select_related("user")
        feeds = [
            {
                "feed": grant.feed_id,
                "user": grant.user_id,
                "name": grant.user.get_short_name(),
                "role": grant.role,
            }
            for grant in grants.order_by("role", "created_at")
        ]
        seats = StageSeat.objects.filter(session_id=session_id).exclude(
            status=StageSeat.Status.DOWN
        )
        for seat in seats.select_related("user").order_by("raised_at"):
            person = {"user": seat.user_id, "name": seat.user.get_short_name()}
            (stage if seat.status == StageSeat.Status.ON_STAGE else hands).append(person)
    return {
        "status": status,
        "feeds": feeds,
        "stage": stage,
        "hands": hands,
        "stage_max": room.stage_max if room else settings.LIVE_STAGE_MAX,
    }


def publish_state(session_id: int) -> dict:
    return liveroom.record_event(session_id, "media", {"media": media_state(session_id)})


# --- The room -----------------------------------------------------------------------------
def _pick_server() -> int:
    """The media server with the fewest open rooms (each room lives on one server)."""
    count = len(janus.servers())
    open_rooms = dict(
        MediaRoom.objects.filter(opened_at__isnull=False, closed_at__isnull=True)
        .values_list("server")
        .annotate(n=Count("pk"))
    )
    return min(range(count), key=lambda index: (open_rooms.get(index, 0), index))


def do_open_room(session_id: int) -> MediaRoom | None:
    """Create the session's Janus room (once; a retry after a failure creates it then).
    Returns None when no media server is configured; raises MediaError when it is down."""
    if not janus.configured():
        return None
    with transaction.atomic():
        room, _created = MediaRoom.objects.get_or_create(
            session_id=session_id,
            defaults={
                "server": _pick_server(),
                "janus_room": _random_id(),
                "secret": secrets.token_urlsafe(24),
                "pin": secrets.token_urlsafe(12),
            },
        )
        room = MediaRoom.objects.select_for_update().get(pk=room.pk)
        if room.is_open or room.closed_at is not None:
            return room
        recording = settings.LIVE_RECORD
        rec_dir = settings.JANUS_RECORDINGS_DIR / f"session-{session_id}-{room.janus_room}"
        options = {
            "description": f"session {session_id}",
            "secret": room.secret,
            "pin": room.pin,
            "is_private": True,
            "allowed": [],
            "publishers": MAX_HOST_PUBLISHERS + room.stage_max,
            "bitrate": 1_200_000,
            "fir_freq": 10,
            "audiocodec": "opus",
            "videocodec": "vp8",
            "notify_joining": False,
        }
        if recording:
            rec_dir.mkdir(parents=True, exist_ok=True)
            options.update({"record": True, "rec_dir": str(rec_dir)})
        try:
            server = janus.server(room.server)
            try:
                server.create_room(room.janus_room, **options)
            except janus.JanusError as error:
                if error.code != janus.ROOM_EXISTS:
                    raise
        except janus.JanusError as error:
            log.warning("session %s: the media server refused the room: %s", session_id, error)
            raise MediaError(
                "media_unavailable",
                _("The video server cannot be reached. Slides and questions still work."),
            ) from error
        room.opened_at = timezone.now()
        room.recording_dir = str(rec_dir) if recording else ""
        room.save(update_fields=["opened_at", "recording_dir"])
        publish_state(session_id)
    return room


def do_close_room(session_id: int) -> MediaRoom | None:
    """The session ended: destroy the room (Janus drops every peer), remove every token, take
    everyone off stage; the replay shows as "being prepared" (the caller, tasks.close_room,
    then queues the recording's conversion)."""
    with transaction.atomic():
        room = MediaRoom.objects.select_for_update().filter(session_id=session_id).first()
        if room is None or room.closed_at is not None:
            return room
        grants = list(MediaGrant.objects.filter(session_id=session_id, revoked_at__isnull=True))
        room.closed_at = timezone.now()
        room.save(update_fields=["closed_at"])
        MediaGrant.objects.filter(pk__in=[g.pk for g in grants]).update(
            revoked_at=room.closed_at, publishing=False
        )
        StageSeat.objects.filter(session_id=session_id).update(
            status=StageSeat.Status.DOWN, changed_at=room.closed_at
        )
        publish_state(session_id)
        if room.has_recording:
            Replay.objects.get_or_create(session_id=session_id)  # "being prepared" at once
    if room.opened_at is not None:
        try:
            server = janus.server(room.server)
            server.destroy_room(room.janus_room, room.secret)
            for grant in grants:
                server.remove_token(grant.token)
        except janus.JanusError as error:
            # The room stays closed in Django: no new grant is handed out; tokens left in
            # Janus's store die with it when it restarts, and the room has no one to serve.
            log.warning("session %s: closing the media room failed: %s", session_id, error)
    return room


FINISHED_GRACE = timedelta(minutes=30)


def finished_rooms(now=None) -> list[int]:
    """Sessions more than FINISHED_GRACE past their scheduled end whose room is still open
    (their hosts never ended them)."""
    now = now or timezone.now()
    rooms = MediaRoom.objects.filter(
        closed_at__isnull=True, session__ends_at__lt=now - FINISHED_GRACE
    )
    return list(rooms.values_list("session_id", flat=True))


# --- Grants -------------------------------------------------------------------------------
def _role_for(access, session_id: int, grant: MediaGrant | None) -> str:
    if access.is_host:
        if grant is not None and grant.role == MediaGrant.Role.HOST:
            return MediaGrant.Role.HOST
        hosts = MediaGrant.objects.filter(
            session_id=session_id, revoked_at__isnull=True, role=MediaGrant.Role.HOST
        ).count()
        return MediaGrant.Role.HOST if hosts < MAX_HOST_PUBLISHERS else MediaGrant.Role.VIEWER
    on_stage = StageSeat.objects.filter(
        session_id=session_id, user_id=access.user_id, status=StageSeat.Status.ON_STAGE
    ).exists()
    return MediaGrant.Role.STAGE if on_stage else MediaGrant.Role.VIEWER


def check_may_attend(access) -> None:
    """Registered (or host), not banned, the session live: checked for every grant."""
    if Ban.objects.filter(user_id=access.user_id).exists():
        raise MediaError("banned", _("You cannot join the video of this session."))
    status = Stage.objects.filter(session_id=access.session_id).values_list("status", flat=True)
    if status.first() != Stage.Status.LIVE:
        raise MediaError("not_live", _("The video starts when the host goes live."))
    if not access.is_host and not Registration.objects.filter(
        session_id=access.session_id,
        user_id=access.user_id,
        status=Registration.Status.REGISTERED,
    ):
        raise MediaError("forbidden", _("Register for this session to join its room."))


def do_grant(access) -> dict:
    """Hand this person a token for the session's room (the same one again while it is
    valid): what their browser needs to reach Janus, and whether they may publish."""
    if not janus.configured():
        raise MediaError(
            "media_off", _("Live video is not set up on this server. Slides and questions work.")
        )
    check_may_attend(access)
    room = MediaRoom.objects.filter(session_id=access.session_id).first()
    if room is None or not room.is_open:
        if not access.is_host:
            raise MediaError(
                "media_unavailable",
                _("The video server cannot be reached. Slides and questions still work."),
            )
        room = do_open_room(access.session_id)
    with transaction.atomic():
        grant = (
            MediaGrant.objects.select_for_update()
            .filter(session_id=access.session_id, user_id=access.user_id, revoked_at__isnull=True)
            .first()
        )
        role = _role_for(access, access.session_id, grant)
        if grant is None:
            grant = MediaGrant.objects.create(
                session_id=access.session_id,
                user_id=access.user_id,
                role=role,
                token=secrets.token_urlsafe(32),
                feed_id=_random_id(),
            )
        elif grant.role != role:
            grant.role = role
            grant.save(update_fields=["role"])
    server = _server_or_error(room)
    try:
        server.add_token(grant.token)
        server.allow(
            room.janus_room, room.secret, [grant.token], "add" if grant.may_publish else "remove"
        )
    except janus.JanusError as error:
        raise _unavailable(error) from error
    return {
        "type": "media.grant",
        "janus_url": server.url,
        "token": grant.token,
        "room": room.janus_room,
        "pin": room.pin,
        "feed": grant.feed_id,
        "publish": grant.may_publish,
        "role": grant.role,
        "name": grant.user.get_short_name(),
    }


def _server_or_error(room: MediaRoom) -> janus.Server:
    try:
        return janus.server(room.server)
    except janus.JanusError as error:
        raise _unavailable(error) from error


def _unavailable(error) -> MediaError:
    log.warning("media server error: %s", error)
    return MediaError(
        "media_unavailable",
        _("The video server cannot be reached. Slides and questions still work."),
    )


def do_revoke_user(user_id: int, session_id: int | None = None) -> int:
    """Revoke a person's tokens (every live session, or one): out of Janus's store and the
    allowed lists, their publishers kicked, off stage. Returns how many were revoked."""
    grants = MediaGrant.objects.filter(user_id=user_id, revoked_at__isnull=True)
    if session_id is not None:
        grants = grants.filter(session_id=session_id)
    revoked = 0
    for grant in grants.select_related("session__media_room"):
        with transaction.atomic():
            if not MediaGrant.objects.filter(pk=grant.pk, revoked_at__isnull=True).update(
                revoked_at=timezone.now(), publishing=False
            ):
                continue
            StageSeat.objects.filter(session_id=grant.session_id, user_id=user_id).update(
                status=StageSeat.Status.DOWN, changed_at=timezone.now()
            )
            publish_state(grant.session_id)
        revoked += 1
        room = getattr(grant.session, "media_room", None)
        if room is None:
            continue
        try:
            server = janus.server(room.server)
            server.remove_token(grant.token)
            if room.is_open:
                server.allow(room.janus_room, room.secret, [grant.token], "remove")
                server.kick(room.janus_room, room.secret, grant.feed_id)
        except janus.JanusError as error:
            log.warning("revoking a video token of user %s failed: %s", user_id, error)
    return revoked


# --- Publishers ---------------------------------------------------------------------------
def do_reconcile(session_id: int) -> dict | None:
    """Bring the published feeds in line with Janus's own list of publishers: a grant is
    `publishing` when Janus lists its feed as a publisher; a participant no grant with the
    right to publish explains is kicked. Publishes a `media` event when something changed."""
    room = MediaRoom.objects.filter(session_id=session_id).first()
    if room is None or not room.is_open:
        return None
    try:
        server = janus.server(room.server)
        participants = server.participants(room.janus_room)
    except janus.JanusError as error:
        log.warning("session %s: listing publishers failed: %s", session_id, error)
        return None
    grants = {
        grant.feed_id: grant
        for grant in MediaGrant.objects.filter(session_id=session_id, revoked_at__isnull=True)
    }
    live = set()
    for participant in participants:
        grant = grants.get(participant.get("id"))
        if grant is None or not grant.may_publish:
            log.warning(
                "session %s: kicking publisher %s, whom no grant allows to publish (%s)",
                session_id,
                participant.get("id"),
                grant and grant.role,
            )
            try:
                server.kick(room.janus_room, room.secret, participant["id"])
            except janus.JanusError as error:
                log.warning("session %s: kicking a stray publisher failed: %s", session_id, error)
            continue
        if participant.get("publisher"):
            live.add(grant.feed_id)
    changed = [g for g in grants.values() if g.publishing != (g.feed_id in live)]
    if not changed:
        return None
    with transaction.atomic():
        for grant in changed:
            MediaGrant.objects.filter(pk=grant.pk).update(publishing=grant.feed_id in live)
        return publish_state(session_id)


# --- Raised hands and the stage ------------------------------------------------------------
def _seat(session_id: int, user_id: int) -> StageSeat:
    seat, _created = StageSeat.objects.select_for_update().get_or_create(
        session_id=session_id, user_id=user_id, defaults={"status": StageSeat.Status.DOWN}
    )
    return seat


def _require_live_room(access) -> MediaRoom:
    room = MediaRoom.objects.filter(session_id=access.session_id).first()
    if room is None or not room.is_open:
        raise MediaError("not_live", _("The video starts when the host goes live."))
    return room


def do_raise_hand(access) -> dict:
    if access.is_host:
        raise MediaError("host", _("Hosts are on stage already."))
    _require_live_room(access)
    check_may_attend(access)
    with transaction.atomic():
        seat = _seat(access.session_id, access.user_id)
        if seat.status == StageSeat.Status.DOWN:
            seat.status, seat.raised_at = StageSeat.Status.RAISED, timezone.now()
            seat.changed_at = seat.raised_at
            seat.save(update_fields=["status", "raised_at", "changed_at"])
        return publish_state(access.session_id)


def do_lower_hand(access) -> dict:
    """An attendee lowers their hand, or leaves the stage."""
    with transaction.atomic():
        seat = _seat(access.session_id, access.user_id)
        was_on_stage = seat.status == StageSeat.Status.ON_STAGE
        seat.status, seat.changed_at = StageSeat.Status.DOWN, timezone.now()
        seat.save(update_fields=["status", "changed_at"])
        event = publish_state(access.session_id)
    if was_on_stage:
        _set_publisher(access.session_id, access.user_id, MediaGrant.Role.VIEWER)
    return event


def do_bring_on_stage(access, user_id: int) -> dict:
    """A host brings an attendee (a raised hand, or anyone registered) on stage."""
    liveroom._require_host(access)
    room = _require_live_room(access)
    if (
        not Registration.objects.filter(
            session_id=access.session_id, user_id=user_id, status=Registration.Status.REGISTERED
        ).exists()
        or Ban.objects.filter(user_id=user_id).exists()
    ):
        raise MediaError("not_attending", _("This person is not in the session."))
    with transaction.atomic():
        MediaRoom.objects.select_for_update().get(pk=room.pk)  # one stage change at a time
        on_stage = StageSeat.objects.filter(
            session_id=access.session_id, status=StageSeat.Status.ON_STAGE
        ).exclude(user_id=user_id)
        if on_stage.count() >= room.stage_max:
            raise MediaError(
                "stage_full",
                _("The stage is full (%(max)d people): take someone off first.")
                % {"max": room.stage_max},
            )
        seat = _seat(access.session_id, user_id)
        seat.status, seat.changed_at = StageSeat.Status.ON_STAGE, timezone.now()
        seat.save(update_fields=["status", "changed_at"])
        event = publish_state(access.session_id)
    _set_publisher(access.session_id, user_id, MediaGrant.Role.STAGE)
    return event


def do_take_off_stage(access, user_id: int) -> dict:
    liveroom._require_host(access)
    with transaction.atomic():
        seat = _seat(access.session_id, user_id)
        seat.status, seat.changed_at = StageSeat.Status.DOWN, timezone.now()
        seat.save(update_fields=["status", "changed_at"])
        event = publish_state(access.session_id)
    _set_publisher(access.session_id, user_id, MediaGrant.Role.VIEWER)
    return event


def _set_publisher(session_id: int, user_id: int, role: str) -> None:
    """Put a person's token in the room's allowed list, or take it out and kick their
    publisher (their viewing is untouched)."""
    grant = MediaGrant.objects.filter(
        session_id=session_id, user_id=user_id, revoked_at__isnull=True
    ).first()
    room = MediaRoom.objects.filter(session_id=session_id).first()
    if grant is None or room is None or not room.is_open:
        return  # they get the right role with their next grant
    MediaGrant.objects.filter(pk=grant.pk).update(role=role)
    try:
        server = janus.server(room.server)
        if role == MediaGrant.Role.VIEWER:
            server.allow(room.janus_room, room.secret, [grant.token], "remove")
            server.kick(room.janus_room, room.secret, grant.feed_id)
        else:
            server.allow(room.janus_room, room.secret, [grant.token], "add")
    except janus.JanusError as error:
        raise _unavailable(error) from error
    if role == MediaGrant.Role.VIEWER and grant.publishing:
        do_reconcile(session_id)
