"""The schedule: sessions (booth presentations and talent-month events), registrations, the
live room's state and questions, attendance, certificates, calendar feeds and reminders.

These models lived in the expo app until the schedule became its own app; their tables keep
their names (``db_table``), moved by migration 0001 without touching the data."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from expo.models import ExpoEdition, Track


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
        db_table = "expo_session"  # kept from when the schedule lived in the expo app
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
        db_table = "expo_registration"  # kept from when the schedule lived in the expo app
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
        db_table = "expo_slide"  # kept from when the schedule lived in the expo app
        verbose_name = _("slide")
        verbose_name_plural = _("slides")
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="one_slide_per_position")
        ]

    def __str__(self):
        return f"{self.session} #{self.position + 1}"


def _private_storage():
    from accounts.models import private_storage

    return private_storage()


def slides_pdf_upload_to(instance, filename):
    return f"slides-pdf/{instance.session_id}/{secrets.token_hex(8)}.pdf"


class SlideConversion(models.Model):
    """A host's PDF waiting to become the session's slides (expo/schedule/slides.py). Written
    with the upload, converted by a worker after the commit; the beat's sweep converts a row
    whose worker died. The session keeps its old slides until the new ones are ready."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for the converter")
        CONVERTING = "converting", _("Converting")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Error(models.TextChoices):
        NO_CONVERTER = "no_converter", _("PDF slides cannot be converted on this server.")
        UNCONVERTIBLE = "unconvertible", _("We could not turn this PDF into slides.")
        NO_PAGES = "no_pages", _("The PDF has no pages.")

    session = models.OneToOneField(
        Session,
        on_delete=models.CASCADE,
        related_name="slide_conversion",
        verbose_name=_("session"),
    )
    pdf = models.FileField(
        _("PDF"), storage=_private_storage, upload_to=slides_pdf_upload_to, blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.WAITING
    )
    error = models.CharField(_("error"), max_length=20, choices=Error.choices, blank=True)
    pages = models.PositiveSmallIntegerField(_("pages"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("slide conversion")
        verbose_name_plural = _("slide conversions")

    def __str__(self):
        return f"{self.session} · {self.get_status_display()}"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.WAITING, self.Status.CONVERTING)


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
        db_table = "expo_stage"  # kept from when the schedule lived in the expo app
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
        db_table = "expo_stageevent"  # kept from when the schedule lived in the expo app
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
        db_table = "expo_question"  # kept from when the schedule lived in the expo app
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["session", "-votes", "created_at"]

    def __str__(self):
        return self.body[:60]


class QuestionVote(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "expo_questionvote"  # kept from when the schedule lived in the expo app
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
        db_table = "expo_attendance"  # kept from when the schedule lived in the expo app
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
        db_table = "expo_certificate"  # kept from when the schedule lived in the expo app
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
        db_table = "expo_calendarfeed"  # kept from when the schedule lived in the expo app
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
        db_table = "expo_notice"  # kept from when the schedule lived in the expo app
        verbose_name = _("schedule notice")
        verbose_name_plural = _("schedule notices")
        constraints = [
            models.UniqueConstraint(fields=["session", "user", "kind"], name="one_notice_per_kind")
        ]

    def __str__(self):
        return f"{self.kind}: {self.user} / {self.session}"


# --- 1:1 meetings: slots published by booth staff, booked by talent or offered for interviews --
class MeetingSlotQuerySet(models.QuerySet):
    def active(self):
        return self.filter(cancelled_at__isnull=True)

    def bookable(self, now=None):
        """Free for anyone to book: not cancelled, not past, not held for an interview offer,
        not booked."""
        now = now or timezone.now()
        taken = Booking.objects.filter(slot=models.OuterRef("pk")).live()
        return (
            self.active()
            .filter(starts_at__gt=now, offer__isnull=True)
            .exclude(models.Exists(taken))
        )


class MeetingSlot(models.Model):
    """A recruiter's time for one talent (capacity 1): booked for a 1:1 chat, or offered in an
    interview invitation. One recruiter's active slots never overlap: a PostgreSQL exclusion
    constraint (migration 0003_meetings) backs the check in expo.schedule.meetings."""

    booth = models.ForeignKey(
        "booths.Booth",
        on_delete=models.CASCADE,
        related_name="meeting_slots",
        verbose_name=_("booth"),
    )
    recruiter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="meeting_slots",
        verbose_name=_("recruiter"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    created_at = models.DateTimeField(_("published at"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    offer = models.ForeignKey(
        "InterviewOffer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="slots",
        verbose_name=_("held for the interview offer"),
    )

    objects = MeetingSlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("1:1 slot")
        verbose_name_plural = _("1:1 slots")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"
            )
        ]
        indexes = [
            models.Index(fields=["booth", "starts_at"]),
            models.Index(fields=["recruiter", "starts_at"]),
        ]

    def __str__(self):
        return f"{self.recruiter} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def minutes(self):
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class BookingQuerySet(models.QuerySet):
    def live(self):
        """Bookings that hold their slot (a no-show still used it)."""
        return self.filter(status__in=[Booking.Status.BOOKED, Booking.Status.NO_SHOW])


class Booking(models.Model):
    """A talent's place in one slot: a 1:1 chat they booked, or the interview time they chose."""

    class Kind(models.TextChoices):
        CHAT = "chat", _("1:1 chat")
        INTERVIEW = "interview", _("Interview")

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")
        NO_SHOW = "no_show", _("No-show")

    slot = models.ForeignKey(
        MeetingSlot, on_delete=models.CASCADE, related_name="bookings", verbose_name=_("slot")
    )
    booth = models.ForeignKey(
        "booths.Booth", on_delete=models.CASCADE, related_name="+", verbose_name=_("booth")
    )
    talent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="bookings",
        verbose_name=_("talent"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CHAT)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.BOOKED
    )
    application = models.ForeignKey(
        "jobs.Application",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interviews",
        verbose_name=_("application"),
    )
    created_at = models.DateTimeField(_("booked at"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    no_show_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("no-show marked by"),
    )

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("1:1 booking")
        verbose_name_plural = _("1:1 bookings")
        ordering = ["slot__starts_at", "pk"]
        constraints = [
            # Capacity 1: the last guard when two talents book the same slot at once.
            models.UniqueConstraint(
                fields=["slot"],
                condition=Q(status__in=["booked", "no_show"]),
                name="one_live_booking_per_slot",
            )
        ]
        indexes = [models.Index(fields=["talent", "status"])]

    def __str__(self):
        return f"{self.talent} @ {self.slot}"


class InterviewOffer(models.Model):
    """Times a recruiter offers for an interview of an application in the "Interview" status;
    the offered slots are held (slot.offer) until the talent chooses one or the offer is
    withdrawn."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the talent to choose a time")
        ACCEPTED = "accepted", _("Time chosen")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    application = models.ForeignKey(
        "jobs.Application",
        on_delete=models.CASCADE,
        related_name="interview_offers",
        verbose_name=_("application"),
    )
    booth = models.ForeignKey(
        "booths.Booth", on_delete=models.CASCADE, related_name="+", verbose_name=_("booth")
    )
    recruiter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recruiter"),
    )
    message = models.TextField(_("message to the talent"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    booking = models.OneToOneField(
        Booking,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offer",
        verbose_name=_("chosen time"),
    )
    created_at = models.DateTimeField(_("offered at"), default=timezone.now)

    class Meta:
        verbose_name = _("interview offer")
        verbose_name_plural = _("interview offers")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status="open"),
                name="one_open_interview_offer_per_application",
            )
        ]

    def __str__(self):
        return f"{self.application} ({self.get_status_display()})"


class BookingReminder(models.Model):
    """A reminder of a booking sent to one side: the unique constraint keeps two beat processes
    or a retried task from sending it twice (as Notice does for sessions)."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Notice.Kind.choices)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("booking reminder")
        verbose_name_plural = _("booking reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "user", "kind"], name="one_booking_reminder_per_kind"
            )
        ]

    def __str__(self):
        return f"{self.kind}: {self.user} / {self.booking_id}"
