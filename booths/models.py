"""Companies, their staff, and their booths at an expo edition."""

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from expo.choices import Programme


class Sector(models.Model):
    """A sector of the park, shown as a hall of the virtual exhibition."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), unique=True)
    hall = models.CharField(_("hall"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Company(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    programme = models.CharField(
        _("programme"), max_length=20, choices=Programme.choices, default=Programme.OTHER
    )
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="companies", verbose_name=_("sector")
    )
    website = models.URLField(_("website"), blank=True)
    headquarters = models.CharField(_("headquarters"), max_length=200, blank=True)
    has_gba_or_overseas_office = models.BooleanField(
        _("offices in the GBA or overseas"), default=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A user on a company's staff. Admins manage the booth and the team; recruiters chat and
    handle applicants."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Admin")
        RECRUITER = "recruiter", _("Recruiter")

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("company")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.RECRUITER)
    created_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["company", "user"]
        constraints = [
            # One company per user keeps "their company's data" unambiguous.
            models.UniqueConstraint(fields=["user"], name="one_company_per_user"),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.company})"


class BoothQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Booth.Status.APPROVED)


class Booth(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Changes requested")

    edition = models.ForeignKey(
        "expo.ExpoEdition",
        on_delete=models.CASCADE,
        related_name="booths",
        verbose_name=_("edition"),
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="booths", verbose_name=_("company")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown is allowed.")
    )
    # The company may also write its booth in Chinese; visitors browsing in that language see
    # it, everyone else the text above. Company content is never machine-translated.
    tagline_zh_hant = models.CharField(
        _("tagline in Traditional Chinese"), max_length=200, blank=True
    )
    description_zh_hant = models.TextField(_("description in Traditional Chinese"), blank=True)
    tagline_zh_hans = models.CharField(
        _("tagline in Simplified Chinese"), max_length=200, blank=True
    )
    description_zh_hans = models.TextField(_("description in Simplified Chinese"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="booths/logos/", blank=True)
    banner = models.ImageField(_("banner"), upload_to="booths/banners/", blank=True)
    video_url = models.URLField(
        _("video"),
        blank=True,
        help_text=_("A YouTube, Vimeo or Bilibili address."),
    )
    is_featured = models.BooleanField(
        _("featured"), default=False, help_text=_("Featured booths come first in the hall.")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("reason for changes"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = BoothQuerySet.as_manager()

    class Meta:
        verbose_name = _("booth")
        verbose_name_plural = _("booths")
        ordering = ["company__name"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "company"], name="one_booth_per_edition")
        ]
        indexes = [models.Index(fields=["edition", "status"])]

    # The company's own words, in each language it wrote them: the editor, the service that saves
    # them and the hall's text search all use this one list.
    TEXT_FIELDS = (
        "tagline",
        "description",
        "tagline_zh_hant",
        "description_zh_hant",
        "tagline_zh_hans",
        "description_zh_hans",
    )

    def __str__(self):
        return f"{self.company} @ {self.edition}"

    @property
    def is_public(self):
        return self.status == self.Status.APPROVED

    def _in_language(self, field):
        """The company's own text in the visitor's language when it wrote one, else as written."""
        suffix = {"zh-hant": "_zh_hant", "zh-hans": "_zh_hans"}.get(get_language() or "")
        if suffix:
            localized = getattr(self, field + suffix)
            if localized.strip():
                return localized
        return getattr(self, field)

    @property
    def display_tagline(self):
        return self._in_language("tagline")

    @property
    def display_description(self):
        return self._in_language("description")

    @property
    def can_submit(self):
        return self.status in (self.Status.DRAFT, self.Status.REJECTED)

    @property
    def media_version(self):
        """Changes whenever the booth is saved: cache-busts logo and banner URLs."""
        return int(self.updated_at.timestamp()) if self.updated_at else 0


def brochure_upload_to(instance, filename):
    return f"booths/brochures/{uuid.uuid4().hex}.pdf"


class Brochure(models.Model):
    """A public PDF of an approved booth (checked by content when uploaded)."""

    booth = models.ForeignKey(
        Booth, on_delete=models.CASCADE, related_name="brochures", verbose_name=_("booth")
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("PDF"), upload_to=brochure_upload_to, max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("brochure")
        verbose_name_plural = _("brochures")
        ordering = ["booth", "created_at", "pk"]

    def __str__(self):
        return self.title


class BoothVisit(models.Model):
    """One visitor at one booth on one day (expo time zone); `hits` counts their page views.

    Written with a single INSERT ... ON CONFLICT DO UPDATE (booths.services.record_visit), so
    rows per day are unique visitors and the sum of hits is visits. visitor_key is a keyed hash
    (of the user id or of an anonymous cookie), never an id or address.
    """

    booth = models.ForeignKey(
        Booth, on_delete=models.CASCADE, related_name="visits", verbose_name=_("booth")
    )
    visitor_key = models.CharField(_("visitor"), max_length=64)
    day = models.DateField(_("day"))
    hits = models.PositiveIntegerField(_("page views"), default=1)

    class Meta:
        verbose_name = _("booth visit")
        verbose_name_plural = _("booth visits")
        constraints = [
            models.UniqueConstraint(
                fields=["booth", "day", "visitor_key"], name="one_visit_row_per_visitor_and_day"
            )
        ]

    def __str__(self):
        return f"{self.booth_id} {self.day} {self.visitor_key[:8]}"


class Bookmark(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="booth_bookmarks",
        verbose_name=_("user"),
    )
    booth = models.ForeignKey(
        Booth, on_delete=models.CASCADE, related_name="bookmarks", verbose_name=_("booth")
    )
    created_at = models.DateTimeField(_("bookmarked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bookmark")
        verbose_name_plural = _("bookmarks")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "booth"], name="one_bookmark_per_booth")
        ]
        indexes = [models.Index(fields=["booth", "created_at"])]

    def __str__(self):
        return f"{self.user} ★ {self.booth_id}"


def invitation_token():
    return secrets.token_urlsafe(32)


def invitation_expiry():
    return timezone.now() + timedelta(days=14)


class Invitation(models.Model):
    """A company admin's invitation of a colleague, accepted through a token link."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("company")
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(
        _("role"), max_length=20, choices=Membership.Role.choices, default=Membership.Role.RECRUITER
    )
    token = models.CharField(max_length=64, unique=True, default=invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), default=invitation_expiry)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.company}"

    def is_pending(self, now=None):
        return self.accepted_at is None and self.expires_at > (now or timezone.now())
