"""An organiser imports a CSV of jobs in admin, follows the check and the import, and finds the
new jobs in the public job search."""

import pytest
from playwright.sync_api import expect

from tests.factories import CompanyFactory, SectorFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CSV = (
    "company,title,description,sector,level,min_education,employment_type,open_to_overseas,"
    "open_to_gba\n"
    "quantum-harbour,Quantum photonics engineer,Build photonic chips,AI & Data Analytics,"
    "entry,master,full_time,1,1\n"
    "quantum-harbour,Cryogenics technician,Keep the fridges cold,AI & Data Analytics,"
    "entry,bachelor,full_time,1,1\n"
    "no-such-company,Ghost role,Nobody,AI & Data Analytics,entry,bachelor,full_time,1,1\n"
)


def sign_in(page, live_server, user):
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill("pw-Str0ng-enough!")
    page.get_by_role("button", name="Log in").click()


def test_organiser_imports_jobs_and_finds_them_in_search(
    page, live_server, organiser, edition, tmp_path
):
    sector = SectorFactory(name="AI & Data Analytics", slug="ai-data")
    CompanyFactory(slug="quantum-harbour", name="Quantum Harbour Labs", sector=sector)
    upload = tmp_path / "jobs.csv"
    upload.write_text(CSV)
    sign_in(page, live_server, organiser)

    page.goto(live_server.url + "/admin/organiser/importjob/add/")
    page.get_by_label("What to import").select_option("jobs")
    page.get_by_label("File").set_input_files(str(upload))
    page.get_by_role("button", name="Save", exact=True).click()

    status = page.locator("#import-status")
    expect(status).to_contain_text("3 of 3 rows (100%)")
    expect(status).to_contain_text("2 valid rows, 1 bad row.")
    expect(page.locator("#import-row-errors")).to_contain_text("Unknown company 'no-such-company'")
    expect(page.locator("#import-progress-bar")).to_have_attribute("value", "3")

    page.get_by_role("button", name="Import 2 valid rows").click()
    expect(page.locator("#import-status")).to_contain_text("2 rows imported.")

    page.goto(live_server.url + "/jobs/?q=photonics")
    expect(page.get_by_role("link", name="Quantum photonics engineer")).to_be_visible()
    page.goto(live_server.url + "/jobs/?q=cryogenics")
    expect(page.get_by_role("link", name="Cryogenics technician")).to_be_visible()
