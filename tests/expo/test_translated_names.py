"""Organiser-managed names in the visitor's language, English when no Chinese version was
written (issue 15: in 繁體 and 简体 sectors, halls, tracks, the tagline and session titles
stayed English)."""

import pytest
from django.urls import reverse

from booths.models import Sector
from tests.factories import BoothFactory, CompanyFactory, SessionFactory, TrackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def named(edition):
    edition.tagline_en = "Innovation jobs in one place"
    edition.tagline_zh_hant = "創新科技職位，盡在一處"
    edition.save()
    biotech = Sector.objects.create(
        slug="biotech",
        name_en="BioTech",
        name_zh_hant="生物科技",
        name_zh_hans="生物科技",
        hall_en="Hall 3",
        hall_zh_hant="3號展館",
        hall_zh_hans="3号展馆",
    )
    plain = Sector.objects.create(slug="quantum", name_en="Quantum", hall_en="Hall 9")
    for sector in (biotech, plain):
        BoothFactory(
            edition=edition,
            company=CompanyFactory(sector=sector, slug=f"firm-{sector.slug}"),
            status="approved",
        )
    track = TrackFactory(edition=edition, name_en="Deep Tech Training", name_zh_hans="深科技培训")
    SessionFactory(
        edition=edition,
        track=track,
        title_en="Edge AI on microcontrollers",
        title_zh_hans="微控制器上的边缘人工智能",
    )
    return edition


def page(client, url, language):
    client.cookies["django_language"] = language
    return " ".join(client.get(url).content.decode().split())


def test_a_visitor_in_chinese_sees_the_chinese_names_and_english_where_none_was_written(
    client, named
):
    hall = page(client, reverse("booths:hall"), "zh-hant")

    assert "生物科技" in hall
    assert "Quantum" in hall  # no Chinese version: English
    booth = page(client, reverse("booths:detail", args=["firm-biotech"]), "zh-hant")
    assert "生物科技 · 3號展館" in booth
    assert "創新科技職位，盡在一處" in page(client, "/", "zh-hant")


def test_simplified_chinese_visitors_get_the_simplified_version(client, named):
    schedule = page(client, reverse("expo:schedule"), "zh-hans")

    assert "微控制器上的边缘人工智能" in schedule
    assert "深科技培训" in schedule


def test_english_visitors_keep_the_english_names(client, named):
    hall = page(client, reverse("booths:hall"), "en")

    assert "BioTech" in hall and "生物科技" not in hall


def test_the_organiser_edits_each_language_in_admin(client, organiser, named):
    from expo.models import Track

    track = Track.objects.get()
    client.force_login(organiser)
    url = reverse("admin:expo_track_change", args=[track.pk])

    form = client.get(url).content.decode()

    for field in ("name_en", "name_zh_hant", "name_zh_hans", "description_zh_hant"):
        assert f'name="{field}"' in form
