"""Typing indicators: ephemeral, never stored and never replayed, so they go out at once to
the conversation's sockets in every process (there is no transaction to wait for). The consumer
limits them to one per two seconds per socket and checks access first."""

import json

from .. import fanout


async def do_send_typing(room: str, user) -> None:
    await fanout.publish(
        room,
        json.dumps(
            {"type": "typing", "room": room, "user_id": user.pk, "name": user.get_short_name()}
        ),
    )
