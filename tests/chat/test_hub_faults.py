"""The fan-out hub survives Redis going away: a room first subscribed during an outage is
refused cleanly (never kept broken), is subscribed again once Redis is back, every room is
resubscribed and every socket told to resync after the outage, and no consumer stays
registered in the hub whatever way it ends. Each test runs its own Redis server for the
channel layer and kills it (the cache stays on the harness's Redis)."""

import asyncio
import json
import tempfile
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from channels.testing import HttpCommunicator, WebsocketCommunicator
from django.test import override_settings

from chat import fanout
from chat.consumers import CLOSE_UNAVAILABLE
from expo.asgi import application
from tests.chat.conftest import open_socket, session_cookie_for
from tests.harness import RedisServer


@pytest.fixture
def layer_redis():
    """A Redis server of our own behind the channel layer, which the test may kill."""
    server = RedisServer(Path(tempfile.mkdtemp(prefix="expo-layer-redis-"))).start()
    layers = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [{"address": server.url}], "prefix": "hubfaults"},
        }
    }
    with override_settings(CHANNEL_LAYERS=layers, CHAT_HUB_PROBE_SECONDS=0.2):
        yield server
    server.stop()


class Member:
    def __init__(self):
        self.texts = []
        self.controls = []

    def fanout_push(self, room, event_id, text):
        self.texts.append(text)

    async def fanout_control(self, room, control):
        self.controls.append((room, control))


