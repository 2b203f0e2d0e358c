"""Live chat keeps its records here.

Every stream a client can miss is a Room with a gapless, per-room sequence of Events: a booth's
lobby, a 1:1 conversation and a booth's staff room (queue changes). Services take the room row
with select_for_update to number each event, so ids within a room follow commit order and a
client that sees id N+2 after N knows it missed one and asks for it again.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Room(models.Model):
    """A replayable stream: "lobby.<booth>", "conv.<conversation>" or "staff.<booth>"."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    last_seq = models.PositiveBigIntegerField(_("last event id"), default=0)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")

    def __str__(self):
        return self.key


class Message(models.Model):
    room = models.ForeignKey(
        Room, on_delete=models.CASCADE, related_name="messages", verbose_name=_("room")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="chat_messages",
        verbose_name=_("author"),
    )
    author_is_staff = models.BooleanField(_("sent by booth staff"), default=False)
    body = models.TextField(_("text"), max_length=2000)
    client_id = models.UUIDField(_("client id"))
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deleted by"),
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["pk"]
        constraints = [
            # A resend after a broken connection never shows twice.
            models.UniqueConstraint(
                fields=["room", "author", "client_id"], name="chat_message_idempotent"
            )
        ]

    def __str__(self):
        return self.body[:60]


class Event(models.Model):
    """One numbered event in a room: a message, a deletion, a conversation state change, a queue
    change. The payload is rebuilt from current rows on replay, so a deleted message replays as
    deleted."""

    class Kind(models.TextChoices):
        MESSAGE = "message", _("Message")
        DELETED = "message.deleted", _("Message deleted")
        STATE = "conversation", _("Conversation changed")
        QUEUE = "queue", _("Queue changed")
        CALL = "call", _("Call")

    room = models.ForeignKey(
        Room, on_delete=models.CASCADE, related_name="events", verbose_name=_("room")
    )
    seq = models.PositiveBigIntegerField(_("event id"))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["room", "seq"]
        constraints = [models.UniqueConstraint(fields=["room", "seq"], name="chat_event_seq")]

    def __str__(self):
        return f"{self.room} #{self.seq} {self.kind}"


class QueueEntryQuerySet(models.QuerySet):
    def waiting(self, now=None):
        """Waiting and seen within the grace period: expiry follows the clock."""
        now = now or timezone.now()
        grace = timedelta(seconds=settings.CHAT_QUEUE_GRACE_SECONDS)
        return self.filter(status=QueueEntry.Status.WAITING, last_seen_at__gte=now - grace)

    def calling(self, now=None):
        """Taken by a recruiter who waits for the talent to open the conversation: pending
        until answered or CHAT_ANSWER_SECONDS after taken_at (then skipped)."""
        now = now or timezone.now()
        window = timedelta(seconds=settings.CHAT_ANSWER_SECONDS)
        return self.filter(
            status=QueueEntry.Status.TAKEN, answered_at__isnull=True, taken_at__gt=now - window
        )

    def unanswered_too_long(self, now=None):
        now = now or timezone.now()
        window = timedelta(seconds=settings.CHAT_ANSWER_SECONDS)
        return self.filter(
            status=QueueEntry.Status.TAKEN, answered_at__isnull=True, taken_at__lte=now - window
        )


class QueueEntry(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        TAKEN = "taken", _("Taken by a recruiter")
        LEFT = "left", _("Left the queue")
        EXPIRED = "expired", _("Expired")
        SKIPPED = "skipped", _("Skipped: did not respond in time")

    booth = models.ForeignKey(
        "booths.Booth", on_delete=models.CASCADE, related_name="queue", verbose_name=_("booth")
    )
    talent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="queue_entries",
        verbose_name=_("talent"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen at"), default=timezone.now)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    # The talent opened the conversation they were called into. Until then (and for
    # CHAT_ANSWER_SECONDS after taken_at) every page tells them a recruiter is waiting.
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    conversation = models.ForeignKey(
        "Conversation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = QueueEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("queue entry")
        verbose_name_plural = _("queue entries")
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["booth", "talent"],
                condition=Q(status="waiting"),
                name="chat_one_place_per_queue",
            )
        ]
        indexes = [
            models.Index(fields=["booth", "status", "joined_at"]),
            models.Index(fields=["talent", "status"]),
        ]

    def __str__(self):
        return f"{self.talent} @ {self.booth}"


class Conversation(models.Model):
    class Status(models.TextChoices):
        LEFT_MESSAGE = "left_message", _("Message left, awaiting a recruiter")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        APPLY = "apply", _("Next step: apply to a job")
        CONTACT = "contact", _("We will contact you")
        NOT_NOW = "not_now", _("Not a fit now")
        OTHER = "other", _("Other")
        NO_RESPONSE = "no_response", _("The talent did not respond in time")

    booth = models.ForeignKey(
        "booths.Booth",
        on_delete=models.CASCADE,
        related_name="conversations",
        verbose_name=_("booth"),
    )
    talent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="talent_conversations",
        verbose_name=_("talent"),
    )
    recruiter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recruiter_conversations",
        verbose_name=_("recruiter"),
    )
    room = models.OneToOneField(Room, on_delete=models.PROTECT, related_name="conversation")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("note to the talent"), max_length=1000, blank=True)
    outcome_job = models.ForeignKey(
        "jobs.Job",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("job to apply to"),
    )
    # A booked 1:1 time (or interview) opens its own conversation with the slot's recruiter.
    booking = models.OneToOneField(
        "schedule.Booking",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversation",
        verbose_name=_("booked time"),
    )
    talent_read_seq = models.PositiveBigIntegerField(default=0)
    staff_read_seq = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["booth", "status"]),
            models.Index(fields=["recruiter", "status"]),
        ]

    def __str__(self):
        return f"{self.talent} / {self.booth}"


class TalentNote(models.Model):
    """A company's private notes and rating on a talent; the talent never sees them."""

    company = models.ForeignKey(
        "booths.Company", on_delete=models.CASCADE, related_name="+", verbose_name=_("company")
    )
    talent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("talent"),
    )
    notes = models.TextField(_("private notes"), max_length=5000, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("private note")
        verbose_name_plural = _("private notes")
        constraints = [
            models.UniqueConstraint(fields=["company", "talent"], name="chat_one_note"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="chat_rating_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.company}: {self.talent}"


class Mute(models.Model):
    booth = models.ForeignKey(
        "booths.Booth", on_delete=models.CASCADE, related_name="+", verbose_name=_("booth")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    until = models.DateTimeField(_("muted until"))
    muted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("mute")
        verbose_name_plural = _("mutes")
        indexes = [models.Index(fields=["booth", "user", "until"])]

    def __str__(self):
        return f"{self.user} @ {self.booth}"


class Ban(models.Model):
    """Organiser staff ban a user from every chat (set in admin)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="chat_ban",
        verbose_name=_("user"),
    )
    reason = models.TextField(_("reason"), blank=True)
    banned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("chat ban")
        verbose_name_plural = _("chat bans")

    def __str__(self):
        return str(self.user)


class Report(models.Model):
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="reports", verbose_name=_("message")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    resolved = models.BooleanField(_("resolved"), default=False)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["message", "reporter"], name="chat_one_report")
        ]

    def __str__(self):
        return f"{self.reporter} on #{self.message_id}"


from .calls.models import Call  # noqa: E402,F401  (the calls' model belongs to this app)

# The live room's video: kept in chat/liveroom/media/ (its own module, one import here).
from .liveroom.media.models import MediaGrant, MediaRoom, Replay, StageSeat  # noqa: E402,F401
