"""Booked 1:1 times: staff publish slots, talent book one per booth, either side cancels or
reschedules, the recruiter records a no-show, both sides are reminded and get .ics files."""

import re
import threading
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from expo.schedule import meetings
from expo.schedule.models import Booking, BookingReminder, MeetingSlot
from expo.schedule.tasks import send_session_reminders
from tests.factories import BookingFactory, MeetingSlotFactory, UserFactory

HKT = ZoneInfo("Asia/Hong_Kong")
pytestmark = pytest.mark.django_db


def at(day, hour, minute=0):
    return timezone.datetime.combine(day, time(hour, minute), tzinfo=HKT)


def in_days(n):
    return timezone.localtime(timezone.now(), HKT).date() + timedelta(days=n)


def slot(booth, recruiter, start, minutes=20):
    return MeetingSlot.objects.create(
        booth=booth,
        recruiter=recruiter,
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
    )


def ics_of(message):
    ((name, content, mimetype),) = message.attachments
    assert (name, mimetype) == ("invite.ics", "text/calendar")
    return Calendar.from_ical(content)


# --- Publishing ------------------------------------------------------------------------------
def test_staff_publish_consecutive_slots_in_hong_kong_time(booth_a, recruiter):
    day = in_days(2)
    times = meetings.slot_times(day, time(10, 0), time(11, 0), 20, HKT)

    created = meetings.publish_slots(recruiter, booth_a, recruiter.pk, times)

    assert [timezone.localtime(s.starts_at, HKT).strftime("%H:%M") for s in created] == [
        "10:00",
        "10:20",
        "10:40",
    ]
    assert created[0].starts_at == at(day, 10)
    assert {s.minutes for s in created} == {20}


def test_a_colleague_publishes_for_a_recruiter_of_the_team_only(
    booth_a, recruiter, company_admin, outsider_recruiter
):
    times = meetings.slot_times(in_days(2), time(10), time(11), 30, HKT)

    meetings.publish_slots(company_admin, booth_a, recruiter.pk, times)
    with pytest.raises(meetings.MeetingError, match="Choose a recruiter of your company"):
        meetings.publish_slots(company_admin, booth_a, outsider_recruiter.pk, times)
    with pytest.raises(meetings.MeetingError, match="Only this booth's staff"):
        meetings.publish_slots(outsider_recruiter, booth_a, outsider_recruiter.pk, times)

    assert MeetingSlot.objects.filter(recruiter=recruiter).count() == 2


@pytest.mark.parametrize(
    ("start", "end", "minutes", "message"),
    [
        (time(11), time(10), 20, "The end must be after the start"),
        (time(10), time(10, 10), 20, "No slot of that length fits"),
        (time(10), time(11), 25, "A slot lasts 15, 20, 30, 45, 60 minutes"),
        (time(0), time(23, 59), 15, "Publish at most 48 slots a day"),
    ],
)
def test_impossible_slots_are_refused_with_a_reason(start, end, minutes, message):
    with pytest.raises(meetings.MeetingError, match=message):
        meetings.slot_times(in_days(2), start, end, minutes, HKT)


def test_slots_in_the_past_are_refused(booth_a, recruiter):
    times = meetings.slot_times(in_days(-1), time(10), time(11), 30, HKT)

    with pytest.raises(meetings.MeetingError, match="Slots must start in the future"):
        meetings.publish_slots(recruiter, booth_a, recruiter.pk, times)


def test_overlapping_slots_for_one_recruiter_are_refused_and_nothing_is_published(
    booth_a, recruiter, company_admin
):
    day = in_days(2)
    meetings.publish_slots(
        recruiter, booth_a, recruiter.pk, meetings.slot_times(day, time(10), time(11), 30, HKT)
    )

    with pytest.raises(meetings.MeetingError) as refused:
        meetings.publish_slots(
            recruiter,
            booth_a,
            recruiter.pk,
            meetings.slot_times(day, time(9), time(10, 30), 30, HKT),
        )
    meetings.publish_slots(  # a colleague may hold the same hours
        company_admin,
        booth_a,
        company_admin.pk,
        meetings.slot_times(day, time(10), time(11), 30, HKT),
    )

    assert str(refused.value) == (
        f"These times overlap a slot this recruiter already has on {day:%Y-%m-%d}, 10:00-10:30."
    )
    assert MeetingSlot.objects.filter(recruiter=recruiter).count() == 2


