"""Helpers for socket tests: connect as an actor (session cookie, allowed Origin), read events
of a given type while skipping the rest."""

import json
import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from expo.asgi import application


def session_cookie_for(user):
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


def event(**fields):
    """A predicate for Socket.expect: the event has these field values."""
    return lambda e: all(e.get(key) == value for key, value in fields.items())


class Socket:
    def __init__(self, communicator):
        self.communicator = communicator
        self.skipped = []  # events passed over by receive_type, still there for expect()

    async def send(self, frame):
        await self.communicator.send_to(text_data=json.dumps(frame))

    async def send_raw(self, text):
        await self.communicator.send_to(text_data=text)

    async def receive(self, timeout=10):
        return await self.communicator.receive_json_from(timeout=timeout)

    async def receive_type(self, *types, timeout=10):
        """The next event of one of these types (others, e.g. summaries, are skipped)."""
        while True:
            event = await self.receive(timeout)
            if event["type"] in types:
                return event
            self.skipped.append(event)

    async def expect(self, predicate, timeout=10):
        """The first event, already skipped or still to come, for which predicate(event) holds.

        Events from different rooms, and live events next to replies, arrive in an order that
        depends on timing (a Redis round trip against a thread hop): wait for the event the test
        needs, not for the next event of a type. Keyword form: expect(type="summary", waiting=1).
        """
        for index, event in enumerate(self.skipped):
            if predicate(event):
                return self.skipped.pop(index)
        while True:
            event = await self.receive(timeout)
            if predicate(event):
                return event
            self.skipped.append(event)

    async def receive_close(self, timeout=10):
        """Skip events until the server closes; return the close code."""
        while True:
            output = await self.communicator.receive_output(timeout)
            if output["type"] == "websocket.close":
                return output.get("code")

    async def nothing(self, of_type=None, timeout=0.3):
        """True when no event (of that type) arrives within the timeout."""
        try:
            while True:
                event = await self.receive(timeout)
                if of_type is None or event["type"] == of_type:
                    return False
        except Exception:
            return True

    async def post(self, body, client_id=None, frame_type="post"):
        client_id = client_id or str(uuid.uuid4())
        await self.send({"type": frame_type, "body": body, "client_id": client_id})
        return client_id

    async def close(self):
        await self.communicator.disconnect()


async def open_socket(path, user=None, origin=b"http://localhost"):
    headers = [(b"origin", origin)]
    if user is not None:
        headers.append((b"cookie", await sync_to_async(session_cookie_for)(user)))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect(timeout=10)
    assert connected, code
    return Socket(communicator)


@pytest.fixture
def connect():
    sockets = []

    async def _connect(path, user=None, **kwargs):
        socket = await open_socket(path, user, **kwargs)
        sockets.append(socket)
        return socket

    yield _connect
