"""1:1 calls over the conversation's socket: the lifecycle both sides see, the relay of
signalling to the other side only, and every refusal (third user, organiser, closed
conversation, ban, mute, removal, logout, garbage SDP, floods)."""

import base64
import hashlib
import hmac
import json
import time

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from booths.models import Membership
from chat.actions.conversations import do_close
from chat.calls import services as call_services
from chat.consumers import CLOSE_ABUSIVE, CLOSE_NOT_FOUND
from chat.models import Ban, Call, Event, Mute
from tests.chat.calls import ANSWER, CANDIDATE, OFFER, open_conversation, sdp
from tests.chat.conftest import open_socket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def conversation(booth_a, talent, recruiter):
    return open_conversation(booth_a, talent, recruiter)


@pytest.fixture
async def connect():
    """tests/chat/conftest.py's connect, closing every socket before the test's event loop
    ends. A handler may still be running when the test has what it needs (a service publishing
    its last event after the commit, from a worker thread, through this loop): closing waits for
    it here. Left to the loop's shutdown, that thread would wait forever on a closed loop and
    hold asgiref's one sync thread, so that every later test hung."""
    sockets = []

    async def _connect(path, user=None, **kwargs):
        socket = await open_socket(path, user, **kwargs)
        sockets.append(socket)
        return socket

    yield _connect
    for socket in sockets:
        if not socket.communicator.future.done():  # not closed by the test or the server
            await socket.communicator.disconnect(timeout=30)


def path(conversation):
    return f"/ws/chat/{conversation.pk}/"


async def both_sides(connect, conversation, talent, recruiter):
    caller = await connect(path(conversation), recruiter)
    await caller.receive_type("hello")
    callee = await connect(path(conversation), talent)
    await callee.receive_type("hello")
    return caller, callee


async def ringing(caller, callee, kind="video"):
    await caller.send({"type": "call.ring", "kind": kind})
    config = await caller.receive_type("call.config")
    rang = await callee.receive_type("call")
    assert rang["state"] == "ringing"
    return config, rang["call"]


async def in_a_call(connect, conversation, talent, recruiter):
    caller, callee = await both_sides(connect, conversation, talent, recruiter)
    _config, call = await ringing(caller, callee)
    await callee.send({"type": "call.accept", "call": call})
    await callee.receive_type("call.config")
    await until_state(caller, "active")
    # The callee's own "active" event races its call.config (the reply goes straight out, the
    # event through the channel layer): take it, wherever it came, before the test reads on.
    await callee.expect(lambda e: e["type"] == "call" and e["state"] == "active", timeout=3)
    return caller, callee, call


async def until_state(socket, state, timeout=3):
    """Call events up to the first in this state (the ringing event and call.config race)."""
    event = await socket.receive_type("call", timeout=timeout)
    while event["state"] != state:
        event = await socket.receive_type("call", timeout=timeout)
    return event


async def state_of(socket, timeout=3):
    """The next call event's state and reason."""
    event = await socket.receive_type("call", timeout=timeout)
    return event["state"], event["reason"]


# --- The lifecycle -------------------------------------------------------------------------
async def test_a_recruiter_rings_the_talent_answers_and_they_exchange_signalling_never_stored(
    connect, conversation, talent, recruiter
):
    notifications = await connect("/ws/notifications/", talent)
    caller, callee = await both_sides(connect, conversation, talent, recruiter)

    await caller.send({"type": "call.ring", "kind": "video"})
    config = await caller.receive_type("call.config")
    rang = await callee.receive_type("call")
    notice = await notifications.receive_type("call")
    await callee.send({"type": "call.accept", "call": rang["call"]})
    callee_config = await callee.receive_type("call.config")
    answered = await until_state(caller, "active")

    await caller.send({"type": "call.offer", "call": rang["call"], "sdp": OFFER})
    offer = await callee.receive_type("call.signal")
    await callee.send({"type": "call.answer", "call": rang["call"], "sdp": ANSWER})
    answer = await caller.receive_type("call.signal")
    await callee.send({"type": "call.ice", "call": rang["call"], "candidate": CANDIDATE})
    candidate = await caller.receive_type("call.signal")
    await caller.send({"type": "call.hangup", "call": rang["call"]})
    ended_for_callee = await until_state(callee, "ended")

    assert (rang["state"], rang["kind"], rang["caller"], rang["callee"]) == (
        "ringing",
        "video",
        "Rita",
        "Tess",
    )
    assert (notice["state"], notice["title"], notice["url"]) == (
        "ringing",
        "Rita is video calling you",
        f"/chat/{conversation.pk}/",
    )
    assert config["call"] == callee_config["call"] == rang["call"]
    assert answered["answered_at"]
    assert (offer["signal"], offer["sdp"], offer["restart"]) == ("offer", OFFER, False)
    assert (answer["signal"], answer["sdp"]) == ("answer", ANSWER)
    assert candidate == {
        "type": "call.signal",
        "call": rang["call"],
        "signal": "ice",
        "candidate": CANDIDATE,
    }
    assert (ended_for_callee["state"], ended_for_callee["reason"]) == ("ended", "hang_up")
    assert ended_for_callee["duration"] is not None
    # Signalling went to the other side only, and nothing of it was stored.
    assert await caller.nothing("call.signal") and await callee.nothing("call.signal")
    stored = await sync_to_async(
        lambda: json.dumps(list(Event.objects.values_list("data", flat=True)))
    )()
    assert "ice-pwd" not in stored and "candidate:" not in stored
    kinds = await sync_to_async(
        lambda: [e.data["state"] for e in Event.objects.filter(kind="call").order_by("seq")]
    )()
    assert kinds == ["ringing", "active", "ended"]