def test_a_withdrawn_slot_no_longer_blocks_its_hours(booth_a, recruiter):
    day = in_days(2)
    (first,) = meetings.publish_slots(
        recruiter, booth_a, recruiter.pk, meetings.slot_times(day, time(10), time(10, 30), 30, HKT)
    )
    meetings.cancel_slot(recruiter, first.pk)

    again = meetings.publish_slots(
        recruiter, booth_a, recruiter.pk, meetings.slot_times(day, time(10), time(10, 30), 30, HKT)
    )

    assert len(again) == 1


def test_postgresql_refuses_overlapping_slots_even_past_the_check(on_postgres, booth_a, recruiter):
    start = at(in_days(2), 10)
    slot(booth_a, recruiter, start, minutes=30)

    with pytest.raises(IntegrityError), transaction.atomic():
        slot(booth_a, recruiter, start + timedelta(minutes=15))


# --- Booking ------------------------------------------------------------------------------
def test_a_talent_books_a_slot_and_both_sides_get_an_ics(
    booth_a, recruiter, talent, django_capture_on_commit_callbacks, mailoutbox
):
    free = slot(booth_a, recruiter, at(in_days(2), 10))

    with django_capture_on_commit_callbacks(execute=True):
        booking = meetings.book(talent, free.pk)

    assert (booking.status, booking.kind, booking.talent_id) == ("booked", "chat", talent.pk)
    by_address = {m.to[0]: m for m in mailoutbox}
    assert by_address[talent.email].subject == "Booked: your 1:1 chat with Company A"
    assert by_address[recruiter.email].subject == "Tess Talent booked a 1:1 chat with you"
    for address, summary in (
        (talent.email, "1:1 chat with Company A"),
        (recruiter.email, "1:1 chat with Tess Talent"),
    ):
        (event,) = ics_of(by_address[address]).walk("VEVENT")
        assert str(event["SUMMARY"]) == summary
        assert event.decoded("DTSTART") == free.starts_at
        assert event.decoded("DTEND") == free.ends_at
        assert str(event["STATUS"]) == "CONFIRMED"


def test_one_coming_booking_per_booth_at_a_time(booth_a, booth_b, recruiter, talent):
    first = slot(booth_a, recruiter, at(in_days(2), 10))
    second = slot(booth_a, recruiter, at(in_days(2), 11))
    elsewhere = MeetingSlotFactory(booth=booth_b)
    meetings.book(talent, first.pk)

    with pytest.raises(meetings.MeetingError, match="You already have a 1:1 time with Company A"):
        meetings.book(talent, second.pk)
    meetings.book(talent, elsewhere.pk)

    assert Booking.objects.filter(talent=talent).count() == 2


def test_a_booked_slot_cannot_be_booked_again(booth_a, recruiter, talent):
    taken = slot(booth_a, recruiter, at(in_days(2), 10))
    meetings.book(UserFactory(), taken.pk)

    with pytest.raises(meetings.MeetingError, match="Someone booked this slot a moment ago"):
        meetings.book(talent, taken.pk)


def test_staff_cannot_book_their_own_booth(booth_a, recruiter, company_admin):
    free = slot(booth_a, recruiter, at(in_days(2), 10))

    with pytest.raises(meetings.MeetingError, match="You staff this booth"):
        meetings.book(company_admin, free.pk)


