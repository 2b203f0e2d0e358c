"""The Redis cache backend (expo.lib.cache) keeps one redis-py client per connection pool
instead of building one for every cache call, and still behaves as Django's."""

import threading

from django.core.cache import cache

from expo.lib.cache import RedisCache


def test_every_cache_call_shares_one_client_of_the_pool():
    from django.core.cache import caches

    backend = caches["default"]

    assert isinstance(backend, RedisCache)
    assert backend._cache.get_client("a") is backend._cache.get_client("b", write=True)


def test_the_shared_client_serves_threads_at_once():
    cache.delete_many([f"shared:{i}" for i in range(8)])

    def work(i):
        for n in range(50):
            cache.set(f"shared:{i}", n)
            assert cache.get(f"shared:{i}") == n
        assert cache.add(f"shared:{i}", -1) is False

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert cache.get_many([f"shared:{i}" for i in range(8)]) == {
        f"shared:{i}": 49 for i in range(8)
    }


def test_add_many_adds_only_the_missing_keys_in_one_round_trip():
    cache.delete_many(["am:new", "am:old", "am:brief"])
    cache.set("am:old", "kept")

    added = cache.add_many({"am:new": 1, "am:old": 2}, None)
    brief = cache.add_many({"am:brief": 3}, 60)

    assert added == ["am:new"] and brief == ["am:brief"]
    assert cache.get_many(["am:new", "am:old"]) == {"am:new": 1, "am:old": "kept"}
    client = cache._cache.get_client()
    assert client.ttl(cache.make_and_validate_key("am:new")) == -1  # no expiry, as add(None)
    assert 0 < client.ttl(cache.make_and_validate_key("am:brief")) <= 60
    assert cache.add_many({"am:gone": 1}, 0) == ["am:gone"] and cache.get("am:gone") is None


def test_fragment_versions_come_back_after_a_flush_the_same_for_everyone():
    from expo.lib import fragments

    cache.clear()
    first = fragments.versions()

    assert first == fragments.versions()
    assert set(first) == set(fragments.NAMESPACES) and all(first.values())


def test_fragment_versions_work_on_a_cache_without_add_many(settings):
    from expo.lib import fragments

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert not hasattr(cache, "add_many")

    first = fragments.versions()

    assert first == fragments.versions() and all(first.values())
