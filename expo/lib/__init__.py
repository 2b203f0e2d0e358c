"""Helpers every layer may use: mail, file checks, private storage, absolute URLs, charts,
spreadsheets and the one door for realtime events. The bottom layer: it imports no app."""
