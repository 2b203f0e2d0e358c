"""Hall cards show each booth's live state: recruiters online and talent waiting, with the hook
that chat.js refreshes every few seconds."""

import pytest
from django.urls import reverse

from booths import presence
from chat.actions.queue import do_join_queue

pytestmark = pytest.mark.django_db


def test_a_card_shows_recruiters_online_and_the_queue_length(
    client, booth_a, booth_b, recruiter, talent
):
    presence.staff_heartbeat(booth_a.pk, recruiter.pk)
    do_join_queue(talent, booth_a.pk)

    html = client.get(reverse("booths:hall")).content.decode()

    card_a = html[html.index(f'data-chat-booth-summary="{booth_a.pk}"') :]
    card_a = card_a[: card_a.index("</article>")]
    assert "1 recruiter online" in card_a
    assert "1 waiting" in card_a
    card_b = html[html.index(f'data-chat-booth-summary="{booth_b.pk}"') :]
    assert "0 recruiters online" in card_b[: card_b.index("</article>")]
    assert 'id="chat-strings"' in html


def test_the_summaries_endpoint_feeds_the_cards(client, booth_a, recruiter, talent):
    presence.staff_heartbeat(booth_a.pk, recruiter.pk)
    do_join_queue(talent, booth_a.pk)

    data = client.get(reverse("chat:booth_summaries"), {"booth": booth_a.pk}).json()

    assert data == {str(booth_a.pk): {"waiting": 1, "staff_online": 1}}
