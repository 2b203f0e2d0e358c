"""The expo app's Celery tasks: email delivery, defined beside the mail backend in expo/lib/
and registered here, where Celery's autodiscovery looks."""

from expo.lib.mail import deliver_email

__all__ = ["deliver_email"]
