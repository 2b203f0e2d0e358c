"""The job page: what a candidate needs, the apply panel, valid JobPosting JSON-LD, feeds."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache

from jobs.presenters import job_posting_ld
from tests.factories import JobFactory

pytestmark = pytest.mark.django_db


def ld(response):
    match = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return json.loads(match.group(1))


def test_job_page_shows_the_facts_and_an_apply_panel(client, job_a):
    response = client.get(f"/jobs/{job_a.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    for text in [
        "Machine Learning Engineer",
        "Company A",
        "Bachelor&#x27;s degree",
        "Entry level",
        "PyTorch",
        "Sign in to apply",
    ]:
        assert text in page, text


def test_job_posting_json_ld_has_the_required_fields(client, job_a):
    job_a.salary_min, job_a.salary_max = 30000, 40000
    job_a.save()

    data = ld(client.get(f"/jobs/{job_a.pk}/"))

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "JobPosting"
    assert data["title"] == "Machine Learning Engineer"
    assert data["hiringOrganization"] == {"@type": "Organization", "name": "Company A"}
    assert data["jobLocation"]["address"]["addressCountry"] == "HK"
    assert data["employmentType"] == "FULL_TIME"
    assert data["datePosted"] == job_a.published_at.isoformat()
    assert data["validThrough"] == job_a.deadline.isoformat()
    assert data["baseSalary"]["value"] == {
        "@type": "QuantitativeValue",
        "minValue": 30000,
        "maxValue": 40000,
        "unitText": "MONTH",
    }


def test_the_description_is_rendered_once_and_an_edit_shows_at_once(client, job_a):
    job_a.description = "We build **robots** for hospitals."
    job_a.save()
    first = client.get(f"/jobs/{job_a.pk}/")
    assert "<strong>robots</strong>" in first.content.decode()
    assert ld(first)["description"] == str(first.context["description_html"])

    job_a.description = "We build **drones** now."
    job_a.save()
    page = client.get(f"/jobs/{job_a.pk}/")

    assert "<strong>drones</strong>" in page.content.decode()
    assert "drones" in ld(page)["description"] and "robots" not in ld(page)["description"]


def test_json_ld_cannot_break_out_of_its_script_element(rf, edition, company_a):
    job = JobFactory(edition=edition, company=company_a, title="</script><script>alert(1)</script>")

    text = str(job_posting_ld(job, rf.get("/")))

    assert "</script" not in text and "<" not in text
    assert json.loads(text)["title"] == "</script><script>alert(1)</script>"


def test_job_page_has_no_inline_script_style_or_handlers(client, job_a):
    page = client.get(f"/jobs/{job_a.pk}/").content.decode()

    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert scripts == [' type="application/ld+json"']
    assert " style=" not in page and "onclick" not in page


def test_job_page_query_count_is_constant(
    client, talent, edition, company_a, django_assert_max_num_queries
):
    client.force_login(talent)
    few = JobFactory(edition=edition, company=company_a, skills="A")
    many = JobFactory(
        edition=edition, company=company_a, skills=", ".join(f"S{i}" for i in range(30))
    )
    cache.clear()  # the most it ever runs: nothing cached
    with django_assert_max_num_queries(10) as one:
        client.get(f"/jobs/{few.pk}/")
    cache.clear()  # the most it ever runs: nothing cached
    with django_assert_max_num_queries(10) as other:
        client.get(f"/jobs/{many.pk}/")

    assert len(one.captured_queries) == len(other.captured_queries)


def test_an_expired_job_page_says_it_is_closed(client, job_a):
    from django.utils import timezone

    job_a.deadline = timezone.now()
    job_a.save()

    page = client.get(f"/jobs/{job_a.pk}/").content.decode()

    assert "This job is closed" in page


@pytest.mark.parametrize("path", ["/feeds/jobs/", "/feeds/jobs/atom/"])
def test_expo_feeds_list_new_open_jobs(client, job_a, job_b, path):
    response = client.get(path)

    root = ET.fromstring(response.content)
    text = response.content.decode()
    assert response.status_code == 200
    assert root.tag in ("rss", "{http://www.w3.org/2005/Atom}feed")
    assert "Machine Learning Engineer — Company A" in text
    assert "Bioinformatician — Company B" in text


def test_company_feed_lists_only_that_company(client, job_a, job_b, company_a):
    text = client.get(f"/feeds/companies/{company_a.slug}/jobs/").content.decode()

    assert "Machine Learning Engineer" in text
    assert "Bioinformatician" not in text


def test_feed_of_an_unknown_company_is_a_404(client, edition):
    assert client.get("/feeds/companies/nope/jobs/").status_code == 404


def test_a_description_s_list_renders_as_bullets_not_dashes(client, edition, company_a):
    from tests.factories import JobFactory

    job = JobFactory(
        edition=edition,
        company=company_a,
        description="What you will do:\n- Build **sensors**\n- Test them\n\n<script>x()</script>",
    )

    html = client.get(job.get_absolute_url()).content.decode()

    assert "<ul>\n<li>Build <strong>sensors</strong></li>\n<li>Test them</li>\n</ul>" in html
    assert "- Build" not in html
    assert "<script>x()" not in html