@pytest.mark.django_db(transaction=True)
def test_two_talents_booking_the_last_slot_at_once_one_wins(on_postgres, booth_a, recruiter):
    last = slot(booth_a, recruiter, at(in_days(2), 10))
    talents = [UserFactory(), UserFactory()]
    start = threading.Barrier(2)
    results = {}

    def attempt(talent):
        start.wait()
        try:
            results[talent.pk] = meetings.book(talent, last.pk).pk
        except meetings.MeetingError as error:
            results[talent.pk] = str(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(t,)) for t in talents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    outcomes = sorted(results.values(), key=str)
    assert isinstance(outcomes[0], int)
    assert outcomes[1] == "Someone booked this slot a moment ago. Choose another time."
    assert Booking.objects.filter(slot=last).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_colleagues_publishing_overlapping_times_for_one_recruiter_at_once_one_wins(
    on_postgres, booth_a, recruiter, company_admin
):
    day = in_days(2)
    start = threading.Barrier(2)
    results = []

    def attempt(by, begin):
        start.wait()
        try:
            times = meetings.slot_times(day, begin, time(12), 30, HKT)
            results.append(len(meetings.publish_slots(by, booth_a, recruiter.pk, times)))
        except meetings.MeetingError as error:
            results.append(error.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=(recruiter, time(10))),
        threading.Thread(target=attempt, args=(company_admin, time(11))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    (won,) = [r for r in results if r != "overlap"]  # 10:00-12:00 is 4 slots, 11:00-12:00 is 2
    assert sorted(results, key=str) == sorted([won, "overlap"], key=str)
    assert MeetingSlot.objects.filter(recruiter=recruiter).count() == won


# --- Cancelling, rescheduling, no-shows ------------------------------------------------------
@pytest.mark.django_db(transaction=True)  # committed for real: each step sends its mail
def test_a_talent_cancels_and_the_recruiter_gets_a_cancelled_ics_and_the_slot_is_free_again(
    booth_a, recruiter, talent, django_capture_on_commit_callbacks, mailoutbox
):
    booked = slot(booth_a, recruiter, at(in_days(2), 10))
    booking = meetings.book(talent, booked.pk)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        meetings.cancel_booking(talent, booking.pk)

    (message,) = mailoutbox
    assert (message.to, message.subject) == (
        [recruiter.email],
        "Cancelled: your 1:1 time with Tess Talent",
    )
    calendar = ics_of(message)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(next(iter(calendar.walk("VEVENT")))["STATUS"]) == "CANCELLED"
    assert list(meetings.free_slots(booth_a)) == [booked]


@pytest.mark.django_db(transaction=True)  # committed for real: each step sends its mail
def test_staff_withdraw_a_booked_slot_and_the_talent_is_told(
    booth_a, recruiter, talent, django_capture_on_commit_callbacks, mailoutbox
):
    booked = slot(booth_a, recruiter, at(in_days(2), 10))
    booking = meetings.book(talent, booked.pk)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        meetings.cancel_slot(recruiter, booked.pk)

    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert [(m.to, m.subject) for m in mailoutbox] == [
        ([talent.email], "Cancelled: your 1:1 time with Company A")
    ]


@pytest.mark.django_db(transaction=True)  # committed for real: each step sends its mail
@pytest.mark.parametrize("side", ["talent", "recruiter"])
def test_either_side_reschedules_to_another_free_time(
    booth_a, recruiter, talent, side, django_capture_on_commit_callbacks, mailoutbox
):
    first = slot(booth_a, recruiter, at(in_days(2), 10))
    later = slot(booth_a, recruiter, at(in_days(3), 15))
    booking = meetings.book(talent, first.pk)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        moved = meetings.reschedule(
            {"talent": talent, "recruiter": recruiter}[side], booking.pk, later.pk
        )

    booking.refresh_from_db()
    assert (booking.status, moved.slot_id, moved.status) == ("cancelled", later.pk, "booked")
    assert sorted(m.subject for m in mailoutbox) == [
        "Moved: your 1:1 time with Company A",
        "Moved: your 1:1 time with Tess Talent",
    ]
    assert list(meetings.free_slots(booth_a)) == [first]


def test_a_no_show_is_recorded_by_staff_once_the_time_has_started(
    clock, booth_a, recruiter, talent
):
    booked = slot(booth_a, recruiter, timezone.now() + timedelta(minutes=30))
    booking = meetings.book(talent, booked.pk)

    with pytest.raises(meetings.MeetingError, match="once the time has started"):
        meetings.mark_no_show(recruiter, booking.pk)
    clock.shift(timedelta(minutes=32))
    with pytest.raises(meetings.MeetingError, match="does not exist"):
        meetings.mark_no_show(talent, booking.pk)
    meetings.mark_no_show(recruiter, booking.pk)

    booking.refresh_from_db()
    assert (booking.status, booking.no_show_marked_by_id) == ("no_show", recruiter.pk)


def test_another_company_cannot_touch_a_booking(booth_a, recruiter, talent, outsider_recruiter):
    booking = meetings.book(talent, slot(booth_a, recruiter, at(in_days(2), 10)).pk)

    for act in (meetings.cancel_booking, meetings.mark_no_show):
        with pytest.raises(meetings.MeetingError, match="This booking does not exist"):
            act(outsider_recruiter, booking.pk)
    with pytest.raises(meetings.MeetingError, match="This slot does not exist"):
        meetings.cancel_slot(outsider_recruiter, booking.slot_id)


@pytest.mark.django_db(transaction=True)  # committed for real: each step sends its mail
# --- Reminders ------------------------------------------------------------------------------
def test_both_sides_are_reminded_a_day_and_fifteen_minutes_before_once_each(
    clock, booth_a, recruiter, talent, django_capture_on_commit_callbacks, mailoutbox
):
    booking = meetings.book(talent, slot(booth_a, recruiter, timezone.now() + timedelta(days=2)).pk)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        clock.shift(timedelta(days=1, minutes=1))  # 23 h 59 min before
        first = send_session_reminders()
        again = send_session_reminders()
        clock.shift(timedelta(hours=23, minutes=46))  # 13 min before
        soon = send_session_reminders()

    assert (first, again, soon) == (2, 0, 2)
    assert sorted(m.subject for m in mailoutbox) == [
        "Starting soon: your 1:1 time with Company A",
        "Starting soon: your 1:1 time with Tess Talent",
        "Tomorrow: your 1:1 time with Company A",
        "Tomorrow: your 1:1 time with Tess Talent",
    ]
    assert BookingReminder.objects.filter(booking=booking).count() == 4


@pytest.mark.django_db(transaction=True)
def test_a_booking_later_the_same_day_is_reminded_as_today(
    clock, booth_a, recruiter, talent, django_capture_on_commit_callbacks, mailoutbox
):
    clock.move_to("2027-03-01T02:00:00Z")  # Monday 10:00 in Hong Kong
    meetings.book(talent, slot(booth_a, recruiter, timezone.now() + timedelta(hours=5)).pk)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        send_session_reminders()

    assert sorted(m.subject for m in mailoutbox) == [
        "Today: your 1:1 time with Company A",
        "Today: your 1:1 time with Tess Talent",
    ]


def test_a_cancelled_booking_is_not_reminded(clock, booth_a, recruiter, talent, mailoutbox):
    booking = meetings.book(
        talent, slot(booth_a, recruiter, timezone.now() + timedelta(hours=2)).pk
    )
    meetings.cancel_booking(talent, booking.pk)
    clock.shift(timedelta(hours=1, minutes=50))

    assert send_session_reminders() == 0


# --- Pages ------------------------------------------------------------------------------------
def test_the_booth_page_shows_free_times_in_hong_kong_time_and_the_visitors_across_days(
    client, clock, booth_a, recruiter
):
    clock.move_to("2027-03-01T02:00:00Z")  # Monday 10:00 in Hong Kong
    slot(booth_a, recruiter, at(date(2027, 3, 2), 9))  # Tue 09:00 HKT = Mon 17:00 in LA
    client.cookies["visitor_tz"] = "America/Los_Angeles"

    page = client.get(reverse("booths:detail", args=[booth_a.company.slug])).content.decode()

    section = page[page.index('id="meetings-title"') :]
    assert "Tue 2 Mar" in section
    assert "09:00 HKT" in section
    assert "(Mon 1 Mar, 17:00 your time)" in section


def test_the_free_times_are_rendered_once_yet_each_visitor_books_with_their_own_token(
    booth_a, recruiter
):
    first, second = (
        slot(booth_a, recruiter, at(in_days(2), 10)),
        slot(booth_a, recruiter, at(in_days(2), 11)),
    )
    page = reverse("booths:detail", args=[booth_a.company.slug])
    visitors = [UserFactory(), UserFactory()]

    for visitor, free in zip(visitors, (first, second), strict=True):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(visitor)
        html = browser.get(page).content.decode()
        assert "\x00" not in html
        form = re.search(
            rf'<form method="post" action="{reverse("expo:book", args=[free.pk])}">.*?</form>',
            html,
            re.S,
        ).group()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)

        response = browser.post(
            reverse("expo:book", args=[free.pk]), {"csrfmiddlewaretoken": token}
        )

        assert response.status_code == 302
        assert Booking.objects.get(slot=free).talent == visitor

    # Both times are taken: the next visitor's list (another key) has none of them.
    html = Client().get(page).content.decode()
    assert f'data-slot="{first.pk}"' not in html and f'data-slot="{second.pk}"' not in html
    assert "No free 1:1 times in the next two weeks" in html


