"""Broadcasts to websockets, always after the transaction commits."""

import json

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from .consumers import user_group


def notify_user_on_commit(user_id: int, payload: dict) -> None:
    """Push a notification (title, body, optional url) to every open tab of one user."""
    json.dumps(payload)  # an unserialisable payload fails here, where it is made

    def send():
        async_to_sync(get_channel_layer().group_send)(
            user_group(user_id), {"type": "notify", "payload": payload}
        )

    transaction.on_commit(send)
