"""Users (email login), their roles and talent profiles."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from expo.choices import Education, EmploymentType, Level, Region


def private_storage():
    """Storage outside MEDIA_ROOT: files here are served only by permission-checked views."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


def cv_upload_to(instance, filename):
    return f"cv/{uuid.uuid4().hex}.pdf"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """Everyone signs in with an email address.

    Roles: talent (the default), employer staff (a Membership of a company, as admin or
    recruiter) and organiser staff (is_staff, with Django permissions for the admin).
    """

    class Role(models.TextChoices):
        TALENT = "talent", _("Talent")
        EMPLOYER = "employer", _("Employer staff")
        ORGANISER = "organiser", _("Organiser staff")

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    is_staff = models.BooleanField(
        _("organiser staff"),
        default=False,
        help_text=_("Can sign in to the organiser's admin."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return (self.full_name or self.email).split()[0]

    @cached_property
    def role(self):
        if self.is_staff:
            return self.Role.ORGANISER
        if self.memberships.exists():
            return self.Role.EMPLOYER
        return self.Role.TALENT


class TalentProfile(models.Model):
    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="talent_profile", verbose_name=_("user")
    )
    headline = models.CharField(_("headline"), max_length=200, blank=True)
    education_level = models.CharField(
        _("education level"), max_length=20, choices=Education.choices, blank=True
    )
    field_of_study = models.CharField(_("field of study"), max_length=200, blank=True)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    graduation_year = models.PositiveSmallIntegerField(_("graduation year"), null=True, blank=True)
    experience_level = models.CharField(
        _("experience level"), max_length=20, choices=Level.choices, blank=True
    )
    skills = models.CharField(
        _("skills"), max_length=500, blank=True, help_text=_("Separate skills with commas.")
    )
    sectors = models.ManyToManyField(
        "booths.Sector",
        blank=True,
        related_name="interested_talent",
        verbose_name=_("sectors of interest"),
    )
    region = models.CharField(_("where you are"), max_length=20, choices=Region.choices, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    seeking = models.JSONField(
        _("looking for"),
        default=list,
        blank=True,
        help_text=_("Employment types: full-time, internship, placement..."),
    )
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    links = models.TextField(_("links"), blank=True, help_text=_("One address per line."))
    cv = models.FileField(
        _("CV"), storage=private_storage, upload_to=cv_upload_to, blank=True, max_length=200
    )
    cv_uploaded_at = models.DateTimeField(_("CV uploaded at"), null=True, blank=True)
    is_discoverable = models.BooleanField(
        _("employers may find my profile"),
        default=False,
        help_text=_("When on, staff of exhibiting companies can find you in talent search."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("talent profile")
        verbose_name_plural = _("talent profiles")

    def __str__(self):
        return str(self.user)

    @property
    def skill_list(self):
        return [s.strip() for s in self.skills.split(",") if s.strip()]

    def seeking_labels(self):
        labels = dict(EmploymentType.choices)
        return [labels.get(value, value) for value in self.seeking]


class ProfileShare(models.Model):
    """A talent chose to share their profile and CV with a company (from its booth page)."""

    talent = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="profile_shares", verbose_name=_("talent")
    )
    company = models.ForeignKey(
        "booths.Company",
        on_delete=models.CASCADE,
        related_name="profile_shares",
        verbose_name=_("company"),
    )
    created_at = models.DateTimeField(_("shared at"), auto_now_add=True)

    class Meta:
        verbose_name = _("profile share")
        verbose_name_plural = _("profile shares")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["talent", "company"], name="one_share_per_company")
        ]

    def __str__(self):
        return f"{self.talent} → {self.company}"
