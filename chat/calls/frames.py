"""The schema of every call frame a client may send, checked before any handler sees it.

A frame is {"type": "call.<verb>", ...fields}; unknown fields, wrong types and garbage SDP are
refused with a FrameError (a ChatError) naming the field (the socket stays up; chat.consumers
counts bad frames and closes an abusive socket). Session descriptions are parsed enough to
refuse garbage: SDP line syntax, the session lines a browser always sends, 1-8 media sections,
and for each live one the ICE credentials, a DTLS fingerprint and a setup role (no DTLS, no
call: media is always encrypted). ICE candidates follow RFC 8839's grammar. The types are
registered with chat.schemas (ChatConfig.ready), the one door every frame goes through.
"""

import re

from django.utils.translation import gettext as _

from chat.schemas import REQUIRED, FrameError, positive_id

MAX_SDP_CHARS = 32 * 1024
MAX_SDP_LINES = 1500
MAX_MEDIA_SECTIONS = 8
MAX_CANDIDATE_CHARS = 1024

_SDP_LINE = re.compile(r"[a-z]=[^\x00-\x1f\x7f]*")
_MEDIA_LINE = re.compile(
    r"m=(audio|video|application) (\d{1,5})(/\d{1,5})? [A-Za-z0-9/]{1,32}( \S+)*"
)
_FINGERPRINT = re.compile(
    r"a=fingerprint:(sha-1|sha-224|sha-256|sha-384|sha-512) [0-9A-Fa-f:]{8,200}"
)
_SETUP = re.compile(r"a=setup:(actpass|active|passive|holdconn)")
_CANDIDATE = re.compile(
    r"candidate:[A-Za-z0-9+/]{1,32} \d{1,3} (udp|tcp|UDP|TCP) \d{1,10} [A-Za-z0-9.:\-]{1,255} "
    r"\d{1,5} typ (host|srflx|prflx|relay)( [\x21-\x7e]{1,255})*"
)
_MID = re.compile(r"[\x21-\x7e]{1,32}")
_UFRAG = re.compile(r"[A-Za-z0-9+/]{1,256}")


def _invalid(field, message, code="invalid"):
    return FrameError(field, message, code)


def call_kind(value, field):
    if value not in ("video", "voice"):
        raise _invalid(field, _('%(field)s must be "video" or "voice".') % {"field": field})
    return value


def flag(value, field):
    if not isinstance(value, bool):
        raise _invalid(field, _("%(field)s must be true or false.") % {"field": field})
    return value


call_kind.kind = "choice"
flag.kind = "flag"


def _sdp(value, field, expected) -> str:
    if not isinstance(value, str) or not value:
        raise _invalid(
            field, _("%(field)s must be a session description (text).") % {"field": field}
        )
    if len(value) > MAX_SDP_CHARS:
        raise _invalid(
            field,
            _("A session description is at most %(max)d characters.") % {"max": MAX_SDP_CHARS},
            "too_long",
        )
    lines = re.split(r"\r?\n", value)
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) > MAX_SDP_LINES:
        raise _invalid(field, _("This session description has too many lines."), "too_long")
    refuse = _invalid(field, _("This is not a valid %(type)s.") % {"type": expected})
    if not lines or lines[0] != "v=0":
        raise refuse
    sections = [[]]  # the session level, then one list of lines per m= section
    for line in lines:
        if not _SDP_LINE.fullmatch(line):
            raise refuse
        if line.startswith("m="):
            if not _MEDIA_LINE.fullmatch(line):
                raise refuse
            sections.append([])
        sections[-1].append(line)
    session, media = sections[0], sections[1:]
    if not all(any(line.startswith(p) for line in session) for p in ("o=", "s=", "t=")):
        raise refuse
    if not 1 <= len(media) <= MAX_MEDIA_SECTIONS:
        raise refuse

    def has(section, pattern):
        return any(pattern.fullmatch(line) for line in section) or any(
            pattern.fullmatch(line) for line in session
        )

    def has_prefix(section, prefix):
        return any(line.startswith(prefix) for line in (*section, *session))

    for section in media:
        if _MEDIA_LINE.fullmatch(section[0]).group(2) == "0":
            continue  # a rejected section carries no transport
        if not (
            has_prefix(section, "a=ice-ufrag:")
            and has_prefix(section, "a=ice-pwd:")
            and has(section, _FINGERPRINT)
            and has(section, _SETUP)
        ):
            raise refuse
    return value


