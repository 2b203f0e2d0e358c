"""The schedule, session and my-schedule pages: what each visitor sees, filters in the URL,
htmx fragments, the host's attendee list, and query counts that do not grow with the data."""

import re
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from expo.schedule.models import InterviewOffer, Registration
from tests.factories import (
    ApplicationFactory,
    BookingFactory,
    RegistrationFactory,
    SessionFactory,
    TrackFactory,
    UserFactory,
)


def titles(response):
    return [s.title for s in response.context["sessions"]]


@pytest.fixture
def track(edition):
    return TrackFactory(edition=edition, name="Deep Tech Training", slug="deep-tech")


def test_the_schedule_lists_coming_sessions_and_hides_ended_ones(client, edition):
    SessionFactory(edition=edition, title="Soon")
    SessionFactory(
        edition=edition,
        title="Over",
        starts_at=timezone.now() - timedelta(hours=3),
        ends_at=timezone.now() - timedelta(hours=2),
    )

    response = client.get(reverse("expo:schedule"))

    assert response.status_code == 200
    assert titles(response) == ["Soon"]
    assert "HKT" in response.content.decode()


def test_filters_by_track_booth_and_live_now_are_kept_in_the_url(client, edition, track, booth_a):
    now = timezone.now()
    SessionFactory(edition=edition, title="Training", track=track)
    SessionFactory(edition=edition, title="Booth talk", host_booth=booth_a, kind="presentation")
    SessionFactory(
        edition=edition,
        title="On air",
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(minutes=55),
    )

    by_track = client.get(reverse("expo:schedule"), {"track": "deep-tech"})
    by_booth = client.get(reverse("expo:schedule"), {"booth": booth_a.company.slug})
    live = client.get(reverse("expo:schedule"), {"show": "live"})

    assert (titles(by_track), titles(by_booth), titles(live)) == (
        ["Training"],
        ["Booth talk"],
        ["On air"],
    )


def test_a_day_tab_shows_that_day_in_hong_kong_time(client, edition):
    day = edition.days()[3]
    late_evening = datetime(day.year, day.month, day.day, 23, 30, tzinfo=edition.tz)
    SessionFactory(edition=edition, title="Late", starts_at=late_evening)
    SessionFactory(edition=edition, title="Next day", starts_at=late_evening + timedelta(hours=1))

    response = client.get(reverse("expo:schedule"), {"day": day.isoformat()})

    assert titles(response) == ["Late"]
    assert 'aria-current="page"' in response.content.decode()


def test_a_malformed_day_falls_back_to_coming_up_instead_of_failing(client, edition):
    SessionFactory(edition=edition, title="Soon")

    response = client.get(reverse("expo:schedule"), {"day": "31-02-x"})

    assert (response.status_code, titles(response)) == (200, ["Soon"])


def test_my_schedule_filter_shows_only_my_sessions(client, edition, talent):
    mine = SessionFactory(edition=edition, title="Mine")
    SessionFactory(edition=edition, title="Not mine")
    RegistrationFactory(session=mine, user=talent)
    client.force_login(talent)

    response = client.get(reverse("expo:schedule"), {"show": "mine"})

    assert titles(response) == ["Mine"]


def test_htmx_requests_get_only_the_results_fragment(client, edition):
    SessionFactory(edition=edition, title="Soon")

    response = client.get(reverse("expo:schedule"), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert 'id="schedule-count"' in html
    assert "<html" not in html
    assert response["Vary"].count("HX-Request") == 1


def test_a_full_session_offers_the_waitlist(client, edition, talent):
    session = SessionFactory(edition=edition, capacity=1)
    RegistrationFactory(session=session)
    client.force_login(talent)

    response = client.get(reverse("expo:schedule"))

    assert "Join the waitlist" in response.content.decode()


def _register_form_token(html, session):
    form = re.search(
        rf'<form method="post" action="{reverse("expo:register", args=[session.pk])}".*?</form>',
        html,
        re.S,
    )
    assert form, "no registration form"
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group()).group(1), (
        re.search(r'name="next" value="([^"]+)"', form.group()).group(1)
    )


def test_cached_registration_panels_carry_each_visitors_own_token_and_address(edition):
    """The panels are cached per registration status and seats left, not per visitor: each
    visitor's CSRF token and the page's address are filled in per request."""
    session = SessionFactory(edition=edition, capacity=10, title="Robotics clinic")
    first, second = UserFactory(), UserFactory()
    page = reverse("expo:schedule") + "?day=all"

    for user in (first, second):  # the second one reads the panel the first one cached
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(user)
        html = browser.get(page).content.decode()
        assert "\x00" not in html
        token, next_path = _register_form_token(html, session)
        assert next_path == escape(page)

        response = browser.post(
            reverse("expo:register", args=[session.pk]),
            {"csrfmiddlewaretoken": token, "next": next_path},
        )

        assert response.status_code == 302 and response["Location"] == page
        assert Registration.objects.filter(session=session, user=user).exists()
        assert "Cancel registration" in browser.get(page).content.decode()

    assert "8 seats left" in Client().get(page).content.decode()


