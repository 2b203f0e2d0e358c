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
