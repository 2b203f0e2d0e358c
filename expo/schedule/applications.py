"""What the schedule adds to jobs' application pages (registered in ScheduleConfig.ready(), see
jobs/extensions.py): interview offers and times."""

from django.db.models import Prefetch
from django.utils import timezone

from .meetings import decorate_bookings
from .models import Booking, InterviewOffer, MeetingSlot


def application_interviews(request, application) -> dict:
    """The company's page of one application: its interview offers and times, and the free
    slots of the staff member looking, to offer (when the application is in "Interview")."""
    now = timezone.now()
    offers = list(
        InterviewOffer.objects.filter(application=application)
        .select_related("recruiter", "booking__slot", "booth__edition")
        .prefetch_related(
            Prefetch("slots", queryset=MeetingSlot.objects.order_by("starts_at", "pk"))
        )
        .order_by("-created_at")[:10]
    )
    interviews = list(
        Booking.objects.filter(application=application, kind=Booking.Kind.INTERVIEW)
        .select_related("slot__recruiter", "booth")
        .order_by("-slot__starts_at")[:10]
    )
    decorate_bookings(interviews, now)
    free = []
    if application.status == application.Status.INTERVIEW:
        free = list(
            MeetingSlot.objects.bookable(now)
            .filter(recruiter=request.user, booth__company_id=application.job.company_id)
            .select_related("booth__edition")
            .order_by("starts_at")[:60]
        )
    return {"interview_offers": offers, "interviews": interviews, "my_free_slots": free}


def my_interviews(applications) -> None:
    """The talent's applications: the coming interview time and an open invitation, each."""
    ids = [a.pk for a in applications]
    bookings = {}
    for booking in (
        Booking.objects.filter(
            application_id__in=ids, kind=Booking.Kind.INTERVIEW, status=Booking.Status.BOOKED
        )
        .select_related("slot__recruiter")
        .order_by("slot__starts_at")
    ):
        bookings.setdefault(booking.application_id, booking)
    offers = {
        offer.application_id: offer
        for offer in InterviewOffer.objects.filter(
            application_id__in=ids, status=InterviewOffer.Status.OPEN
        )
    }
    now = timezone.now()
    for application in applications:
        application.interview = bookings.get(application.pk)
        if application.interview is not None:
            decorate_bookings([application.interview], now)
        application.interview_offer = offers.get(application.pk)


def register():
    from jobs import extensions

    extensions.APPLICATION_PARTS["interviews"] = application_interviews
    extensions.MY_APPLICATIONS_DECORATORS["interviews"] = my_interviews
