"""The public job search: words, prefixes and typos, filters with facet counts, sorting, htmx
fragments, hostile input, and a query count that does not grow with the results."""

import pytest
from django.urls import reverse

from tests.factories import CompanyFactory, JobFactory

pytestmark = pytest.mark.django_db

URL = "/jobs/"


def titles(response):
    return [job.title for job in response.context["result"].jobs]


def test_search_page_lists_open_jobs_newest_first(client, job_a, job_b):
    response = client.get(URL)

    assert response.status_code == 200
    assert titles(response) == ["Bioinformatician", "Machine Learning Engineer"]
    assert response.context["result"].total == 2


def test_search_url_is_the_name_other_apps_link_to():
    assert reverse("jobs:search") == URL


def test_words_match_title_skills_description_and_company(client, job_a, job_b, on_postgres):
    assert titles(client.get(URL, {"q": "machine learning"})) == ["Machine Learning Engineer"]
    assert titles(client.get(URL, {"q": "pytorch"})) == ["Machine Learning Engineer"]
    assert titles(client.get(URL, {"q": "sequencing"})) == ["Bioinformatician"]
    assert titles(client.get(URL, {"q": "Company B"})) == ["Bioinformatician"]


def test_partial_words_match_by_prefix(client, job_a, job_b, on_postgres):
    assert titles(client.get(URL, {"q": "bioinf"})) == ["Bioinformatician"]
    assert titles(client.get(URL, {"q": "mach learn"})) == ["Machine Learning Engineer"]


def test_a_typo_falls_back_to_similar_titles(client, job_a, job_b, on_postgres):
    response = client.get(URL, {"q": "bioinfomatician"})

    assert titles(response) == ["Bioinformatician"]
    assert response.context["result"].fuzzy is True
    assert "Showing results for “bioinformatician”" in response.content.decode()


def test_title_matches_rank_above_description_matches(client, edition, company_a, on_postgres):
    JobFactory(edition=edition, company=company_a, title="Lab Manager", description="Python")
    JobFactory(edition=edition, company=company_a, title="Python Developer")

    response = client.get(URL, {"q": "python", "sort": "relevance"})

    assert titles(response) == ["Python Developer", "Lab Manager"]


def test_closed_draft_and_expired_jobs_are_not_found(client, edition, company_a, job_a):
    from django.utils import timezone

    JobFactory(edition=edition, company=company_a, title="Closed", status="closed")
    JobFactory(edition=edition, company=company_a, title="Draft", status="draft")
    JobFactory(edition=edition, company=company_a, title="Expired", deadline=timezone.now())

    assert titles(client.get(URL)) == ["Machine Learning Engineer"]


def test_filters_narrow_results_and_facets_count_the_alternatives(
    client, edition, ai_sector, bio_sector
):
    ai = CompanyFactory(sector=ai_sector, programme="innohk")
    bio = CompanyFactory(sector=bio_sector, programme="innopark")
    JobFactory(edition=edition, company=ai, title="AI one", level="entry", open_to_gba=True)
    JobFactory(edition=edition, company=ai, title="AI two", level="middle")
    JobFactory(edition=edition, company=bio, title="Bio one", level="entry")

    response = client.get(URL, {"sector": "ai-data-analytics", "level": "entry"})

    assert titles(response) == ["AI one"]
    facets = response.context["result"].facets
    # Within a group the other values keep their counts (with the other groups applied).
    assert dict(facets["sector"].counts) == {ai_sector.pk: 1, bio_sector.pk: 1}
    assert dict(facets["level"].counts) == {"entry": 1, "middle": 1}
    assert dict(facets["programme"].counts) == {"innohk": 1}
    assert facets["gba"].counts[True] == 1
    page = response.content.decode()
    assert 'value="ai-data-analytics"' in page and "checked" in page


