"""Per-user, per-room token bucket for messages: a burst of CHAT_RATE_BURST, then
CHAT_RATE_PER_SECOND sustained. Atomic in Redis (one Lua call shared by every server process);
a process-local bucket when the cache is not Redis (embedded mode, one process)."""

import threading
import time

from django.conf import settings
from django.core.cache import cache

_LUA = """
local key = KEYS[1]
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', key, 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', key, 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', key, math.ceil(burst / rate) + 5)
return allowed
"""

_local = {}
_local_lock = threading.Lock()
_scripts = {}


def _redis_client(key):
    backend = getattr(cache, "_cache", None)
    if backend is None or not hasattr(backend, "get_client"):
        return None
    return backend.get_client(key, write=True)


def allow(user_id: int, room: str, burst: int | None = None, rate: float | None = None) -> bool:
    """Take one token for (user, room); False when the user must slow down. Chat messages use
    CHAT_RATE_BURST/CHAT_RATE_PER_SECOND; other kinds of frames pass their own (and a room
    name of their own, e.g. "queue:<room>", "call:<conversation>")."""
    burst = burst if burst is not None else settings.CHAT_RATE_BURST
    rate = rate if rate is not None else settings.CHAT_RATE_PER_SECOND
    now = time.time()
    key = cache.make_and_validate_key(f"chat:rate:{room}:{user_id}")
    client = _redis_client(key)
    if client is not None:
        script = _scripts.get(id(client))
        if script is None:
            script = _scripts[id(client)] = client.register_script(_LUA)
        return bool(script(keys=[key], args=[burst, rate, now]))
    with _local_lock:
        tokens, at = _local.get(key, (burst, now))
        tokens = min(burst, tokens + max(0.0, now - at) * rate)
        allowed = tokens >= 1
        _local[key] = (tokens - 1 if allowed else tokens, now)
        return allowed
