from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = _("Live chat")

    def ready(self):
        from accounts import personal_data
        from expo.lib import realtime
        from expo.lib.health import register_check

        from . import applications, fanout, hall, schemas, signals  # noqa: F401  (receivers)
        from .calls import frames as call_frames
        from .calls import signals as call_signals  # noqa: F401
        from .calls import tasks as call_tasks  # noqa: F401  (beat: chat.calls.tasks)
        from .liveroom import services as liveroom
        from .liveroom.media import consumers as media_frames
        from .liveroom.media.janus import check_health
        from .liveroom.media.services import media_state
        from .personal_data import collect_chat

        # Every layer publishes through expo.lib.realtime; the fan-out hub carries it.
        realtime.install_transport(fanout.publish_after_commit, fanout.publish_control)
        register_check("fanout_hub", fanout.health_check)
        register_check("media", check_health, advisory=True)
        liveroom.STATE_PARTS["media"] = media_state  # the live room's video
        media_frames.register()

        personal_data.register_collector("chat", collect_chat)
        # Call frames: their own schemas (SDP, ICE), the "call" rate bucket.
        schemas.register(call_frames.SCHEMAS, call_frames.validate, rate_bucket="call")
        hall.register()
        applications.register()
