"""Announcements: an email (and an on-site banner) from the organiser to a segment of users."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Announcement(models.Model):
    class Segment(models.TextChoices):
        ALL_TALENT = "all_talent", _("All talent")
        TRACK_REGISTRANTS = "track_registrants", _("Talent registered for a track")
        COMPANY_ADMINS = "company_admins", _("All company admins")
        EMPLOYER_STAFF = "employer_staff", _("All employer staff")
        EVERYONE = "everyone", _("Everyone with an account")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    edition = models.ForeignKey(
        "expo.ExpoEdition",
        on_delete=models.CASCADE,
        related_name="announcements",
        verbose_name=_("edition"),
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(
        _("message"), help_text=_("Plain text; a blank line starts a new paragraph.")
    )
    banner_text = models.CharField(
        _("on-site banner"),
        max_length=200,
        blank=True,
        help_text=_(
            "Shown at the top of every page to the recipients, while the banner is active."
        ),
    )
    banner_until = models.DateTimeField(_("banner shown until"), null=True, blank=True)
    segment = models.CharField(_("segment"), max_length=30, choices=Segment.choices)
    track = models.ForeignKey(
        "expo.Track",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("track"),
        help_text=_("Only for the segment 'Talent registered for a track'."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    send_requested_at = models.DateTimeField(_("sending started at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    recipients_total = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        db_table = "expo_announcement"  # kept from when it lived in the expo app
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(segment="track_registrants") | Q(track__isnull=False),
                name="track_segment_needs_track",
            ),
        ]

    def __str__(self):
        return self.subject

    def save(self, *args, **kwargs):
        # A banner with no end date would never show (the banner shows while banner_until is
        # ahead): it runs until the expo closes.
        if self.banner_text and self.banner_until is None and self.edition_id:
            self.banner_until = self.edition.ends_at
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "banner_until"}
        super().save(*args, **kwargs)


class AnnouncementDelivery(models.Model):
    """One recipient of one announcement. The unique constraint makes sending idempotent: a row
    is created once, claimed with skip_locked and marked sent in the same transaction."""

    announcement = models.ForeignKey(
        Announcement,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("announcement"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="announcement_deliveries",
        verbose_name=_("recipient"),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        db_table = "expo_announcementdelivery"  # kept from when it lived in the expo app
        verbose_name = _("announcement delivery")
        verbose_name_plural = _("announcement deliveries")
        constraints = [
            models.UniqueConstraint(fields=["announcement", "user"], name="one_delivery_per_user")
        ]
        indexes = [models.Index(fields=["announcement", "sent_at"])]

    def __str__(self):
        return f"{self.announcement} → {self.user}"


class AnnouncementOptOut(models.Model):
    """A user who unsubscribed from the organiser's announcements."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="announcement_opt_out",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("unsubscribed at"), auto_now_add=True)

    class Meta:
        db_table = "expo_announcementoptout"  # kept from when it lived in the expo app
        verbose_name = _("announcement unsubscribe")
        verbose_name_plural = _("announcement unsubscribes")

    def __str__(self):
        return str(self.user)
