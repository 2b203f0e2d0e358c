"""Absolute addresses for links that leave a request: emails, calendars, certificates, feeds.
Inside a request, request.build_absolute_uri() names the host the visitor used; outside one,
SITE_URL is the public address."""

from django.conf import settings
from django.urls import reverse


def site_url() -> str:
    return settings.SITE_URL.rstrip("/")


def absolute_url(path: str) -> str:
    return f"{site_url()}{path}"


def absolute_reverse(viewname, args=None, kwargs=None) -> str:
    return absolute_url(reverse(viewname, args=args, kwargs=kwargs))
