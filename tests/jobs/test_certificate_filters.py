"""Training leads to hiring: employers narrow talent and applicants to certificate holders."""

import pytest
from django.urls import reverse

from tests.factories import (
    ApplicationFactory,
    CertificateFactory,
    JobFactory,
    TalentProfileFactory,
    TrackFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracks(edition):
    return (
        TrackFactory(edition=edition, name="Deep Tech Training"),
        TrackFactory(edition=edition, name="Upskilling Series (Fintech)"),
    )


@pytest.fixture
def three_talents(edition, tracks):
    """Ada holds a Deep Tech certificate, Bo a Fintech one, Cy none; all may be found."""
    deep_tech, fintech = tracks
    people = {}
    for name, track in (("Ada", deep_tech), ("Bo", fintech), ("Cy", None)):
        profile = TalentProfileFactory(user__full_name=name, is_discoverable=True)
        if track:
            CertificateFactory(user=profile.user, session__edition=edition, session__track=track)
        people[name] = profile.user
    return people


def names_in(response):
    html = response.content.decode()
    return {name for name in ("Ada", "Bo", "Cy") if f">{name}<" in html or f"{name}</" in html}


def test_talent_search_keeps_certificate_holders(client, recruiter, three_talents, tracks):
    client.force_login(recruiter)
    url = reverse("jobs:talent_search")

    assert names_in(client.get(url)) == {"Ada", "Bo", "Cy"}
    assert names_in(client.get(url, {"has_certificate": "on"})) == {"Ada", "Bo"}
    assert names_in(client.get(url, {"certificate_track": tracks[1].pk})) == {"Bo"}


def test_the_pipeline_keeps_applicants_with_a_certificate_in_a_track(
    client, recruiter, booth_a, edition, three_talents, tracks
):
    job = JobFactory(edition=edition, company=booth_a.company)
    for user in three_talents.values():
        ApplicationFactory(job=job, talent=user)
    client.force_login(recruiter)

    response = client.get(reverse("jobs:pipeline"), {"certificate_track": tracks[0].pk})

    assert names_in(response) == {"Ada"}


def test_an_unknown_track_is_a_field_error_not_a_500(client, recruiter, three_talents):
    client.force_login(recruiter)

    response = client.get(reverse("jobs:talent_search"), {"certificate_track": "999999"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
