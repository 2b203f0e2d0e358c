from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpoConfig(AppConfig):
    default = True
    name = "expo"
    verbose_name = _("Expo editions")
