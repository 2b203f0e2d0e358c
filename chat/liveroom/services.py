"""The live room of a session: host controls, slides, Q&A, reactions, attendance.

Every change that matters is persisted first, as a numbered StageEvent (the stage row is locked
to number it, so ids follow commit order), and published after commit through chat's
per-process fan-out (chat.fanout). A client that missed events asks for those after the last id
it saw. The attendee count and reactions are ephemeral: published without an id, never replayed.
"""

import json
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from chat import limits
from chat.actions.rooms import ChatError
from expo.lib.realtime import publish_fresh_on_commit, publish_on_commit
from expo.schedule.models import (
    Attendance,
    Question,
    QuestionVote,
    Registration,
    Session,
    Slide,
    Stage,
    StageEvent,
)

REACTIONS = ("clap", "heart", "party", "idea", "laugh")
QUESTION_MAX = 500
REPLAY_LIMIT = 200


class LiveRoomError(ChatError):
    """A refused action: `code` for machines, `message` for people (chat's ChatError, so the
    shared consumer machinery answers it with an error event)."""


def room_key(session_id: int) -> str:
    return f"live.{session_id}"


# --- Publishing --------------------------------------------------------------------------
def _lock_stage(session_id: int) -> Stage:
    Stage.objects.get_or_create(session_id=session_id)
    return Stage.objects.select_for_update().get(session_id=session_id)


def _append(stage: Stage, kind: str, data: dict) -> StageEvent:
    """Number and store one event; publish it after commit. The caller holds the stage lock."""
    stage.last_seq += 1
    stage.save(update_fields=["last_seq"])
    event = StageEvent.objects.create(
        session_id=stage.session_id, seq=stage.last_seq, kind=kind, data=data
    )
    publish_on_commit(room_key(stage.session_id), event_payload(event), event.seq)
    return event


def event_payload(event: StageEvent) -> dict:
    return {"type": event.kind, "id": event.seq, **event.data}


# Parts that modules built on this one add to the room's state (ChatConfig.ready() adds the
# video's, chat.liveroom.media): key -> function(session_id, stage status) -> JSON value.
STATE_PARTS: dict = {}


def record_event(session_id: int, kind: str, data: dict) -> dict:
    """Number, store and (after commit) publish one event of the room: for chat.liveroom.media,
    whose video state changes are replayed like the rest."""
    with transaction.atomic():
        return event_payload(_append(_lock_stage(session_id), kind, data))


# --- Access ------------------------------------------------------------------------------
@dataclass
class Access:
    session_id: int
    user_id: int
    is_host: bool
    slide_count: int


def check_access(session_id: int, user) -> Access:
    """Who may be in the room: the host, and people registered (not waitlisted)."""
    session = Session.objects.select_related("host_booth__company").filter(pk=session_id).first()
    if session is None:
        raise LiveRoomError("missing", _("This session does not exist."))
    if session.is_cancelled:
        raise LiveRoomError("cancelled", _("This session was cancelled."))
    is_host = session.is_host(user)
    if not is_host:
        registered = Registration.objects.filter(
            session=session, user=user, status=Registration.Status.REGISTERED
        ).exists()
        if not registered:
            raise LiveRoomError("forbidden", _("Register for this session to join its room."))
    return Access(session.pk, user.pk, is_host, Slide.objects.filter(session=session).count())


def _require_host(access: Access):
    if not access.is_host:
        raise LiveRoomError("forbidden", _("Only the host can do that."))


# --- State -------------------------------------------------------------------------------
def _question_data(question: Question, voted_ids=()) -> dict:
    return {
        "id": question.pk,
        "body": question.body,
        "author": question.author.get_short_name(),
        "votes": question.votes,
        "status": question.status,
        "voted": question.pk in voted_ids,
    }


def _slide_data(session_id: int, index: int) -> dict:
    slide = Slide.objects.filter(session_id=session_id, position=index).first()
    return {"index": index, "url": slide.image.url if slide else None}


def attendee_count(session_id: int) -> int:
    return (
        Attendance.objects.filter(session_id=session_id, left_at__isnull=True)
        .values("user_id")
        .distinct()
        .count()
    )


