"""The booth socket's lobby: who may read and write, what everyone sees, replay after a drop,
idempotent resends, and the errors bad frames get."""

import pytest
from asgiref.sync import sync_to_async

from chat.consumers import CLOSE_NOT_FOUND
from chat.models import Message
from tests.chat.conftest import event
from tests.factories import BoothFactory

pytestmark = pytest.mark.django_db(transaction=True)


def lobby(booth):
    return f"/ws/booth/{booth.pk}/"


async def test_an_anonymous_visitor_reads_the_lobby_but_cannot_post(connect, booth_a):
    visitor = await connect(lobby(booth_a))
    hello = await visitor.receive_type("hello")
    assert (hello["signed_in"], hello["waiting"], hello["queue_entry"]) == (False, 0, None)

    await visitor.post("hello")

    error = await visitor.receive_type("error")
    assert error["code"] == "sign_in"


async def test_a_lobby_message_reaches_every_visitor_and_staff_messages_are_marked(
    connect, booth_a, talent, recruiter
):
    reader = await connect(lobby(booth_a))
    await reader.receive_type("hello")
    writer = await connect(lobby(booth_a), talent)
    await writer.receive_type("hello")
    staff = await connect(lobby(booth_a), recruiter)
    await staff.receive_type("hello")

    client_id = await writer.post("Hi there")
    ack = await writer.receive_type("ack")
    first = await reader.receive_type("message")
    await staff.post("Welcome!")
    second = await reader.receive_type("message")

    assert ack == {"type": "ack", "client_id": client_id, "id": first["id"]}
    assert (first["message"]["body"], first["message"]["staff"]) == ("Hi there", False)
    assert (second["message"]["body"], second["message"]["staff"]) == ("Welcome!", True)
    assert second["id"] == first["id"] + 1


async def test_a_resend_with_the_same_client_id_is_stored_and_shown_once(connect, booth_a, talent):
    reader = await connect(lobby(booth_a))
    await reader.receive_type("hello")
    writer = await connect(lobby(booth_a), talent)
    await writer.receive_type("hello")

    client_id = await writer.post("Only once")
    first_ack = await writer.receive_type("ack")
    await writer.post("Only once", client_id=client_id)
    second_ack = await writer.receive_type("ack")

    assert first_ack["id"] == second_ack["id"]
    assert (await reader.receive_type("message"))["message"]["body"] == "Only once"
    assert await reader.nothing("message")
    assert await sync_to_async(Message.objects.count)() == 1


async def test_a_reconnecting_client_gets_what_it_missed_in_order(connect, booth_a, talent):
    writer = await connect(lobby(booth_a), talent)
    await writer.receive_type("hello")
    for n in range(4):
        await writer.post(f"message {n}")
        await writer.receive_type("ack")
    # The ack leaves before the hub has read the broadcast back from Redis: once the writer has
    # its own last message live, all four are out, and the late client gets them only by replay.
    await writer.expect(event(type="message", id=4))

    late = await connect(lobby(booth_a))
    await late.receive_type("hello")
    await late.send({"type": "sync", "room": f"lobby.{booth_a.pk}", "last_event_id": 1})
    replayed = [await late.receive_type("message", "synced") for _ in range(4)]

    assert [e.get("message", {}).get("body") for e in replayed[:3]] == [
        "message 1",
        "message 2",
        "message 3",
    ]
    assert [e["id"] for e in replayed[:3]] == [2, 3, 4]
    assert replayed[3] == {"type": "synced", "room": f"lobby.{booth_a.pk}", "last_event_id": 4}


async def test_load_earlier_returns_older_messages_oldest_first(connect, booth_a, talent):
    writer = await connect(lobby(booth_a), talent)
    await writer.receive_type("hello")
    for n in range(3):
        await writer.post(f"m{n}")
        await writer.receive_type("ack")

    await writer.send({"type": "history", "room": f"lobby.{booth_a.pk}", "before": 3})
    page = await writer.receive_type("history")

    assert [e["message"]["body"] for e in page["messages"]] == ["m0", "m1"]
    assert page["more"] is False


