from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrganiserConfig(AppConfig):
    name = "expo.organiser"
    label = "organiser"
    verbose_name = _("Organiser")

    def ready(self):
        from .context_processors import connect_signals
        from .roles import sync_staff_roles

        connect_signals()

        # After every app's migrations, so that permissions of models added later are included.
        post_migrate.connect(sync_staff_roles, dispatch_uid="expo.sync_staff_roles")


class OrganiserAdminConfig(admin_apps.AdminConfig):
    """Django admin with the organiser's dashboard (see expo/organiser/admin_site.py)."""

    default = False
    default_site = "expo.organiser.admin_site.ExpoAdminSite"