def hello(access: Access, last_event_id: int | None) -> list[dict]:
    """What a socket sends first: the state, then (when it resumes after a drop) the events
    it missed instead of the whole question list."""
    if last_event_id is None:
        return [snapshot(access)]
    missed = events_since(access, last_event_id)
    if missed and missed[0]["type"] == "state":
        return missed
    state = snapshot(access, with_questions=False)
    state["id"] = last_event_id  # the missed events follow, in order
    return [state, *missed]


def snapshot(access: Access, with_questions: bool = True) -> dict:
    """Everything a client needs to draw the room now (a late joiner lands on the current
    slide). Questions hidden by the host are left out for everyone but the host."""
    stage = Stage.objects.filter(session_id=access.session_id).first() or Stage(
        session_id=access.session_id
    )
    state = {
        "type": "state",
        "id": stage.last_seq,
        "status": stage.status,
        "slide": _slide_data(access.session_id, stage.slide),
        "slide_count": access.slide_count,
        "count": attendee_count(access.session_id),
        "is_host": access.is_host,
    }
    for key, part in STATE_PARTS.items():
        state[key] = part(access.session_id, stage.status)
    if with_questions:
        questions = Question.objects.filter(session_id=access.session_id).select_related("author")
        if not access.is_host:
            questions = questions.exclude(status=Question.Status.HIDDEN)
        voted = set(
            QuestionVote.objects.filter(
                user_id=access.user_id, question__session_id=access.session_id
            ).values_list("question_id", flat=True)
        )
        state["questions"] = [_question_data(q, voted) for q in questions[:300]]
    return state


def events_since(access: Access, last_id: int) -> list[dict]:
    """The events after last_id, in order; a fresh snapshot instead when too many were
    missed. Hidden questions' texts are not replayed to others than the host."""
    events = list(
        StageEvent.objects.filter(session_id=access.session_id, seq__gt=last_id).order_by("seq")[
            : REPLAY_LIMIT + 1
        ]
    )
    if len(events) > REPLAY_LIMIT:
        return [snapshot(access)]  # too much missed: the whole state instead
    hidden = set()
    if not access.is_host:
        hidden = set(
            Question.objects.filter(
                session_id=access.session_id, status=Question.Status.HIDDEN
            ).values_list("pk", flat=True)
        )
    return [event_payload(e) for e in events if _visible(e.data, hidden)]


def _visible(data: dict, hidden_ids) -> bool:
    """A question hidden by the host is not replayed to others, except the news that it is
    hidden (which carries no text)."""
    question = data.get("question")
    if not question or question["id"] not in hidden_ids:
        return True
    return question["status"] == Question.Status.HIDDEN


# --- Attendance --------------------------------------------------------------------------
def join(access: Access, now=None) -> int:
    """Record one connection (join time); publishes the new attendee count. Returns the
    attendance row's id for leave()."""
    with transaction.atomic():
        row = Attendance.objects.create(
            session_id=access.session_id, user_id=access.user_id, joined_at=now or timezone.now()
        )
        _publish_count_on_commit(access.session_id)
    return row.pk


def leave(attendance_id: int, now=None) -> None:
    with transaction.atomic():
        row = Attendance.objects.filter(pk=attendance_id, left_at__isnull=True).first()
        if row is None:
            return
        row.left_at = now or timezone.now()
        row.save(update_fields=["left_at"])
        _publish_count_on_commit(row.session_id)


def _publish_count_on_commit(session_id):
    publish_fresh_on_commit(
        room_key(session_id), lambda: {"type": "count", "count": attendee_count(session_id)}
    )


# --- Host controls -----------------------------------------------------------------------
def go_live(access: Access) -> dict:
    _require_host(access)
    with transaction.atomic():
        stage = _lock_stage(access.session_id)
        if stage.status == Stage.Status.ENDED:
            raise LiveRoomError("ended", _("This session has already ended."))
        if stage.status == Stage.Status.LIVE:
            raise LiveRoomError("already_live", _("The session is already live."))
        stage.status, stage.went_live_at = Stage.Status.LIVE, timezone.now()
        stage.save(update_fields=["status", "went_live_at"])
        return event_payload(_append(stage, "status", {"status": stage.status}))


