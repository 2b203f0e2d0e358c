"""The organiser's live operations socket: a fresh snapshot every few seconds to staff."""

import asyncio
import contextlib

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from chat.consumers import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED, ValidatingConsumerMixin

# Who may watch live operations, on the admin page and on this socket alike: organiser staff
# who may see booths, queues and conversations (every staff role does; plain staff do not).
OPERATIONS_PERMISSIONS = ("booths.view_booth", "chat.view_queueentry", "chat.view_conversation")


def may_watch_operations(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perms(OPERATIONS_PERMISSIONS)
    )


class OperationsConsumer(ValidatingConsumerMixin, AsyncJsonWebsocketConsumer):
    """Organiser staff with OPERATIONS_PERMISSIONS only. Pushes
    expo.organiser.operations.operations_snapshot every OPERATIONS_REFRESH_SECONDS; the page
    replaces its table with each one."""

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        if not await database_sync_to_async(may_watch_operations)(user):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.accept()
        self.pusher = asyncio.create_task(self.push_snapshots())

    async def disconnect(self, code):
        pusher = getattr(self, "pusher", None)
        if pusher is not None:
            pusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pusher

    async def receive_json(self, content, **kwargs):
        if content["type"] == "refresh":
            await self.send_json({"type": "snapshot", **await self.snapshot()})
        else:
            await self.reject_frame("unknown_type", f"Unknown frame type {content['type']!r}.")

    async def push_snapshots(self):
        while True:
            await self.send_json({"type": "snapshot", **await self.snapshot()})
            await asyncio.sleep(getattr(settings, "OPERATIONS_REFRESH_SECONDS", 3))

    @database_sync_to_async
    def snapshot(self):
        from expo.models import ExpoEdition
        from expo.organiser.operations import operations_snapshot

        edition = ExpoEdition.objects.current()
        if edition is None:
            return {"at": None, "totals": {}, "booths": []}
        return operations_snapshot(edition)
