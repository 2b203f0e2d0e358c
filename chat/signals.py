"""Revocation applies at once: logging out, a password change, a disabled account, losing staff
status or a staff role, a chat ban or removal from a company closes that user's open sockets
(they reconnect and are authorised afresh: an old session of a changed password is refused)."""

from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import Signal, receiver

from booths.models import Membership
from expo.lib.realtime import revoke_user_on_commit

from .models import Ban, QueueEntry

# Sent after the commit that opens the conversation of a booked 1:1 time or interview
# (chat.booked), with conversation, booking and by (the user who joined first). The hook for
# what starts with a booked time: a video call (issue 12) may ring the other side from here.
booked_conversation_opened = Signal()


@receiver(user_logged_out)
def revoke_on_logout(sender, request, user, **kwargs):
    if user is not None:
        revoke_user_on_commit(user.pk)


# What a user row may lose that revokes their sockets: (field, still fine if it is now...).
_RIGHTS = ("is_active", "is_staff", "password")


@receiver(pre_save, sender="accounts.User")
def remember_rights(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and not set(_RIGHTS) & set(update_fields):
        return  # e.g. last_login on every sign-in: no extra query
    if instance.pk:
        instance._chat_rights = sender.objects.filter(pk=instance.pk).values(*_RIGHTS).first()


@receiver(post_save, sender="accounts.User")
def revoke_on_lost_rights(sender, instance, created, **kwargs):
    before = getattr(instance, "_chat_rights", None)
    if created or not before:
        return
    instance._chat_rights = None
    if (
        (before["is_active"] and not instance.is_active)
        or (before["is_staff"] and not instance.is_staff)
        or before["password"] != instance.password
    ):
        revoke_user_on_commit(instance.pk)


def revoke_on_lost_permissions(sender, instance, action, reverse, pk_set, **kwargs):
    """A role (group) or a permission taken from users, or a permission taken from a role:
    everyone who may have lost a right is revoked (they reconnect with what they have now)."""
    if action not in ("post_remove", "pre_clear"):
        return
    from django.contrib.auth.models import Group

    from accounts.models import User

    if isinstance(instance, User):
        users = {instance.pk}
    elif isinstance(instance, Group) and sender is User.groups.through:
        users = set(pk_set or instance.user_set.values_list("pk", flat=True))
    elif isinstance(instance, Group):  # a permission taken from a role
        users = set(instance.user_set.values_list("pk", flat=True))
    elif sender is User.user_permissions.through:  # from the permission's side
        users = set(pk_set or instance.user_set.values_list("pk", flat=True))
    else:  # a permission taken from roles, from the permission's side
        groups = pk_set or instance.group_set.values_list("pk", flat=True)
        users = set(User.objects.filter(groups__in=groups).values_list("pk", flat=True))
    for user_id in users:
        revoke_user_on_commit(user_id)


def connect_permission_signals():
    from django.contrib.auth.models import Group

    from accounts.models import User

    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(
            revoke_on_lost_permissions, sender=through, dispatch_uid=f"chat.revoke.{through}"
        )


connect_permission_signals()


@receiver(post_save, sender=Ban)
def revoke_on_ban(sender, instance, **kwargs):
    revoke_user_on_commit(instance.user_id)


@receiver(post_delete, sender=Membership)
def revoke_on_removal(sender, instance, **kwargs):
    revoke_user_on_commit(instance.user_id)


@receiver(post_save, sender=QueueEntry)
@receiver(post_delete, sender=QueueEntry)
def recount_waiting(sender, instance, **kwargs):
    """The hall's cached queue length of this booth (chat/hall.py) and the cached public part
    of its live panel are read afresh: now, and after the transaction commits."""
    from django.core.cache import cache
    from django.db import transaction

    from .actions.queue import live_panel_key
    from .hall import waiting_key

    keys = [waiting_key(instance.booth_id), live_panel_key(instance.booth_id)]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


from .liveroom.media import signals as media_signals  # noqa: E402,F401  (video tokens too)
