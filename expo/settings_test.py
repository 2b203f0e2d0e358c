"""Test settings: the real stack (PostgreSQL, Redis) that tests/harness.py starts, plus
test-only choices kept out of production."""

import os

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("EMAIL_URL", "memorymail://")
# No connection pool in the suite (DB_POOL=1 turns it on): pytest-django keeps the main
# thread's connection checked out for the whole run (each test in a transaction on it), so a
# pool would only hold what the tests' other threads (live_server's request threads, threads
# racing a test's writes) connect and forget to return, until it ran dry. The pooled production
# configuration is tested in tests/test_connection_pool.py: a uvicorn process with the
# production settings against a PostgreSQL server of its own that the test restarts.
os.environ.setdefault("DB_POOL", "0")

from .settings import *  # noqa: E402,F403
from .settings import DATABASES, REDIS_URL  # noqa: E402

if not os.environ.get("EXPO_TEST_ALLOW_EMBEDDED") and (
    not DATABASES["default"]["ENGINE"].endswith("postgresql") or not REDIS_URL
):
    raise RuntimeError(
        "Tests run against real PostgreSQL and Redis: use `make test` (or "
        "`python -m tests.harness pytest ...`), which starts throwaway servers and sets "
        "DATABASE_URL and REDIS_URL."
    )

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Celery runs eagerly in tests so each test sees its task's effect; the email task still runs
# only after the test's transaction commits (on_commit), as in production.
CELERY_TASK_ALWAYS_EAGER = True
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (whitenoise warns when missing)
