"""Is the user behind a socket still signed in, with the same rights? Resolved afresh from the
session store and the database, as Django does for a request: a session that was logged out,
belongs to a changed password (Django's session auth hash) or to a disabled account gives no
user. Long-lived sockets call it before acting on their own (expo.organiser.consumers); every
socket is also closed at once by the revocation signals (chat.signals)."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user


class _SessionRequest:
    def __init__(self, session):
        self.session = session


def still_signed_in(scope):
    """The signed-in user of the socket's session now, or None."""
    session = scope.get("session")
    key = getattr(session, "session_key", None)
    if not key:
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    user = get_user(_SessionRequest(store))
    return user if user.is_authenticated else None
