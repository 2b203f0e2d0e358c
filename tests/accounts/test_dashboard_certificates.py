"""A talent's certificates of completion are listed on their dashboard, and only theirs."""

import pytest
from django.urls import reverse

from tests.factories import CertificateFactory, TrackFactory

pytestmark = pytest.mark.django_db


def test_the_dashboard_lists_my_certificates_with_their_verification_links(client, talent, edition):
    track = TrackFactory(edition=edition, name="Deep Tech Training")
    mine = CertificateFactory(
        user=talent,
        session__edition=edition,
        session__track=track,
        session__title="Edge AI bootcamp",
    )
    CertificateFactory(session__edition=edition, session__title="Someone else's workshop")
    client.force_login(talent)

    html = client.get(reverse("accounts:dashboard")).content.decode()

    assert "Edge AI bootcamp" in html
    assert "Deep Tech Training" in html
    assert reverse("expo:certificate", args=[mine.code]) in html
    assert "Someone else&#x27;s workshop" not in html and "Someone else's workshop" not in html


def test_without_certificates_the_dashboard_says_how_to_earn_one(client, talent, edition):
    client.force_login(talent)

    html = client.get(reverse("accounts:dashboard")).content.decode()

    assert "your certificate appears here after it ends" in html
