"""Probes behind /healthz: each returns (ok, detail) and never raises."""

import uuid

from asgiref.sync import async_to_sync
from django.core.cache import caches
from django.db import connection


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def check_cache():
    cache = caches["default"]
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("value written was not read back")
    cache.delete(key)
    return cache.__class__.__name__


def check_channel_layer():
    from channels.layers import get_channel_layer

    layer = get_channel_layer()

    async def roundtrip():
        import asyncio

        channel = await layer.new_channel()
        await layer.send(channel, {"type": "healthz.ping"})
        message = await asyncio.wait_for(layer.receive(channel), timeout=3)
        if message.get("type") != "healthz.ping":
            raise RuntimeError("unexpected message")

    async_to_sync(roundtrip)()
    return layer.__class__.__name__


def check_broker():
    from expo.celery import app

    if app.conf.broker_url.startswith("memory://"):
        return "none (tasks run eagerly in-process)"
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=3)
        return conn.transport_cls  # "redis": /healthz is public, addresses stay private


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "channel_layer": check_channel_layer,
    "broker": check_broker,
}


def run_checks():
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = {"ok": True, "detail": str(check())}
        except Exception as error:  # noqa: BLE001 - a probe reports every failure
            results[name] = {"ok": False, "detail": f"{error.__class__.__name__}: {error}"}
    return results
