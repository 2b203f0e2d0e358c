"""The expo edition, its talent-month tracks, sessions and registrations."""

import secrets
import zoneinfo
from datetime import timedelta

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
    certificates_issued_at = models.DateTimeField(
        _("certificates issued at"), null=True, blank=True, editable=False
    )

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

    def has_ended(self, now=None):
        return (now or timezone.now()) >= self.ends_at

    @property
    def duration(self):
        return self.ends_at - self.starts_at

    def is_host(self, user) -> bool:
        """The host presents: staff of the host booth's company, or organiser staff when the
        organiser hosts."""
        if not user.is_authenticated:
            return False
        if self.host_booth_id is None:
            return user.is_staff
        from booths.access import is_company_staff

        return is_company_staff(user, self.host_booth.company_id)


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


# --- The schedule: live room, attendance, certificates, calendar feeds, reminders ----------


def slide_upload_to(instance, filename):
    return f"slides/{instance.session_id}/{secrets.token_hex(8)}.png"


class Slide(models.Model):
    """One page of a session's slides, as an image (uploaded, or a PDF page turned into one)."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="slides", verbose_name=_("session")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    image = models.ImageField(_("image"), upload_to=slide_upload_to)

    class Meta:
        verbose_name = _("slide")
        verbose_name_plural = _("slides")
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="one_slide_per_position")
        ]

    def __str__(self):
        return f"{self.session} #{self.position + 1}"


class Stage(models.Model):
    """The live room's state for one session, and its event counter: services lock this row
    to number events, so ids follow commit order and a client can tell what it missed."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Not started")
        LIVE = "live", _("Live")
        ENDED = "ended", _("Ended")

    session = models.OneToOneField(
        Session, on_delete=models.CASCADE, related_name="stage", verbose_name=_("session")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    went_live_at = models.DateTimeField(_("went live at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    slide = models.PositiveSmallIntegerField(_("current slide"), default=0)
    last_seq = models.PositiveBigIntegerField(_("last event id"), default=0)

    class Meta:
        verbose_name = _("live room")
        verbose_name_plural = _("live rooms")

    def __str__(self):
        return str(self.session)


class StageEvent(models.Model):
    """A numbered event of a live room (status, slide, question changes), kept for replay."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="stage_events")
    seq = models.PositiveBigIntegerField(_("event id"))
    kind = models.CharField(_("kind"), max_length=30)
    data = models.JSONField(_("data"), default=dict)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("live room event")
        verbose_name_plural = _("live room events")
        ordering = ["session", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["session", "seq"], name="one_stage_event_per_seq")
        ]

    def __str__(self):
        return f"{self.session_id} #{self.seq} {self.kind}"


class Question(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")
        HIDDEN = "hidden", _("Hidden")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="questions", verbose_name=_("session")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="session_questions",
        verbose_name=_("author"),
    )
    body = models.TextField(_("question"), max_length=500)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    votes = models.PositiveIntegerField(_("votes"), default=0)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["session", "-votes", "created_at"]

    def __str__(self):
        return self.body[:60]


class QuestionVote(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "user"], name="one_vote_per_question")
        ]

    def __str__(self):
        return f"{self.user_id} → {self.question_id}"


class Attendance(models.Model):
    """One connection to a live room: join and leave times. A user's intervals are merged when
    time is counted, so reconnects and second tabs never count twice."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("session")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="session_attendance",
        verbose_name=_("user"),
    )
    joined_at = models.DateTimeField(_("joined at"))
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["session", "user", "joined_at"]
        indexes = [models.Index(fields=["session", "left_at"])]

    def __str__(self):
        return f"{self.user} @ {self.session}"


def certificate_code():
    """12 characters from an alphabet without look-alikes, shown as XXXX-XXXX-XXXX."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class CertificateQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user).select_related("session__track").order_by("-issued_at")


class Certificate(models.Model):
    """A certificate of completion for attending enough of a certificate-bearing session."""

    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("session")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="certificates",
        verbose_name=_("user"),
    )
    code = models.CharField(_("verification code"), max_length=14, unique=True)
    name = models.CharField(_("name on the certificate"), max_length=150)
    attended_seconds = models.PositiveIntegerField(_("time attended (s)"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="one_certificate_per_session")
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


def calendar_token():
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """The secret address of a user's personal calendar feed (their registered sessions)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("user"),
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=calendar_token)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)


class Notice(models.Model):
    """What the schedule's beat tasks have sent: the unique constraint is the guard that two
    beat processes or a retried task never send the same reminder twice."""

    class Kind(models.TextChoices):
        REMINDER_DAY = "reminder_24h", _("Reminder 24 hours before")
        REMINDER_SOON = "reminder_15m", _("Reminder 15 minutes before")
        STARTING = "starting_now", _("Starting now")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="notices")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("schedule notice")
        verbose_name_plural = _("schedule notices")
        constraints = [
            models.UniqueConstraint(fields=["session", "user", "kind"], name="one_notice_per_kind")
        ]

    def __str__(self):
        return f"{self.kind}: {self.user} / {self.session}"


from .announcements.models import Announcement, AnnouncementDelivery, AnnouncementOptOut  # noqa: E402,F401,I001

from .imports.models import ImportJob  # noqa: E402,F401,I001
