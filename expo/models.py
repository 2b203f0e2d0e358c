"""The expo edition, its talent-month tracks, sessions and registrations."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB."))


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class ExpoEditionQuerySet(models.QuerySet):
    def current(self):
        """The edition marked current, else the latest one; None on an empty database."""
        return self.order_by("-is_current", "-starts_at").first()


class ExpoEdition(models.Model):
    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("Upcoming")
        LIVE = "live", _("Live now")
        ENDED = "ended", _("Ended")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    tagline = models.CharField(_("tagline"), max_length=300, blank=True)
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("opens at"))
    ends_at = models.DateTimeField(_("closes at"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Hong_Kong", validators=[validate_time_zone]
    )
    is_current = models.BooleanField(
        _("current edition"), default=False, help_text=_("The edition the site shows.")
    )
    logo = models.ImageField(_("logo"), upload_to="branding/", blank=True)
    primary_colour = models.CharField(
        _("primary colour"), max_length=7, default="#0b5cad", validators=[hex_colour]
    )
    accent_colour = models.CharField(
        _("accent colour"), max_length=7, default="#00a19a", validators=[hex_colour]
    )

    objects = ExpoEditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("expo edition")
        verbose_name_plural = _("expo editions")
        ordering = ["-starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_edition"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="edition_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def tz(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    def status(self, now=None):
        now = now or timezone.now()
        if now < self.starts_at:
            return self.Status.UPCOMING
        if now >= self.ends_at:
            return self.Status.ENDED
        return self.Status.LIVE

    def day_number(self, now=None):
        """(day, of_days) in the expo's own time zone while it is live, else None."""
        now = now or timezone.now()
        if self.status(now) != self.Status.LIVE:
            return None
        first = self.starts_at.astimezone(self.tz).date()
        last = self.ends_at.astimezone(self.tz).date()
        today = now.astimezone(self.tz).date()
        return (today - first).days + 1, (last - first).days + 1


class Track(models.Model):
    edition = models.ForeignKey(
        ExpoEdition, on_delete=models.CASCADE, related_name="tracks", verbose_name=_("edition")
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"))
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        ordering = ["edition", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "slug"], name="unique_track_slug")
        ]

    def __str__(self):
        return self.name


class SessionQuerySet(models.QuerySet):
    def live(self, now=None):
        now = now or timezone.now()
        return self.filter(starts_at__lte=now, ends_at__gt=now, is_cancelled=False)

    def upcoming(self, now=None):
        now = now or timezone.now()
        return self.filter(starts_at__gt=now, is_cancelled=False)


class Session(models.Model):
    """A booth's live presentation or one of the organiser's talent-month events."""

    class Kind(models.TextChoices):
        PRESENTATION = "presentation", _("Booth presentation")
        EVENT = "event", _("Talent-month event")

    edition = models.ForeignKey(
        ExpoEdition, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("edition")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    track = models.ForeignKey(
        Track,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("track"),
    )
    host_booth = models.ForeignKey(
        "booths.Booth",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("host booth"),
        help_text=_("Empty when the organiser hosts."),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    speakers = models.CharField(_("speakers"), max_length=500, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty for no limit.")
    )
    stream_url = models.URLField(_("stream URL"), blank=True)
    recording_url = models.URLField(_("recording URL"), blank=True)
    certificate_bearing = models.BooleanField(_("awards a certificate"), default=False)
    attendance_threshold = models.PositiveSmallIntegerField(
        _("attendance needed for a certificate (%)"),
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    is_cancelled = models.BooleanField(_("cancelled"), default=False)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["edition", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.title

    def is_live(self, now=None):
        now = now or timezone.now()
        return not self.is_cancelled and self.starts_at <= now < self.ends_at


class Registration(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("session"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("user"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="one_registration_per_user")
        ]

    def __str__(self):
        return f"{self.user} → {self.session}"
