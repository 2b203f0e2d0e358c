"""Short-lived, per-user TURN credentials in coturn's use-auth-secret ("TURN REST API") scheme.

The username is "<unix expiry>:<user id>" and the password base64(HMAC-SHA1(secret, username)).
coturn (--use-auth-secret --static-auth-secret=TURN_SECRET) recomputes the password and refuses
a username whose expiry has passed, so nothing is stored and a leaked credential dies on its own.
The server hands them out only to the two sides of a call that may happen (chat.calls.consumer).
"""

import base64
import hashlib
import hmac
import time

from django.conf import settings


def credential(user_id: int, now: float | None = None, ttl: int | None = None) -> dict:
    """{"username", "credential", "expires"} for one user, valid for `ttl` seconds."""
    expires = int(now if now is not None else time.time()) + (
        ttl if ttl is not None else settings.TURN_CREDENTIAL_SECONDS
    )
    username = f"{expires}:{user_id}"
    digest = hmac.new(settings.TURN_SECRET.encode(), username.encode(), hashlib.sha1).digest()
    return {
        "username": username,
        "credential": base64.b64encode(digest).decode(),
        "expires": expires,
    }


def ice_config(user_id: int, now: float | None = None) -> dict:
    """What a browser needs for its RTCPeerConnection. Without TURN_URLS (embedded mode) there
    are no ICE servers: peers on the same network connect through their host candidates."""
    config = {"ice_servers": [], "ice_transport_policy": settings.CALL_ICE_TRANSPORT_POLICY}
    if settings.TURN_URLS and settings.TURN_SECRET:
        turn = credential(user_id, now)
        config["ice_servers"] = [
            {
                "urls": list(settings.TURN_URLS),
                "username": turn["username"],
                "credential": turn["credential"],
            }
        ]
        config["expires"] = turn["expires"]
    return config
