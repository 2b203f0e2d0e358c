"""A reconnect storm (a web process or Redis restarted, every client back at once) stays cheap:
a handshake never waits for the process's one sync thread, a chat post does not hold that
thread while the event loop publishes it, and sockets opening or replaying the same booth at
the same moment share one database read (bench/faults.py measures the storm itself)."""

import asyncio
import threading

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from chat import consumers, fanout, shared
from expo.asgi import application
from tests.chat.conftest import Socket, open_socket, session_cookie_for

pytestmark = pytest.mark.django_db(transaction=True)


def lobby(booth):
    return f"/ws/booth/{booth.pk}/"


async def test_a_signed_in_socket_opens_while_the_sync_thread_is_busy(booth_a, talent):
    """Channels' AuthMiddleware loads the session and user on asgiref's one sync thread: in a
    storm every handshake queued there behind every other one and every post of the process."""
    cookie = await sync_to_async(session_cookie_for)(talent)
    release = threading.Event()
    busy = asyncio.ensure_future(sync_to_async(release.wait, thread_sensitive=True)(30))
    try:
        communicator = WebsocketCommunicator(
            application,
            lobby(booth_a),
            headers=[(b"origin", b"http://localhost"), (b"cookie", cookie)],
        )
        connected, _code = await communicator.connect(timeout=10)
        hello = await Socket(communicator).receive_type("hello")
        assert (connected, hello["signed_in"], busy.done()) == (True, True, False)
        await communicator.disconnect()
    finally:
        release.set()
        await busy


async def test_a_post_committed_in_a_thread_is_published_without_waiting_for_the_event_loop(
    connect, booth_a
):
    """The thread hands the event to the loop and returns; the loop publishes it later, in
    commit order. Here the loop is blocked until the thread has returned (it used to wait for
    the loop, a deadlock broken only by the timeout)."""
    room = consumers.lobby_room(booth_a.pk)
    reader = await connect(lobby(booth_a))
    await reader.receive_type("hello")
    returned = threading.Event()

    def commit_three_events():
        for n in (1, 2, 3):
            fanout.publish_after_commit(room, f'{{"type":"probe","n":{n}}}')
        returned.set()

    work = asyncio.ensure_future(database_sync_to_async(commit_three_events)())
    await asyncio.sleep(0)  # the task hands the call to the sync thread
    assert returned.wait(timeout=10)  # blocks the event loop: the thread must not need it
    await work

    probes = [(await reader.receive_type("probe"))["n"] for _ in range(3)]
    assert probes == [1, 2, 3]


async def test_sockets_that_open_a_booth_at_once_share_one_booth_query(
    booth_a, talent, monkeypatch
):
    monkeypatch.setattr(shared, "GATHER_SECONDS", 1.0)  # wide enough for a loaded machine
    looked_up = []
    real = consumers.get_booth
    monkeypatch.setattr(consumers, "get_booth", lambda pk: looked_up.append(pk) or real(pk))

    sockets = await asyncio.gather(
        open_socket(lobby(booth_a)),
        open_socket(lobby(booth_a)),
        open_socket(lobby(booth_a), talent),
    )
    hellos = [await s.receive_type("hello") for s in sockets]

    assert looked_up == [booth_a.pk]
    assert [(h["booth"], h["signed_in"]) for h in hellos] == [
        (booth_a.pk, False),
        (booth_a.pk, False),
        (booth_a.pk, True),
    ]
    for socket in sockets:
        await socket.close()


async def test_a_visitor_counts_themself_in_the_booth_hello(connect, booth_a):
    visitor = await connect(lobby(booth_a))

    hello = await visitor.receive_type("hello")

    assert hello["visitors"] == 1


async def test_a_shared_replay_cut_off_by_its_limit_still_gives_each_socket_what_it_missed(
    connect, booth_a, talent, monkeypatch
):
    """A shared replay reads from the oldest id asked for, up to REPLAY_LIMIT events: a socket
    whose own part lies beyond that limit reads on its own instead of getting nothing."""
    writer = await connect(lobby(booth_a), talent)
    await writer.receive_type("hello")
    for n in range(5):  # the burst the rate limit allows
        await writer.post(f"message {n}")
        await writer.receive_type("ack")
    # An ack goes out before its event is published: readers connect once the last one is out.
    await writer.expect(lambda e: e["type"] == "message" and e["id"] == 5)
    real = consumers.events_since
    monkeypatch.setattr(consumers, "REPLAY_LIMIT", 2)
    monkeypatch.setattr(consumers, "events_since", lambda room, last: real(room, last, limit=2))
    room = consumers.lobby_room(booth_a.pk)
    behind, nearly = await connect(lobby(booth_a)), await connect(lobby(booth_a))
    for reader in (behind, nearly):
        await reader.receive_type("hello")

    await behind.send({"type": "sync", "room": room, "last_event_id": 0})
    await nearly.send({"type": "sync", "room": room, "last_event_id": 3})

    async def replayed(reader):
        ids = []
        while (event := await reader.receive_type("message", "synced"))["type"] == "message":
            ids.append(event["id"])
        return ids, event["last_event_id"]

    assert await asyncio.gather(replayed(behind), replayed(nearly)) == [([1, 2], 2), ([4, 5], 5)]