async def test_turn_credentials_follow_coturns_rest_scheme_and_only_the_two_sides_get_them(
    connect, conversation, talent, recruiter, organiser, settings
):
    settings.TURN_URLS = ["turn:127.0.0.1:3478?transport=udp"]
    settings.TURN_SECRET = "s3cret"
    settings.TURN_CREDENTIAL_SECONDS = 600
    watcher = await connect(path(conversation), organiser)
    await watcher.receive_type("hello")
    caller, callee = await both_sides(connect, conversation, talent, recruiter)

    before = int(time.time())
    config, call = await ringing(caller, callee)
    await watcher.send({"type": "call.turn", "call": call})
    refused = await watcher.receive_type("error")

    server = config["ice_servers"][0]
    expiry, user_id = server["username"].split(":")
    expected = base64.b64encode(
        hmac.new(b"s3cret", server["username"].encode(), hashlib.sha1).digest()
    ).decode()
    assert server["urls"] == ["turn:127.0.0.1:3478?transport=udp"]
    assert int(user_id) == recruiter.pk
    assert before + 600 <= int(expiry) <= int(time.time()) + 600
    assert server["credential"] == expected
    assert config["ice_transport_policy"] == "all"
    assert (refused["ref"], refused["code"]) == ("call", "not_in_call")
    assert await watcher.nothing("call.config")


async def test_without_turn_configured_calls_go_peer_to_peer(
    connect, conversation, talent, recruiter, settings
):
    settings.TURN_URLS = []
    settings.TURN_SECRET = ""
    caller, callee = await both_sides(connect, conversation, talent, recruiter)

    config, _call = await ringing(caller, callee)

    assert config["ice_servers"] == []


async def test_the_talent_declines_and_both_sides_see_it(connect, conversation, talent, recruiter):
    caller, callee = await both_sides(connect, conversation, talent, recruiter)
    _config, call = await ringing(caller, callee)

    await callee.send({"type": "call.decline", "call": call})

    assert await state_of(callee) == ("declined", "declined")
    assert (await until_state(caller, "declined"))["reason"] == "declined"


async def test_a_call_nobody_answers_is_missed_after_the_ring_timeout(
    connect, conversation, talent, recruiter, settings
):
    settings.CALL_RING_SECONDS = 0.5
    notifications = await connect("/ws/notifications/", talent)
    caller, callee = await both_sides(connect, conversation, talent, recruiter)
    _config, call = await ringing(caller, callee)

    missed = await callee.receive_type("call", timeout=10)
    assert (await notifications.receive_type("call"))["state"] == "ringing"
    notice = await notifications.receive_type("call")
    await callee.send({"type": "call.accept", "call": call})
    too_late = await callee.receive_type("error")

    assert (missed["state"], missed["reason"], missed["duration"]) == ("missed", "no_answer", None)
    assert notice["state"] == "missed"  # the ringing notice on other pages goes away
    assert too_late["code"] == "gone"


async def test_the_caller_cancels_before_an_answer(connect, conversation, talent, recruiter):
    caller, callee = await both_sides(connect, conversation, talent, recruiter)
    _config, call = await ringing(caller, callee, "voice")

    await caller.send({"type": "call.hangup", "call": call})

    assert await state_of(callee) == ("cancelled", "cancelled")


