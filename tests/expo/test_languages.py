"""The language switcher remembers the choice (profile for signed-in users, cookie otherwise),
emails go out in the recipient's language and dates read naturally in each language (issue 8)."""

import datetime as dt
import zoneinfo

import pytest
from django.conf import settings
from django.core import mail
from django.template import Context, Template
from django.utils import translation

from booths import services as booth_services
from jobs import services as job_services
from tests.factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SETLANG = "/i18n/setlang/"
HOME = "/"


def test_an_anonymous_visitor_keeps_the_choice_in_a_cookie(client):
    response = client.post(SETLANG, {"language": "zh-hant", "next": HOME})

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hant"
    page = client.get(HOME).content.decode()
    assert '<html lang="zh-hant"' in page
    assert "登入" in page  # "Sign in" in the header


def test_a_signed_in_user_s_choice_is_saved_and_follows_them_to_another_device(client, talent):
    client.force_login(talent)

    client.post(SETLANG, {"language": "zh-hans", "next": HOME})

    talent.refresh_from_db()
    assert talent.language == "zh-hans"
    # Another browser: no language cookie, an English Accept-Language; the profile wins.
    other = type(client)()
    other.force_login(talent)
    page = other.get(HOME, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="zh-hans"' in page
    assert "退出登录" in page  # "Sign out"


def test_the_cookie_of_this_browser_wins_over_the_profile(client, talent):
    talent.language = "zh-hant"
    talent.save(update_fields=["language"])
    client.force_login(talent)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(HOME).content.decode()

    assert '<html lang="en"' in page


def test_an_unknown_language_changes_nothing(client, talent):
    client.force_login(talent)

    client.post(SETLANG, {"language": "xx", "next": HOME})

    talent.refresh_from_db()
    assert talent.language == "en"


def test_a_status_email_reaches_a_zh_hant_talent_in_traditional_chinese(recruiter):
    talent = UserFactory(language="zh-hant")
    application = ApplicationFactory(talent=talent, job__title="Data Engineer")

    with translation.override("en"):  # the recruiter works in English
        job_services.change_status(application, "shortlisted", by=recruiter)

    [message] = mail.outbox
    assert message.to == [talent.email]
    assert message.subject == "Data Engineer：你的申請現為「已入圍」"
    assert "已將你申請「Data Engineer」的狀態更新為：已入圍" in message.body
    assert "Shortlisted" not in message.body + message.alternatives[0][0]


def test_an_invitation_to_an_existing_account_is_in_that_account_s_language(company_admin):
    invitee = UserFactory(email="wong@example.org", language="zh-hans")

    with translation.override("en"):
        booth_services.invite_member(
            company_admin.memberships.get().company, invitee.email, "recruiter", by=company_admin
        )

    [message] = mail.outbox
    assert message.subject == "在招聘博览会加入 Company A"


def test_an_invitation_to_a_new_address_is_in_the_inviter_s_language(company_admin):
    company_admin.language = "zh-hant"
    company_admin.save(update_fields=["language"])

    booth_services.invite_member(
        company_admin.memberships.get().company, "new@example.org", "recruiter", by=company_admin
    )

    assert mail.outbox[0].subject == "在招聘博覽會加入 Company A"


# --- Dates and times ---------------------------------------------------------------------------
WHEN = dt.datetime(2026, 3, 4, 6, 5, tzinfo=dt.UTC)  # 14:05 in Hong Kong, a Wednesday


def render(source, language, **context):
    with translation.override(language):
        return Template("{% load expo_tags %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ">4 Mar 2026, 14:05 HKT</time>"),
        ("zh-hant", ">2026年3月4日 14:05 香港時間</time>"),
        ("zh-hans", ">2026年3月4日 14:05 香港时间</time>"),
    ],
)
def test_expo_time_reads_naturally_in_each_language(language, expected):
    assert expected in render('{% expo_time when "j M Y, H:i" %}', language, when=WHEN)


