from django.urls import path

from . import consumers
from .liveroom.consumers import LiveRoomConsumer

websocket_urlpatterns = [
    path("ws/notifications/", consumers.NotificationConsumer.as_asgi()),
    path("ws/booth/<int:booth_id>/", consumers.BoothConsumer.as_asgi()),
    path("ws/console/<int:booth_id>/", consumers.ConsoleConsumer.as_asgi()),
    path("ws/chat/<int:conversation_id>/", consumers.ConversationConsumer.as_asgi()),
    path("ws/sessions/<int:pk>/", LiveRoomConsumer.as_asgi()),
]