def test_the_agenda_shows_the_times_of_the_team_with_their_bookings_in_bounded_queries(
    client, booth_a, recruiter, talent, django_assert_max_num_queries
):
    for hour in range(9, 17):
        free = slot(booth_a, recruiter, at(in_days(2), hour))
        if hour % 2:
            BookingFactory(slot=free, talent=UserFactory())
    client.force_login(recruiter)

    with django_assert_max_num_queries(12):
        page = client.get(reverse("expo:agenda")).content.decode()

    assert page.count("data-slot=") == 8
    assert page.count("agenda-slot-booked") == 4


def test_the_agenda_is_for_staff_only(client, booth_a, talent):
    client.force_login(talent)

    assert client.get(reverse("expo:agenda")).status_code == 403


def test_publishing_from_the_agenda_shows_what_went_wrong(client, booth_a, recruiter):
    client.force_login(recruiter)
    data = {"recruiter": recruiter.pk, "day": in_days(2), "start": "10:00", "end": "11:00"}

    client.post(reverse("expo:agenda"), {**data, "minutes": 30})
    refused = client.post(reverse("expo:agenda"), {**data, "minutes": 20})

    assert refused.status_code == 400
    assert "These times overlap a slot this recruiter already has" in refused.content.decode()
    assert MeetingSlot.objects.count() == 2


