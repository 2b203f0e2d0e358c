"""Bulk imports in admin: checked row by row first, then imported in the background."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from expo.organiser.imports.models import ImportJob
from jobs.models import Job
from tests.factories import CompanyFactory, SectorFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "company,title,description,sector,level,min_education,employment_type,"
    "open_to_overseas,open_to_gba\n"
)
BAD_ROWS = [
    "no-such-company,Lab manager,Lab,AI & Data Analytics,entry,bachelor,full_time,1,1",
    "quantum-harbour,Researcher,Research,AI & Data Analytics,wizard,bachelor,full_time,0,0",
    "quantum-harbour,ML engineer,Models,Underwater Basket Weaving,entry,master,full_time,1,0",
]


@pytest.fixture
def known(edition):
    sector = SectorFactory(name="AI & Data Analytics", slug="ai-data")
    return CompanyFactory(slug="quantum-harbour", sector=sector)


def jobs_csv(good=5, bad=True):
    rows = [
        f"quantum-harbour,Data engineer {i},Pipelines,AI & Data Analytics,entry,bachelor,"
        "full_time,1,1"
        for i in range(good)
    ]
    if bad:
        rows += BAD_ROWS
    return (HEADER + "\n".join(rows) + "\n").encode()


def upload(client, content, name="jobs.csv", mode=ImportJob.Mode.SKIP_BAD_ROWS, kind="jobs"):
    return client.post(
        reverse("admin:organiser_importjob_add"),
        {
            "kind": kind,
            "mode": mode,
            "file": SimpleUploadedFile(name, content),
        },
    )


def test_an_import_with_three_bad_rows_reports_them_and_imports_the_rest(
    client, organiser, known, django_capture_on_commit_callbacks
):
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, jobs_csv())
    job = ImportJob.objects.get()

    assert response.status_code == 302
    assert (job.status, job.total_rows, job.valid_rows) == ("checked", 8, 5)
    assert [e["row"] for e in job.row_errors] == [7, 8, 9]
    assert "Unknown company 'no-such-company'" in " ".join(job.row_errors[0]["errors"])
    assert "wizard" in " ".join(job.row_errors[1]["errors"])
    assert "Unknown sector 'Underwater Basket Weaving'" in " ".join(job.row_errors[2]["errors"])
    assert not Job.objects.exists()  # the check saved nothing

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:organiser_importjob_confirm", args=[job.pk]))

    job.refresh_from_db()
    assert (job.status, job.imported_rows) == ("done", 5)
    jobs = Job.objects.filter(company=known)
    assert sorted(jobs.values_list("title", flat=True)) == [f"Data engineer {i}" for i in range(5)]
    assert all(j.is_open() and j.edition.is_current for j in jobs)


def test_all_or_nothing_imports_nothing_when_a_row_is_bad(
    client, organiser, known, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, jobs_csv(), mode=ImportJob.Mode.ALL_OR_NOTHING)
    job = ImportJob.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:organiser_importjob_confirm", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == "refused"
    assert not Job.objects.exists()


def test_confirming_twice_imports_once(
    client, organiser, known, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, jobs_csv(good=3, bad=False))
    job = ImportJob.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:organiser_importjob_confirm", args=[job.pk]))
        client.post(reverse("admin:organiser_importjob_confirm", args=[job.pk]))

    assert Job.objects.count() == 3


def test_an_excel_file_of_companies_imports(
    client, organiser, edition, django_capture_on_commit_callbacks
):
    SectorFactory(name="BioTech", slug="biotech")
    book = Workbook()
    sheet = book.active
    sheet.append(["slug", "name", "programme", "sector", "has_gba_or_overseas_office"])
    sheet.append(["helix-mind", "Helix Mind", "innopark", "BioTech", 1])
    sheet.append(["cell-works", "Cell Works", "innohk", "biotech", 0])
    data = io.BytesIO()
    book.save(data)
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        upload(client, data.getvalue(), name="companies.xlsx", kind="companies")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:organiser_importjob_confirm", args=[ImportJob.objects.get().pk]))

    from booths.models import Company

    assert sorted(Company.objects.values_list("name", "programme")) == [
        ("Cell Works", "innohk"),
        ("Helix Mind", "innopark"),
    ]


def test_a_file_that_is_neither_csv_nor_excel_is_refused_at_upload(client, organiser):
    client.force_login(organiser)

    response = upload(client, b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe binary", name="jobs.csv")

    assert response.status_code == 200
    assert "neither an Excel (.xlsx) file nor a UTF-8 CSV file" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_progress_fragment_shows_bad_rows(
    client, organiser, known, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, jobs_csv())
    job = ImportJob.objects.get()

    html = client.get(reverse("admin:organiser_importjob_progress", args=[job.pk])).content.decode()

    assert "8 of 8 rows (100%)" in html
    assert "5 valid rows, 3 bad rows." in html
    assert "Import 5 valid rows" in html
