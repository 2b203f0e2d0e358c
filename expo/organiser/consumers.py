"""The organiser's live operations socket: a fresh snapshot every few seconds to staff."""

import asyncio
import contextlib

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils.translation import gettext as _

from chat.consumers import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED, LiveConsumer
from chat.revocation import still_signed_in

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


class OperationsConsumer(LiveConsumer):
    """Organiser staff with OPERATIONS_PERMISSIONS only. Pushes
    expo.organiser.operations.operations_snapshot every OPERATIONS_REFRESH_SECONDS; the page
    replaces its table with each one.

    Rights are re-checked on the same revocation path as every other socket (it joins the
    user's room: logout, a password change, deactivation, losing staff status or a role close
    it at once), and again before every snapshot, from the database and the session."""

    frame_types = ("ping", "refresh")

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        if not await database_sync_to_async(may_watch_operations)(user):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.join_user_room()
        await self.accept()
        self.pusher = asyncio.create_task(self.push_snapshots())

    async def on_disconnect(self):
        pusher = getattr(self, "pusher", None)
        if pusher is not None and pusher is not asyncio.current_task():
            pusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pusher

    async def handle_refresh(self, content):
        await self.send_snapshot()

    async def push_snapshots(self):
        while not self._closed and await self.send_snapshot():
            await asyncio.sleep(getattr(settings, "OPERATIONS_REFRESH_SECONDS", 3))

    async def send_snapshot(self) -> bool:
        if not await self.still_allowed():
            await self.refuse(CLOSE_FORBIDDEN, _("You no longer have access here."))
            return False
        await self.send_json({"type": "snapshot", **await self.snapshot()})
        return True

    async def still_allowed(self):
        return await database_sync_to_async(self._still_allowed)()

    def _still_allowed(self):
        user = still_signed_in(self.scope)
        return user is not None and may_watch_operations(user)

    @database_sync_to_async
    def snapshot(self):
        from expo.models import ExpoEdition
        from expo.organiser.operations import operations_snapshot

        edition = ExpoEdition.objects.current()
        if edition is None:
            return {"at": None, "totals": {}, "booths": []}
        return operations_snapshot(edition)
