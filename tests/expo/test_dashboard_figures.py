"""The key-figures dashboard in admin equals figures computed independently from seeded data."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from booths.models import Booth
from expo.choices import Programme
from expo.models import ExpoEdition
from jobs.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("seed_demo", verbosity=0, stdout=io.StringIO())
            yield ExpoEdition.objects.current()
            transaction.set_rollback(True)


def share(part, whole):
    return round(100 * part / whole)


def test_the_dashboard_shows_the_seeded_figures_computed_independently(client, organiser, seeded):
    open_jobs = [
        j for j in Job.objects.filter(edition=seeded).select_related("company") if j.is_open()
    ]
    companies = {
        b.company
        for b in Booth.objects.filter(edition=seeded, status="approved").select_related("company")
    }
    expected = {
        "companies": len(companies),
        "jobs": len(open_jobs),
        "jobs_innohk": sum(j.company.programme == Programme.INNOHK for j in open_jobs),
        "jobs_innopark": sum(j.company.programme == Programme.INNOPARK for j in open_jobs),
        "share_open_overseas_and_gba": share(
            sum(j.open_to_overseas and j.open_to_gba for j in open_jobs), len(open_jobs)
        ),
        "share_companies_gba_or_overseas": share(
            sum(c.has_gba_or_overseas_office for c in companies), len(companies)
        ),
        "share_tech_rd": share(sum(j.is_tech_rd for j in open_jobs), len(open_jobs)),
    }
    client.force_login(organiser)

    response = client.get(reverse("admin:dashboard"))

    figures = response.context["data"]["figures"]
    assert {key: figures[key] for key in expected} == expected
    assert figures["share_by_level"]["entry"] == share(
        sum(j.level == "entry" for j in open_jobs), len(open_jobs)
    )
    assert figures["share_by_education"]["doctorate"] == share(
        sum(j.min_education == "doctorate" for j in open_jobs), len(open_jobs)
    )
    html = response.content.decode()
    assert f"{expected['jobs']:,}" in html
    assert f"{expected['share_tech_rd']}%" in html


def test_the_dashboard_runs_a_fixed_number_of_queries(
    client, organiser, seeded, django_assert_max_num_queries
):
    client.force_login(organiser)

    with django_assert_max_num_queries(25):
        response = client.get(reverse("admin:dashboard") + "?refresh=1")

    assert response.status_code == 200


def test_charts_have_axis_titles_round_ticks_and_a_value_on_every_bar():
    from expo.lib.charts import bar_chart, labelled

    chart = bar_chart(labelled([("AI & Data Analytics", 624), ("BioTech", 204), ("Fintech", 37)]))
    html = render_to_string(
        "admin/organiser/_bar_chart.html",
        {
            "chart": chart,
            "chart_id": "c",
            "caption": "Jobs",
            "x_title": "Sector",
            "y_title": "Open jobs",
        },
    )

    assert [line["value"] for line in chart["grid"]] == [0, 250, 500, 750, 1000]
    for text in ("Sector", "Open jobs", ">624<", ">204<", ">37<", ">1,000<", ">AI &amp; Data"):
        assert text in html, text
