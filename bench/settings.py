"""Benchmark settings: the production settings (DEBUG off, no query log) with only what a
benchmark needs changed. The database and Redis come from DATABASE_URL and REDIS_URL."""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from expo.settings import *  # noqa: E402,F403
from expo.settings import STORAGES  # noqa: E402

# No collectstatic in a benchmark: plain static storage instead of the hashed manifest.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# WhiteNoise warns when STATIC_ROOT was never collected; the benchmarks do not serve static files.
import warnings  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")
