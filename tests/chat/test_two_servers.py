"""Two uvicorn processes on one Redis: a message sent through one reaches a client of the
other, and a client that was away while messages were sent gets all of them, in order, after
it reconnects (replayed from the database)."""

import asyncio
import json
import uuid

import pytest
from websockets.asyncio.client import connect

from tests.chat.conftest import session_cookie_for
from tests.chat.servers import uvicorn_servers

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


async def next_of(ws, *types, timeout=10):
    while True:
        event = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if event["type"] in types:
            return event


def test_a_message_crosses_server_processes_and_a_reconnecting_client_misses_nothing(
    booth_a, talent
):
    cookie = session_cookie_for(talent).decode()
    path = f"/ws/booth/{booth_a.pk}/"
    room = f"lobby.{booth_a.pk}"

    async def scenario(one, two):
        writer = await connect(
            f"ws://127.0.0.1:{one}{path}",
            origin="http://localhost",
            additional_headers={"Cookie": cookie},
        )
        reader = await connect(f"ws://127.0.0.1:{two}{path}", origin="http://localhost")
        await next_of(writer, "hello")
        await next_of(reader, "hello")

        await writer.send(
            json.dumps({"type": "post", "body": "across", "client_id": str(uuid.uuid4())})
        )
        await next_of(writer, "ack")
        crossed = await next_of(reader, "message")
        last_seen = crossed["id"]
        await reader.close()

        for n in range(5):
            await writer.send(
                json.dumps(
                    {"type": "post", "body": f"while away {n}", "client_id": str(uuid.uuid4())}
                )
            )
            await next_of(writer, "ack")

        back = await connect(f"ws://127.0.0.1:{two}{path}", origin="http://localhost")
        await next_of(back, "hello")
        await back.send(json.dumps({"type": "sync", "room": room, "last_event_id": last_seen}))
        missed = []
        while True:
            event = await next_of(back, "message", "synced")
            if event["type"] == "synced":
                break
            missed.append(event)
        await writer.close()
        await back.close()
        return crossed, missed

    with uvicorn_servers(2, CHAT_RATE_BURST="20") as (one, two):
        crossed, missed = asyncio.run(scenario(one, two))

    assert crossed["message"]["body"] == "across"
    assert [e["message"]["body"] for e in missed] == [f"while away {n}" for n in range(5)]
    assert [e["id"] for e in missed] == list(range(crossed["id"] + 1, crossed["id"] + 6))
