"""A call is a row; its state changes are numbered events in the conversation's room (both
sides and the organiser see them on replay). No audio or video is ever recorded."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CallQuerySet(models.QuerySet):
    def live(self):
        return self.filter(status__in=Call.LIVE)

    def involving(self, user_id):
        return self.filter(Q(caller_id=user_id) | Q(callee_id=user_id))


class Call(models.Model):
    class Kind(models.TextChoices):
        VIDEO = "video", _("Video call")
        VOICE = "voice", _("Voice call")

    class Status(models.TextChoices):
        RINGING = "ringing", _("Ringing")
        ACTIVE = "active", _("In progress")
        ENDED = "ended", _("Ended")
        DECLINED = "declined", _("Declined")
        MISSED = "missed", _("Missed")
        CANCELLED = "cancelled", _("Cancelled")

    class EndReason(models.TextChoices):
        HANG_UP = "hang_up", _("Hung up")
        DECLINED = "declined", _("Declined")
        NO_ANSWER = "no_answer", _("No answer")
        CANCELLED = "cancelled", _("Cancelled by the caller")
        CONNECTION_LOST = "connection_lost", _("Connection lost")
        ACCESS_REVOKED = "access_revoked", _("Access revoked")
        CONVERSATION_CLOSED = "conversation_closed", _("Conversation closed")

    LIVE = (Status.RINGING, Status.ACTIVE)

    conversation = models.ForeignKey(
        "chat.Conversation",
        on_delete=models.CASCADE,
        related_name="calls",
        verbose_name=_("conversation"),
    )
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("caller"),
    )
    callee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("callee"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RINGING
    )
    rang_at = models.DateTimeField(_("rang at"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.CharField(
        _("end reason"), max_length=20, choices=EndReason.choices, blank=True
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )

    # The last sign of life of each side's call socket (pings, reconnects): a side silent for
    # longer than CALL_RECONNECT_SECONDS has left, and the call ends.
    caller_seen_at = models.DateTimeField(_("caller last seen"), null=True, blank=True)
    callee_seen_at = models.DateTimeField(_("callee last seen"), null=True, blank=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-rang_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation"],
                condition=Q(status__in=["ringing", "active"]),
                name="chat_one_live_call_per_conversation",
            )
        ]
        indexes = [models.Index(fields=["status", "rang_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"

    @property
    def duration_seconds(self) -> int | None:
        """Talk time: from the answer to the end (None when never answered)."""
        if self.answered_at is None or self.ended_at is None:
            return None
        return max(0, round((self.ended_at - self.answered_at).total_seconds()))

    def other_side(self, user_id) -> int:
        return self.callee_id if user_id == self.caller_id else self.caller_id
