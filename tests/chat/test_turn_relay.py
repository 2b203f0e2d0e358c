"""The TURN relay for real: the harness's coturn (use-auth-secret, loopback only) takes the
credentials the site issues (chat.calls.turn), relays between two allocations, and refuses a
wrong or expired credential. aioice is a real TURN client (RFC 8656)."""

import asyncio
import time
from urllib.parse import urlsplit

import pytest
from aioice import stun
from aioice.turn import TurnClientUdpProtocol
from django.conf import settings

from chat.calls import turn


class Inbox(asyncio.DatagramProtocol):
    def __init__(self):
        self.received = asyncio.Queue()

    def datagram_received(self, data, addr):
        self.received.put_nowait((data, addr))


def turn_server():
    """(host, port) of the harness's coturn, from TURN_URLS."""
    assert settings.TURN_URLS and settings.TURN_SECRET, (
        "TURN_URLS/TURN_SECRET are not set: run the tests through tests/harness.py "
        "(`make test`), which starts coturn"
    )
    url = urlsplit(settings.TURN_URLS[0].replace("turn:", "turn://", 1))
    return url.hostname, url.port


async def allocation(credential):
    """A TURN allocation with this credential: (client protocol, inbox, relayed address)."""
    loop = asyncio.get_running_loop()
    server = turn_server()
    _transport, client = await loop.create_datagram_endpoint(
        lambda: TurnClientUdpProtocol(
            server,
            username=credential["username"],
            password=credential["credential"],
            lifetime=600,
            channel_refresh_time=500,
        ),
        remote_addr=server,
    )
    inbox = Inbox()
    client.receiver = inbox
    try:
        relayed = await asyncio.wait_for(client.connect(), 10)
    except BaseException:
        client.transport.close()
        raise
    return client, inbox, relayed


async def release(*clients):
    for client in clients:
        await client.delete()
        client.transport.close()


async def test_two_peers_relay_through_our_turn_server_with_the_credentials_the_site_issues():
    talent, inbox_t, relay_t = await allocation(turn.credential(user_id=1))
    recruiter, inbox_r, relay_r = await allocation(turn.credential(user_id=2))
    try:
        # Each side's relay admits only peers it has sent to (TURN permissions).
        await recruiter.send_data(b"permission", relay_t)
        await talent.send_data(b"hello through the relay", relay_r)
        data, sender = await asyncio.wait_for(inbox_r.received.get(), 10)
    finally:
        await release(talent, recruiter)

    assert data == b"hello through the relay"
    assert sender == relay_t
    assert relay_t[0] == relay_r[0] == "127.0.0.1"  # relays stay on loopback
    assert relay_t != relay_r


async def test_a_wrong_credential_gets_no_allocation():
    forged = {**turn.credential(user_id=1), "credential": "bm90IHRoZSBzZWNyZXQ="}

    with pytest.raises(stun.TransactionFailed) as refused:
        await allocation(forged)

    assert refused.value.response.attributes["ERROR-CODE"][0] == 401


async def test_an_expired_credential_gets_no_allocation():
    an_hour_ago = time.time() - 3600
    expired = turn.credential(user_id=1, now=an_hour_ago, ttl=600)  # expired 50 minutes ago

    with pytest.raises(stun.TransactionFailed) as refused:
        await allocation(expired)

    assert refused.value.response.attributes["ERROR-CODE"][0] == 401


async def test_a_credential_for_one_user_cannot_be_renamed_to_another():
    issued = turn.credential(user_id=1)
    expiry = issued["username"].split(":")[0]

    with pytest.raises(stun.TransactionFailed):
        await allocation({**issued, "username": f"{expiry}:2"})
