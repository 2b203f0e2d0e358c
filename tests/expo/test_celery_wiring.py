"""Celery is wired as the architecture promises: JSON only, late acks, a schedule whose tasks
exist, and the key-figures task fills the cache the home page reads."""

import pytest
from django.conf import settings
from django.core.cache import cache

from expo.celery import app
from expo.organiser.tasks import refresh_key_figures
from tests.factories import BoothFactory, JobFactory


def test_celery_speaks_json_only_and_acks_late():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.broker_url == settings.REDIS_URL


def test_every_scheduled_task_is_registered():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert scheduled
    assert scheduled <= set(app.tasks)


@pytest.mark.django_db
def test_refresh_key_figures_puts_fresh_figures_in_the_cache(edition):
    booth = BoothFactory(edition=edition)
    JobFactory.create_batch(3, edition=edition, company=booth.company)

    refresh_key_figures.delay()

    figures = cache.get(f"key-figures:{edition.pk}")
    assert (figures["companies"], figures["jobs"]) == (1, 3)
