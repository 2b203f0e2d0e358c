"""Probes behind /healthz: each returns a detail and raises when its part is down.

No probe leaves anything behind: the channel layer is checked by a PING to each of its Redis
servers (a short-lived client, closed after), not by a round trip through a new channel (with
the pub/sub layer every such channel is a Redis subscription that nobody releases). The real
pub/sub path is checked per server process by the chat fan-out hub, which probes it through its
own channel every second; the chat app registers that report here (register_check) so that this
module imports nothing above it. /healthz therefore describes the process that answered it.
"""

import uuid

from django.core.cache import caches
from django.db import connection

PING_TIMEOUT_SECONDS = 3


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


def _redis_addresses(config):
    for host in config.get("hosts") or []:
        if isinstance(host, str):
            yield host
        elif isinstance(host, dict) and "address" in host:
            yield host["address"]
        elif isinstance(host, (list, tuple)):
            yield f"redis://{host[0]}:{host[1]}/0"


def check_channel_layer():
    """PING every Redis server of the layer; the in-memory layer has nothing to reach."""
    import redis
    from django.conf import settings

    layer = settings.CHANNEL_LAYERS["default"]
    name = layer["BACKEND"].rsplit(".", 1)[-1]
    for address in _redis_addresses(layer.get("CONFIG") or {}):
        client = redis.Redis.from_url(
            address,
            socket_timeout=PING_TIMEOUT_SECONDS,
            socket_connect_timeout=PING_TIMEOUT_SECONDS,
            single_connection_client=True,
        )
        try:
            client.ping()
        finally:
            client.close()
    return name


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


# Probes that upper layers add in AppConfig.ready(). An advisory one (chat's media servers) is
# reported like the others, but its failure does not turn /healthz into a 503: the site works
# without it (the live room keeps its slides and Q&A when the media server is down), so a load
# balancer must not take web servers out for it.
ADVISORY = {}


def register_check(name, check, advisory=False):
    """Add a probe from an app above this layer (in its AppConfig.ready())."""
    (ADVISORY if advisory else CHECKS)[name] = check


def run_checks():
    results = {}
    for name, check in [*CHECKS.items(), *ADVISORY.items()]:
        try:
            results[name] = {"ok": True, "detail": str(check())}
        except Exception as error:  # noqa: BLE001 - a probe reports every failure
            results[name] = {"ok": False, "detail": f"{error.__class__.__name__}: {error}"}
        if name in ADVISORY:
            results[name]["advisory"] = True
    return results