def sdp_offer(value, field) -> str:
    return _sdp(value, field, "offer")


def sdp_answer(value, field) -> str:
    return _sdp(value, field, "answer")


sdp_offer.kind = sdp_answer.kind = "sdp"


def candidate(value, field) -> dict:
    """An RTCIceCandidateInit; an empty candidate string means "end of candidates"."""
    if not isinstance(value, dict) or set(value) - {
        "candidate",
        "sdpMid",
        "sdpMLineIndex",
        "usernameFragment",
    }:
        raise _invalid(field, _("%(field)s must be an ICE candidate object.") % {"field": field})
    text = value.get("candidate", "")
    mid = value.get("sdpMid")
    index = value.get("sdpMLineIndex")
    ufrag = value.get("usernameFragment")
    if not isinstance(text, str) or len(text) > MAX_CANDIDATE_CHARS:
        raise _invalid(field, _("This is not a valid ICE candidate."))
    if text and not _CANDIDATE.fullmatch(text.removeprefix("a=")):
        raise _invalid(field, _("This is not a valid ICE candidate."))
    if mid is not None and (not isinstance(mid, str) or not _MID.fullmatch(mid)):
        raise _invalid(field, _("This is not a valid ICE candidate."))
    if index is not None and (
        isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < 64
    ):
        raise _invalid(field, _("This is not a valid ICE candidate."))
    if ufrag is not None and (not isinstance(ufrag, str) or not _UFRAG.fullmatch(ufrag)):
        raise _invalid(field, _("This is not a valid ICE candidate."))
    if mid is None and index is None and text:
        raise _invalid(field, _("This is not a valid ICE candidate."))
    return {"candidate": text, "sdpMid": mid, "sdpMLineIndex": index, "usernameFragment": ufrag}


candidate.kind = "candidate"

CALL = {"call": (positive_id, REQUIRED)}

# type -> {field: (check, default or REQUIRED)}, as chat.schemas.SCHEMAS
SCHEMAS = {
    "call.ring": {"kind": (call_kind, REQUIRED)},
    "call.accept": CALL,
    "call.decline": CALL,
    "call.hangup": CALL,
    "call.rejoin": CALL,
    "call.turn": CALL,
    # fresh: the sender's page lost its session (a reload): start a new one, not an ICE restart
    "call.restart": {**CALL, "fresh": (flag, False)},
    "call.offer": {**CALL, "sdp": (sdp_offer, REQUIRED), "restart": (flag, False)},
    "call.answer": {**CALL, "sdp": (sdp_answer, REQUIRED)},
    "call.ice": {**CALL, "candidate": (candidate, REQUIRED)},
    "call.media": {
        **CALL,
        "audio": (flag, REQUIRED),
        "video": (flag, REQUIRED),
        "screen": (flag, False),
    },
}


def validate(content: dict) -> dict:
    """The frame with every field checked (and defaults filled), or a FrameError naming the
    field. Unlike other frames, a call frame with a field it does not declare is refused: what
    is relayed to the other side is exactly what was checked."""
    schema = SCHEMAS[content["type"]]
    unknown = sorted(set(content) - set(schema) - {"type"})
    if unknown:
        field = unknown[0][:40]
        raise _invalid(field, _("Unknown field: %(field)s.") % {"field": field})
    clean = {"type": content["type"]}
    for name, (check, default) in schema.items():
        if content.get(name) is None:
            if default is REQUIRED:
                raise _invalid(name, _("%(field)s is missing.") % {"field": name})
            clean[name] = default
            continue
        clean[name] = check(content[name], name)
    return clean
