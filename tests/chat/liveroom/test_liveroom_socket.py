"""The live room socket: who may enter (4xxx refusals), host-only controls, the current slide
for late joiners, Q&A with one vote per person, hidden questions, reactions, the attendee
count, attendance without double counting, and replay after a drop."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from chat.consumers import CLOSE_FORBIDDEN, CLOSE_NOT_FOUND, CLOSE_UNAUTHENTICATED
from chat.liveroom.consumers import CLOSE_GONE
from expo.asgi import application
from expo.schedule.models import Attendance, Question, Stage
from tests.chat.conftest import Socket, session_cookie_for
from tests.factories import RegistrationFactory, SessionFactory, SlideFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.JANUS_URLS = settings.JANUS_ADMIN_URLS = []  # the video: test_media_*.py


@pytest.fixture
def session(edition, booth_a):
    session = SessionFactory(edition=edition, host_booth=booth_a, kind="presentation")
    for position in range(3):
        SlideFactory(session=session, position=position)
    return session


@pytest.fixture
def attendee(session, talent):
    RegistrationFactory(session=session, user=talent)
    return talent


def path(session, query=""):
    return f"/ws/sessions/{session.pk}/{query}"


async def enter(connect, session, user, query=""):
    socket = await connect(path(session, query), user)
    state = await socket.receive_type("state")
    return socket, state


async def refused_with(session_path, user):
    headers = [(b"origin", b"http://localhost")]
    if user is not None:
        headers.append((b"cookie", await sync_to_async(session_cookie_for)(user)))
    communicator = WebsocketCommunicator(application, session_path, headers=headers)
    connected, code = await communicator.connect(timeout=10)
    if not connected:
        return code
    return await Socket(communicator).receive_close()


# --- Who may enter ------------------------------------------------------------------------------
async def test_an_anonymous_visitor_is_refused_with_4401(session):
    assert await refused_with(path(session), None) == CLOSE_UNAUTHENTICATED


async def test_an_unregistered_or_waitlisted_talent_is_refused_with_4403(session, talent):
    waiting = await sync_to_async(UserFactory)()
    await sync_to_async(RegistrationFactory)(session=session, user=waiting, status="waitlisted")

    assert await refused_with(path(session), talent) == CLOSE_FORBIDDEN
    assert await refused_with(path(session), waiting) == CLOSE_FORBIDDEN


async def test_an_outsider_recruiter_is_not_a_host_and_is_refused(session, outsider_recruiter):
    assert await refused_with(path(session), outsider_recruiter) == CLOSE_FORBIDDEN


async def test_a_missing_session_is_4404_and_a_cancelled_one_4410(edition, talent):
    cancelled = await sync_to_async(SessionFactory)(edition=edition, is_cancelled=True)

    assert await refused_with("/ws/sessions/999999/", talent) == CLOSE_NOT_FOUND
    assert await refused_with(path(cancelled), talent) == CLOSE_GONE


async def test_a_registered_talent_gets_the_room_state(connect, session, attendee):
    _, state = await enter(connect, session, attendee)

    assert {k: state[k] for k in ("status", "slide_count", "is_host", "questions")} == {
        "status": "waiting",
        "slide_count": 3,
        "is_host": False,
        "questions": [],
    }
    assert state["slide"]["index"] == 0 and state["slide"]["url"].endswith(".png")


# --- Host controls -------------------------------------------------------------------------------
async def test_the_host_goes_live_changes_slides_and_ends_for_everyone(
    connect, session, attendee, recruiter
):
    host, _ = await enter(connect, session, recruiter)
    viewer, _ = await enter(connect, session, attendee)

    await host.send({"type": "go_live"})
    live = await viewer.receive_type("status")
    await host.send({"type": "slide", "index": 2})
    slide = await viewer.receive_type("slide")
    await host.send({"type": "end"})
    ended = await viewer.receive_type("status")

    assert (live["status"], ended["status"]) == ("live", "ended")
    assert (slide["slide"]["index"], slide["slide_count"]) == (2, 3)
    assert [live["id"], slide["id"], ended["id"]] == [1, 2, 3]
    stage = await sync_to_async(Stage.objects.get)(session=session)
    assert (stage.status, stage.slide, stage.went_live_at is not None) == ("ended", 2, True)


@pytest.mark.parametrize(
    "frame", [{"type": "go_live"}, {"type": "slide", "index": 1}, {"type": "end"}]
)
async def test_only_the_host_may_go_live_or_change_slides(connect, session, attendee, frame):
    viewer, _ = await enter(connect, session, attendee)

    await viewer.send(frame)

    error = await viewer.receive_type("error")
    assert (error["code"], error["message"]) == ("forbidden", "Only the host can do that.")
    assert await sync_to_async(Stage.objects.filter(session=session, slide=1).exists)() is False


async def test_a_slide_out_of_range_is_refused(connect, session, recruiter):
    host, _ = await enter(connect, session, recruiter)

    await host.send({"type": "slide", "index": 3})

    assert (await host.receive_type("error"))["code"] == "bad_slide"


async def test_a_late_joiner_lands_on_the_current_slide(connect, session, attendee, recruiter):
    host, _ = await enter(connect, session, recruiter)
    await host.send({"type": "go_live"})
    await host.receive_type("status")
    await host.send({"type": "slide", "index": 1})
    await host.receive_type("slide")

    _, state = await enter(connect, session, attendee)

    assert (state["status"], state["slide"]["index"], state["id"]) == ("live", 1, 2)


async def test_the_organiser_hosts_organiser_sessions(connect, edition, organiser):
    session = await sync_to_async(SessionFactory)(edition=edition)

    host, state = await enter(connect, session, organiser)
    await host.send({"type": "go_live"})

    assert state["is_host"] is True
    assert (await host.receive_type("status"))["status"] == "live"


# --- Q&A -----------------------------------------------------------------------------------------
async def test_a_question_reaches_the_host_and_is_voted_once_per_person(
    connect, session, attendee, recruiter
):
    host, _ = await enter(connect, session, recruiter)
    viewer, _ = await enter(connect, session, attendee)

    await viewer.send({"type": "ask", "body": "  Is it   <b>open</b> source? "})
    asked = await host.receive_type("question")
    question_id = asked["question"]["id"]
    await viewer.send({"type": "upvote", "question": question_id})
    voted = await host.receive_type("question")
    await viewer.receive_type("voted")
    await viewer.send({"type": "upvote", "question": question_id})
    again = await viewer.receive_type("error")

    assert asked["question"] | {"id": 0} == {
        "id": 0,
        "body": "Is it <b>open</b> source?",
        "author": "Tess",
        "votes": 0,
        "status": "open",
        "voted": False,
    }
    assert voted["question"]["votes"] == 1
    assert again["code"] == "already_voted"
    assert await sync_to_async(lambda: Question.objects.get(pk=question_id).votes)() == 1


async def test_the_host_marks_a_question_answered(connect, session, attendee, recruiter):
    host, _ = await enter(connect, session, recruiter)
    viewer, _ = await enter(connect, session, attendee)
    await viewer.send({"type": "ask", "body": "When do you hire?"})
    question_id = (await viewer.receive_type("question"))["question"]["id"]

    await host.send({"type": "answer", "question": question_id})

    answered = await viewer.receive_type("question")
    assert (answered["question"]["id"], answered["question"]["status"]) == (question_id, "answered")


async def test_a_hidden_question_loses_its_text_for_everyone_but_the_host(
    connect, session, attendee, recruiter
):
    host, _ = await enter(connect, session, recruiter)
    viewer, _ = await enter(connect, session, attendee)
    await viewer.send({"type": "ask", "body": "Spam spam"})
    question_id = (await viewer.receive_type("question"))["question"]["id"]

    await host.send({"type": "hide", "question": question_id})
    hidden = await viewer.receive_type("question")
    other = await sync_to_async(UserFactory)()
    await sync_to_async(RegistrationFactory)(session=session, user=other)
    _, late_state = await enter(connect, session, other)
    _, host_state = await enter(connect, session, recruiter)

    assert hidden["question"] == {"id": question_id, "status": "hidden", "votes": 0}
    assert late_state["questions"] == []
    assert [q["body"] for q in host_state["questions"]] == ["Spam spam"]


async def test_only_the_host_moderates_questions(connect, session, attendee):
    viewer, _ = await enter(connect, session, attendee)
    await viewer.send({"type": "ask", "body": "Mine"})
    question_id = (await viewer.receive_type("question"))["question"]["id"]

    await viewer.send({"type": "answer", "question": question_id})

    assert (await viewer.receive_type("error"))["code"] == "forbidden"


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ({"type": "ask", "body": ""}, "empty"),
        ({"type": "ask", "body": "x" * 501}, "too_long"),
        ({"type": "ask", "body": 42}, "invalid"),
        ({"type": "upvote", "question": "1"}, "invalid"),
        ({"type": "upvote", "question": True}, "invalid"),
        ({"type": "upvote", "question": 999999}, "missing_question"),
        ({"type": "react", "reaction": "<script>"}, "bad_reaction"),
        ({"type": "launch"}, "unknown_type"),
    ],
)
async def test_bad_frames_get_an_error_event_and_the_socket_stays_up(
    connect, session, attendee, frame, code
):
    viewer, _ = await enter(connect, session, attendee)

    await viewer.send(frame)
    error = await viewer.receive_type("error")
    await viewer.send({"type": "ping"})

    assert error["code"] == code
    assert (await viewer.receive_type("pong")) == {"type": "pong"}


async def test_reactions_reach_everyone_in_the_room(connect, session, attendee, recruiter):
    host, _ = await enter(connect, session, recruiter)
    viewer, _ = await enter(connect, session, attendee)

    await viewer.send({"type": "react", "reaction": "clap"})

    assert await host.receive_type("reaction") == {"type": "reaction", "reaction": "clap"}


async def count_reaches(socket, value):
    """Counts arrive as people come and go; wait for this one (fails on timeout)."""
    while (await socket.receive_type("count"))["count"] != value:
        pass


# --- Attendance and the count ------------------------------------------------------------------
async def test_two_tabs_count_as_one_attendee_and_leaving_is_recorded(
    connect, session, attendee, recruiter
):
    host, _ = await enter(connect, session, recruiter)
    first, _ = await enter(connect, session, attendee)
    await count_reaches(host, 2)
    second, state = await enter(connect, session, attendee)

    assert state["count"] == 2
    await first.close()
    await second.close()
    await count_reaches(host, 1)
    rows = await sync_to_async(list)(
        Attendance.objects.filter(user=attendee).values_list("left_at", flat=True)
    )
    assert len(rows) == 2 and all(left is not None for left in rows)


# --- Replay ----------------------------------------------------------------------------------
async def test_a_client_reconnecting_with_its_last_event_id_gets_what_it_missed(
    connect, session, attendee, recruiter
):
    host, _ = await enter(connect, session, recruiter)
    await host.send({"type": "go_live"})
    seen = (await host.receive_type("status"))["id"]
    await host.send({"type": "ask", "body": "While you were away"})
    await host.receive_type("question")
    await host.send({"type": "slide", "index": 2})
    await host.receive_type("slide")

    viewer = await connect(path(session, f"?last_event_id={seen}"), attendee)
    state = await viewer.receive_type("state")
    missed = [await viewer.receive_type("question", "slide") for _ in range(2)]

    assert "questions" not in state and state["id"] == seen
    assert [(e["type"], e["id"]) for e in missed] == [("question", seen + 1), ("slide", seen + 2)]
    assert missed[0]["question"]["body"] == "While you were away"


async def test_a_sync_frame_replays_the_events_after_an_id(connect, session, attendee, recruiter):
    host, _ = await enter(connect, session, recruiter)
    viewer, _ = await enter(connect, session, attendee)
    await host.send({"type": "go_live"})
    await viewer.receive_type("status")

    await viewer.send({"type": "sync", "room": f"live.{session.pk}", "last_event_id": 0})

    replayed = await viewer.receive_type("status")
    synced = await viewer.receive_type("synced")
    assert (replayed["id"], synced["last_event_id"]) == (1, 1)
