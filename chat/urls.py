from django.urls import path

from . import views
from .calls import views as call_views
from .liveroom.media import views as media_views

app_name = "chat"

urlpatterns = [
    path("console/chat/", views.console, name="console"),
    path("chat/", views.my_conversations, name="my_conversations"),
    path("chat/<int:conversation_id>/", views.conversation, name="conversation"),
    path("chat/<int:conversation_id>/panel/", views.panel, name="panel"),
    path("chat/<int:conversation_id>/close/", views.close, name="close"),
    path("chat/<int:conversation_id>/handover/", views.handover, name="handover"),
    path("chat/<int:conversation_id>/note/", views.note, name="note"),
    path("chat/booth/<int:booth_id>/", views.booth_chat, name="booth_chat"),
    path("chat/bookings/<int:booking_id>/join/", views.join_booking, name="join_booking"),
    path("chat/summaries/", views.booth_summaries, name="booth_summaries"),
    path("chat/calls/<int:call_id>/decline/", call_views.decline, name="call_decline"),
    path("sessions/<int:pk>/replay.mp4", media_views.replay_file, name="replay_file"),
    path("sessions/<int:pk>/replay/", media_views.replay_status, name="replay_status"),
]
