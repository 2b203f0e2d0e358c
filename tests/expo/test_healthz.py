"""/healthz tells a load balancer and an operator whether each part of the stack answers."""

import pytest
from channels.testing import HttpCommunicator

from expo.asgi import application
from expo.celery import app as celery_app

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"


def test_healthz_reports_every_part_of_the_real_stack(client, settings):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True, "detail": "postgresql"}
    assert body["checks"]["cache"] == {"ok": True, "detail": "RedisCache"}
    assert body["checks"]["channel_layer"] == {"ok": True, "detail": "RedisPubSubChannelLayer"}
    assert body["checks"]["broker"]["ok"] is True
    assert body["checks"]["broker"]["detail"] == "redis"
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_answers_503_and_names_the_part_that_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD_REDIS,
        }
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["cache"]["ok"] is False
    assert "ConnectionError" in body["checks"]["cache"]["detail"]
    assert body["checks"]["database"]["ok"] is True


def test_healthz_reports_a_broker_that_is_down(client, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "broker_url", DEAD_REDIS)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


@pytest.mark.django_db(transaction=True)
async def test_healthz_leaves_no_channel_layer_subscription_behind(settings):
    """Through the ASGI application, whose event loop outlives the request as a server's does
    (each call used to leave a pub/sub channel subscribed for good)."""
    import redis.asyncio

    client = redis.asyncio.Redis.from_url(settings.REDIS_URL)
    before = set(await client.pubsub_channels())

    for _ in range(5):
        communicator = HttpCommunicator(
            application, "GET", "/healthz", headers=[(b"host", b"localhost")]
        )
        response = await communicator.get_response(timeout=10)
        assert response["status"] == 200

    after = set(await client.pubsub_channels())
    await client.aclose()
    assert after - before == set()  # (others may have ended meanwhile: only new ones count)


def test_healthz_only_answers_get(client):
    assert client.post("/healthz").status_code == 405
