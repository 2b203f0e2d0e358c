"""Every frame type of every socket is checked against its schema before a handler runs: each
field of each frame is sent type-confused (a table of wrong types, out-of-range numbers, text
too long, missing), and every such frame gets an `error` event naming the field while the
socket stays up. Frames with well-typed ids of things that do not exist get an error too, never
a dropped socket (the outside test's 7 of 11 crashes)."""

import pytest
from asgiref.sync import sync_to_async

from chat import consumers, schemas
from chat.actions.queue import do_join_queue, do_take
from chat.consumers import (
    BoothConsumer,
    ConsoleConsumer,
    ConversationConsumer,
    NotificationConsumer,
)
from chat.liveroom.consumers import LiveRoomConsumer
from expo.organiser.consumers import OperationsConsumer
from tests.chat.calls import CANDIDATE, OFFER
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db(transaction=True)

WRONG = {
    "id": ["abc", "1", [1], {"id": 1}, True, 1.5, 0, -1, 2**70],
    "count": ["abc", "1", [1], True, 1.5, -1, 2**70],
    "text": [123, [1], {"a": "b"}, True],
    "minutes": ["15", 0, -5, 24 * 60 + 1, True, 1.5],
    # call frames (chat/calls/frames.py)
    "choice": ["audio", 1, ["video"], True],
    "flag": ["yes", 1, 0, [True]],
    "sdp": [1, [OFFER], "hello", "v=0\r\n", "x" * 40_000],
    "candidate": ["candidate:1 1 udp 1 127.0.0.1 9 typ host", [CANDIDATE], {"candidate": 1}],
}
GOOD = {
    "id": 1,
    "count": 0,
    "text": "ok",
    "minutes": 15,
    "choice": "video",
    "flag": True,
    "sdp": OFFER,
    "candidate": CANDIDATE,
}


def confused_frames(frame_type):
    """(field, frame) for every wrong value of every field, and for every missing one."""
    schema = {**schemas.SCHEMAS, **schemas.FEATURE_SCHEMAS}[frame_type]
    good = {field: GOOD[check.kind] for field, (check, _default) in schema.items()}
    for field, (check, default) in schema.items():
        wrong = list(WRONG[check.kind])
        if check.kind == "text":
            wrong.append("x" * (check.max_chars + 1))
        for value in wrong:
            yield field, {"type": frame_type, **good, field: value}
        if default is schemas.REQUIRED:
            yield field, {"type": frame_type, **{k: v for k, v in good.items() if k != field}}


def test_every_frame_type_of_every_socket_has_a_schema():
    sockets = [
        BoothConsumer,
        ConsoleConsumer,
        ConversationConsumer,
        NotificationConsumer,
        LiveRoomConsumer,
        OperationsConsumer,
    ]

    missing = {
        (socket.__name__, kind)
        for socket in sockets
        for kind in socket.frame_types
        if not schemas.has_schema(kind)
    }

    assert missing == set()


@pytest.fixture
def tolerant(monkeypatch):
    """This test sends hundreds of bad frames on one socket on purpose."""
    monkeypatch.setattr(consumers, "MAX_BAD_FRAMES", 10_000)


@pytest.fixture
async def sockets(connect, tolerant, edition, booth_a, talent, recruiter, organiser):
    conversation = await sync_to_async(
        lambda: (
            do_join_queue(talent, booth_a.pk),
            do_take(recruiter, booth_a.pk),
        )
    )()
    session = await sync_to_async(SessionFactory)(
        edition=edition, host_booth=booth_a, kind="presentation"
    )
    opened = {
        BoothConsumer: (f"/ws/booth/{booth_a.pk}/", talent, "hello"),
        ConsoleConsumer: (f"/ws/console/{booth_a.pk}/", recruiter, "hello"),
        ConversationConsumer: (f"/ws/chat/{conversation[1].pk}/", talent, "hello"),
        NotificationConsumer: ("/ws/notifications/", talent, None),
        LiveRoomConsumer: (f"/ws/sessions/{session.pk}/", recruiter, "state"),
        OperationsConsumer: ("/ws/operations/", organiser, "snapshot"),
    }
    result = {}
    for consumer, (path, user, first) in opened.items():
        socket = await connect(path, user)
        if first:
            await socket.receive_type(first)
        result[consumer] = socket
    return result


async def still_up(socket):
    await socket.send({"type": "ping"})
    return (await socket.receive_type("pong", "error"))["type"] == "pong"


@pytest.mark.parametrize(
    "consumer",
    [
        BoothConsumer,
        ConsoleConsumer,
        ConversationConsumer,
        NotificationConsumer,
        LiveRoomConsumer,
        OperationsConsumer,
    ],
    ids=lambda c: c.__name__,
)
async def test_type_confused_frames_get_an_error_naming_the_field_and_the_socket_stays_up(
    sockets, consumer
):
    socket = sockets[consumer]
    answers = []
    for frame_type in consumer.frame_types:
        for field, frame in confused_frames(frame_type):
            await socket.send(frame)
            error = await socket.receive_type("error")
            answers.append((frame_type, field, error["code"], error.get("field")))

    assert len(answers) == sum(len(list(confused_frames(t))) for t in consumer.frame_types)
    assert [a for a in answers if a[2] not in ("invalid", "too_long") or a[3] != a[1]] == []
    assert await still_up(socket)


@pytest.mark.parametrize(
    ("consumer", "frame"),
    [
        (BoothConsumer, {"type": "report", "message": 987654}),
        (BoothConsumer, {"type": "delete", "message": 987654}),
        (BoothConsumer, {"type": "mute", "user": 987654, "minutes": 5}),
        (ConsoleConsumer, {"type": "mute", "user": 987654, "minutes": 5}),
        (ConsoleConsumer, {"type": "pick_up", "conversation": 987654}),
        (ConsoleConsumer, {"type": "take", "entry": 987654}),
        (ConsoleConsumer, {"type": "delete", "message": 987654}),
        (ConversationConsumer, {"type": "report", "message": 987654}),
        (ConversationConsumer, {"type": "read", "up_to": 2**62}),
        (LiveRoomConsumer, {"type": "upvote", "question": 987654}),
        (LiveRoomConsumer, {"type": "answer", "question": 987654}),
        (LiveRoomConsumer, {"type": "slide", "index": 2**62}),
    ],
    ids=lambda v: v.__name__ if isinstance(v, type) else v["type"],
)
async def test_ids_of_things_that_do_not_exist_get_an_error_not_a_dropped_socket(
    sockets, consumer, frame
):
    socket = sockets[consumer]

    await socket.send(frame)

    assert (await socket.receive_type("error", "read", "reported"))["type"] in (
        "error",
        "read",
        "reported",
    )
    assert await still_up(socket)
