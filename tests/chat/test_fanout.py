"""The per-process fan-out hub counts what it cannot deliver instead of dropping it silently:
gaps in publisher sequence numbers (lost by the channel layer), its own bounded queue under
overload, sockets closed as too slow; events that arrive before a socket is accepted wait for
it; and every process reports its counters through the channel layer."""

import asyncio
import json

import pytest
from django.test import override_settings

from chat import fanout
from chat.consumers import LiveConsumer
from chat.transport import CLOSE_TOO_SLOW


async def until(condition, timeout=10):
    """Wait for a condition the event loop will make true (no fixed sleep: a loaded machine
    only makes it slower)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


class Member:
    def __init__(self):
        self.texts = []

    def fanout_push(self, room, event_id, text):
        self.texts.append(text)


def event(room, seq, source="a", text=None):
    return {
        "type": fanout.EVENT_TYPE,
        "room": room,
        "id": None,
        "text": text or f"e{seq}",
        "src": source,
        "sq": seq,
    }


def test_the_hub_counts_events_the_channel_layer_lost():
    hub = fanout.Hub(layer=None)
    member = Member()
    hub.rooms["lobby.1"] = {member: True}
    for seq in (1, 2, 5, 6):
        hub.accept(event("lobby.1", seq))
    hub.accept(event("lobby.1", 1, source="b"))  # another publisher: its own numbering
    hub.accept(event("lobby.1", 3, source="b"))
    assert hub.stats["layer_lost"] == 2 + 1
    assert hub.stats["layer_lost_deliveries"] == 3  # times one local socket
    while hub.pending:
        hub.dispatch(hub.pending.popleft())
    assert member.texts == ["e1", "e2", "e5", "e6", "e1", "e3"]
    assert hub.stats["deliveries"] == 6


def test_the_hub_queue_is_bounded_and_drops_the_oldest_counting_them():
    hub = fanout.Hub(layer=None)
    hub.backlog_limit = 3
    hub.rooms["lobby.1"] = {Member(): True}
    for seq in range(1, 6):
        hub.accept(event("lobby.1", seq))
    assert [m["sq"] for m in hub.pending] == [3, 4, 5]
    assert hub.stats["queue_dropped"] == 2
    assert hub.stats["queue_dropped_deliveries"] == 2
    assert hub.stats["layer_lost"] == 0  # dropped here, not lost on the way: told apart


def test_publish_numbers_events_per_room():
    first = fanout._next_seq("room.x")
    second = fanout._next_seq("room.x")
    other = fanout._next_seq("room.y")
    assert second == (first[0], first[1] + 1)
    assert other[1] == 1


@pytest.mark.django_db(transaction=True)
async def test_every_process_reports_its_counters_through_the_channel_layer():
    hub = fanout.hub()
    member = Member()
    await hub.join("lobby.stats-test", member)
    for n in range(3):
        await fanout.publish("lobby.stats-test", json.dumps({"n": n}))
    await until(lambda: len(member.texts) == 3)
    replies = await fanout.collect_stats(timeout=3, expect=1)
    await hub.leave("lobby.stats-test", member)
    assert len(member.texts) == 3
    assert len(replies) == 1
    stats = replies[0]
    assert stats["deliveries"] >= 3 and stats["layer_lost"] == 0
    assert stats["queue_dropped"] == 0 and stats["slow_dropped"] == 0


class FakeSocket:
    """An ASGI send whose writes block (a slow client) until released."""

    def __init__(self):
        self.sent = []
        self.blocked = None

    async def send(self, message):
        if message["type"] == "websocket.send" and self.blocked is not None:
            await self.blocked
        self.sent.append(message)


@override_settings(CHAT_SOCKET_BACKLOG=5)
async def test_a_slow_socket_is_closed_with_4409_and_its_undelivered_events_counted():
    socket = FakeSocket()
    consumer = LiveConsumer()
    consumer.base_send = socket.send
    consumer._accepted = True
    stats = fanout.hub().stats
    before = dict(stats)

    consumer.fanout_push("lobby.1", 1, "first")
    assert socket.sent[-1]["text"] == "first"  # written at once: the common case
    socket.blocked = asyncio.get_running_loop().create_future()
    for n in range(2, 20):
        consumer.fanout_push("lobby.1", n, f"event {n}")
    await until(lambda: any(m["type"] == "websocket.close" for m in socket.sent))

    closes = [m for m in socket.sent if m["type"] == "websocket.close"]
    assert [c["code"] for c in closes] == [CLOSE_TOO_SLOW]
    assert stats["slow_sockets_closed"] - before["slow_sockets_closed"] == 1
    # 18 pushed while blocked: the one waiting on the transport is written when it frees; the
    # 5 in the backlog, the one that overflowed it and the 11 pushed after the close are not.
    assert stats["slow_dropped"] - before["slow_dropped"] == 17
    socket.blocked.set_result(None)


async def test_events_that_arrive_before_the_accept_wait_for_it_in_order():
    socket = FakeSocket()
    consumer = LiveConsumer()
    consumer.base_send = socket.send
    consumer.fanout_push("lobby.1", 7, "early 7")
    consumer.fanout_push("lobby.1", 8, "early 8")
    assert socket.sent == []  # an ASGI send before the accept would kill the socket

    await consumer.accept(release=False)
    await consumer.send_json({"type": "hello"})
    consumer.release_early()

    assert [m["type"] for m in socket.sent] == ["websocket.accept", *["websocket.send"] * 3]
    assert [m.get("text") for m in socket.sent[1:]] == ['{"type": "hello"}', "early 7", "early 8"]


async def test_every_socket_task_shares_the_process_cache_backend():
    """Not one Redis connection pool (and open connection) per idle socket."""
    from django.core.cache import caches

    from chat.consumers import share_caches

    async def backend():
        share_caches()
        return caches["default"]

    first, second = await asyncio.gather(backend(), backend())
    assert first is second


class Wire(asyncio.Transport):
    """The client's end of a socket under a real uvicorn websockets protocol: what it wrote."""

    def __init__(self):
        super().__init__()
        self.written = bytearray()
        self.closing = False

    def write(self, data):
        self.written += data

    def is_closing(self):
        return self.closing

    def close(self):
        self.closing = True

    def get_extra_info(self, name, default=None):
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 50000)}.get(
            name, default
        )

    def pause_reading(self):
        pass

    def resume_reading(self):
        pass


