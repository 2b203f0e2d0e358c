"""Every state change of live chat, and its broadcast, one module per concern (in the manner of
Zulip's zerver/actions): rooms (naming, numbering, replay), access (check_*), messages, lobby,
queue, conversations, moderation, typing.

check_* functions load, lock and validate, raising ChatError with a clear message; do_*
functions write, number the event in its room (locking the room once) and publish it through
expo.lib.realtime after the transaction commits. Consumers and views call these and nothing else
writes chat rows."""
