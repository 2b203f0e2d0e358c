"""A company may write its booth in Chinese as well: visitors browsing in that language see it,
everyone else the text as written. Company text is never machine-translated."""

import pytest
from django.urls import reverse

from booths.models import Booth

pytestmark = pytest.mark.django_db


@pytest.fixture
def bilingual_booth(booth_a):
    Booth.objects.filter(pk=booth_a.pk).update(
        tagline="Robots for hospitals",
        description="We build **robots**.",
        tagline_zh_hant="醫院機械人",
        description_zh_hant="我們製造**機械人**。",
    )
    return booth_a


def page(client, booth, language):
    client.cookies["django_language"] = language
    return client.get(reverse("booths:detail", args=[booth.company.slug])).content.decode()


def test_visitors_see_the_booth_in_their_language_when_the_company_wrote_it(
    client, bilingual_booth
):
    chinese = page(client, bilingual_booth, "zh-hant")
    english = page(client, bilingual_booth, "en")

    assert "醫院機械人" in chinese and "<strong>機械人</strong>" in chinese
    assert "Robots for hospitals" in english and "<strong>robots</strong>" in english
    assert "醫院機械人" not in english


def test_without_a_version_in_their_language_visitors_see_the_text_as_written(
    client, bilingual_booth
):
    simplified = page(client, bilingual_booth, "zh-hans")

    assert "Robots for hospitals" in simplified


def test_the_hall_finds_a_booth_by_its_chinese_text(client, bilingual_booth, booth_b):
    html = client.get(reverse("booths:hall"), {"q": "機械人"}).content.decode()

    assert bilingual_booth.company.name in html
    assert booth_b.company.name not in html


def test_the_company_admin_writes_the_chinese_versions_in_the_editor(
    client, company_admin, booth_a
):
    client.force_login(company_admin)

    client.post(
        reverse("booths:console_booth"),
        {
            "tagline": "Robots",
            "description": "Text",
            "video_url": "",
            "tagline_zh_hant": "機械人",
            "description_zh_hant": "繁體介紹",
            "tagline_zh_hans": "机器人",
            "description_zh_hans": "简体介绍",
        },
    )

    booth_a.refresh_from_db()
    assert (booth_a.tagline_zh_hant, booth_a.tagline_zh_hans, booth_a.description_zh_hans) == (
        "機械人",
        "机器人",
        "简体介绍",
    )
