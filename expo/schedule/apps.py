from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScheduleConfig(AppConfig):
    name = "expo.schedule"
    label = "schedule"
    verbose_name = _("Schedule")

    def ready(self):
        from . import hall, personal_data, talent

        hall.register()
        personal_data.register()
        talent.register()
