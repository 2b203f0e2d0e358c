"""What Django keeps about a session's live video (app label `chat`, imported by chat.models):
the Janus room, who holds a token for it, the raised hands and the stage, and the replay."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def default_stage_max():
    return settings.LIVE_STAGE_MAX


class MediaRoom(models.Model):
    """A session's room on one media server: created by Django when the host goes live (or at
    the first host's request when the server was down then), destroyed when the session ends."""

    session = models.OneToOneField(
        "schedule.Session",
        on_delete=models.CASCADE,
        related_name="media_room",
        verbose_name=_("session"),
    )
    server = models.PositiveSmallIntegerField(_("media server"), default=0)
    janus_room = models.PositiveBigIntegerField(_("Janus room"))
    secret = models.CharField(_("room secret"), max_length=64, editable=False)
    pin = models.CharField(_("room PIN"), max_length=64, editable=False)
    stage_max = models.PositiveSmallIntegerField(
        _("people on stage at once"), default=default_stage_max
    )
    recording_dir = models.CharField(_("recording folder"), max_length=500, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("video room")
        verbose_name_plural = _("video rooms")

    def __str__(self):
        return str(self.session)

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None and self.closed_at is None

    @property
    def has_recording(self) -> bool:
        return self.opened_at is not None and bool(self.recording_dir)


class MediaGrant(models.Model):
    """One person's token for one session's room: a token in Janus's store (without it Janus
    refuses every request) and, for those who may publish, in the room's allowed list."""

    class Role(models.TextChoices):
        HOST = "host", _("Host")
        STAGE = "stage", _("On stage")
        VIEWER = "viewer", _("Attendee")

    session = models.ForeignKey(
        "schedule.Session", on_delete=models.CASCADE, related_name="media_grants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="media_grants"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    token = models.CharField(_("token"), max_length=64, unique=True, editable=False)
    feed_id = models.PositiveBigIntegerField(_("publisher id"), editable=False)
    publishing = models.BooleanField(_("publishing"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("video token")
        verbose_name_plural = _("video tokens")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=Q(revoked_at__isnull=True),
                name="one_live_media_grant",
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.session}"

    @property
    def may_publish(self) -> bool:
        return self.role in (self.Role.HOST, self.Role.STAGE)


class StageSeat(models.Model):
    """An attendee's raised hand, then their place on stage in a group session."""

    class Status(models.TextChoices):
        RAISED = "raised", _("Hand raised")
        ON_STAGE = "on_stage", _("On stage")
        DOWN = "down", _("Not on stage")

    session = models.ForeignKey("schedule.Session", on_delete=models.CASCADE, related_name="seats")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    raised_at = models.DateTimeField(_("hand raised at"), default=timezone.now)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("stage seat")
        verbose_name_plural = _("stage seats")
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="one_seat")]

    def __str__(self):
        return f"{self.user} · {self.get_status_display()}"


class Replay(models.Model):
    """The on-demand replay made from a session's recording (one file, host's audio)."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for the converter")
        CONVERTING = "converting", _("Converting")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EMPTY = "empty", _("Nothing was recorded")

    session = models.OneToOneField(
        "schedule.Session",
        on_delete=models.CASCADE,
        related_name="replay",
        verbose_name=_("session"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.WAITING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.CharField(_("file"), max_length=500, blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    duration = models.FloatField(_("duration (s)"), default=0)
    live_seconds = models.FloatField(_("time live (s)"), default=0)
    error = models.TextField(_("error"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("replay")
        verbose_name_plural = _("replays")

    def __str__(self):
        return str(self.session)

    @property
    def duration_label(self) -> str:
        """H:MM:SS or M:SS."""
        minutes, seconds = divmod(round(self.duration), 60)
        hours, minutes = divmod(minutes, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