def end(access: Access) -> dict:
    _require_host(access)
    with transaction.atomic():
        stage = _lock_stage(access.session_id)
        if stage.status != Stage.Status.LIVE:
            raise LiveRoomError("not_live", _("The session is not live."))
        stage.status, stage.ended_at = Stage.Status.ENDED, timezone.now()
        stage.save(update_fields=["status", "ended_at"])
        return event_payload(_append(stage, "status", {"status": stage.status}))


def set_slide(access: Access, index: int) -> dict:
    _require_host(access)
    count = Slide.objects.filter(session_id=access.session_id).count()
    if not 0 <= index < max(count, 1):
        raise LiveRoomError("bad_slide", _("There is no such slide."))
    with transaction.atomic():
        stage = _lock_stage(access.session_id)
        stage.slide = index
        stage.save(update_fields=["slide"])
        data = {"slide": _slide_data(access.session_id, index), "slide_count": count}
        return event_payload(_append(stage, "slide", data))


# --- Q&A -------------------------------------------------------------------------------
def ask(access: Access, body: str) -> dict:
    body = " ".join(str(body).split())
    if not body:
        raise LiveRoomError("empty", _("Write a question first."))
    if len(body) > QUESTION_MAX:
        raise LiveRoomError(
            "too_long", _("Keep questions under %(max)d characters.") % {"max": QUESTION_MAX}
        )
    if not limits.allow(access.user_id, room_key(access.session_id)):
        raise LiveRoomError("slow_down", _("You are asking quickly: wait a moment, then ask."))
    with transaction.atomic():
        stage = _lock_stage(access.session_id)
        question = Question.objects.create(
            session_id=access.session_id, author_id=access.user_id, body=body
        )
        question = Question.objects.select_related("author").get(pk=question.pk)
        return event_payload(_append(stage, "question", {"question": _question_data(question)}))


def _question_for_update(access: Access, question_id) -> Question:
    question = (
        Question.objects.select_for_update(of=("self",))
        .select_related("author")
        .filter(pk=question_id, session_id=access.session_id)
        .first()
    )
    if question is None or (question.status == Question.Status.HIDDEN and not access.is_host):
        raise LiveRoomError("missing_question", _("This question is no longer there."))
    return question


def upvote(access: Access, question_id: int) -> dict:
    """One vote per person per question: a second vote is refused, not counted."""
    with transaction.atomic():
        stage = _lock_stage(access.session_id)
        question = _question_for_update(access, question_id)
        try:
            with transaction.atomic():
                QuestionVote.objects.create(question=question, user_id=access.user_id)
        except IntegrityError:
            raise LiveRoomError(
                "already_voted", _("You already voted for this question.")
            ) from None
        Question.objects.filter(pk=question.pk).update(votes=F("votes") + 1)
        question.refresh_from_db(fields=["votes"])
        return event_payload(_append(stage, "question", {"question": _question_data(question)}))


def moderate(access: Access, question_id: int, status: str) -> dict:
    """The host marks a question answered, hides it, or opens it again."""
    _require_host(access)
    if status not in Question.Status.values:
        raise LiveRoomError("bad_status", _("Unknown question status."))
    with transaction.atomic():
        stage = _lock_stage(access.session_id)
        question = _question_for_update(access, question_id)
        question.status = status
        question.save(update_fields=["status"])
        data = _question_data(question)
        if status == Question.Status.HIDDEN:  # everyone gets this event: no text in it
            data = {"id": question.pk, "status": status, "votes": question.votes}
        return event_payload(_append(stage, "question", {"question": data}))


def reaction_text(access: Access, reaction: str) -> str | None:
    """An ephemeral reaction, as the text to publish (stored nowhere, never replayed); None
    when the person reacts faster than the rate limit (dropped quietly)."""
    if reaction not in REACTIONS:
        raise LiveRoomError("bad_reaction", _("Unknown reaction."))
    if not limits.allow(access.user_id, f"{room_key(access.session_id)}.react"):
        return None
    return json.dumps({"type": "reaction", "reaction": reaction})
