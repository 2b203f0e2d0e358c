"""The one door for realtime events, open to every layer (in the spirit of Zulip's
send_event_on_commit).

A service that changes something people watch calls publish_on_commit(room, payload) inside its
transaction; once the transaction commits, the payload reaches every socket in that room in every
server process. Payloads are serialised here, so an unserialisable one fails where it is made,
not in a socket later. Nothing is sent when the transaction rolls back.

Rooms are named by the app that owns them; the one every layer may address is a user's own room,
user_group(user_id): notifications and control events (revoke) for all their open tabs.

The transport (chat/fanout.py: one channel-layer subscription per room per process, then local
fan-out) is installed by ChatConfig.ready(); this module imports no app.
"""

import json

from asgiref.sync import async_to_sync
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

_transport = {}


def install_transport(publish, publish_control) -> None:
    """publish(room, text, event_id): a function called after the commit that sends to every
    process and never raises (a failed publish is the transport's to log and count; clients
    replay what they missed from the database). publish_control(room, control): a coroutine."""
    _transport["publish"] = publish
    _transport["publish_control"] = async_to_sync(publish_control)


def _send(name, *args):
    if name not in _transport:
        raise ImproperlyConfigured("No realtime transport: is the chat app installed?")
    _transport[name](*args)


def dumps(payload) -> str:
    return json.dumps(payload, separators=(",", ":"))


def publish_on_commit(room: str, payload: dict, event_id=None) -> None:
    text = dumps(payload)  # an unserialisable payload fails here, where it is made
    transaction.on_commit(lambda: _send("publish", room, text, event_id))


def publish_fresh_on_commit(room: str, make_payload, event_id=None) -> None:
    """For a summary of state (a queue, a count) that must be read after the commit:
    make_payload() runs once the transaction has committed."""
    transaction.on_commit(lambda: _send("publish", room, dumps(make_payload()), event_id))


def control_on_commit(room: str, control: dict) -> None:
    dumps(control)
    transaction.on_commit(lambda: _send("publish_control", room, control))


def user_group(user_id) -> str:
    return f"user.{user_id}"


def notify_user_on_commit(user_id: int, payload: dict) -> None:
    """Push a notification (title, body, optional url) to every open tab of one user."""
    publish_on_commit(user_group(user_id), {"type": "notification", **payload})


def revoke_user_on_commit(user_id: int) -> None:
    """Close every socket of this user within moments; they reconnect and are authorised
    afresh (logout, disabled account, ban, removal from a company)."""
    control_on_commit(user_group(user_id), {"kind": "revoke"})
