"""Django's zh_Hans formats, with numbers grouped as Hong Kong and the Mainland write them:
3,261 and 港元 18,000 (Django's own leave the thousands separator empty)."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