async def test_a_second_call_is_refused_while_one_rings(connect, conversation, talent, recruiter):
    caller, callee = await both_sides(connect, conversation, talent, recruiter)
    await ringing(caller, callee)

    await callee.send({"type": "call.ring", "kind": "voice"})
    busy = await callee.receive_type("error")

    assert (busy["code"], busy["ref"]) == ("busy", "call")
    assert await sync_to_async(Call.objects.count)() == 1


async def test_ringing_again_and_again_is_slowed_down(
    connect, conversation, talent, recruiter, settings
):
    settings.CALL_RING_BURST = 2
    settings.CALL_RING_INTERVAL_SECONDS = 3600
    caller, callee = await both_sides(connect, conversation, talent, recruiter)
    rings = []
    for _ in range(2):
        _config, call = await ringing(caller, callee, "voice")
        await caller.send({"type": "call.hangup", "call": call})
        rings.append(await until_state(callee, "cancelled"))

    await caller.send({"type": "call.ring", "kind": "voice"})
    refused = await caller.receive_type("error")

    assert len(rings) == 2
    assert (refused["code"], refused["message"]) == (
        "rate_limited",
        "You are calling too often: wait a little.",
    )
    assert await callee.nothing("call")
    assert await sync_to_async(Call.objects.count)() == 2


async def test_a_dropped_call_socket_ends_the_call_after_the_grace_unless_it_comes_back(
    connect, conversation, talent, recruiter, settings
):
    settings.CALL_RECONNECT_SECONDS = 3  # long enough to come back on a loaded machine
    caller, callee, call = await in_a_call(connect, conversation, talent, recruiter)
    # The callee's socket drops and comes back in time: the call goes on, held by the new one.
    await callee.close()
    again = await connect(path(conversation), talent)
    await again.receive_type("hello")
    await again.send({"type": "call.rejoin", "call": call})
    await again.receive_type("call.config")
    # The caller's socket drops for good.
    await caller.close()

    state = await state_of(again, timeout=10)

    assert state == ("ended", "connection_lost")
    row = await sync_to_async(Call.objects.get)(pk=call)
    assert row.ended_by is None


async def test_rejoining_from_another_window_moves_the_call_there(
    connect, conversation, talent, recruiter
):
    caller, callee, call = await in_a_call(connect, conversation, talent, recruiter)
    window = await connect(path(conversation), talent)
    await window.receive_type("hello")

    await window.send({"type": "call.rejoin", "call": call})
    await window.receive_type("call.config")
    moved = await callee.receive_type("call.moved")
    await caller.send({"type": "call.offer", "call": call, "sdp": OFFER, "restart": True})

    assert moved == {"type": "call.moved", "call": call}
    assert (await window.receive_type("call.signal"))["restart"] is True
    assert await callee.nothing("call.signal")


def test_rings_past_their_time_and_silent_calls_are_swept_up_by_the_clock(
    booth_a, talent, recruiter, settings
):
    from datetime import timedelta

    from django.utils import timezone

    settings.CALL_RING_SECONDS = 45
    settings.CALL_RECONNECT_SECONDS = 30
    conversation = open_conversation(booth_a, talent, recruiter)
    ring = call_services.do_ring(recruiter, conversation.pk, "video")
    now = timezone.now()

    assert call_services.expire_stale_calls(now + timedelta(seconds=44)) == 0
    assert call_services.expire_stale_calls(now + timedelta(seconds=46)) == 1
    ring.refresh_from_db()
    assert (ring.status, ring.end_reason) == ("missed", "no_answer")

    active = call_services.do_ring(talent, conversation.pk, "voice")
    call_services.do_accept(recruiter, active.pk)
    answered = Call.objects.get(pk=active.pk).answered_at
    assert call_services.expire_stale_calls(answered + timedelta(seconds=79)) == 0
    assert call_services.expire_stale_calls(answered + timedelta(seconds=81)) == 1
    active.refresh_from_db()
    assert (active.status, active.end_reason) == ("ended", "connection_lost")


