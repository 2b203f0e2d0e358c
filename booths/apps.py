from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoothsConfig(AppConfig):
    name = "booths"
    verbose_name = _("Companies and booths")

    def ready(self):
        from expo.lib import fragments

        from . import personal_data, talent
        from .models import Booth, Brochure, Company, Membership, Sector

        personal_data.register()
        talent.register()
        # Names and sectors show on booth, job and session cards alike.
        fragments.bump_on_change(Sector, "booths", "jobs", "schedule")
        fragments.bump_on_change(Company, "booths", "jobs", "schedule")
        fragments.bump_on_change(Booth, "booths", "schedule")
        fragments.bump_on_change(Brochure, "booths")
        fragments.bump_on_change(Membership, "booths")  # the hall lists each booth's staff
