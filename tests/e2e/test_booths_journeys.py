"""Booths in a real browser: a visitor filters the hall and opens a booth; a talent fills the
profile and uploads a CV; an employer admin edits and submits the booth, an organiser approves
it in admin and it appears in the hall."""

import re

import pytest
from playwright.sync_api import expect

from booths.models import Booth
from tests.booths.storage import use_private_root
from tests.factories import PASSWORD, BoothFactory, CompanyFactory, JobFactory, SectorFactory
from tests.fixtures.pdfs import pdf_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, email, next_path="/"):
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_visitor_filters_the_hall_and_opens_a_booth(page, live_server, edition):
    robots = SectorFactory(name="Robotics", slug="robotics")
    biotech = SectorFactory(name="BioTech", slug="biotech")
    lab = BoothFactory(
        edition=edition,
        company=CompanyFactory(name="Helix Labs", slug="helix-labs", sector=biotech),
        tagline="Gene therapies",
        description="## Our science\n\nWe **edit** genes.",
    )
    BoothFactory(edition=edition, company=CompanyFactory(name="Robo Works", sector=robots))
    JobFactory(edition=edition, company=lab.company, title="Lab Scientist")

    page.goto(live_server.url + "/booths/")
    expect(page.locator("#hall-count")).to_have_text(re.compile(r"2 booths"))

    page.get_by_label("Hall").select_option("biotech")
    expect(page.locator("#hall-count")).to_have_text(re.compile(r"1 booth\b"))
    expect(page).to_have_url(re.compile(r"sector=biotech"))
    expect(page.get_by_role("link", name="Robo Works")).to_have_count(0)

    page.get_by_role("link", name="Helix Labs").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Helix Labs")
    expect(page.get_by_role("heading", name="Our science")).to_be_visible()
    expect(page.get_by_text("Lab Scientist")).to_be_visible()


def test_a_talent_fills_the_profile_and_uploads_a_cv(
    page, live_server, edition, talent, tmp_path, monkeypatch
):
    use_private_root(tmp_path, monkeypatch)  # live_server runs in this process
    SectorFactory(name="AI & Data", slug="ai-data")
    cv = tmp_path / "my-cv.pdf"
    cv.write_bytes(pdf_bytes())
    not_pdf = tmp_path / "photo.pdf"
    not_pdf.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    sign_in(page, live_server, talent.email, "/me/profile/")

    page.get_by_label("Headline").fill("Data scientist with a PhD")
    page.get_by_label("Institution").fill("HKUST")
    page.get_by_label("Internship").check()
    page.get_by_label("AI & Data").check()
    page.get_by_label("Greater Bay Area (Mainland)").check()
    page.get_by_label("CV (PDF)").set_input_files(str(not_pdf))
    page.get_by_role("button", name="Save the profile").click()

    expect(page.locator("#id_cv_error")).to_contain_text("not a PDF")
    expect(page.get_by_label("Headline")).to_have_value("Data scientist with a PhD")
    expect(page.get_by_label("Internship")).to_be_checked()

    page.get_by_label("CV (PDF)").set_input_files(str(cv))
    page.get_by_label("employers may find my profile").check()
    page.get_by_role("button", name="Save the profile").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Hello"))
    expect(page.get_by_text("CV uploaded")).to_be_visible()
    expect(page.get_by_text("Employers may find your profile.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download", exact=True).click()
    assert download.value.suggested_filename.endswith(".pdf")


def test_an_employer_submits_the_booth_and_the_organiser_approves_it_into_the_hall(
    page, live_server, edition, company_a, company_admin, organiser
):
    BoothFactory(edition=edition, company=company_a, status=Booth.Status.DRAFT)
    sign_in(page, live_server, company_admin.email, "/console/")

    page.get_by_role("link", name="Edit the booth").click()
    page.get_by_label("Tagline (optional)", exact=True).fill("Robots that care")
    page.get_by_label("Description (optional)", exact=True).fill(
        "## Hello\n\nWe build <script>x</script> **robots**."
    )
    page.get_by_label("Video").fill("https://vimeo.com/76979871")
    page.get_by_role("button", name="Save the booth").click()
    expect(page.get_by_text("Your booth is saved.")).to_be_visible()
    expect(page.locator(".booth-description strong")).to_have_text("robots")

    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_text("Submitted for approval", exact=True)).to_be_visible()

    page.goto(live_server.url + "/booths/")
    expect(page.get_by_role("link", name="Company A")).to_have_count(0)

    page.context.clear_cookies()
    sign_in(page, live_server, organiser.email, "/admin/booths/booth/?status__exact=submitted")
    page.get_by_role("checkbox", name=re.compile("Select this object")).first.check()
    page.locator("select[name=action]").select_option("approve")
    page.locator("button[name=index]").first.click()
    expect(page.get_by_text("1 booth approved.")).to_be_visible()

    page.goto(live_server.url + "/booths/")
    page.get_by_role("link", name="Company A").click()
    expect(page.get_by_text("Robots that care")).to_be_visible()
    expect(page.locator("iframe[src='https://player.vimeo.com/video/76979871']")).to_have_count(1)
