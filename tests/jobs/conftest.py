"""Shared arrangements for the jobs tests: jobs of company A and B in the current edition, a
talent profile with a CV, and a helper to upload PDFs."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import JobFactory, SectorFactory, TalentProfileFactory
from tests.fixtures.pdfs import pdf_bytes


@pytest.fixture(autouse=True)
def _private_media(tmp_path, monkeypatch):
    """CVs into a temporary folder. The CV fields' storage is built when the models load, so
    PRIVATE_MEDIA_ROOT in settings would not move it: swap the fields' storage instead."""
    use_temporary_private_storage(tmp_path, monkeypatch)


def use_temporary_private_storage(tmp_path, monkeypatch):
    from accounts.models import TalentProfile
    from jobs.models import Application

    storage = FileSystemStorage(location=tmp_path / "private")
    for model in (TalentProfile, Application):
        monkeypatch.setattr(model._meta.get_field("cv"), "storage", storage)


@pytest.fixture
def ai_sector(db):
    return SectorFactory(name="AI & Data Analytics", slug="ai-data-analytics")


@pytest.fixture
def bio_sector(db):
    return SectorFactory(name="BioTech", slug="biotech")


@pytest.fixture
def job_a(edition, company_a, booth_a):
    return JobFactory(
        edition=edition,
        company=company_a,
        title="Machine Learning Engineer",
        skills="Python, PyTorch, SQL",
        description="Train computer vision models for quality inspection.",
    )


@pytest.fixture
def job_b(edition, company_b, booth_b):
    return JobFactory(
        edition=edition,
        company=company_b,
        title="Bioinformatician",
        skills="R, genomics",
        description="Analyse single-cell sequencing data.",
    )


@pytest.fixture
def talent_profile(talent):
    profile = TalentProfileFactory(user=talent)
    profile.cv.save("cv.pdf", ContentFile(pdf_bytes()), save=True)
    return profile


def pdf_upload(name="cv.pdf", content=None):
    return SimpleUploadedFile(name, content or pdf_bytes(), content_type="application/pdf")
