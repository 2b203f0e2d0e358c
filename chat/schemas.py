"""One schema per websocket frame type, checked before any handler runs.

A frame is a JSON object {"type": ..., fields}. `validate` returns a clean frame holding only
the declared fields (defaults filled in) or raises ChatError naming the field and what it must
be; the consumer turns that into an `error` event and the socket stays up. Ids are positive
integers that fit a database bigint, counts are non-negative, text has a maximum length, so no
handler or query ever sees "abc", [1], 1.5, true or 2**70 where it expects an id.

`RATE_LIMITED` names the frames that make the server broadcast to others, with the bucket that
limits each (settings.CHAT_RATE_LIMITS, from CHAT_<BUCKET>_RATE_BURST / _PER_SECOND).
"""

from django.utils.translation import gettext as _

from .actions.messages import MAX_MESSAGE_CHARS
from .actions.rooms import ChatError

MAX_ID = 2**63 - 1
MAX_ROOM_CHARS = 200
MAX_CLIENT_ID_CHARS = 64
MAX_REASON_CHARS = 500
MAX_QUESTION_CHARS = 500
MAX_REACTION_CHARS = 32
MAX_MUTE_MINUTES = 24 * 60
REQUIRED = object()


class FrameError(ChatError):
    """A frame that does not match its schema; `field` names the culprit."""

    def __init__(self, field, message, code="invalid"):
        super().__init__(code, message)
        self.field = field


def _refuse(field, message, code="invalid"):
    return FrameError(field, message, code)


def positive_id(value, field):
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise _refuse(
            field, _("%(field)s must be an id (a positive whole number).") % {"field": field}
        )
    return value


def count(value, field):
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ID:
        raise _refuse(
            field, _("%(field)s must be a whole number, zero or more.") % {"field": field}
        )
    return value


positive_id.kind = "id"
count.kind = "count"


def text(max_chars):
    def check(value, field):
        if not isinstance(value, str) or len(value) > max_chars:
            raise _refuse(
                field,
                _("%(field)s must be text of at most %(max)d characters.")
                % {"field": field, "max": max_chars},
                "too_long" if isinstance(value, str) else "invalid",
            )
        return value

    check.kind, check.max_chars = "text", max_chars
    return check


def minutes(value, field):
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_MUTE_MINUTES:
        raise _refuse(
            field,
            _("%(field)s must be a number of minutes from 1 to %(max)d.")
            % {"field": field, "max": MAX_MUTE_MINUTES},
        )
    return value


minutes.kind = "minutes"


def optional(check):
    def maybe(value, field):
        return None if value is None else check(value, field)

    maybe.kind, maybe.max_chars = check.kind, getattr(check, "max_chars", None)
    return maybe


ROOM = {"room": (text(MAX_ROOM_CHARS), REQUIRED)}
MESSAGE = {
    "body": (text(MAX_MESSAGE_CHARS), REQUIRED),
    "client_id": (text(MAX_CLIENT_ID_CHARS), REQUIRED),
}
QUESTION = {"question": (positive_id, REQUIRED)}

# type -> {field: (check, default or REQUIRED)}
SCHEMAS = {
    # idle: seconds since the person's last input (staff presence turns idle without it)
    "ping": {"idle": (optional(count), 0)},
    "sync": {**ROOM, "last_event_id": (count, REQUIRED)},
    "history": {**ROOM, "before": (optional(count), None)},
    # booth, console and conversation
    "post": MESSAGE,
    "leave_message": MESSAGE,
    "queue.join": {},
    "queue.leave": {"booth": (optional(positive_id), None)},  # the bar on any page names it
    "queue.check": {},  # a countdown ran out: skip the talent if they did not answer
    "delete": {"message": (positive_id, REQUIRED)},
    "report": {"message": (positive_id, REQUIRED), "reason": (text(MAX_REASON_CHARS), "")},
    "mute": {"user": (positive_id, REQUIRED), "minutes": (minutes, REQUIRED)},
    "take": {"entry": (optional(positive_id), None)},
    "pick_up": {"conversation": (positive_id, REQUIRED)},
    "typing": {},
    "read": {"up_to": (count, REQUIRED)},
    # the live room
    "ask": {"body": (text(MAX_QUESTION_CHARS), REQUIRED)},
    "upvote": QUESTION,
    "react": {"reaction": (text(MAX_REACTION_CHARS), REQUIRED)},
    "go_live": {},
    "end": {},
    "slide": {"index": (count, REQUIRED)},
    "answer": QUESTION,
    "hide": QUESTION,
    "reopen": QUESTION,
    # live operations
    "refresh": {},
}

# Frames that broadcast to others -> their rate bucket (settings.CHAT_RATE_LIMITS). Messages
# (post, leave_message, ask) are limited where they are written, by CHAT_RATE_BURST/PER_SECOND.
RATE_LIMITED = {
    "queue.join": "queue",
    "queue.leave": "queue",
    "queue.check": "queue",
    "typing": "typing",
    "react": "reaction",
    "upvote": "vote",
    "delete": "moderation",
    "mute": "moderation",
    "report": "moderation",
    "take": "moderation",
    "pick_up": "moderation",
    "go_live": "moderation",
    "end": "moderation",
    "slide": "moderation",
    "answer": "moderation",
    "hide": "moderation",
    "reopen": "moderation",
}


# Frame types whose schema lives with their feature (e.g. call signalling with its SDP
# grammar): type -> a function(frame) returning the clean frame or raising ChatError; and,
# when the feature declares its fields in the form of SCHEMAS, type -> those fields (the
# type-confusion tests feed them like the rest).
VALIDATORS = {}
FEATURE_SCHEMAS = {}


def register(frame_schemas, validate_frame, rate_bucket=None) -> None:
    """Let a feature check its own frame types (call in its AppConfig.ready): frame_schemas is
    a list of types or a {type: {field: (check, default)}} table; rate_bucket a bucket of
    settings.CHAT_RATE_LIMITS if the frames make the server send to others."""
    for frame_type in frame_schemas:
        VALIDATORS[frame_type] = validate_frame
        if isinstance(frame_schemas, dict):
            FEATURE_SCHEMAS[frame_type] = frame_schemas[frame_type]
        if rate_bucket is not None:
            RATE_LIMITED[frame_type] = rate_bucket


def has_schema(frame_type) -> bool:
    return frame_type in SCHEMAS or frame_type in VALIDATORS


def validate(content: dict, schemas=SCHEMAS) -> dict:
    """The frame with every declared field checked and defaults filled, or ChatError.
    Undeclared fields are dropped: no handler sees them."""
    if content["type"] in VALIDATORS:
        return VALIDATORS[content["type"]](content)
    schema = schemas[content["type"]]
    clean = {"type": content["type"]}
    for field, (check, default) in schema.items():
        if content.get(field) is None:
            if default is REQUIRED:
                raise _refuse(field, _("%(field)s is missing.") % {"field": field})
            clean[field] = default
            continue
        clean[field] = check(content[field], field)
    return clean
