from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpoConfig(AppConfig):
    default = True
    name = "expo"
    verbose_name = _("Expo editions")

    def ready(self):
        from .lib import fragments
        from .models import ExpoEdition, Track

        fragments.bump_on_change(ExpoEdition, *fragments.NAMESPACES)
        fragments.bump_on_change(Track, "schedule")
