"""The per-user notification socket: who may connect, what bad frames get, what arrives."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.test import Client

from chat.consumers import CLOSE_ABUSIVE, CLOSE_UNAUTHENTICATED, MAX_BAD_FRAMES
from expo.asgi import application
from expo.lib.realtime import notify_user_on_commit

pytestmark = pytest.mark.django_db(transaction=True)


def session_cookie_for(user):
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def connect(user=None, origin=b"http://localhost"):
    headers = [(b"origin", origin)]
    if user is not None:
        headers.append((b"cookie", await sync_to_async(session_cookie_for)(user)))
    communicator = WebsocketCommunicator(application, "/ws/notifications/", headers=headers)
    connected, code = await communicator.connect()
    if connected:  # every page first learns the person's live state (chat.live)
        assert (await communicator.receive_json_from(timeout=5))["type"] == "live"
    return communicator, connected, code


async def test_a_foreign_origin_is_refused(talent):
    communicator, connected, code = await connect(talent, origin=b"https://evil.example.com")

    assert connected is False


async def test_an_anonymous_visitor_is_refused_with_4401():
    communicator, connected, code = await connect(None)

    assert (connected, code) == (False, CLOSE_UNAUTHENTICATED)


async def test_a_signed_in_user_gets_pong_for_ping(talent):
    communicator, connected, _ = await connect(talent)
    assert connected

    await communicator.send_json_to({"type": "ping"})

    assert await communicator.receive_json_from(10) == {"type": "pong"}
    await communicator.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", "frame_invalid"),
        ("[1, 2]", "frame_invalid"),
        ('{"no": "type"}', "frame_invalid"),
        ('{"type": "launch"}', "unknown_type"),
        ("x" * 20_000, "frame_invalid"),
    ],
)
async def test_a_bad_frame_gets_an_error_event_and_the_socket_stays_up(talent, frame, code):
    communicator, _, _ = await connect(talent)

    await communicator.send_to(text_data=frame)
    error = await communicator.receive_json_from(10)

    assert (error["type"], error["code"]) == ("error", code)
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from(10) == {"type": "pong"}
    await communicator.disconnect()


async def test_an_abusive_client_is_closed_after_too_many_bad_frames(talent):
    communicator, _, _ = await connect(talent)

    for _ in range(MAX_BAD_FRAMES):
        await communicator.send_to(text_data="garbage")
        assert (await communicator.receive_json_from(10))["type"] == "error"

    assert await communicator.receive_output(10) == {
        "type": "websocket.close",
        "code": CLOSE_ABUSIVE,
        "reason": "Too many rejected frames.",
    }


async def test_a_notification_reaches_the_user_after_commit_and_nobody_else(talent, recruiter):
    mine, _, _ = await connect(talent)
    theirs, _, _ = await connect(recruiter)
    payload = {"title": "A recruiter accepted your chat", "url": "/booths/x/"}

    @sync_to_async
    def notify():
        with transaction.atomic():
            notify_user_on_commit(talent.pk, payload)

    await notify()

    assert await mine.receive_json_from(timeout=10) == {"type": "notification", **payload}
    assert await theirs.receive_nothing(timeout=0.3)
    await mine.disconnect()
    await theirs.disconnect()


def test_an_unserialisable_payload_fails_where_it_is_made(talent):
    from datetime import datetime

    with pytest.raises(TypeError):
        notify_user_on_commit(talent.pk, {"when": datetime(2026, 1, 1)})
