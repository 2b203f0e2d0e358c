"""The jobs journey in a real browser: a talent searches, filters and applies with a CV; the
recruiter sees the applicant and moves them to interview; the talent sees the new status and
the email is in the outbox."""

import time

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.e2e.conftest import WAIT_MS
from tests.factories import CompanyFactory, JobFactory, SectorFactory, TalentProfileFactory
from tests.fixtures.pdfs import pdf_bytes
from tests.jobs.conftest import use_temporary_private_storage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _private_media(tmp_path, monkeypatch):
    use_temporary_private_storage(tmp_path, monkeypatch)


def wait_for_mail(predicate, timeout=30):
    """Email leaves through Celery after the request's transaction commits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in mail.outbox if predicate(m)]
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError([(m.to, m.subject) for m in mail.outbox])


def sign_in(page, live_server, email, password):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#account-button")).to_be_visible()


def test_talent_applies_and_recruiter_moves_them_to_interview(
    page, browser, live_server, edition, talent, recruiter
):
    from tests.factories import PASSWORD

    ai = SectorFactory(name="AI & Data Analytics", slug="ai-data-analytics")
    bio = SectorFactory(name="BioTech", slug="biotech")
    company = recruiter.memberships.get().company
    company.sector = ai
    company.save()
    JobFactory(
        edition=edition, company=company, sector=ai, title="Data Scientist", skills="Python, SQL"
    )
    JobFactory(
        edition=edition,
        company=CompanyFactory(sector=bio),
        sector=bio,
        title="Data Steward (Biobank)",
        skills="LIMS",
    )
    JobFactory(edition=edition, company=company, sector=ai, title="Office Manager")
    TalentProfileFactory(user=talent)

    # The talent searches, filters and applies with a CV.
    sign_in(page, live_server, talent.email, PASSWORD)
    page.goto(live_server.url + "/jobs/")
    page.get_by_label("Search jobs").fill("data")
    page.get_by_role("button", name="Search", exact=True).click()
    results = page.locator(".job-list")
    expect(page.get_by_role("heading", name="2 open jobs")).to_be_visible()
    page.get_by_label("AI & Data Analytics").check()
    expect(page.get_by_role("heading", name="1 open job")).to_be_visible()
    expect(page).to_have_url(
        live_server.url + "/jobs/?q=data&sector=ai-data-analytics&sort=relevance"
    )
    results.get_by_role("link", name="Data Scientist").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Data Scientist")
    page.get_by_label("CV (PDF)").set_input_files(
        files=[{"name": "tess-cv.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    page.get_by_label("Cover note").fill("I would love to join.")
    page.get_by_role("button", name="Send application").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("My applications")
    card = page.locator(".application-card", has_text="Data Scientist")
    expect(card.locator(".status-badge")).to_have_text("Submitted")
    wait_for_mail(lambda m: m.to == [recruiter.email])

    # The recruiter sees the applicant and moves them to interview.
    staff = browser.new_context().new_page()
    staff.set_default_timeout(WAIT_MS)
    sign_in(staff, live_server, recruiter.email, PASSWORD)
    staff.goto(live_server.url + "/console/applicants/")
    staff.get_by_role("link", name="Tess Talent").click()
    staff.get_by_label("Move to").select_option("interview")
    staff.get_by_role("button", name="Update status").click()
    expect(staff.locator("#current-status")).to_have_text("Interview")

    # The talent sees the new status, and the email is in the outbox.
    page.reload()
    expect(card.locator(".status-badge")).to_have_text("Interview")
    expect(card.get_by_label("Status history")).to_contain_text("Interview")
    message = wait_for_mail(lambda m: m.to == [talent.email] and "Interview" in m.subject)[0]
    assert message.subject == "Data Scientist: your application is now “Interview”"
    assert live_server.url + "/jobs/applications/" in message.body
