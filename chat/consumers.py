"""Websocket consumers. They stay thin: authorise, validate frames, call services."""

import json

from channels.generic.websocket import AsyncJsonWebsocketConsumer

# Close codes (4xxx: refused by the application).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_ABUSIVE = 4429

MAX_FRAME_BYTES = 16 * 1024
MAX_BAD_FRAMES = 20


def user_group(user_id):
    return f"user.{user_id}"


class ValidatingConsumerMixin:
    """Frame parsing shared by every consumer: a frame that does not parse gets an error event
    and the socket stays up, until a client sends too many (then it is closed as abusive)."""

    bad_frames = 0

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None or len(text_data) > MAX_FRAME_BYTES:
            return await self.reject_frame("frame_invalid", "Send JSON text frames up to 16 KiB.")
        try:
            content = json.loads(text_data)
        except ValueError:
            return await self.reject_frame("frame_invalid", "The frame is not valid JSON.")
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            return await self.reject_frame("frame_invalid", 'A frame is an object with a "type".')
        await self.receive_json(content)

    async def reject_frame(self, code, message):
        self.bad_frames += 1
        await self.send_json({"type": "error", "code": code, "message": message})
        if self.bad_frames >= MAX_BAD_FRAMES:
            await self.close(code=CLOSE_ABUSIVE)


class NotificationConsumer(ValidatingConsumerMixin, AsyncJsonWebsocketConsumer):
    """Per-user notifications ("a recruiter accepted your chat"), shown as toasts on any page."""

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if content["type"] == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.reject_frame("unknown_type", f"Unknown frame type {content['type']!r}.")

    async def notify(self, event):
        await self.send_json({"type": "notification", **event["payload"]})