def test_expo_time_shows_the_visitor_s_own_time_in_their_language():
    html = render(
        '{% expo_time when "D j M, H:i" %}',
        "zh-hant",
        when=WHEN,
        visitor_tz=zoneinfo.ZoneInfo("Europe/London"),
    )

    assert "3月4日（星期三）14:05 香港時間</time>" in html
    assert "(3月4日（星期三）06:05 你的時間)" in html


def test_named_formats_follow_the_language():
    assert ">2026年3月4日 14:05 香港時間<" in render("{% expo_time when %}", "zh-hant", when=WHEN)


def test_the_expo_date_filter_used_by_emails_follows_the_language():
    source = '{{ when|expo_date:"l j F Y, H:i" }}'

    assert render(source, "en", when=WHEN) == "Wednesday 4 March 2026, 14:05"
    assert render(source, "zh-hans", when=WHEN) == "2026年3月4日（星期三）14:05"


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
def test_numbers_keep_their_thousands_separators_in_every_language(language):
    with translation.override(language):
        rendered = Template("{% load humanize %}{{ n|intcomma }}").render(Context({"n": 3261}))

    assert rendered == "3,261"


def test_a_salary_reads_with_separators_in_chinese(client, edition):
    from tests.factories import JobFactory

    job = JobFactory(edition=edition, salary_min=18000, salary_max=22000)

    page = client.get(job.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()

    assert "港元 18,000 – 22,000" in page


def test_the_default_time_is_24_hour_in_every_language():
    assert ">4 Mar 2026, 14:05 HKT</time>" in render("{% expo_time when %}", "en", when=WHEN)
    assert "p.m." not in render("{% expo_time when %}", "en", when=WHEN)


def test_emails_give_hong_kong_time_and_the_recipient_s_own(edition):
    from expo.schedule import services as schedule_services
    from tests.factories import SessionFactory

    user = UserFactory(time_zone="Europe/London", language="en")
    session = SessionFactory(edition=edition, starts_at=WHEN, ends_at=WHEN + dt.timedelta(hours=1))

    with translation.override("en"):
        schedule_services.send_schedule_email("registered", user, {"session": session})

    body = mail.outbox[-1].body
    assert (
        "When: Wednesday 4 March 2026, 14:05 HKT (Wednesday 4 March 2026, 06:05 your time)" in body
    )


def test_no_template_formats_a_time_its_own_way():
    """Every date and time goes through expo_time / expo_moment / expo_date (expo.lib.formatting):
    Django's |date and |time and bare datetimes ({{ x.created_at }}) each pick their own
    format ("Jan. 7, 2027, 8:42 p.m." beside "7 Jan 2027")."""
    import re
    from pathlib import Path

    allowed = {
        'd|date:"Y-m-d"',  # a value in a link, not text
        'd|date:"D"',  # a weekday name
        'data.computed_at|time:"H:i:s"',  # the admin dashboard's refresh time, 24-hour
        "{{ m.sent_at }}",  # an ISO time in <time datetime>, written out by Expo.fillTime
    }
    pattern = re.compile(
        r"[\w.]+\|(?:date|time)\b(?::\"[^\"]*\")?"
        r"|\{\{ ?[\w.]+_at ?\}\}|\{\{ ?[\w.]+\.deadline ?\}\}"
    )
    found = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.*"):
        for match in pattern.findall(path.read_text(encoding="utf-8")):
            if match not in allowed:
                found.append(f"{path.name}: {match}")
    assert found == []


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "1,234 booths"), ("zh-hant", "1,234 個展位")]
)
def test_a_count_inside_a_sentence_keeps_its_separator(rf, language, expected):
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string

    page = Paginator(range(1234), 24).get_page(1)
    with translation.override(language):
        html = render_to_string(
            "booths/_hall_results.html", {"page": page, "booths": []}, request=rf.get("/")
        )

    assert expected in " ".join(html.split())