def test_yes_filters_keep_only_jobs_open_to_that_talent(client, edition, company_a):
    JobFactory(
        edition=edition, company=company_a, title="Both", open_to_overseas=True, open_to_gba=True
    )
    JobFactory(edition=edition, company=company_a, title="GBA only", open_to_gba=True)
    JobFactory(edition=edition, company=company_a, title="Neither")

    assert titles(client.get(URL, {"overseas": "1"})) == ["Both"]
    assert sorted(titles(client.get(URL, {"gba": "1"}))) == ["Both", "GBA only"]


def test_company_filter_shows_one_company(client, job_a, job_b, company_a):
    response = client.get(URL, {"company": company_a.slug})

    assert titles(response) == ["Machine Learning Engineer"]


def test_sort_by_deadline_puts_the_soonest_first_and_none_last(client, edition, company_a):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    JobFactory(edition=edition, company=company_a, title="Later", deadline=now + timedelta(days=9))
    JobFactory(edition=edition, company=company_a, title="Never", deadline=None)
    JobFactory(edition=edition, company=company_a, title="Soon", deadline=now + timedelta(days=1))

    assert titles(client.get(URL, {"sort": "deadline"})) == ["Soon", "Later", "Never"]


def test_htmx_request_gets_only_the_results_fragment(client, job_a):
    response = client.get(URL, {"q": "machine"}, headers={"HX-Request": "true"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert "Machine Learning Engineer" in page
    names = [t.name for t in response.templates]
    assert "jobs/_results.html" in names and "jobs/search.html" not in names


def test_works_without_javascript_as_a_plain_get_form(client, job_a):
    page = client.get(URL).content.decode()

    assert 'method="get" action="/jobs/"' in page
    assert ">Update results</button>" in page


@pytest.mark.parametrize(
    "text",
    [
        "x" * 10_000,
        "'\"\\ & | ! : * ( ) <-> :* !!",
        "C++ & (python | !java)",
        "nul\x00byte",
        "🚀 engineer 😀",
        "機器學習 工程師",
        "' OR 1=1 --",
        "a:*B & !",
        "the of and",
        "_ __ ___",
    ],
)
def test_unusual_search_text_never_fails(client, job_a, text):
    response = client.get(URL, {"q": text})

    assert response.status_code == 200


def test_long_search_text_is_cut_and_the_page_says_so(client, job_a):
    response = client.get(URL, {"q": "machine " + "x" * 10_000})

    assert response.status_code == 200
    assert "we searched for its first 200 characters" in response.content.decode()


def test_invalid_filter_values_are_ignored(client, job_a):
    response = client.get(URL, {"level": "nonsense", "sector": "nope", "page": "-3", "sort": "x"})

    assert response.status_code == 200
    assert titles(response) == ["Machine Learning Engineer"]


def test_page_beyond_the_last_shows_the_last_page(client, job_a):
    response = client.get(URL, {"page": "9999"})

    assert titles(response) == ["Machine Learning Engineer"]


@pytest.mark.parametrize("q", ["", "engineer"])
def test_query_count_does_not_grow_with_results(
    client, edition, company_a, django_assert_max_num_queries, q, talent
):
    client.force_login(talent)
    JobFactory(edition=edition, company=company_a, title="Engineer 0")
    from django.core.cache import cache

    cache.clear()  # both counts with nothing cached: the most a page ever runs
    with django_assert_max_num_queries(10) as one:
        client.get(URL, {"q": q})
    JobFactory.create_batch(30, edition=edition, company=company_a)
    cache.clear()
    with django_assert_max_num_queries(10) as many:
        client.get(URL, {"q": q})

    assert len(one.captured_queries) == len(many.captured_queries)


def test_result_cards_name_the_level_and_type_in_the_visitors_language(client, edition, company_a):
    JobFactory(edition=edition, company=company_a, level="entry", employment_type="full_time")

    english = client.get(URL, headers={"accept-language": "en"}).content.decode()
    chinese = client.get(URL, headers={"accept-language": "zh-hant"}).content.decode()

    assert '<span class="chip">Entry level</span>' in english
    assert '<span class="chip">Full-time</span>' in english
    assert '<span class="chip">初級</span>' in chinese
    assert '<span class="chip">全職</span>' in chinese
