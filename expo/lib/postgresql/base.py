"""Django's PostgreSQL backend (psycopg 3) with two changes to its connection pool, the one
settings turn on with DATABASES OPTIONS "pool" (expo/settings.py, README "Configuration").

1. A pooled connection that fails its health check on checkout has every idle connection of
   the pool checked at once (psycopg_pool's ConnectionPool.check), so the dead ones are dropped
   together. After PostgreSQL restarts, every idle connection in the pool is dead; Django 5.2
   builds the pool with psycopg_pool's check_connection (CONN_HEALTH_CHECKS) and no way to
   give another check (Django ticket #37075), and psycopg_pool's getconn waits between two
   failed checks with a doubling backoff (0, 1, 2, 4, 8 s...): with five dead idle
   connections the first request after a restart waited 7 s, with six it ran out of the
   pool's timeout and failed (psycopg/psycopg#709 describes that loop). Checking the rest of
   the pool costs one empty query per idle connection, only when a check failed.
2. A request that gets no connection within the pool's timeout fails with an error that says
   so and what to change (DB_POOL_MAX_SIZE, DB_POOL_TIMEOUT), rather than psycopg_pool's bare
   "couldn't get a connection after 10.00 sec".

Without OPTIONS "pool" it is Django's backend unchanged.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.base.base import NO_DB_ALIAS
from django.db.backends.postgresql import base


class CheckAllOnFailure:
    """psycopg_pool's `check` callable: the connection answers an empty query; when it does
    not, the pool's other idle connections are checked before the error goes back to getconn
    (which discards this one and asks again)."""

    def __init__(self):
        self.pool = None

    def __call__(self, conn):
        from psycopg_pool import ConnectionPool

        try:
            ConnectionPool.check_connection(conn)
        except Exception:
            if self.pool is not None:
                self.pool.check()
            raise


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self):
        """Django's pool property (django/db/backends/postgresql/base.py, 5.2), with
        CheckAllOnFailure as the check when CONN_HEALTH_CHECKS is on."""
        options = self.settings_dict["OPTIONS"].get("pool")
        if self.alias == NO_DB_ALIAS or not options:
            return None
        if self.alias not in self._connection_pools:
            if self.settings_dict.get("CONN_MAX_AGE", 0) != 0:
                raise ImproperlyConfigured("Pooling doesn't support persistent connections.")
            from psycopg_pool import ConnectionPool

            connect_kwargs = self.get_connection_params()
            connect_kwargs["autocommit"] = True  # Django sets the real mode on checkout
            check = CheckAllOnFailure() if self.settings_dict["CONN_HEALTH_CHECKS"] else None
            pool = ConnectionPool(
                kwargs=connect_kwargs,
                open=False,  # opened by the first connection, not at import
                configure=self._configure_connection,
                check=check,
                **({} if options is True else options),
            )
            if check is not None:
                check.pool = pool
            # Threads starting at once may each build one; the first stored wins.
            self._connection_pools.setdefault(self.alias, pool)
        return self._connection_pools[self.alias]

    def get_new_connection(self, conn_params):
        from psycopg_pool import PoolTimeout

        try:
            return super().get_new_connection(conn_params)
        except PoolTimeout as error:
            pool = self.pool
            if pool is None:
                raise
            stats = pool.get_stats()
            raise PoolTimeout(
                f"No PostgreSQL connection within {pool.timeout:g} s from the pool "
                f"{pool.name!r}: {stats.get('pool_size', 0)} of at most {pool.max_size} open, "
                f"{stats.get('pool_available', 0)} free, {stats.get('requests_waiting', 0)} "
                "requests waiting. Either every connection was busy (raise DB_POOL_MAX_SIZE, "
                "within PostgreSQL's max_connections over all processes) or PostgreSQL did not "
                f"accept new connections ({error})."
            ) from error
