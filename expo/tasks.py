"""The expo app's Celery tasks: email delivery through the outbox, defined beside the mail
backend in expo/lib/ and registered here, where Celery's autodiscovery looks."""

from expo.lib.mail import deliver_email
from expo.lib.outbox import send_outbox

__all__ = ["deliver_email", "send_outbox"]
