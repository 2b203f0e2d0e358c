"""Companies, their staff, and their booths at an expo edition."""

from django.conf import settings
from django.db import models
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
    logo = models.ImageField(_("logo"), upload_to="booths/logos/", blank=True)
    banner = models.ImageField(_("banner"), upload_to="booths/banners/", blank=True)
    video_url = models.URLField(_("video"), blank=True)
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

    def __str__(self):
        return f"{self.company} @ {self.edition}"
