"""Pages of booked 1:1 times and interviews: the staff agenda (publish slots, see bookings, mark
no-shows), booking and rescheduling for talent, interview invitations, calendars. Every object
goes through an access check in expo.schedule.meetings; refusals are messages, not errors."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from booths.access import booth_for_staff, membership_for
from expo.context_processors import current_edition

from . import meetings
from .calendar import booking_calendar
from .forms import OfferInterviewForm, PublishSlotsForm
from .models import Booking, InterviewOffer, MeetingSlot

AGENDA_PAST = timedelta(hours=12)  # the agenda keeps today's earlier times (no-shows to mark)


def _back(request, fallback):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(fallback)


def _staff_booth(request):
    edition = current_edition(request)
    if edition is None:
        raise Http404
    return booth_for_staff(request, edition)


# --- The staff agenda -----------------------------------------------------------------------
def _published_message(count, days):
    if days == 1:
        return ngettext("%(count)d slot published.", "%(count)d slots published.", count) % {
            "count": count
        }
    return ngettext(
        "%(count)d slot published over %(days)d days.",
        "%(count)d slots published over %(days)d days.",
        count,
    ) % {"count": count, "days": days}


@login_required
def agenda(request):
    """Publish slots; the coming slots of the team by Hong Kong day, with their bookings."""
    booth = _staff_booth(request)
    team = User.objects.filter(memberships__company_id=booth.company_id).order_by("full_name")
    tz = booth.edition.tz
    now = timezone.now()
    if request.method == "POST":
        form = PublishSlotsForm(request.POST, team=team)
        if form.is_valid():
            data = form.cleaned_data
            try:
                days = form.days()
                times = meetings.slot_times(
                    data["day"], data["start"], data["end"], data["minutes"], tz, days=days
                )
                created = meetings.publish_slots(request.user, booth, data["recruiter"].pk, times)
            except meetings.MeetingError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _published_message(len(created), len(days)))
                return redirect("expo:agenda")
        status = 400
    else:
        form = PublishSlotsForm(
            team=team,
            initial={"recruiter": request.user, "day": timezone.localtime(now, tz).date()},
        )
        status = 200
    slots = list(
        MeetingSlot.objects.active()
        .filter(booth=booth, ends_at__gt=now - AGENDA_PAST)
        .select_related("recruiter", "offer__application__job", "offer__application__talent")
        .prefetch_related(
            Prefetch(
                "bookings",
                queryset=Booking.objects.live().select_related(
                    "talent", "application__job", "slot"
                ),
                to_attr="live_bookings",
            )
        )
        .order_by("starts_at", "pk")[:500]
    )
    for slot in slots:
        slot.booking = slot.live_bookings[0] if slot.live_bookings else None
        if slot.booking is not None:
            meetings.decorate_bookings([slot.booking], now)
    context = {
        "booth": booth,
        "membership": membership_for(request.user),
        "form": form,
        "days": meetings.by_day(slots, tz),
        "now": now,
    }
    return render(request, "expo/schedule/agenda.html", context, status=status)


@login_required
@require_POST
def slot_cancel(request, pk):
    try:
        meetings.cancel_slot(request.user, pk)
    except meetings.MeetingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The slot was withdrawn."))
    return redirect("expo:agenda")


# --- Bookings (both sides) --------------------------------------------------------------------
@login_required
@require_POST
def book(request, pk):
    slot = MeetingSlot.objects.select_related("booth__company").filter(pk=pk).first()
    fallback = reverse("booths:detail", args=[slot.booth.company.slug]) if slot else "home"
    try:
        meetings.book(request.user, pk)
    except meetings.MeetingError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Booked. A confirmation with a calendar invitation is on its way.")
        )
    return _back(request, fallback)


def _after(side):
    return "expo:agenda" if side == "staff" else "expo:my_schedule"


@login_required
@require_POST
def booking_cancel(request, pk):
    try:
        booking, side = meetings.check_booking_access(request.user, pk)
        meetings.cancel_booking(request.user, pk)
    except meetings.MeetingError as error:
        messages.error(request, str(error))
        return _back(request, "expo:my_schedule")
    messages.success(request, _("Cancelled. The other side was told."))
    return _back(request, _after(side))


@login_required
def booking_reschedule(request, pk):
    """Free times of the same booth (of the same recruiter for an interview) to move to."""
    try:
        booking, side = meetings.check_booking_access(request.user, pk)
    except meetings.MeetingError:
        raise Http404 from None
    if request.method == "POST":
        try:
            meetings.reschedule(request.user, pk, int(request.POST.get("slot", 0) or 0))
        except (meetings.MeetingError, ValueError) as error:
            messages.error(request, str(error) or _("Choose a time."))
        else:
            messages.success(request, _("Moved. Both sides get the new calendar invitation."))
            return redirect(_after(side))
    recruiter = booking.slot.recruiter_id if booking.kind == Booking.Kind.INTERVIEW else None
    slots = meetings.free_slots(booking.booth, recruiter_id=recruiter)
    context = {
        "booking": booking,
        "side": side,
        "days": meetings.by_day(slots, booking.booth.edition.tz),
    }
    return render(request, "expo/schedule/reschedule.html", context)


@login_required
@require_POST
def booking_no_show(request, pk):
    try:
        meetings.mark_no_show(request.user, pk)
    except meetings.MeetingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Recorded as a no-show."))
    return redirect("expo:agenda")


@login_required
@require_GET
def booking_ics(request, pk):
    try:
        booking, _side = meetings.check_booking_access(request.user, pk)
    except meetings.MeetingError:
        raise Http404 from None
    cancelled = booking.status == Booking.Status.CANCELLED
    response = HttpResponse(
        booking_calendar(booking, request.user, cancelled), content_type="text/calendar"
    )
    response["Content-Disposition"] = f'inline; filename="booking-{booking.pk}.ics"'
    return response


# --- Interviews -------------------------------------------------------------------------------
def _slot_label(tz):
    def label(slot):
        local = timezone.localtime(slot.starts_at, tz)
        return _("%(day)s, %(start)s-%(end)s HKT") % {
            "day": local.strftime("%Y-%m-%d"),
            "start": local.strftime("%H:%M"),
            "end": timezone.localtime(slot.ends_at, tz).strftime("%H:%M"),
        }

    return label


@login_required
@require_POST
def offer_interview(request, application_pk):
    """From the company's page of an application in "Interview": offer the recruiter's own
    free times."""
    booth = _staff_booth(request)
    form = OfferInterviewForm(
        request.POST,
        slots=MeetingSlot.objects.bookable().filter(recruiter=request.user, booth=booth),
        label=_slot_label(booth.edition.tz),
    )
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    else:
        try:
            meetings.offer_interview(
                request.user,
                application_pk,
                [slot.pk for slot in form.cleaned_data["slots"]],
                form.cleaned_data["message"],
            )
        except meetings.MeetingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Times offered. The candidate was told by email."))
    return redirect("jobs:application", pk=application_pk)


@login_required
@require_POST
def offer_withdraw(request, pk):
    try:
        offer = meetings.withdraw_offer(request.user, pk)
    except meetings.MeetingError as error:
        messages.error(request, str(error))
        return redirect("expo:agenda")
    messages.success(request, _("The invitation was withdrawn; its times are free again."))
    return redirect("jobs:application", pk=offer.application_id)


@login_required
def interview_offer(request, pk):
    """The talent chooses one of the offered times (staff read the page too)."""
    try:
        offer = meetings.check_offer_access(request.user, pk)
    except meetings.MeetingError:
        raise Http404 from None
    if request.method == "POST":
        try:
            meetings.choose_interview_time(request.user, pk, int(request.POST.get("slot", 0) or 0))
        except (meetings.MeetingError, ValueError) as error:
            messages.error(request, str(error) or _("Choose a time."))
        else:
            messages.success(
                request, _("Your interview is booked. The calendar invitation is on its way.")
            )
            return redirect("jobs:my_applications")
    slots = (
        MeetingSlot.objects.active()
        .filter(offer=offer, starts_at__gt=timezone.now())
        .order_by("starts_at")
    )
    context = {
        "offer": offer,
        "days": meetings.by_day(slots, offer.booth.edition.tz),
        "is_talent": offer.application.talent_id == request.user.pk,
    }
    return render(request, "expo/schedule/interview_offer.html", context)


# --- The talent's coming times (on "My schedule") ----------------------------------------------
def my_meetings(user, now=None) -> dict:
    now = now or timezone.now()
    bookings = list(
        Booking.objects.filter(talent=user, slot__ends_at__gt=now - AGENDA_PAST)
        .exclude(status=Booking.Status.CANCELLED)
        .select_related("slot__recruiter", "booth__company", "application__job")
        .order_by("slot__starts_at")
    )
    offers = list(
        InterviewOffer.objects.filter(
            application__talent=user, status=InterviewOffer.Status.OPEN
        ).select_related("application__job__company")
    )
    return {"bookings": meetings.decorate_bookings(bookings, now), "offers": offers}