# --- Refusals --------------------------------------------------------------------------------
async def test_a_third_user_can_neither_join_nor_decline(
    connect, conversation, talent, recruiter, outsider_recruiter
):
    caller, callee = await both_sides(connect, conversation, talent, recruiter)
    _config, call = await ringing(caller, callee)

    outsider = await connect(path(conversation), outsider_recruiter)
    closed = await outsider.receive_close()

    def decline_over_http():
        client = Client()
        client.force_login(outsider_recruiter)
        return client.post(f"/chat/calls/{call}/decline/")

    response = await sync_to_async(decline_over_http)()

    assert closed == CLOSE_NOT_FOUND
    assert response.status_code == 404
    assert await sync_to_async(lambda: Call.objects.get(pk=call).status)() == "ringing"


async def test_organiser_staff_see_that_a_call_happened_but_never_ring_answer_or_hear_it(
    connect, conversation, talent, recruiter, organiser
):
    watcher = await connect(path(conversation), organiser)
    await watcher.receive_type("hello")
    caller, callee = await both_sides(connect, conversation, talent, recruiter)
    _config, call = await ringing(caller, callee)

    seen = await watcher.receive_type("call")
    await watcher.send({"type": "call.accept", "call": call})
    refused_answer = await watcher.receive_type("error")
    await watcher.send({"type": "call.ring", "kind": "voice"})
    refused_ring = await watcher.receive_type("error")
    await watcher.send({"type": "call.rejoin", "call": call})
    refused_join = await watcher.receive_type("error")
    await callee.send({"type": "call.accept", "call": call})
    await callee.receive_type("call.config")
    await caller.send({"type": "call.offer", "call": call, "sdp": OFFER})

    assert (seen["state"], seen["call"]) == ("ringing", call)
    assert refused_answer["code"] == "not_found"
    assert refused_ring["code"] == "forbidden"
    assert refused_join["code"] == "not_found"
    assert (await watcher.receive_type("call"))["state"] == "active"
    assert await watcher.nothing("call.signal")


async def test_a_closed_conversation_refuses_calls_and_closing_ends_the_call_under_way(
    connect, conversation, talent, recruiter
):
    caller, callee, call = await in_a_call(connect, conversation, talent, recruiter)

    await sync_to_async(do_close)(recruiter, conversation.pk, "contact")
    ended = await state_of(callee)
    await caller.send({"type": "call.offer", "call": call, "sdp": OFFER})
    refused_signal = await caller.receive_type("error")
    await callee.send({"type": "call.ring", "kind": "video"})
    refused_ring = await callee.receive_type("error")

    assert ended == ("ended", "conversation_closed")
    assert refused_signal["code"] == "gone"
    assert refused_ring["code"] == "closed"
    assert await callee.nothing("call.signal")


async def test_a_ban_ends_the_call_at_once_and_a_banned_user_cannot_ring(
    connect, conversation, talent, recruiter, organiser
):
    caller, callee, call = await in_a_call(connect, conversation, talent, recruiter)

    await sync_to_async(Ban.objects.create)(user=talent, banned_by=organiser)
    ended = await state_of(caller)
    again = await connect(path(conversation), talent)
    await again.receive_type("hello")
    await again.send({"type": "call.ring", "kind": "video"})
    refused = await again.receive_type("error")

    assert ended == ("ended", "access_revoked")
    assert refused["code"] == "banned"


async def test_a_mute_at_the_booth_ends_the_call(connect, conversation, talent, recruiter):
    from datetime import timedelta

    from django.utils import timezone

    caller, callee, call = await in_a_call(connect, conversation, talent, recruiter)

    await sync_to_async(Mute.objects.create)(
        booth=conversation.booth, user=talent, until=timezone.now() + timedelta(minutes=15)
    )

    assert await state_of(caller) == ("ended", "access_revoked")


async def test_removal_from_the_company_ends_the_recruiters_call(
    connect, conversation, talent, recruiter
):
    caller, callee, call = await in_a_call(connect, conversation, talent, recruiter)

    await sync_to_async(Membership.objects.filter(user=recruiter).delete)()

    assert await state_of(callee) == ("ended", "access_revoked")


async def test_logging_out_ends_the_call(connect, conversation, talent, recruiter):
    caller, callee, call = await in_a_call(connect, conversation, talent, recruiter)

    def logout():
        client = Client()
        client.force_login(talent)
        client.post("/accounts/logout/")

    await sync_to_async(logout)()

    assert await state_of(caller) == ("ended", "access_revoked")