async def test_a_booth_that_is_not_approved_is_refused_with_4404(connect, edition):
    draft = await sync_to_async(BoothFactory)(edition=edition, status="draft")
    socket = await connect(lobby(draft))

    assert (await socket.receive_type("error"))["code"] == "refused"
    assert await socket.receive_close() == CLOSE_NOT_FOUND


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", "frame_invalid"),
        ('{"type": "launch"}', "unknown_type"),
        ("x" * (1024 * 1024), "frame_invalid"),
        (
            '{"type": "post", "body": "", "client_id": "4c0f0e4e-2b4f-4b55-9f0e-3c1c7a0b9d11"}',
            "invalid",
        ),
        ('{"type": "post", "body": "hi", "client_id": "nope"}', "invalid"),
        (
            '{"type": "post", "body": {"x": 1}, '
            '"client_id": "4c0f0e4e-2b4f-4b55-9f0e-3c1c7a0b9d11"}',
            "invalid",
        ),
        ('{"type": "sync", "room": "lobby.999999", "last_event_id": 0}', "invalid"),
        ('{"type": "sync", "room": "x", "last_event_id": "a"}', "invalid"),
    ],
)
async def test_a_bad_frame_gets_a_clear_error_and_nobody_else_sees_anything(
    connect, booth_a, talent, frame, code
):
    reader = await connect(lobby(booth_a))
    await reader.receive_type("hello")
    writer = await connect(lobby(booth_a), talent)
    await writer.receive_type("hello")

    await writer.send_raw(frame)

    assert (await writer.receive_type("error"))["code"] == code
    assert await reader.nothing()


async def test_a_message_longer_than_2000_characters_is_refused(connect, booth_a, talent):
    writer = await connect(lobby(booth_a), talent)
    await writer.receive_type("hello")

    await writer.post("x" * 2001)

    assert (await writer.receive_type("error"))["code"] == "too_long"


async def test_html_in_a_message_is_stored_and_sent_as_plain_text(connect, booth_a, talent):
    reader = await connect(lobby(booth_a))
    await reader.receive_type("hello")
    writer = await connect(lobby(booth_a), talent)
    await writer.receive_type("hello")

    await writer.post('<script>alert(1)</script><b onmouseover="x()">hi</b>')

    event = await reader.receive_type("message")
    assert event["message"]["body"] == '<script>alert(1)</script><b onmouseover="x()">hi</b>'


async def test_a_sixth_message_in_a_burst_is_rate_limited(connect, booth_a, talent, settings):
    settings.CHAT_RATE_PER_SECOND = 0.01
    writer = await connect(lobby(booth_a), talent)
    await writer.receive_type("hello")

    for n in range(5):
        await writer.post(f"burst {n}")
        await writer.receive_type("ack")
    client_id = await writer.post("one too many")

    error = await writer.receive_type("error", "ack")
    assert (error["code"], error["ref"], error["retry"]) == ("rate_limited", client_id, True)


async def test_replays_asked_for_at_once_share_one_query_and_each_gets_its_part(
    connect, booth_a, talent, monkeypatch
):
    import asyncio

    from chat import consumers

    writer = await connect(f"/ws/booth/{booth_a.pk}/", talent)
    await writer.receive_type("hello")
    for n in range(5):
        await writer.post(f"message {n}")
        await writer.receive_type("ack")
    # An ack goes out before its event is published: readers connect once the last one is out.
    await writer.expect(lambda e: e["type"] == "message" and e["id"] == 5)
    calls = []
    real = consumers.events_since
    monkeypatch.setattr(consumers, "events_since", lambda *a: calls.append(a) or real(*a))
    room = f"lobby.{booth_a.pk}"
    readers = [await connect(f"/ws/booth/{booth_a.pk}/") for _ in range(3)]
    for reader in readers:
        await reader.receive_type("hello")

    for reader, last in zip(readers, (0, 2, 4), strict=True):
        await reader.send({"type": "sync", "room": room, "last_event_id": last})

    async def replayed(reader):
        ids = []
        while (event := await reader.receive_type("message", "synced"))["type"] == "message":
            ids.append(event["id"])
        return ids, event["last_event_id"]

    results = await asyncio.gather(*(replayed(r) for r in readers))
    assert results == [([1, 2, 3, 4, 5], 5), ([3, 4, 5], 5), ([5], 5)]
    assert calls == [(room, 0)]
