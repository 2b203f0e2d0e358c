from django.apps import AppConfig


class EmbeddedConfig(AppConfig):
    name = "expo.embedded"
    label = "expo_embedded"
    verbose_name = "Embedded mode"
