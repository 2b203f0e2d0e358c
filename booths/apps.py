from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoothsConfig(AppConfig):
    name = "booths"
    verbose_name = _("Companies and booths")

    def ready(self):
        from . import personal_data, talent

        personal_data.register()
        talent.register()
