"""The expo edition, its talent-month tracks, sessions and registrations."""

import zoneinfo
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
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

    class Opening(models.TextChoices):
        DATES = "", _("Follow the dates")
        OPEN = "open", _("Open now, whatever the dates")
        CLOSED = "closed", _("Closed now, whatever the dates")

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
    open_override = models.CharField(
        _("booths and chats"),
        max_length=10,
        choices=Opening.choices,
        default=Opening.DATES,
        blank=True,
        help_text=_(
            "Booths and chats are live between the opening and closing times; organiser staff "
            "can open or close them now regardless."
        ),
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

    def days(self):
        """Each calendar day of the edition in its own time zone, first to last."""
        first = self.starts_at.astimezone(self.tz).date()
        last = self.ends_at.astimezone(self.tz).date()
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def expo_is_open(edition, now=None) -> bool:
    """Whether booths and chats are live: between the edition's dates, unless organiser staff
    set an override. Computed from the clock, never flipped by a task; None (no edition) is
    closed."""
    if edition is None:
        return False
    if edition.open_override == ExpoEdition.Opening.OPEN:
        return True
    if edition.open_override == ExpoEdition.Opening.CLOSED:
        return False
    return edition.status(now) == ExpoEdition.Status.LIVE


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