async def uvicorn_socket(deflate):
    """A LiveConsumer on uvicorn's own (sansio) websockets protocol, handshaken with a client
    that offers permessage-deflate when `deflate`: returns the consumer, protocol and wire."""
    from uvicorn.config import Config
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
    from uvicorn.server import ServerState

    accepted = asyncio.get_running_loop().create_future()

    async def app(scope, receive, send):
        await send({"type": "websocket.accept"})
        accepted.set_result(send)
        await asyncio.Event().wait()  # the socket stays open until the test ends

    config = Config(app=app, ws="websockets-sansio", ws_per_message_deflate=deflate)
    config.load()
    protocol = WebSocketsSansIOProtocol(config=config, server_state=ServerState(), app_state={})
    wire = Wire()
    protocol.connection_made(wire)
    offer = "Sec-WebSocket-Extensions: permessage-deflate\r\n" if deflate else ""
    protocol.data_received(
        (
            "GET /ws/booth/1/ HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            f"Sec-WebSocket-Version: 13\r\n{offer}\r\n"
        ).encode()
    )
    consumer = LiveConsumer()
    consumer.base_send = await asyncio.wait_for(accepted, 10)
    consumer._accepted = True
    assert wire.written.startswith(b"HTTP/1.1 101")
    wire.written.clear()
    return consumer, protocol, wire


def uvicorn_frame(text):
    """The frame uvicorn's own send writes for a text message without extensions."""
    from websockets.frames import Frame, Opcode

    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False, extensions=[])


@pytest.mark.parametrize("size", [0, 125, 126, 65535, 65536])
def test_a_hub_event_frame_is_the_frame_uvicorn_would_write(size):
    from chat.transport import text_frame

    text = ("展" * size)[: size // 3] + "x" * (size - 3 * (size // 3))  # multi-byte UTF-8
    assert len(text.encode()) == size
    assert text_frame(text) == uvicorn_frame(text)


async def test_hub_events_go_straight_to_uvicorn_and_wait_their_turn_behind_a_full_transport():
    consumer, protocol, wire = await uvicorn_socket(deflate=False)
    text = json.dumps({"type": "message", "body": "展位 " + "x" * 200}, ensure_ascii=False)

    consumer.fanout_push("lobby.1", 1, text)
    assert consumer._direct is protocol  # written straight to the transport, not via the ASGI send
    assert bytes(wire.written) == uvicorn_frame(text)

    wire.written.clear()
    protocol.pause_writing()  # the client does not read: uvicorn's send would wait
    consumer.fanout_push("lobby.1", 2, "second")
    consumer.fanout_push("lobby.1", 3, "third")
    assert wire.written == b""  # not written past the full transport
    protocol.resume_writing()
    await until(lambda: bytes(wire.written) == uvicorn_frame("second") + uvicorn_frame("third"))


async def test_a_socket_that_negotiated_compression_gets_hub_events_through_uvicorns_send():
    consumer, protocol, wire = await uvicorn_socket(deflate=True)
    assert protocol.conn.extensions  # permessage-deflate was negotiated

    consumer.fanout_push("lobby.1", 1, "compressed " * 20)
    assert wire.written[0] == 0xC1  # FIN, RSV1 (compressed), text: uvicorn's own frame
    assert len(wire.written) < len(uvicorn_frame("compressed " * 20))
