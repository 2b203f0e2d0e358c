"""Revocation of video tokens follows chat's: logout, a disabled account, a chat ban, and a
cancelled registration take the person's tokens out of Janus (after the commit, in a task;
only for people who hold a live token, so that most saves cost one small query and no task)."""

from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_save
from django.dispatch import receiver

from chat.models import Ban
from expo.schedule.models import Registration

from .models import MediaGrant
from .tasks import revoke_media


def _revoke(user_id, session_id=None):
    grants = MediaGrant.objects.filter(user_id=user_id, revoked_at__isnull=True)
    if session_id is not None:
        grants = grants.filter(session_id=session_id)
    if grants.exists():
        revoke_media.delay_on_commit(user_id, session_id)


@receiver(user_logged_out, dispatch_uid="media_revoke_on_logout")
def revoke_on_logout(sender, request, user, **kwargs):
    if user is not None:
        _revoke(user.pk)


@receiver(post_save, sender="accounts.User", dispatch_uid="media_revoke_on_disable")
def revoke_on_disable(sender, instance, created, **kwargs):
    if not created and not instance.is_active and getattr(instance, "_chat_was_active", False):
        _revoke(instance.pk)


@receiver(post_save, sender=Ban, dispatch_uid="media_revoke_on_ban")
def revoke_on_ban(sender, instance, **kwargs):
    _revoke(instance.user_id)


@receiver(post_save, sender=Registration, dispatch_uid="media_revoke_on_cancel")
def revoke_on_cancelled_registration(sender, instance, **kwargs):
    if instance.status != Registration.Status.REGISTERED and not kwargs.get("created"):
        _revoke(instance.user_id, instance.session_id)
