from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScheduleConfig(AppConfig):
    name = "expo.schedule"
    label = "schedule"
    verbose_name = _("Schedule")

    def ready(self):
        from expo.lib import fragments

        from . import applications, hall, personal_data, talent
        from .models import Session

        applications.register()
        hall.register()
        personal_data.register()
        talent.register()
        # A booth's page lists its presentations; the home page the live and coming ones.
        fragments.bump_on_change(Session, "schedule", "booths")
