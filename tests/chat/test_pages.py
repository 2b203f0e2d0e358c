"""Console, conversation, my conversations and the booth's live page: who may open them, what
they show, and a query count that does not grow with the data."""

import uuid

import pytest
from django.urls import reverse

from chat.actions.conversations import do_close, do_post_conversation_message, do_save_note
from chat.actions.lobby import do_post_lobby_message
from chat.actions.queue import do_join_queue, do_take
from chat.models import Conversation, TalentNote
from tests.factories import JobFactory, TalentProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def converse(booth, talent, recruiter, messages=1):
    do_join_queue(talent, booth.pk)
    conversation = do_take(recruiter, booth.pk)
    for n in range(messages):
        do_post_conversation_message(talent, conversation.pk, f"hi {n}", uuid.uuid4())
    return conversation


def test_the_console_is_for_the_booths_staff_only(client, booth_a, talent, outsider_recruiter):
    for user in (talent, outsider_recruiter):
        client.force_login(user)
        assert client.get(reverse("chat:console")).status_code in (403, 404)
    client.logout()
    assert client.get(reverse("chat:console")).status_code == 302


@pytest.mark.parametrize("waiting", [1, 8])
def test_the_console_shows_queue_conversations_and_lobby_in_bounded_queries(
    client, booth_a, recruiter, waiting, django_assert_max_num_queries
):
    for _ in range(waiting):
        converse(booth_a, UserFactory(), recruiter)
        do_post_lobby_message(recruiter, booth_a.pk, "Welcome", uuid.uuid4())
    for _ in range(waiting):
        do_join_queue(TalentProfileFactory().user, booth_a.pk)
    client.force_login(recruiter)

    with django_assert_max_num_queries(22):
        response = client.get(reverse("chat:console"))

    assert response.status_code == 200
    assert response.content.decode().count('data-chat-take="') == waiting
    assert response.content.decode().count("data-unread") == waiting


