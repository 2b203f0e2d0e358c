"""Job search finds Chinese words inside Chinese text and forgives typos, on PostgreSQL and on
the embedded mode's portable path (issue 15: with SQLite "pyhton", "enginer", "bioinformatcs"
and 嵌入式 found nothing)."""

import pytest

from jobs import search
from tests.factories import JobFactory

pytestmark = pytest.mark.django_db

URL = "/jobs/"


@pytest.fixture(params=["postgresql", "portable"])
def backend(request, monkeypatch, on_postgres):
    """Each test runs on PostgreSQL's full-text path and on the portable path `make run` uses
    on SQLite (plain ORM: the same queries run here on PostgreSQL)."""
    if request.param == "portable":
        monkeypatch.setattr(search, "use_postgres", lambda: False)
    return request.param


@pytest.fixture
def jobs(edition, company_a, company_b):
    return [
        JobFactory(
            edition=edition,
            company=company_a,
            title="資深嵌入式軟件工程師 Senior Embedded Software Engineer",
            skills="C語言, RTOS",
            description="負責開發物聯網感測器的韌體。",
        ),
        JobFactory(
            edition=edition,
            company=company_a,
            title="Python Developer",
            skills="Python, Django",
            description="数据平台后端开发，支持嵌入式设备的数据采集。",
        ),
        JobFactory(
            edition=edition,
            company=company_b,
            title="Bioinformatics Scientist",
            skills="R, genomics",
            description="Analyse single-cell sequencing data.",
        ),
        JobFactory(
            edition=edition,
            company=company_b,
            title="Mechanical Engineer",
            skills="CAD",
            description="Design robot arms.",
        ),
    ]


def found(client, text):
    response = client.get(URL, {"q": text})
    return response, sorted(job.title.split()[-1] for job in response.context["result"].jobs)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("嵌入式", ["Developer", "Engineer"]),  # Traditional title and Simplified description
        ("韌體", ["Engineer"]),
        ("感測器", ["Engineer"]),
        ("數據平台", []),  # Traditional characters do not match the Simplified text
        ("数据平台", ["Developer"]),
        ("C語言", ["Engineer"]),
        ("嵌入式 Python", ["Developer"]),
    ],
)
def test_a_chinese_word_finds_the_jobs_whose_chinese_text_holds_it(
    client, backend, jobs, text, expected
):
    response, titles = found(client, text)

    assert titles == expected
    assert response.context["result"].fuzzy is False


@pytest.mark.parametrize(
    ("typed", "meant", "expected"),
    [
        ("pyhton", "python", ["Developer"]),
        ("bioinformatcs", "bioinformatics", ["Scientist"]),
        ("mechanicl enginer", "mechanical engineer", ["Engineer"]),
    ],
)
def test_a_typo_is_corrected_and_the_page_says_so(client, backend, jobs, typed, meant, expected):
    response, titles = found(client, typed)

    assert titles == expected
    assert response.context["result"].fuzzy is True
    assert f"Showing results for “{meant}”" in response.content.decode()


def test_a_word_nothing_resembles_finds_nothing_and_corrects_nothing(client, backend, jobs):
    response, titles = found(client, "xylophonist")

    assert titles == []
    assert response.context["result"].fuzzy is False
