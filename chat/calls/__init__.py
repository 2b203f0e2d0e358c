"""1:1 video and voice calls from a conversation: WebRTC peer to peer, signalling over the
conversation's websocket, our own TURN server (coturn) for networks that need a relay.

models.py     Call: one row per call (ringing -> active -> ended, or declined/missed/cancelled)
services.py   check_* / do_*: who may call, every state change, recorded as a conversation event
frames.py     the schema of every call frame (ids, SDP parsed enough to refuse garbage, ICE)
consumer.py   the conversation socket's call frames: lifecycle, relay of signalling (never stored)
turn.py       short-lived TURN credentials (coturn's use-auth-secret REST scheme)
signals.py    revocation (ban, mute, logout, removal, closed conversation) ends calls at once
"""
