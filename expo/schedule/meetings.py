"""Booked 1:1 meetings: booth staff publish slots, talent book one, recruiters offer interview
times from their free slots and the talent chooses one.

One function per state change; each locks what it decides on, says its side effects, and
raises MeetingError (a ScheduleError) with a message for people. Emails carry an .ics for the
recipient's side (expo.lib.mail queues them after commit); pushes go through expo.lib.realtime.

- publish_slots / cancel_slot: staff. A recruiter's active slots never overlap (the recruiter's
  row is locked for the check; PostgreSQL's exclusion constraint is the last guard).
- book / reschedule / cancel_booking: talent hold at most one coming 1:1 chat per booth; the
  slot row is locked, and a partial unique index keeps a slot to one booking (capacity 1).
- mark_no_show: the recruiter, once the slot has started.
- offer_interview / choose_interview_time / withdraw_offer: from the pipeline's "Interview"
  status; offered slots are held (slot.offer) until one is chosen.
- send_due_booking_reminders: 24 h and 15 min before, once each per side (beat).

Joining at the time opens the 1:1 conversation: that is chat's (chat.booked), above this layer.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from booths.access import is_booth_staff
from booths.models import Booth, Membership
from expo.lib import mail
from expo.lib.realtime import notify_user_on_commit
from expo.lib.urls import absolute_reverse
from jobs.models import Application

from .models import Booking, BookingReminder, InterviewOffer, MeetingSlot, Notice
from .services import REMINDERS, ScheduleError, starts_today

SLOT_MINUTES = (15, 20, 30, 45, 60)
MAX_SLOTS_AT_ONCE = 48  # a day
MAX_REPEAT_DAYS = 31
JOIN_EARLY = timedelta(minutes=5)  # the join button opens this long before the start


class MeetingError(ScheduleError):
    pass


# --- Who may do what ----------------------------------------------------------------------
def _check_staff(user, booth) -> None:
    if not is_booth_staff(user, booth):
        raise MeetingError(_("Only this booth's staff may do that."), code="forbidden")


def can_join(booking, now=None) -> bool:
    """The join button works from a few minutes before the start until the end."""
    now = now or timezone.now()
    return (
        booking.status == Booking.Status.BOOKED
        and booking.slot.starts_at - JOIN_EARLY <= now < booking.slot.ends_at
    )


def decorate_bookings(bookings, now=None):
    """Clock-derived state for templates: can_join, started, ended (no queries)."""
    now = now or timezone.now()
    for booking in bookings:
        booking.can_join = can_join(booking, now)
        booking.started = booking.slot.starts_at <= now
        booking.ended = booking.slot.ends_at <= now
    return bookings


def can_mark_no_show(booking, now=None) -> bool:
    now = now or timezone.now()
    return booking.status == Booking.Status.BOOKED and now >= booking.slot.starts_at


# --- Email --------------------------------------------------------------------------------
def _company(booking_or_slot):
    return booking_or_slot.booth.company


def _email_context(booking):
    slot = booking.slot
    return {
        "booking": booking,
        "slot": slot,
        "company": _company(booking).name,
        "recruiter_name": slot.recruiter.get_full_name(),
        "talent_name": booking.talent.get_full_name(),
        "job_title": booking.application.job.title if booking.application_id else "",
        "talent_url": absolute_reverse("expo:my_schedule"),
        "staff_url": absolute_reverse("expo:agenda"),
        "tz": slot.booth.edition.tz if slot.booth.edition_id else None,
    }


def _ics_for(booking, cancelled=False):
    from .calendar import booking_calendar

    def attachments(recipient):
        return [("invite.ics", booking_calendar(booking, recipient, cancelled), "text/calendar")]

    return attachments


def _email_both(template, booking, *, cancelled=False, talent=True, recruiter=True):
    context = _email_context(booking)
    for user, side in ((booking.talent, "talent"), (booking.slot.recruiter, "staff")):
        if (side == "talent" and talent) or (side == "staff" and recruiter):
            mail.send_templated_email(
                f"expo/email/{template}",
                [user],
                {**context, "side": side},
                attachments=_ics_for(booking, cancelled),
            )


def _push(user_id, title, body, url):
    with translation.override(_language_of(user_id)):
        notify_user_on_commit(user_id, {"title": str(title()), "body": str(body()), "url": url})


def _language_of(user_id):
    language = User.objects.filter(pk=user_id).values_list("language", flat=True).first()
    return language or settings.LANGUAGE_CODE


# --- Slots (staff) ------------------------------------------------------------------------
def _locked_user(user_id) -> User:
    """A recruiter's or talent's row, locked: their meetings change one at a time."""
    return User.objects.select_for_update().get(pk=user_id)


def repeat_days(day, until=None, weekdays_only=False) -> list:
    """`day`, or every day from `day` to `until` (weekends left out if asked); at most
    MAX_REPEAT_DAYS days."""
    days = [day + timedelta(days=n) for n in range(((until or day) - day).days + 1)]
    days = days[:MAX_REPEAT_DAYS]
    if weekdays_only:
        days = [d for d in days if d.weekday() < 5]
    if not days:
        raise MeetingError(_("No weekday between these days."))
    return days


def slot_times(day, start, end, minutes, tz, days=None) -> list[tuple[datetime, datetime]]:
    """Consecutive slots of `minutes` from start to end on `day` (or on each of `days`) in the
    time zone `tz` (the expo's: staff publish in Hong Kong time); a last slot that would pass
    `end` is dropped. At most MAX_SLOTS_AT_ONCE a day."""
    if days is not None:
        return [time for one in days for time in slot_times(one, start, end, minutes, tz)]
    if minutes not in SLOT_MINUTES:
        raise MeetingError(
            _("A slot lasts %(choices)s minutes.")
            % {"choices": ", ".join(str(m) for m in SLOT_MINUTES)}
        )
    first = datetime.combine(day, start, tzinfo=tz)
    last = datetime.combine(day, end, tzinfo=tz)
    if last <= first:
        raise MeetingError(_("The end must be after the start."))
    times, at = [], first
    while at + timedelta(minutes=minutes) <= last:
        times.append((at, at + timedelta(minutes=minutes)))
        at += timedelta(minutes=minutes)
    if not times:
        raise MeetingError(_("No slot of that length fits between the start and the end."))
    if len(times) > MAX_SLOTS_AT_ONCE:
        raise MeetingError(_("Publish at most %(max)s slots a day.") % {"max": MAX_SLOTS_AT_ONCE})
    return times


def publish_slots(staff_user, booth, recruiter_id, times, now=None) -> list[MeetingSlot]:
    """Publish slots for one recruiter of the booth's company. All or nothing: a slot in the
    past, or one that overlaps one of the recruiter's active slots, refuses the whole batch
    with a message naming it."""
    now = now or timezone.now()
    _check_staff(staff_user, booth)
    if not Membership.objects.filter(user_id=recruiter_id, company_id=booth.company_id).exists():
        raise MeetingError(_("Choose a recruiter of your company."))
    if any(start <= now for start, _end in times):
        raise MeetingError(_("Slots must start in the future."))
    try:
        with transaction.atomic():
            _locked_user(recruiter_id)
            for start, end in times:
                clash = (
                    MeetingSlot.objects.active()
                    .filter(recruiter_id=recruiter_id, starts_at__lt=end, ends_at__gt=start)
                    .first()
                )
                if clash is not None:
                    raise _overlap_error(clash)
            return MeetingSlot.objects.bulk_create(
                [
                    MeetingSlot(
                        booth=booth,
                        recruiter_id=recruiter_id,
                        starts_at=start,
                        ends_at=end,
                        created_by=staff_user,
                    )
                    for start, end in times
                ]
            )
    except IntegrityError:  # the exclusion constraint: another writer got there first
        raise MeetingError(
            _("These times overlap a slot this recruiter already has."), code="overlap"
        ) from None


def _overlap_error(slot) -> MeetingError:
    local = timezone.localtime(slot.starts_at, slot.booth.edition.tz)
    end = timezone.localtime(slot.ends_at, slot.booth.edition.tz)
    return MeetingError(
        _("These times overlap a slot this recruiter already has on %(day)s, %(start)s-%(end)s.")
        % {"day": local.strftime("%Y-%m-%d"), "start": f"{local:%H:%M}", "end": f"{end:%H:%M}"},
        code="overlap",
    )


def cancel_slot(staff_user, slot_id, now=None) -> MeetingSlot:
    """Withdraw a slot. A booking in it is cancelled and the talent told (with a cancelled
    .ics); a slot held for an interview offer leaves the offer."""
    now = now or timezone.now()
    with transaction.atomic():
        slot = (
            MeetingSlot.objects.select_for_update(of=("self",))
            .select_related("booth__company", "booth__edition", "recruiter")
            .filter(pk=slot_id)
            .first()
        )
        if slot is None or not is_booth_staff(staff_user, slot.booth):
            raise MeetingError(_("This slot does not exist."), code="missing")
        if slot.cancelled_at is not None:
            return slot
        slot.cancelled_at = now
        slot.offer = None
        slot.save(update_fields=["cancelled_at", "offer"])
        for booking in _bookings().filter(slot=slot, status=Booking.Status.BOOKED):
            _cancel(booking, staff_user, now)
            _email_both("booking_cancelled", booking, cancelled=True, recruiter=False)
            _push_cancelled(booking, to=booking.talent_id)
    return slot


# --- Bookings -----------------------------------------------------------------------------
def _bookings():
    return Booking.objects.select_related(
        "slot__recruiter",
        "slot__booth__company",
        "slot__booth__edition",
        "booth__company",
        "talent",
        "application__job",
    )


def _locked_free_slot(slot_id, booth=None, now=None) -> MeetingSlot:
    now = now or timezone.now()
    slot = (
        MeetingSlot.objects.select_for_update(of=("self",))
        .select_related("booth__company", "booth__edition", "recruiter")
        .filter(pk=slot_id)
        .first()
    )
    if slot is None or (booth is not None and slot.booth_id != booth.pk):
        raise MeetingError(_("This slot does not exist."), code="missing")
    if slot.cancelled_at is not None or slot.offer_id is not None:
        raise MeetingError(_("This slot is no longer available."), code="taken")
    if slot.starts_at <= now:
        raise MeetingError(_("This slot has already started."), code="past")
    if Booking.objects.filter(slot=slot).live().exists():
        raise MeetingError(
            _("Someone booked this slot a moment ago. Choose another time."), code="taken"
        )
    return slot


def _create_booking(slot, talent, **fields) -> Booking:
    try:
        with transaction.atomic():
            booking = Booking.objects.create(slot=slot, booth=slot.booth, talent=talent, **fields)
    except IntegrityError:  # the slot's unique index: a concurrent booking won
        raise MeetingError(
            _("Someone booked this slot a moment ago. Choose another time."), code="taken"
        ) from None
    return _bookings().get(pk=booking.pk)


def coming_chat_booking(talent, booth, now=None) -> Booking | None:
    """The talent's coming 1:1 chat at this booth. Asked on every signed-in booth view, where
    there is mostly none: a narrow query first, the booking with its relations only if any
    (compiling the seven joins cost more CPU than the rest of the page's queries)."""
    now = now or timezone.now()
    pk = (
        Booking.objects.filter(
            talent=talent,
            booth=booth,
            kind=Booking.Kind.CHAT,
            status=Booking.Status.BOOKED,
            slot__ends_at__gt=now,
        )
        .values_list("pk", flat=True)
        .first()
    )
    return None if pk is None else _bookings().get(pk=pk)


def book(talent, slot_id, now=None) -> Booking:
    """Book a free slot for a 1:1 chat. One coming booking per booth at a time (reschedule to
    change it). Side effects: a confirmation with .ics to the talent and to the recruiter."""
    now = now or timezone.now()
    if not talent.is_authenticated:
        raise MeetingError(_("Sign in to book a time."), code="sign_in")
    with transaction.atomic():
        _locked_user(talent.pk)
        slot = _locked_free_slot(slot_id, now=now)
        if is_booth_staff(talent, slot.booth):
            raise MeetingError(_("You staff this booth."), code="forbidden")
        if slot.booth.status != Booth.Status.APPROVED:
            raise MeetingError(_("This slot does not exist."), code="missing")
        existing = coming_chat_booking(talent, slot.booth, now)
        if existing is not None:
            raise MeetingError(
                _(
                    "You already have a 1:1 time with %(company)s. Reschedule or cancel it to "
                    "choose another."
                )
                % {"company": slot.booth.company.name},
                code="duplicate",
            )
        booking = _create_booking(slot, talent, kind=Booking.Kind.CHAT)
        _email_both("booking_confirmed", booking)
        _push(
            slot.recruiter_id,
            lambda: _("%(name)s booked a 1:1 chat") % {"name": talent.get_short_name()},
            lambda: _when(slot),
            reverse("expo:agenda"),
        )
    return booking


def _when(slot) -> str:
    local = timezone.localtime(slot.starts_at, slot.booth.edition.tz)
    return _("%(day)s at %(time)s Hong Kong time") % {
        "day": local.strftime("%Y-%m-%d"),
        "time": local.strftime("%H:%M"),
    }


def check_booking_access(user, booking_id, *, lock=False) -> tuple[Booking, str]:
    """The booking and the user's side: "talent" (their own) or "staff" (their booth's).
    Anyone else gets "not found"."""
    queryset = _bookings()
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    booking = queryset.filter(pk=booking_id).first()
    if booking is None or not user.is_authenticated:
        raise MeetingError(_("This booking does not exist."), code="missing")
    if booking.talent_id == user.pk:
        return booking, "talent"
    if is_booth_staff(user, booking.booth):
        return booking, "staff"
    raise MeetingError(_("This booking does not exist."), code="missing")


def _cancel(booking, by, now) -> None:
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = now
    booking.cancelled_by = by
    booking.save(update_fields=["status", "cancelled_at", "cancelled_by"])


def _push_cancelled(booking, to):
    _push(
        to,
        lambda: (
            _("A 1:1 time with %(name)s was cancelled")
            % {
                "name": booking.booth.company.name
                if to == booking.talent_id
                else booking.talent.get_short_name()
            }
        ),
        lambda: _when(booking.slot),
        reverse("expo:my_schedule" if to == booking.talent_id else "expo:agenda"),
    )


def cancel_booking(user, booking_id, now=None) -> Booking:
    """Either side cancels a coming booking; the other side is told (email with a cancelled
    .ics, and a notification). The slot is free again (an interview's goes back to the
    recruiter's free slots)."""
    now = now or timezone.now()
    with transaction.atomic():
        booking, side = check_booking_access(user, booking_id, lock=True)
        if booking.status != Booking.Status.BOOKED or booking.slot.ends_at <= now:
            raise MeetingError(_("This booking can no longer be cancelled."), code="final")
        _cancel(booking, user, now)
        other = "staff" if side == "talent" else "talent"
        _email_both(
            "booking_cancelled",
            booking,
            cancelled=True,
            talent=other == "talent",
            recruiter=other == "staff",
        )
        _push_cancelled(
            booking, to=booking.slot.recruiter_id if other == "staff" else booking.talent_id
        )
    return booking


def reschedule(user, booking_id, slot_id, now=None) -> Booking:
    """Move a coming booking to another free slot of the same booth (either side; for an
    interview, the talent chooses among the recruiter's free slots too). The old booking is
    cancelled and a new one made, in one transaction; both sides get the new .ics."""
    now = now or timezone.now()
    with transaction.atomic():
        booking, side = check_booking_access(user, booking_id, lock=True)
        if booking.status != Booking.Status.BOOKED or booking.slot.starts_at <= now:
            raise MeetingError(_("This booking can no longer be moved."), code="final")
        _locked_user(booking.talent_id)
        slot = _locked_free_slot(slot_id, booth=booking.booth, now=now)
        if (
            booking.kind == Booking.Kind.INTERVIEW
            and slot.recruiter_id != booking.slot.recruiter_id
        ):
            raise MeetingError(_("Choose another time of the same recruiter."))
        _cancel(booking, user, now)
        moved = _create_booking(
            slot, booking.talent, kind=booking.kind, application=booking.application
        )
        InterviewOffer.objects.filter(booking=booking).update(booking=moved)
        _email_both("booking_moved", moved)
        other = booking.slot.recruiter_id if side == "talent" else booking.talent_id
        _push(
            other,
            lambda: _("A 1:1 time was moved"),
            lambda: _when(slot),
            reverse("expo:agenda" if side == "talent" else "expo:my_schedule"),
        )
    return moved


def mark_no_show(staff_user, booking_id, now=None) -> Booking:
    """The recruiter records that the talent did not come (once the slot has started)."""
    now = now or timezone.now()
    with transaction.atomic():
        booking, side = check_booking_access(staff_user, booking_id, lock=True)
        if side != "staff":
            raise MeetingError(_("This booking does not exist."), code="missing")
        if not can_mark_no_show(booking, now):
            raise MeetingError(
                _("A no-show can be recorded once the time has started."), code="early"
            )
        booking.status = Booking.Status.NO_SHOW
        booking.no_show_marked_by = staff_user
        booking.save(update_fields=["status", "no_show_marked_by"])
    return booking


# --- Free slots to choose from --------------------------------------------------------------
def free_slots(booth, now=None, recruiter_id=None, days=14) -> list[MeetingSlot]:
    """The booth's bookable slots of the next `days` days, in order (MeetingSlot.objects
    .bookable's rules). Every booth page asks: two narrow queries, the second only when there
    are slots, cost less than half the CPU of one query with the booking subquery."""
    now = now or timezone.now()
    slots = (
        MeetingSlot.objects.active()
        .filter(
            booth=booth,
            starts_at__gt=now,
            starts_at__lt=now + timedelta(days=days),
            offer__isnull=True,
        )
        .select_related("recruiter")
        .order_by("starts_at", "pk")
    )
    if recruiter_id is not None:
        slots = slots.filter(recruiter_id=recruiter_id)
    slots = list(slots)
    if slots:
        taken = set(
            Booking.objects.filter(slot__in=[slot.pk for slot in slots])
            .live()
            .order_by()
            .values_list("slot_id", flat=True)
        )
        slots = [slot for slot in slots if slot.pk not in taken]
    return slots


def by_day(slots, tz) -> list[tuple]:
    """[(day in the expo's time zone, [slots])]: a page groups slots by Hong Kong day."""
    days = {}
    for slot in slots:
        days.setdefault(timezone.localtime(slot.starts_at, tz).date(), []).append(slot)
    return list(days.items())


# --- Interviews ---------------------------------------------------------------------------
def offer_interview(staff_user, application_id, slot_ids, message="", now=None) -> InterviewOffer:
    """Offer the talent of an application in the "Interview" status times to choose from:
    free slots of the recruiter making the offer, held until the talent chooses. One open
    offer per application (a new one replaces it). Side effects: an email and a notification
    to the talent."""
    now = now or timezone.now()
    slot_ids = sorted({int(s) for s in slot_ids})
    if not slot_ids:
        raise MeetingError(_("Choose at least one of your free times."))
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("job__company", "talent")
            .filter(pk=application_id)
            .first()
        )
        membership = Membership.objects.filter(user=staff_user).first()
        if (
            application is None
            or membership is None
            or membership.company_id != application.job.company_id
        ):
            raise MeetingError(_("This application does not exist."), code="missing")
        if application.status != Application.Status.INTERVIEW or application.talent is None:
            raise MeetingError(
                _("Move the application to “Interview” before offering times."), code="status"
            )
        _locked_user(staff_user.pk)
        slots = list(
            MeetingSlot.objects.select_for_update(of=("self",))
            .select_related("booth__company", "booth__edition")
            .filter(pk__in=slot_ids, recruiter=staff_user)
        )
        if len(slots) != len(slot_ids):
            raise MeetingError(_("Choose among your own free times."))
        taken = Booking.objects.filter(slot=OuterRef("pk")).live()
        busy = MeetingSlot.objects.filter(pk__in=slot_ids).filter(Exists(taken)).exists()
        if busy or any(s.cancelled_at or s.starts_at <= now or s.offer_id for s in slots):
            raise MeetingError(
                _("One of these times is no longer free. Choose again."), code="taken"
            )
        for previous in InterviewOffer.objects.select_for_update().filter(
            application=application, status=InterviewOffer.Status.OPEN
        ):
            _withdraw(previous)
        offer = InterviewOffer.objects.create(
            application=application,
            booth=slots[0].booth,
            recruiter=staff_user,
            message=message[:1000],
        )
        MeetingSlot.objects.filter(pk__in=slot_ids).update(offer=offer)
        context = {
            "offer": offer,
            "company": application.job.company.name,
            "job_title": application.job.title,
            "recruiter_name": staff_user.get_full_name(),
            "slots": slots,
            "tz": slots[0].booth.edition.tz,
            "choose_url": absolute_reverse("expo:interview_offer", args=[offer.pk]),
        }
        mail.send_templated_email("expo/email/interview_offered", [application.talent], context)
        _push(
            application.talent_id,
            lambda: (
                _("%(company)s invites you to an interview")
                % {"company": application.job.company.name}
            ),
            lambda: _("Choose a time for %(job)s.") % {"job": application.job.title},
            reverse("expo:interview_offer", args=[offer.pk]),
        )
    return offer


def _withdraw(offer) -> None:
    offer.status = InterviewOffer.Status.WITHDRAWN
    offer.save(update_fields=["status"])
    MeetingSlot.objects.filter(offer=offer).update(offer=None)


def withdraw_offer(staff_user, offer_id) -> InterviewOffer:
    with transaction.atomic():
        offer = (
            InterviewOffer.objects.select_for_update(of=("self",))
            .select_related("booth")
            .filter(pk=offer_id)
            .first()
        )
        if offer is None or not is_booth_staff(staff_user, offer.booth):
            raise MeetingError(_("This offer does not exist."), code="missing")
        if offer.status == InterviewOffer.Status.OPEN:
            _withdraw(offer)
    return offer


def check_offer_access(user, offer_id) -> InterviewOffer:
    """The talent the offer is for (or the booth's staff, who read it)."""
    offer = (
        InterviewOffer.objects.select_related(
            "application__job__company", "application__talent", "booth__edition", "recruiter"
        )
        .filter(pk=offer_id)
        .first()
    )
    if (
        offer is None
        or not user.is_authenticated
        or not (offer.application.talent_id == user.pk or is_booth_staff(user, offer.booth))
    ):
        raise MeetingError(_("This interview invitation does not exist."), code="missing")
    return offer


def choose_interview_time(talent, offer_id, slot_id, now=None) -> Booking:
    """The talent chooses one of the offered times: it becomes an interview booking; the other
    offered slots are released. Side effects: both sides get an email with the .ics and the
    recruiter a notification."""
    now = now or timezone.now()
    with transaction.atomic():
        offer = check_offer_access(talent, offer_id)
        if offer.application.talent_id != talent.pk:
            raise MeetingError(_("This interview invitation does not exist."), code="missing")
        offer = InterviewOffer.objects.select_for_update().get(pk=offer.pk)
        if offer.status != InterviewOffer.Status.OPEN:
            raise MeetingError(
                _("This invitation is no longer open: the company withdrew it or you chose."),
                code="closed",
            )
        slot = (
            MeetingSlot.objects.select_for_update(of=("self",))
            .select_related("booth__company", "booth__edition", "recruiter")
            .filter(pk=slot_id, offer=offer, cancelled_at__isnull=True)
            .first()
        )
        if slot is None:
            raise MeetingError(_("Choose one of the times offered."))
        if slot.starts_at <= now:
            raise MeetingError(_("This time has passed. Choose a later one."), code="past")
        MeetingSlot.objects.filter(offer=offer).update(offer=None)
        booking = _create_booking(
            slot, talent, kind=Booking.Kind.INTERVIEW, application_id=offer.application_id
        )
        offer.status = InterviewOffer.Status.ACCEPTED
        offer.booking = booking
        offer.save(update_fields=["status", "booking"])
        _email_both("interview_scheduled", booking)
        _push(
            slot.recruiter_id,
            lambda: _("%(name)s chose an interview time") % {"name": talent.get_short_name()},
            lambda: _when(slot),
            reverse("expo:agenda"),
        )
    return booking


# --- Reminders (beat, through send_due_reminders) -----------------------------------------
def send_due_booking_reminders(now=None) -> int:
    """Remind both sides of each coming booking 24 hours and 15 minutes before (once each).
    Safe to run concurrently and repeatedly: a reminder is claimed by its unique row, inside
    the transaction that queues its email."""
    now = now or timezone.now()
    sent = 0
    for kind, lead, until in REMINDERS:
        with transaction.atomic():
            due = list(
                _bookings()
                .filter(
                    status=Booking.Status.BOOKED,
                    slot__starts_at__gt=now + until,
                    slot__starts_at__lte=now + lead,
                )
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")[:500]
            )
            for booking in due:
                for user, side in ((booking.talent, "talent"), (booking.slot.recruiter, "staff")):
                    try:
                        with transaction.atomic():
                            BookingReminder.objects.create(
                                booking=booking, user=user, kind=kind, sent_at=now
                            )
                    except IntegrityError:
                        continue
                    mail.send_templated_email(
                        "expo/email/booking_reminder",
                        [user],
                        {
                            **_email_context(booking),
                            "side": side,
                            "kind": kind,
                            "starts_today": starts_today(booking.slot.starts_at, now),
                        },
                    )
                    sent += 1
    return sent


def announce_bookings_starting(now=None) -> int:
    """Push "starting now, join" to both sides of each booking whose time began in the last few
    minutes (once each, to open tabs; nobody is emailed). Returns the number of pushes."""
    from .services import STARTING_GRACE

    now = now or timezone.now()
    pushed = 0
    with transaction.atomic():
        due = list(
            _bookings()
            .filter(
                status=Booking.Status.BOOKED,
                slot__starts_at__lte=now,
                slot__starts_at__gt=now - STARTING_GRACE,
            )
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("pk")[:500]
        )
        for booking in due:
            for user, side in ((booking.talent, "talent"), (booking.slot.recruiter, "staff")):
                try:
                    with transaction.atomic():
                        BookingReminder.objects.create(
                            booking=booking, user=user, kind=Notice.Kind.STARTING, sent_at=now
                        )
                except IntegrityError:
                    continue
                name = (
                    booking.booth.company.name
                    if side == "talent"
                    else booking.talent.get_short_name()
                )
                _push(
                    user.pk,
                    lambda name=name: _("Your 1:1 time with %(name)s starts now") % {"name": name},
                    lambda: _("Press “Join” to open the conversation."),
                    reverse("expo:my_schedule" if side == "talent" else "expo:agenda"),
                )
                pushed += 1
    return pushed
