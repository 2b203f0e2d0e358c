"""Helpers for call tests: a conversation between the talent and the recruiter, and session
descriptions shaped like the ones chromium sends."""

from django.db import transaction

from chat.actions.conversations import new_conversation
from chat.models import Conversation


def open_conversation(booth, talent, recruiter):
    with transaction.atomic():
        return new_conversation(booth, talent, recruiter, Conversation.Status.OPEN)


def _section(kind, mid, setup, payloads):
    return [
        f"m={kind} 9 UDP/TLS/RTP/SAVPF {' '.join(str(p) for p in payloads)}",
        "c=IN IP4 0.0.0.0",
        "a=rtcp:9 IN IP4 0.0.0.0",
        "a=ice-ufrag:Fs3J",
        "a=ice-pwd:2Bv1sWWUZqHWu7Ck3xSbtAZd",
        "a=ice-options:trickle",
        "a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:"
        "1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08",
        f"a=setup:{setup}",
        f"a=mid:{mid}",
        "a=sendrecv",
        "a=msid:stream track-" + kind,
        "a=rtcp-mux",
        *(f"a=rtpmap:{p} {'opus/48000/2' if kind == 'audio' else 'VP8/90000'}" for p in payloads),
    ]


def sdp(setup="actpass"):
    lines = [
        "v=0",
        "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
        "s=-",
        "t=0 0",
        "a=group:BUNDLE 0 1",
        "a=extmap-allow-mixed",
        "a=msid-semantic: WMS stream",
        *_section("audio", 0, setup, [111, 63]),
        *_section("video", 1, setup, [96, 97]),
    ]
    return "\r\n".join(lines) + "\r\n"


OFFER = sdp("actpass")
ANSWER = sdp("active")
CANDIDATE = {
    "candidate": "candidate:842163049 1 udp 1677729535 127.0.0.1 51234 typ host generation 0 "
    "ufrag Fs3J network-cost 999",
    "sdpMid": "0",
    "sdpMLineIndex": 0,
    "usernameFragment": "Fs3J",
}