def next_weekday(weekday, after_days=2):
    day = in_days(after_days)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def test_staff_publish_the_same_times_each_day_up_to_a_date_and_may_skip_weekends(
    client, booth_a, recruiter
):
    friday = next_weekday(4)
    client.force_login(recruiter)
    data = {
        "recruiter": recruiter.pk,
        "day": friday,
        "start": "10:00",
        "end": "11:00",
        "minutes": 30,
        "until": friday + timedelta(days=4),  # to Tuesday
        "weekdays_only": "on",
    }

    response = client.post(reverse("expo:agenda"), data, follow=True)

    assert "6 slots published over 3 days." in response.content.decode()
    days = {timezone.localtime(s.starts_at, HKT).date() for s in MeetingSlot.objects.all()}
    assert sorted(days) == [friday, friday + timedelta(days=3), friday + timedelta(days=4)]
    assert {
        timezone.localtime(s.starts_at, HKT).strftime("%H:%M") for s in MeetingSlot.objects.all()
    } == {"10:00", "10:30"}


def test_a_repeat_that_overlaps_on_any_day_publishes_nothing(client, booth_a, recruiter):
    first = in_days(2)
    slot(booth_a, recruiter, at(first + timedelta(days=2), 10, 30))
    client.force_login(recruiter)

    refused = client.post(
        reverse("expo:agenda"),
        {
            "recruiter": recruiter.pk,
            "day": first,
            "start": "10:00",
            "end": "11:00",
            "minutes": 30,
            "until": first + timedelta(days=3),
        },
    )

    assert refused.status_code == 400
    assert "These times overlap a slot this recruiter already has" in refused.content.decode()
    assert MeetingSlot.objects.count() == 1


