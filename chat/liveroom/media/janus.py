"""Django's side of Janus: the Admin API of one media server (rooms, tokens, participants).

Every call is one HTTP POST to JANUS_ADMIN_URL with the admin secret; VideoRoom requests go
through the Admin API's `message_plugin`, so Django needs no Janus session of its own. Browsers
never see the admin secret: they get per-user tokens that Django adds to Janus's token store.
A server that does not answer, or answers with an error, raises JanusError.
"""

import json
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings

VIDEOROOM = "janus.plugin.videoroom"
TIMEOUT = 5
# VideoRoom error codes (janus_videoroom.c)
NO_SUCH_ROOM = 426
NO_SUCH_FEED = 428
ROOM_EXISTS = 427


class JanusError(Exception):
    """The media server is unreachable or refused a request; `code` is Janus's error code
    (None when it could not be reached)."""

    def __init__(self, message, code=None):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Server:
    index: int
    url: str  # the Janus API, for browsers
    admin_url: str

    def call(self, body: dict, timeout: float = TIMEOUT) -> dict:
        body = {**body, "transaction": secrets.token_hex(6), "admin_secret": _secret()}
        request = urllib.request.Request(  # noqa: S310  (settings allow only http(s) URLs)
            self.admin_url, json.dumps(body).encode(), {"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                answer = json.loads(response.read())
        except (OSError, ValueError) as error:  # refused, timed out, not JSON
            raise JanusError(f"media server {self.index} unreachable: {error}") from error
        if answer.get("janus") == "error":
            error = answer.get("error") or {}
            raise JanusError(error.get("reason", "Janus error"), error.get("code"))
        return answer

    def videoroom(self, request: dict) -> dict:
        """A synchronous VideoRoom request (create, destroy, allowed, kick, listparticipants)."""
        answer = self.call({"janus": "message_plugin", "plugin": VIDEOROOM, "request": request})
        data = answer.get("response") or {}
        if data.get("error_code"):
            raise JanusError(data.get("error", "VideoRoom error"), data["error_code"])
        return data

    # --- Tokens (Janus core's token store: without one, Janus refuses every request) ------
    def add_token(self, token: str) -> None:
        self.call({"janus": "add_token", "token": token, "plugins": [VIDEOROOM]})

    def remove_token(self, token: str) -> None:
        try:
            self.call({"janus": "remove_token", "token": token})
        except JanusError as error:
            if error.code is None:
                raise  # unreachable: the caller retries; an unknown token is already gone

    def ping(self) -> str:
        answer = self.call({"janus": "ping"}, timeout=2)
        if answer.get("janus") != "pong":
            raise JanusError("unexpected answer to ping")
        return "pong"

    # --- Rooms -------------------------------------------------------------------------
    def create_room(self, room: int, **options) -> None:
        self.videoroom(
            {
                "request": "create",
                "admin_key": _secret(),
                "room": room,
                "permanent": False,
                **options,
            }
        )

    def destroy_room(self, room: int, secret: str) -> None:
        try:
            self.videoroom({"request": "destroy", "room": room, "secret": secret})
        except JanusError as error:
            if error.code != NO_SUCH_ROOM:
                raise

    def allow(self, room: int, secret: str, tokens: list[str], action: str = "add") -> None:
        self.videoroom(
            {
                "request": "allowed",
                "room": room,
                "secret": secret,
                "action": action,
                "allowed": tokens,
            }
        )

    def kick(self, room: int, secret: str, participant: int) -> None:
        try:
            self.videoroom({"request": "kick", "room": room, "secret": secret, "id": participant})
        except JanusError as error:
            if error.code not in (NO_SUCH_FEED, NO_SUCH_ROOM):
                raise

    def participants(self, room: int) -> list[dict]:
        """Everyone joined as a publisher: [{id, display, publisher (bool), talking}]."""
        data = self.videoroom({"request": "listparticipants", "room": room})
        return data.get("participants", [])


def _secret() -> str:
    return settings.JANUS_ADMIN_SECRET


def servers() -> list[Server]:
    return [
        Server(index, url, admin_url)
        for index, (url, admin_url) in enumerate(
            zip(settings.JANUS_URLS, settings.JANUS_ADMIN_URLS, strict=True)
        )
    ]


def configured() -> bool:
    return bool(settings.JANUS_URLS)


def server(index: int) -> Server:
    found = servers()
    if not 0 <= index < len(found):
        raise JanusError(f"media server {index} is no longer configured")
    return found[index]


def check_health() -> str:
    """/healthz: every configured media server answers its Admin API (raises otherwise)."""
    found = servers()
    if not found:
        return "not configured (no live video)"
    down = []
    for server in found:
        try:
            server.ping()
        except JanusError as error:
            down.append(f"server {server.index}: {error}")
    if down:
        raise JanusError(f"{len(down)} of {len(found)} media servers down: " + "; ".join(down))
    return f"janus: {len(found)} of {len(found)} media servers answer"
