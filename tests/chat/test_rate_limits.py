"""Every frame that makes the server broadcast is rate limited per user (CHAT_RATE_LIMITS,
configurable like CHAT_RATE_*): queue join/leave, typing, reactions, votes. The outside test's
100 join/leave cycles pushed 398 frames to every staff console."""

import pytest
from asgiref.sync import sync_to_async

from chat.actions.queue import do_join_queue, do_take
from tests.factories import QuestionFactory, RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def limit(settings):
    def set_limit(bucket, burst):
        settings.CHAT_RATE_LIMITS = {**settings.CHAT_RATE_LIMITS, bucket: (burst, 0.0001)}

    return set_limit


async def answers(socket, frames, types):
    """Send frames, then collect one answer per frame among these types (or an error)."""
    for frame in frames:
        await socket.send(frame)
    return [(await socket.receive_type(*types, "error")) for _ in frames]


async def test_queue_join_and_leave_cycles_are_limited_and_the_console_hears_only_a_few(
    connect, booth_a, talent, recruiter, limit
):
    limit("queue", 4)
    console = await connect(f"/ws/console/{booth_a.pk}/", recruiter)
    await console.receive_type("hello")
    visitor = await connect(f"/ws/booth/{booth_a.pk}/", talent)
    await visitor.receive_type("hello")

    got = await answers(
        visitor,
        [{"type": t} for _ in range(10) for t in ("queue.join", "queue.leave")],
        ("queue.joined", "queue.left"),
    )

    assert [e["type"] for e in got] == ["queue.joined", "queue.left"] * 2 + ["error"] * 16
    assert {e.get("code") for e in got[4:]} == {"rate_limited"}
    queue_frames = 0
    while not await console.nothing(of_type="queue", timeout=0.5):
        queue_frames += 1
    assert 1 <= queue_frames + len([e for e in console.skipped if e["type"] == "queue"]) <= 4


async def test_typing_is_limited(connect, booth_a, talent, recruiter, limit):
    limit("typing", 2)
    conversation = await sync_to_async(
        lambda: (
            do_join_queue(talent, booth_a.pk),
            do_take(recruiter, booth_a.pk),
        )
    )()
    socket = await connect(f"/ws/chat/{conversation[1].pk}/", talent)
    await socket.receive_type("hello")

    for _ in range(5):
        await socket.send({"type": "typing"})
    errors = [await socket.receive_type("error") for _ in range(3)]

    assert [e["code"] for e in errors] == ["rate_limited"] * 3


@pytest.fixture
def live_session(edition, booth_a, talent):
    session = SessionFactory(edition=edition, host_booth=booth_a, kind="presentation")
    RegistrationFactory(session=session, user=talent)
    return session


async def test_reactions_and_votes_are_limited(connect, live_session, talent, limit):
    limit("reaction", 3)
    limit("vote", 2)
    questions = [await sync_to_async(QuestionFactory)(session=live_session) for _ in range(4)]
    socket = await connect(f"/ws/sessions/{live_session.pk}/", talent)
    await socket.receive_type("state")

    for _ in range(6):
        await socket.send({"type": "react", "reaction": "clap"})
    reactions = [await socket.receive_type("error") for _ in range(3)]
    votes = await answers(
        socket, [{"type": "upvote", "question": q.pk} for q in questions], ("voted",)
    )

    assert [e["code"] for e in reactions] == ["rate_limited"] * 3
    assert [e["type"] for e in votes] == ["voted", "voted", "error", "error"]