@pytest.mark.parametrize("messages", [1, 20])
def test_a_conversation_page_shows_messages_profile_and_notes_in_bounded_queries(
    client, booth_a, talent, recruiter, messages, django_assert_max_num_queries
):
    TalentProfileFactory(user=talent, headline="Data scientist")
    conversation = converse(booth_a, talent, recruiter, messages)
    client.force_login(recruiter)

    with django_assert_max_num_queries(20):
        response = client.get(reverse("chat:conversation", args=[conversation.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="chat-msg') == messages
    assert "Data scientist" in page
    assert "Private notes" in page


def test_only_the_two_sides_and_organisers_open_a_conversation_page(
    client, booth_a, talent, recruiter, company_admin, outsider_recruiter, organiser
):
    conversation = converse(booth_a, talent, recruiter)
    url = reverse("chat:conversation", args=[conversation.pk])
    expected = {
        talent: 200,
        recruiter: 200,
        organiser: 200,
        company_admin: 404,
        outsider_recruiter: 404,
    }
    seen = {}
    for user in expected:
        client.force_login(user)
        seen[user] = client.get(url).status_code

    assert seen == expected


def test_the_talent_never_sees_the_private_notes(client, booth_a, talent, recruiter):
    conversation = converse(booth_a, talent, recruiter)
    do_save_note(recruiter, talent.pk, "Strong candidate, call back", 5)
    client.force_login(talent)

    page = client.get(reverse("chat:conversation", args=[conversation.pk])).content.decode()

    assert "Strong candidate" not in page
    assert "Private notes" not in page


def test_a_recruiter_closes_with_an_outcome_the_talent_then_sees(
    client, booth_a, talent, recruiter
):
    conversation = converse(booth_a, talent, recruiter)
    client.force_login(recruiter)

    response = client.post(
        reverse("chat:close", args=[conversation.pk]),
        {"outcome": "contact", "note": "We will call on Monday"},
    )
    client.force_login(talent)
    page = client.get(reverse("chat:conversation", args=[conversation.pk])).content.decode()

    assert response.status_code == 302
    assert "We will contact you" in page
    assert "We will call on Monday" in page


def test_a_bad_outcome_is_a_clear_error_not_a_500(client, booth_a, talent, recruiter):
    conversation = converse(booth_a, talent, recruiter)
    client.force_login(recruiter)

    response = client.post(
        reverse("chat:close", args=[conversation.pk]), {"outcome": "explode"}, follow=True
    )

    assert response.status_code == 200
    assert "Please correct the form" in response.content.decode()
    assert Conversation.objects.get().status == "open"


def test_a_talent_cannot_close_or_hand_over(client, booth_a, talent, recruiter, company_admin):
    conversation = converse(booth_a, talent, recruiter)
    client.force_login(talent)

    client.post(reverse("chat:close", args=[conversation.pk]), {"outcome": "contact"})
    client.post(reverse("chat:handover", args=[conversation.pk]), {"to": company_admin.pk})

    conversation.refresh_from_db()
    assert (conversation.status, conversation.recruiter_id) == ("open", recruiter.pk)


def test_notes_and_rating_are_kept_per_company(client, booth_a, talent, recruiter):
    conversation = converse(booth_a, talent, recruiter)
    client.force_login(recruiter)

    client.post(reverse("chat:note", args=[conversation.pk]), {"notes": "Good", "rating": "4"})

    note = TalentNote.objects.get()
    assert (note.company_id, note.notes, note.rating) == (booth_a.company_id, "Good", 4)


def test_my_conversations_lists_outcomes_and_queues(client, booth_a, booth_b, talent, recruiter):
    conversation = converse(booth_a, talent, recruiter)
    do_close(recruiter, conversation.pk, "apply")
    do_join_queue(talent, booth_b.pk)
    client.force_login(talent)

    page = client.get(reverse("chat:my_conversations")).content.decode()

    assert "Next step: apply to a job" in page
    assert "Company B" in page


def test_the_booth_live_page_escapes_lobby_messages(client, booth_a, talent):
    do_post_lobby_message(talent, booth_a.pk, "<script>alert(1)</script>", uuid.uuid4())

    page = client.get(reverse("chat:booth_chat", args=[booth_a.pk])).content.decode()

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert 'aria-live="polite"' in page


def test_booth_summaries_for_the_hall_in_bounded_queries(
    client, booth_a, booth_b, talent, django_assert_max_num_queries
):
    do_join_queue(talent, booth_a.pk)

    with django_assert_max_num_queries(4):
        data = client.get(
            reverse("chat:booth_summaries"), {"booth": [booth_a.pk, booth_b.pk]}
        ).json()

    assert data == {
        str(booth_a.pk): {"waiting": 1, "staff_online": 0},
        str(booth_b.pk): {"waiting": 0, "staff_online": 0},
    }
    assert client.get(reverse("chat:booth_summaries"), {"booth": "x"}).status_code == 400


def test_a_talents_chat_is_part_of_their_personal_data_export(booth_a, talent, recruiter):
    from accounts.personal_data import export_personal_data

    converse(booth_a, talent, recruiter)

    data = export_personal_data(talent)["chat"]

    assert [m["text"] for m in data["messages"]] == ["hi 0"]
    assert [c["company"] for c in data["conversations"]] == ["Company A"]


def test_an_organiser_bans_a_user_in_admin(client, organiser, talent):
    from chat.models import Ban

    client.force_login(organiser)
    response = client.post(reverse("admin:chat_ban_add"), {"user": talent.pk, "reason": "spam"})

    assert response.status_code == 302
    assert Ban.objects.get().banned_by == organiser


@pytest.mark.parametrize("messages", [1, 20])
def test_a_console_tab_loads_one_conversation_with_the_profile_beside_it(
    client, booth_a, talent, recruiter, messages, django_assert_max_num_queries
):
    TalentProfileFactory(user=talent, headline="Data scientist")
    conversation = converse(booth_a, talent, recruiter, messages)
    client.force_login(recruiter)

    with django_assert_max_num_queries(18):
        response = client.get(reverse("chat:panel", args=[conversation.pk]))

    page = response.content.decode()
    assert "<html" not in page
    assert page.count('class="chat-msg') == messages
    assert "Data scientist" in page
    assert f'id="id_c{conversation.pk}_notes"' in page
    assert f'name="next" value="/console/chat/?open={conversation.pk}"' in page


def test_only_the_two_sides_and_organisers_load_a_console_tab(
    client, booth_a, talent, recruiter, outsider_recruiter, company_admin
):
    conversation = converse(booth_a, talent, recruiter)
    for user in (outsider_recruiter, company_admin):
        client.force_login(user)
        assert client.get(reverse("chat:panel", args=[conversation.pk])).status_code == 404


def test_a_form_in_a_console_tab_comes_back_to_that_tab_and_never_leaves_the_site(
    client, booth_a, talent, recruiter
):
    conversation = converse(booth_a, talent, recruiter)
    client.force_login(recruiter)
    url = reverse("chat:note", args=[conversation.pk])

    back = client.post(url, {"notes": "Good", "next": f"/console/chat/?open={conversation.pk}"})
    away = client.post(url, {"notes": "Good", "next": "https://evil.example.com/"})

    assert back.url == f"/console/chat/?open={conversation.pk}"
    assert away.url == reverse("chat:conversation", args=[conversation.pk])


def test_the_console_opens_the_tab_asked_for(client, booth_a, recruiter):
    first = converse(booth_a, UserFactory(full_name="Ann Archer"), recruiter)
    second = converse(booth_a, UserFactory(full_name="Ben Baker"), recruiter)
    client.force_login(recruiter)

    page = client.get(reverse("chat:console"), {"open": first.pk}).content.decode()

    assert f'id="tabpanel-{first.pk}"' in page
    tab_first = page[page.index(f'id="tab-{first.pk}"') :][:300]
    tab_second = page[page.index(f'id="tab-{second.pk}"') :][:300]
    assert 'aria-selected="true"' in tab_first
    assert 'aria-selected="false"' in tab_second


def test_the_outcome_job_stays_a_link_after_a_reload(client, booth_a, talent, recruiter):
    job = JobFactory(edition=booth_a.edition, company=booth_a.company, title="Data Engineer")
    conversation = converse(booth_a, talent, recruiter)
    do_close(recruiter, conversation.pk, "apply", "", job)
    client.force_login(talent)

    page = client.get(reverse("chat:conversation", args=[conversation.pk])).content.decode()

    assert f'<a href="/jobs/{job.pk}/">Data Engineer</a>' in page
