"""Every model is in the organiser's admin, and its list, search and add pages work."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.factories import (
    ApplicationFactory,
    BoothFactory,
    RegistrationFactory,
    SessionFactory,
    TalentProfileFactory,
    TrackFactory,
)

pytestmark = pytest.mark.django_db

OUR_APPS = ["expo", "accounts", "booths", "jobs", "chat"]
OUR_MODELS = [m for label in OUR_APPS for m in apps.get_app_config(label).get_models()]


@pytest.fixture
def some_of_everything(edition, recruiter):
    booth = BoothFactory(edition=edition)
    SessionFactory(edition=edition, host_booth=booth, track=TrackFactory(edition=edition))
    RegistrationFactory(session__edition=edition)
    ApplicationFactory(job__edition=edition)
    TalentProfileFactory()


def test_every_model_is_registered_in_admin():
    assert [m for m in OUR_MODELS if m not in admin.site._registry] == []


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m._meta.label)
def test_organiser_lists_searches_and_adds(client, organiser, some_of_everything, model):
    client.force_login(organiser)
    info = (model._meta.app_label, model._meta.model_name)

    model_admin = admin.site._registry[model]
    changelist = client.get(reverse("admin:{}_{}_changelist".format(*info)))
    searched = client.get(reverse("admin:{}_{}_changelist".format(*info)), {"q": "a"})
    add = client.get(reverse("admin:{}_{}_add".format(*info)))

    addable = model_admin.has_add_permission(add.wsgi_request)
    assert (changelist.status_code, searched.status_code) == (200, 200)
    assert add.status_code == (200 if addable else 403)
    assert changelist.context["cl"].result_count == model.objects.count()