@pytest.mark.parametrize(
    ("until_days", "message"),
    [(-1, "Choose a day after the first one."), (31, "Repeat over at most 31 days at once.")],
)
def test_a_repeat_ending_before_it_starts_or_too_far_is_refused_by_the_form(
    client, booth_a, recruiter, until_days, message
):
    client.force_login(recruiter)
    day = in_days(2)
    data = {"recruiter": recruiter.pk, "day": day, "start": "10:00", "end": "11:00"}

    response = client.post(
        reverse("expo:agenda"),
        {**data, "minutes": 30, "until": day + timedelta(days=until_days)},
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert MeetingSlot.objects.count() == 0


def test_a_repeat_over_a_weekend_only_with_weekends_skipped_says_so(client, booth_a, recruiter):
    saturday = next_weekday(5)
    client.force_login(recruiter)
    data = {"recruiter": recruiter.pk, "day": saturday, "start": "10:00", "end": "11:00"}

    response = client.post(
        reverse("expo:agenda"),
        {**data, "minutes": 30, "until": saturday + timedelta(days=1), "weekdays_only": "on"},
    )

    assert response.status_code == 400
    assert "No weekday between these days." in response.content.decode()


def test_a_booking_calendar_is_for_its_two_sides_only(
    client, booth_a, recruiter, talent, outsider_recruiter
):
    booking = meetings.book(talent, slot(booth_a, recruiter, at(in_days(2), 10)).pk)
    url = reverse("expo:booking_ics", args=[booking.pk])

    client.force_login(outsider_recruiter)
    assert client.get(url).status_code == 404
    client.force_login(talent)
    response = client.get(url)

    assert response["Content-Type"] == "text/calendar"
    assert b"SUMMARY:1:1 chat with Company A" in response.content


def test_a_visitor_whose_day_differs_sees_the_day_of_their_own_time(client, clock, booth_a, talent):
    clock.move_to("2027-03-01T02:00:00Z")
    booking = meetings.book(
        talent,
        slot(
            booth_a,
            booth_a.company.memberships.create(
                user=UserFactory(full_name="Rita Recruiter"), role="recruiter"
            ).user,
            at(date(2027, 3, 2), 9),
        ).pk,
    )
    talent.time_zone = "Europe/London"  # the profile's zone wins over the cookie
    talent.save(update_fields=["time_zone"])
    client.force_login(talent)

    page = client.get(reverse("expo:my_schedule")).content.decode()

    section = page[page.index(f'data-booking="{booking.pk}"') :][:800]
    assert "Tue 2 Mar, 09:00 HKT" in section
    assert "(Tue 2 Mar, 01:00 your time)" in section


def test_both_sides_with_the_site_open_are_told_when_their_time_starts_once(
    clock, booth_a, recruiter, talent, django_capture_on_commit_callbacks
):
    from expo.schedule.tasks import announce_sessions_starting

    meetings.book(talent, slot(booth_a, recruiter, timezone.now() + timedelta(hours=1)).pk)
    clock.shift(timedelta(hours=1, minutes=1))

    with django_capture_on_commit_callbacks() as pushes:
        first = announce_sessions_starting()
        again = announce_sessions_starting()

    assert (first, again) == (2, 0)
    assert len(pushes) == 2
