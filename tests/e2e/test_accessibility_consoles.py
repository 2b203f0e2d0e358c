"""Accessibility of the pages behind sign-in: the employer's consoles (booth, team, analytics,
jobs, a job's form, the applicant pipeline and one application, talent search), the talent's
own pages (dashboard, profile, applications, saved jobs, jobs for you) and the account pages
(sign in, sign up, password reset). axe-core finds no serious or critical WCAG 2.x A/AA
violation on any of them, in English and Traditional Chinese.

The server, the small expo and the axe helpers are test_accessibility.py's."""

import pytest
from playwright.sync_api import expect

from booths.models import Membership
from tests.e2e import test_accessibility as base
from tests.e2e.test_accessibility import axe_violations, describe, off_the_event_loop, open_page
from tests.factories import ApplicationFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

server, expo = base.server, base.expo  # the fixtures: one uvicorn for the module, a small expo


def add_staff_and_application(x):
    admin = MembershipFactory(
        company=x["booth"].company,
        role=Membership.Role.ADMIN,
        user=UserFactory(email="ada@helix.example.org", full_name="Ada Admin"),
    ).user
    application = ApplicationFactory(
        job=x["job"], talent=x["talent"], cover_note="I have built ROS robots for two years."
    )
    return {**x, "admin": admin, "application": application}


@pytest.fixture
def staffed_expo(expo):
    return off_the_event_loop(add_staff_and_application, expo)


# name -> (who is signed in, path)
PAGES = {
    "console": ("admin", lambda x: "/console/"),
    "console-booth": ("admin", lambda x: "/console/booth/"),
    "console-team": ("admin", lambda x: "/console/team/"),
    "console-analytics": ("admin", lambda x: "/console/analytics/"),
    "console-jobs": ("recruiter", lambda x: "/console/jobs/"),
    "console-job-form": ("recruiter", lambda x: "/console/jobs/new/"),
    "console-pipeline": ("recruiter", lambda x: "/console/applicants/"),
    "console-job-pipeline": ("recruiter", lambda x: f"/console/jobs/{x['job'].pk}/applicants/"),
    "console-application": (
        "recruiter",
        lambda x: f"/console/applicants/{x['application'].pk}/",
    ),
    "console-talent-search": ("recruiter", lambda x: "/console/talent/"),
    "me": ("talent", lambda x: "/me/"),
    "me-profile": ("talent", lambda x: "/me/profile/"),
    "my-applications": ("talent", lambda x: "/jobs/applications/"),
    "saved-jobs": ("talent", lambda x: "/jobs/saved/"),
    "jobs-for-you": ("talent", lambda x: "/jobs/for-you/"),
    "sign-in": (None, lambda x: "/accounts/login/"),
    "sign-up": (None, lambda x: "/accounts/signup/"),
    "password-reset": (None, lambda x: "/accounts/password/reset/"),
}


@pytest.mark.parametrize("language", ["en", "zh-hant"])
@pytest.mark.parametrize("name", list(PAGES))
def test_pages_behind_sign_in_have_no_serious_or_critical_axe_violations(
    browser,
    server,
    staffed_expo,
    name,
    language,
):
    who, path = PAGES[name]
    user = staffed_expo[who] if who else None
    context, page = open_page(browser, server, user, language)
    try:
        response = page.goto(path(staffed_expo))
        assert response.ok, (response.status, page.url)
        assert page.url.endswith(path(staffed_expo)), f"{name} redirected to {page.url}"
        expect(page.locator("html")).to_have_attribute("lang", language)
        violations = axe_violations(page)
        assert not violations, f"{name} [{language}] {page.url}\n{describe(violations)}"
    finally:
        context.close()
