"""Booked 1:1 times and interviews in two browsers: a talent books a time on the booth, both sides
are reminded (the beat task, run here), both join at the time into one conversation, and the
recruiter records a no-show of another booking; a recruiter offers interview times from the
pipeline, the talent chooses one, and both sides see it.

The app runs under uvicorn (websockets) against the test database (tests/chat/servers.py); the
beat task runs in this process and its emails land in mail.outbox."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from expo.schedule.models import Booking, MeetingSlot
from expo.schedule.tasks import send_session_reminders
from jobs.models import Application
from tests.chat.servers import uvicorn_servers
from tests.factories import ApplicationFactory, JobFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Waits in the page until the call's received audio packets and decoded video frames grow;
# the figures, or null after `timeout` ms (as in test_call_journeys).
FLOWING = """async (timeout) => {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const call = window.Expo && Expo.calls.active();
    const s = call && await call.summary();
    if (s && s.audioPacketsReceived > 0 && s.framesDecoded > 0) return s;
    await new Promise(next => setTimeout(next, 200));
  }
  return null;
}"""


def signed_in(browser, base_url, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=base_url, timezone_id="Europe/London")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def slot(booth, recruiter, starts_in, minutes=20):
    start = timezone.now() + starts_in
    end = start + timedelta(minutes=minutes)
    return MeetingSlot.objects.create(
        booth=booth, recruiter=recruiter, starts_at=start, ends_at=end
    )


@pytest.mark.usefixtures("loopback_only")  # the video call: WebRTC stays on loopback
def test_a_booked_time_is_reminded_joined_at_its_time_with_a_video_call_and_a_no_show_recorded(
    browser, booth_a, talent, recruiter
):
    soon = slot(booth_a, recruiter, timedelta(minutes=3))
    missed = slot(booth_a, recruiter, timedelta(minutes=-30))
    nora = UserFactory(email="nora@example.org", full_name="Nora Absent")
    Booking.objects.create(slot=missed, booth=booth_a, talent=nora)
    with uvicorn_servers(1) as (port,):
        base = f"http://127.0.0.1:{port}"
        me_context, me = signed_in(browser, base, talent)
        staff_context, staff = signed_in(browser, base, recruiter)
        try:
            me.goto(f"/booths/{booth_a.company.slug}/")
            times = me.get_by_role("region", name="Book a 1:1 time")
            times.locator(f'[data-slot="{soon.pk}"]').click()
            expect(me.get_by_role("alert").or_(me.locator(".messages"))).to_contain_text(
                "Booked. A confirmation with a calendar invitation is on its way."
            )
            expect(times.locator("[data-my-booking]")).to_contain_text("Your 1:1 chat with Rita")

            mail.outbox.clear()
            assert send_session_reminders() == 2  # 15 minutes before, each side once
            assert sorted(m.subject for m in mail.outbox) == [
                "Starting soon: your 1:1 time with Company A",
                "Starting soon: your 1:1 time with Tess Talent",
            ]

            staff.goto("/console/agenda/")  # Rita is on another page of the site
            times.get_by_role("button", name="Join").click()
            me.wait_for_url("**/chat/*/")
            expect(me.locator("[data-chat-state]")).to_have_text("Live")
            # Joining rings Rita for the video call, wherever she is on the site.
            expect(me.locator("[data-call-outgoing-text]")).to_have_text("Calling Rita…")
            expect(staff.locator(".expo-toast-call")).to_contain_text("Tess")

            booked = staff.locator(f'[data-slot="{soon.pk}"]')
            expect(booked).to_contain_text("Tess Talent")
            booked.get_by_role("button", name="Join").click()  # answers the ring
            staff.wait_for_url(me.url)
            for page in (me, staff):
                expect(page.locator("[data-call-status]")).to_have_text("Connected")
                assert page.evaluate(FLOWING, 20_000) is not None, "no video and sound flowed"
            staff.get_by_label("Your message").fill("Hello Tess, thanks for booking")
            staff.get_by_label("Your message").press("Enter")
            expect(me.locator(".chat-msg").last).to_contain_text("Hello Tess, thanks for booking")

            staff.goto("/console/agenda/")
            absent = staff.locator(f'[data-slot="{missed.pk}"]')
            absent.get_by_role("button", name="Mark as no-show").click()
            expect(staff.locator(f'[data-slot="{missed.pk}"]')).to_contain_text("No-show")
            assert Booking.objects.get(slot=missed).status == "no_show"
        finally:
            me_context.close()
            staff_context.close()


def test_an_interview_is_offered_chosen_and_shown_on_both_sides(
    browser, booth_a, talent, recruiter
):
    job = JobFactory(edition=booth_a.edition, company=booth_a.company, title="Data Engineer")
    application = ApplicationFactory(job=job, talent=talent, status=Application.Status.INTERVIEW)
    first = slot(booth_a, recruiter, timedelta(days=2))
    second = slot(booth_a, recruiter, timedelta(days=2, hours=1))
    with uvicorn_servers(1) as (port,):
        base = f"http://127.0.0.1:{port}"
        me_context, me = signed_in(browser, base, talent)
        staff_context, staff = signed_in(browser, base, recruiter)
        try:
            staff.goto(f"/console/applicants/{application.pk}/")
            interview = staff.get_by_role("region", name="Interview")
            interview.locator(f"#offer-slot-{first.pk}").check()
            interview.locator(f"#offer-slot-{second.pk}").check()
            interview.get_by_label("Message to the candidate").fill("Bring your portfolio")
            interview.get_by_role("button", name="Offer these times").click()
            expect(staff.locator(".messages")).to_contain_text("Times offered.")

            me.goto("/jobs/applications/")
            me.get_by_role("link", name="Choose a time").click()
            expect(me.get_by_text("Bring your portfolio")).to_be_visible()
            me.locator(f"#slot-{second.pk}").check()
            me.get_by_role("button", name="Choose this time").click()
            me.wait_for_url("**/jobs/applications/")
            booking = Booking.objects.get(application=application)
            expect(me.locator(f'[data-interview="{booking.pk}"]')).to_contain_text("Interview:")

            staff.reload()
            expect(staff.locator(f'[data-interview="{booking.pk}"]')).to_be_visible()
            staff.goto("/console/agenda/")
            expect(staff.locator(f'[data-slot="{second.pk}"]')).to_contain_text(
                "Tess Talent · Interview (Data Engineer)"
            )
            me.goto("/schedule/mine/")
            expect(me.locator(f'[data-booking="{booking.pk}"]')).to_contain_text(
                "Interview with Company A (Data Engineer)"
            )
        finally:
            me_context.close()
            staff_context.close()
