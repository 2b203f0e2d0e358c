"""A call ends at once when a side loses the right to it, in the same transaction as the cause:
a chat ban, a mute at the booth, logout, a disabled account, removal from the company, the
conversation closed or handed to a colleague. (The sockets close through chat.signals; a
revocation that only closes sockets, e.g. a changed password, ends the call in
chat.calls.consumer.)"""

from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from booths.models import Membership
from chat.models import Ban, Conversation, Mute

from . import services
from .models import Call


@receiver(user_logged_out)
def end_calls_on_logout(sender, request, user, **kwargs):
    if user is not None:
        services.end_calls_of_user(user.pk)


@receiver(post_save, sender="accounts.User")
def end_calls_on_disable(sender, instance, created, **kwargs):
    # chat.signals.remember_active_state noted the previous state before the save.
    if not created and not instance.is_active and getattr(instance, "_chat_was_active", False):
        services.end_calls_of_user(instance.pk)


@receiver(post_save, sender=Ban)
def end_calls_on_ban(sender, instance, **kwargs):
    services.end_calls_of_user(instance.user_id)


@receiver(post_save, sender=Mute)
def end_calls_on_mute(sender, instance, created, **kwargs):
    if created:
        services.end_calls_of_user(
            instance.user_id,
            conversation_ids=Conversation.objects.filter(booth_id=instance.booth_id).values("pk"),
        )


@receiver(post_delete, sender=Membership)
def end_calls_on_removal(sender, instance, **kwargs):
    services.end_calls_of_user(instance.user_id)


@receiver(post_save, sender=Conversation)
def end_calls_on_close_or_handover(sender, instance, created, update_fields=None, **kwargs):
    if created or (update_fields is not None and not {"status", "recruiter"} & set(update_fields)):
        return
    if Call.objects.live().filter(conversation=instance).exists():
        services.end_calls_no_longer_allowed(instance)