def test_booth_sessions_link_to_the_booth_page(client, edition, booth_a):
    SessionFactory(edition=edition, host_booth=booth_a, kind="presentation")

    html = client.get(reverse("expo:schedule")).content.decode()

    assert f'href="{reverse("booths:detail", args=[booth_a.company.slug])}"' in html


@pytest.mark.parametrize("count", [1, 40])
def test_the_schedule_query_count_does_not_grow_with_sessions(
    client, edition, talent, track, booth_a, count, django_assert_max_num_queries
):
    for n in range(count):
        session = SessionFactory(
            edition=edition,
            track=track if n % 2 else None,
            host_booth=booth_a if n % 3 == 0 else None,
            capacity=10,
        )
        RegistrationFactory(session=session, user=talent)
    client.force_login(talent)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("expo:schedule"), {"day": "all"})

    assert len(response.context["sessions"]) == min(count, 30)


@pytest.mark.parametrize("count", [1, 25])
def test_my_schedule_query_count_does_not_grow_with_sessions_bookings_or_offers(
    client, edition, talent, count, django_assert_max_num_queries
):
    for _ in range(count):
        RegistrationFactory(session=SessionFactory(edition=edition), user=talent)
        booking = BookingFactory(talent=talent, slot__booth__edition=edition)
        InterviewOffer.objects.create(
            application=ApplicationFactory(talent=talent, job__company=booking.booth.company),
            booth=booking.booth,
            recruiter=booking.slot.recruiter,
        )
    client.force_login(talent)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("expo:my_schedule"))

    assert len(response.context["sessions"]) == count
    assert (len(response.context["bookings"]), len(response.context["offers"])) == (count, count)


def test_the_session_page_shows_details_and_the_registration_panel(client, edition, track):
    session = SessionFactory(
        edition=edition,
        track=track,
        title="Robots",
        speakers="Dr. Chan",
        description="**Bring** questions",
        certificate_bearing=True,
    )

    html = client.get(reverse("expo:session", args=[session.pk])).content.decode()

    assert "Robots" in html and "Dr. Chan" in html and "<strong>Bring</strong>" in html
    assert "Sign in to register" in html
    assert "Certificate for 75% attendance" in html


def test_the_session_page_escapes_user_content(client, edition):
    session = SessionFactory(edition=edition, title="<script>alert(1)</script>")

    html = client.get(reverse("expo:session", args=[session.pk])).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_ended_session_keeps_its_recording_on_the_page(client, edition):
    now = timezone.now()
    session = SessionFactory(
        edition=edition,
        starts_at=now - timedelta(hours=2),
        ends_at=now - timedelta(hours=1),
        recording_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    )

    html = client.get(reverse("expo:session", args=[session.pk])).content.decode()

    assert "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" in html
    assert "This session has ended." in html


def test_the_host_sees_and_exports_the_attendee_list(client, edition, booth_a, recruiter):
    session = SessionFactory(edition=edition, host_booth=booth_a)
    registration = RegistrationFactory(session=session, user__full_name="=HYPERLINK(1)")
    client.force_login(recruiter)

    page = client.get(reverse("expo:session", args=[session.pk]))
    export = client.get(reverse("expo:attendees_csv", args=[session.pk]))

    assert [r.pk for r in page.context["attendees"]] == [registration.pk]
    lines = export.content.decode().splitlines()
    assert lines[0] == "Name,Email,Status,Registered at"
    assert lines[1].startswith(f"'=HYPERLINK(1),{registration.user.email},Registered,")


def test_the_organiser_sees_the_attendee_list_of_any_session(client, edition, booth_a, organiser):
    session = SessionFactory(edition=edition, host_booth=booth_a)
    client.force_login(organiser)

    response = client.get(reverse("expo:attendees_csv", args=[session.pk]))

    assert response.status_code == 200


def test_an_outsider_cannot_see_another_companys_attendees(
    client, edition, booth_a, outsider_recruiter, talent
):
    session = SessionFactory(edition=edition, host_booth=booth_a)
    RegistrationFactory(session=session)

    for user in (outsider_recruiter, talent):
        client.force_login(user)
        page = client.get(reverse("expo:session", args=[session.pk]))
        export = client.get(reverse("expo:attendees_csv", args=[session.pk]))
        assert "attendees" not in page.context
        assert export.status_code == 403


def test_the_live_room_page_sends_unregistered_visitors_to_the_session_page(
    client, edition, talent
):
    session = SessionFactory(edition=edition)
    client.force_login(talent)

    response = client.get(reverse("expo:live", args=[session.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("expo:session", args=[session.pk])


def test_the_live_room_page_opens_for_registered_talent_and_the_host(
    client, edition, talent, booth_a, recruiter
):
    session = SessionFactory(edition=edition, host_booth=booth_a)
    RegistrationFactory(session=session, user=talent, status=Registration.Status.REGISTERED)

    client.force_login(talent)
    as_talent = client.get(reverse("expo:live", args=[session.pk])).content.decode()
    client.force_login(recruiter)
    as_host = client.get(reverse("expo:live", args=[session.pk])).content.decode()

    assert f'data-socket="/ws/sessions/{session.pk}/"' in as_talent
    assert 'data-host="0"' in as_talent and "Go live" not in as_talent
    assert 'data-host="1"' in as_host and "Go live" in as_host
