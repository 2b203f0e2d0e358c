"""Revocation applies at once: logging out, a disabled account, a chat ban or removal from a
company closes that user's open sockets (they reconnect and are authorised afresh)."""

from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from booths.models import Membership
from expo.lib.realtime import revoke_user_on_commit

from .models import Ban


@receiver(user_logged_out)
def revoke_on_logout(sender, request, user, **kwargs):
    if user is not None:
        revoke_user_on_commit(user.pk)


@receiver(pre_save, sender="accounts.User")
def remember_active_state(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and "is_active" not in update_fields:
        return  # e.g. last_login on every sign-in: no extra query
    if instance.pk:
        previous = sender.objects.filter(pk=instance.pk).values_list("is_active", flat=True)
        instance._chat_was_active = next(iter(previous), True)


@receiver(post_save, sender="accounts.User")
def revoke_on_disable(sender, instance, created, **kwargs):
    if not created and not instance.is_active and getattr(instance, "_chat_was_active", False):
        revoke_user_on_commit(instance.pk)


@receiver(post_save, sender=Ban)
def revoke_on_ban(sender, instance, **kwargs):
    revoke_user_on_commit(instance.user_id)


@receiver(post_delete, sender=Membership)
def revoke_on_removal(sender, instance, **kwargs):
    revoke_user_on_commit(instance.user_id)
