"""Every CSV download is safe to open in a spreadsheet: cells that would run as formulas are
text."""

import pytest
from django.urls import reverse

from expo.lib.spreadsheets import csv_response, safe_cell
from tests.factories import JobFactory


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM", "'@SUM"),
        ("Ada", "Ada"),
        (None, ""),
        (42, "42"),
    ],
)
def test_a_cell_that_would_run_as_a_formula_becomes_text(value, expected):
    assert safe_cell(value) == expected


def test_a_csv_response_is_an_attachment_with_safe_cells():
    response = csv_response("x.csv", ["Name"], [["=cmd|' /C calc'!A0"], ["Bo"]])

    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert response.content.decode().splitlines() == ["Name", "'=cmd|' /C calc'!A0", "Bo"]


@pytest.mark.django_db
def test_the_admin_export_in_import_columns_escapes_formulae_too(
    client, organiser, edition, booth_a
):
    job = JobFactory(edition=edition, company=booth_a.company, title="=1+1")
    client.force_login(organiser)

    response = client.post(
        reverse("admin:jobs_job_export"),
        {
            "format": "0",
            "resource": "0",
            "export_items": [job.pk],
            "jobresource_title": "on",
        },
    )

    # django-import-export defuses the cell by dropping the leading formula sign
    assert response.content.decode().splitlines()[1] == "1+1"