BAD_SIGNALS = [
    ({"sdp": "hello"}, "invalid"),
    ({"sdp": OFFER.replace("v=0", "v=1")}, "invalid"),
    ({"sdp": "".join(x for x in OFFER.splitlines(True) if "fingerprint" not in x)}, "invalid"),
    ({"sdp": OFFER.replace("s=-", "s=\x07bell")}, "invalid"),
    ({"sdp": OFFER.replace("m=video 9", "m=video nine")}, "invalid"),
    ({"sdp": OFFER + "a=x:" + "y" * 33_000 + "\r\n"}, "too_long"),
    ({"sdp": ["v=0"]}, "invalid"),
    ({"sdp": OFFER, "extra": 1}, "invalid"),
    ({"sdp": OFFER, "restart": "yes"}, "invalid"),
]


def fields_at_fault(fields):
    return "extra" if "extra" in fields else "restart" if "restart" in fields else "sdp"


@pytest.mark.parametrize(("fields", "code"), BAD_SIGNALS)
async def test_malformed_or_oversized_offers_get_an_error_and_reach_nobody(
    connect, conversation, talent, recruiter, fields, code
):
    caller, callee, call = await in_a_call(connect, conversation, talent, recruiter)

    await caller.send({"type": "call.offer", "call": call, **fields})
    error = await caller.receive_type("error")

    assert (error["code"], error["ref"], error["field"]) == (code, "call", fields_at_fault(fields))
    assert await callee.nothing("call.signal")


@pytest.mark.parametrize(
    "candidate",
    [
        {"candidate": "candidate:1 1 udp 1 127.0.0.1 1 typ evil", "sdpMid": "0"},
        {"candidate": "<script>", "sdpMid": "0"},
        {"candidate": "candidate:1 1 udp 1 127.0.0.1 9 typ host", "sdpMLineIndex": -1},
        {"candidate": "candidate:1 1 udp 1 127.0.0.1 9 typ host"},  # no m-line given
        "candidate:1 1 udp 1 127.0.0.1 9 typ host",
    ],
)
async def test_malformed_ice_candidates_are_refused(
    connect, conversation, talent, recruiter, candidate
):
    caller, callee, call = await in_a_call(connect, conversation, talent, recruiter)

    await callee.send({"type": "call.ice", "call": call, "candidate": candidate})
    error = await callee.receive_type("error")

    assert error["code"] == "invalid"
    assert await caller.nothing("call.signal")


async def test_a_session_description_that_is_big_but_valid_passes(
    connect, conversation, talent, recruiter
):
    caller, callee, call = await in_a_call(connect, conversation, talent, recruiter)
    big = sdp().replace("a=rtcp-mux\r\n", "a=rtcp-mux\r\n" + "a=extmap:1 urn:x\r\n" * 600)
    assert 16 * 1024 < len(big) < 32 * 1024

    await caller.send({"type": "call.offer", "call": call, "sdp": big})

    assert (await callee.receive_type("call.signal"))["sdp"] == big


async def test_a_signalling_flood_is_slowed_then_the_socket_is_closed(
    connect, conversation, talent, recruiter, settings
):
    # A burst of 10 and no refill while the test runs.
    settings.CHAT_RATE_LIMITS = {**settings.CHAT_RATE_LIMITS, "call": (10, 0.001)}
    caller, callee, call = await in_a_call(connect, conversation, talent, recruiter)

    for _ in range(60):
        await caller.send({"type": "call.ice", "call": call, "candidate": CANDIDATE})
    codes = []
    while True:
        output = await caller.communicator.receive_output(5)
        if output["type"] == "websocket.close":
            break
        event = json.loads(output["text"])
        if event["type"] == "error":
            codes.append(event["code"])
    relayed = 0
    while not await callee.nothing("call.signal", timeout=0.5):
        relayed += 1

    assert output["code"] == CLOSE_ABUSIVE
    assert codes == ["rate_limited"] * 20
    assert relayed == 9  # the burst of 10, less the caller's ring


async def test_signalling_for_a_call_this_socket_does_not_hold_is_refused(
    connect, conversation, talent, recruiter
):
    caller, callee, call = await in_a_call(connect, conversation, talent, recruiter)
    other_tab = await connect(path(conversation), recruiter)
    await other_tab.receive_type("hello")

    await other_tab.send({"type": "call.offer", "call": call, "sdp": OFFER})
    refused = await other_tab.receive_type("error")
    await other_tab.send({"type": "call.offer", "call": "1", "sdp": OFFER})
    not_an_id = await other_tab.receive_type("error")

    assert refused["code"] == "not_in_call"
    assert not_an_id["code"] == "invalid"
    assert await callee.nothing("call.signal")