async def eventually(condition, timeout=15, what="the condition"):
    """Wait for a condition (polling), failing after the timeout: never a fixed sleep."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def join_when_allowed(hub, room, member, timeout=15):
    """Join, retrying while the hub refuses (it backs off after a failure)."""

    async def joined():
        try:
            await hub.join(room, member)
        except fanout.HubUnavailable:
            return False
        return True

    await eventually(joined, timeout, f"a join of {room}")


async def delivered(member, text, room="lobby.faults"):
    async def arrived():
        await fanout.publish(room, text)
        return text in member.texts

    await eventually(arrived, what=f"delivery of {text}")


async def test_a_room_first_subscribed_while_redis_is_down_recovers_when_it_returns(layer_redis):
    hub = fanout.hub()
    early = Member()
    await hub.join("lobby.other", early)  # the hub is open before the outage
    layer_redis.kill()

    async def noticed():  # (until then a SUBSCRIBE may vanish into the dead socket unnoticed)
        return not hub.layer_ok

    await eventually(noticed, what="the hub noticing the outage")

    first = Member()
    with pytest.raises(fanout.HubUnavailable):
        await hub.join("lobby.faults", first)
    assert "lobby.faults" in hub.failed
    assert "lobby.faults" not in hub.rooms  # the refused socket is not left registered
    assert "lobby.faults" not in hub.subscriptions  # nor the failed subscription kept

    second = Member()
    with pytest.raises(fanout.HubUnavailable):  # within the backoff: refused without Redis
        await hub.join("lobby.faults", second)
    assert hub.stats["subscribe_failed"] == 1

    layer_redis.start()
    await join_when_allowed(hub, "lobby.faults", second)

    assert hub.failed == {}
    await delivered(second, "after the outage")
    assert first.texts == []
    await hub.leave("lobby.faults", second)
    await hub.leave("lobby.other", early)


async def test_after_an_outage_every_room_is_resubscribed_and_every_socket_told_to_resync(
    layer_redis,
):
    hub = fanout.hub()
    member = Member()
    await hub.join("lobby.faults", member)
    await delivered(member, "before")

    layer_redis.kill()

    async def noticed():
        return not hub.layer_ok

    await eventually(noticed, what="the hub noticing the outage")
    layer_redis.start()

    async def resynced():
        return ("lobby.faults", fanout.RESYNC) in member.controls

    await eventually(resynced, what="a resync after recovery")
    assert hub.layer_ok and hub.stats["layer_recovered"] == 1
    await delivered(member, "after")
    await hub.leave("lobby.faults", member)


async def test_a_publish_that_failed_tells_the_room_to_resync_once_publishing_works(
    layer_redis,
):
    hub = fanout.hub()
    member = Member()
    await hub.join("lobby.faults", member)
    layer_redis.kill()

    with pytest.raises(Exception):  # noqa: B017 (redis's ConnectionError, whatever its class)
        await fanout.publish("lobby.faults", "lost on the way")
    assert "lobby.faults" in fanout._failed_rooms

    layer_redis.start()

    async def told():
        return ("lobby.faults", fanout.RESYNC) in member.controls

    await eventually(told, what="a resync of the room whose publish failed")
    assert "lobby.faults" not in fanout._failed_rooms
    await hub.leave("lobby.faults", member)


@pytest.mark.django_db(transaction=True)
async def test_a_visitor_arriving_while_redis_is_down_is_refused_with_4503_then_gets_in(
    layer_redis, booth_a
):
    hub = fanout.hub()
    await hub._ensure_open()
    layer_redis.kill()

    async def noticed():
        return not hub.layer_ok

    await eventually(noticed, what="the hub noticing the outage")

    communicator = WebsocketCommunicator(
        application, f"/ws/booth/{booth_a.pk}/", headers=[(b"origin", b"http://localhost")]
    )
    connected, _ = await communicator.connect(timeout=5)
    assert connected  # accepted only to say why, then closed: not an HTTP 500
    refusal = await communicator.receive_json_from(timeout=5)
    assert refusal["type"] == "error" and refusal["code"] == "refused"
    assert (await communicator.receive_output(timeout=5))["code"] == CLOSE_UNAVAILABLE
    await communicator.wait()
    assert hub.member_count() == 0

    layer_redis.start()

    async def gets_in():
        socket = WebsocketCommunicator(
            application, f"/ws/booth/{booth_a.pk}/", headers=[(b"origin", b"http://localhost")]
        )
        await socket.connect(timeout=5)
        event = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return event["type"] == "hello"

    await eventually(gets_in, what="a visitor getting in after the outage")


@pytest.mark.django_db(transaction=True)
async def test_healthz_names_the_rooms_whose_subscription_failed_in_this_process(layer_redis):
    hub = fanout.hub()
    await hub._ensure_open()
    layer_redis.kill()

    async def noticed():
        return not hub.layer_ok

    await eventually(noticed, what="the hub noticing the outage")
    with pytest.raises(fanout.HubUnavailable):
        await hub.join("lobby.broken", Member())

    response = await get_healthz()

    assert response["status"] == 503
    check = json.loads(response["body"])["checks"]["fanout_hub"]
    assert check["ok"] is False
    assert "1 rooms whose subscription failed (retrying): lobby.broken" in check["detail"]

    layer_redis.start()
    member = Member()
    await join_when_allowed(hub, "lobby.broken", member)

    async def healthy():
        response = await get_healthz()
        return json.loads(response["body"])["checks"]["fanout_hub"]["ok"]

    await eventually(healthy, what="/healthz seeing the hub healthy again")
    await hub.leave("lobby.broken", member)


async def get_healthz():
    communicator = HttpCommunicator(
        application, "GET", "/healthz", headers=[(b"host", b"localhost")]
    )
    return await communicator.get_response(timeout=10)


@pytest.mark.django_db(transaction=True)
async def test_a_post_while_redis_is_down_gets_a_retry_error_and_the_socket_stays_up(
    settings, talent, booth_a
):
    socket = await open_socket(f"/ws/booth/{booth_a.pk}/", talent)
    await socket.receive_type("hello")
    # The rate limiter's cache is on a Redis that does not answer (port 1).
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    from chat import consumers

    consumers._shared_caches.clear()

    client_id = await socket.post("while Redis is down")
    error = await socket.receive_type("error", "ack")

    assert error == {
        "type": "error",
        "code": "unavailable",
        "retry": True,
        "ref": client_id,
        "message": "Not sent: the chat is unavailable for a moment. Retrying...",
    }
    await socket.send({"type": "ping"})
    assert (await socket.receive_type("pong"))["type"] == "pong"  # still up
    await socket.close()
    consumers._shared_caches.clear()


@pytest.mark.django_db(transaction=True)
async def test_a_consumer_that_ends_without_disconnect_leaves_nothing_in_the_hub(talent, booth_a):
    hub = fanout.hub()
    before = hub.member_count()
    socket = await open_socket(f"/ws/booth/{booth_a.pk}/", talent)
    await socket.receive_type("hello")
    assert hub.member_count() == before + 3  # lobby, booth summary, the user's own room

    socket.communicator.future.cancel()  # the server drops the task: no disconnect() call
    with pytest.raises(asyncio.CancelledError):
        await socket.communicator.future

    assert hub.member_count() == before


@pytest.mark.django_db(transaction=True)
async def test_a_handshake_abandoned_during_connect_leaves_nothing_in_the_hub(talent, booth_a):
    """The client goes away while connect() still waits on the database."""
    hub = fanout.hub()
    before = hub.member_count()
    cookie = await sync_to_async(session_cookie_for)(talent)
    headers = [(b"origin", b"http://localhost"), (b"cookie", cookie)]
    communicator = WebsocketCommunicator(application, f"/ws/booth/{booth_a.pk}/", headers=headers)
    await communicator.send_input({"type": "websocket.connect"})

    async def joined():
        return hub.member_count() > before

    await eventually(joined, what="the consumer joining its rooms")
    communicator.future.cancel()
    with pytest.raises(asyncio.CancelledError):
        await communicator.future
    assert hub.member_count() == before
    assert json.dumps(hub.health())  # serialisable for /healthz
