from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Jobs and applications")

    def ready(self):
        from expo.lib import fragments

        from . import hall, personal_data, talent
        from .models import Job

        hall.register()
        personal_data.register()
        talent.register()
        # A booth shows its open jobs and their count.
        fragments.bump_on_change(Job, "booths", "jobs")
