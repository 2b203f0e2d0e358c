from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = _("Live chat")

    def ready(self):
        from expo.health import register_check

        from . import fanout, signals  # noqa: F401

        register_check("fanout_hub", fanout.health_check)

        try:
            from accounts import personal_data
        except ImportError:  # the export is not there yet
            return
        from .personal_data import collect_chat

        if not any(name == "chat" for name, _fn in personal_data.EXPORT_COLLECTORS):
            personal_data.EXPORT_COLLECTORS.append(("chat", collect_chat))
