"""One environment-driven settings module.

With nothing set, the site runs embedded: SQLite under var/, an in-memory channel layer, a
local-memory cache, Celery tasks run eagerly and email goes to the console. Set DATABASE_URL,
REDIS_URL, EMAIL_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG=0 to run the real stack. Every
variable may also be read from a file named by NAME_FILE (container secrets).
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from expo.site import address_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.FileAwareEnv().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.FileAwareEnv()

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off. "
            "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = "django-insecure-embedded-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
# The site's public address, for links in emails, calendars and certificates. Unset, it is the
# address the site is served on: HOST and PORT (as `make run HOST=... PORT=...` passes them),
# and `runserver ADDR:PORT` puts its own address here when it starts.
SITE_URL_IS_SET = bool(env.str("SITE_URL", default=""))
SITE_URL = env.str("SITE_URL", default="") or address_url(
    env.str("HOST", default="127.0.0.1"), env.int("PORT", default=8000)
)
# A TrueType CJK font embedded in certificate PDFs for names and titles in Chinese (Debian:
# fonts-wqy-microhei); without it the PDF names reportlab's CID fonts and the reader supplies them.
CERTIFICATE_FONT = env.str(
    "CERTIFICATE_FONT", default="/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "expo.embedded",  # its runserver wraps daphne's: the first app with a command wins
    "daphne",
    "modeltranslation",  # before the admin: Chinese versions of organiser-managed names
    "expo.organiser.apps.OrganiserAdminConfig",  # django.contrib.admin with the dashboard
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "allauth",
    "allauth.account",
    "django_filters",
    "django_htmx",
    "import_export",
    "post_office",  # the email outbox's rows (expo/lib/outbox.py sends them)
    # The product, bottom layer first (README, "Architecture"; import-linter enforces it).
    "expo",
    "accounts",
    "booths",
    "jobs",
    "expo.schedule",
    "chat",
    "expo.organiser",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "expo.middleware.AdminInlineStylesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "expo.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "expo.middleware.VisitorTimezoneMiddleware",
]

ROOT_URLCONF = "expo.urls"
ASGI_APPLICATION = "expo.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "expo.context_processors.expo",
                "expo.organiser.context_processors.announcements",
            ],
        },
    },
]

# --- Data --------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'expo.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
USING_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
# On PostgreSQL each process keeps a pool of connections (psycopg 3's psycopg_pool through
# Django's OPTIONS "pool"). Django's persistent connections (CONN_MAX_AGE) cannot do that job
# here: uvicorn serves HTTP through ASGI, where Django runs each request in a thread of its own,
# so a persistent connection is never reused and lingers (Django's docs: "When using ASGI,
# persistent connections should be disabled"); with CONN_MAX_AGE=0 and no pool every request
# that touched the database opened a new PostgreSQL backend, which cost PostgreSQL more CPU
# than most pages' queries (README, "Capacity model"). The pool hands each request's thread a
# connection and takes it back when the request ends (Django's close at request_finished and
# after each database_sync_to_async call), so backends live for the process, not the request.
#
# Sizing, per process: a uvicorn process runs database work in one thread per request in
# flight (Django's sync views), in the event loop's default thread pool (min(32, cores + 4)
# threads: database_sync_to_async(thread_sensitive=False) in expo/asgi.py and chat/shared.py)
# and in asgiref's one sync thread (Channels consumers). A request holds its connection for
# the 5-30 ms it runs on one core, so 10 connections keep up with more pages than the core can
# render; beyond that a request waits for a free one up to DB_POOL_TIMEOUT and then fails with
# an error that names these settings (expo/lib/postgresql), never hanging. PostgreSQL's
# max_connections must cover DB_POOL_MAX_SIZE times the web processes, plus workers and beat.
# Celery's prefork workers close the pool after every task (Celery's Django fixup), so a task
# still connects afresh, as it did without a pool.
DB_POOL = USING_POSTGRES and env.bool("DB_POOL", default=True)
if USING_POSTGRES:
    # Django's backend; with a pool, one whose health check drops every dead idle connection
    # at once after a PostgreSQL restart, and whose exhaustion error says what to change.
    DATABASES["default"]["ENGINE"] = "expo.lib.postgresql"
if DB_POOL:
    if env.int("CONN_MAX_AGE", default=0):
        raise ImproperlyConfigured(
            "CONN_MAX_AGE must stay 0 with the connection pool (DB_POOL=1): the pool keeps "
            "the connections. Set DB_POOL=0 to use persistent connections instead."
        )
    _pool = {
        "name": "expo",
        "min_size": env.int("DB_POOL_MIN_SIZE", default=2),
        "max_size": env.int("DB_POOL_MAX_SIZE", default=10),
        "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),
    }
    if not 0 <= _pool["min_size"] <= _pool["max_size"] or _pool["max_size"] < 1:
        raise ImproperlyConfigured(
            "DB_POOL_MIN_SIZE must be between 0 and DB_POOL_MAX_SIZE, which must be at least 1."
        )
    if _pool["timeout"] <= 0:
        raise ImproperlyConfigured("DB_POOL_TIMEOUT must be a positive number of seconds.")
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # Django refuses a pool with persistent ones
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = _pool
else:
    # Without a pool (SQLite, or DB_POOL=0): no persistent connections unless CONN_MAX_AGE
    # says so (under ASGI they are never reused, see above).
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# Check a connection before it is reused: after a PostgreSQL restart every kept connection is
# dead, and without the check each one failed one request before it was replaced (the fault
# suite's fault_rooms_broken_after_recovery). With the pool it is psycopg_pool's check on
# checkout (one empty query), which here also sweeps the rest of the pool when one fails.
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
FORMS_URLFIELD_ASSUME_HTTPS = True  # Django 6's default, opted into now
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "expo.lib.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="expo"),
        }
    }
    # Sessions read from Redis (written through to the database): a signed-in page view costs
    # no session query.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    CHANNEL_LAYERS = {
        "default": {
            # The pub/sub layer fans out per process rather than per socket
            # (see docs/performance.md).
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "max_connections": 500}],
                "prefix": env.str("CHANNEL_PREFIX", default="expo"),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Embedded mode only (one process). Capacity/expiry set deliberately: chat fans out through
    # one hub channel per process (chat/fanout.py), so that channel carries every room's events.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": 5000, "expiry": 60},
        }
    }

# --- Celery ------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task a killed worker left unacknowledged is handed to another worker after this long (the
# Redis transport cannot tell a dead worker from a slow one). Nothing that must happen once
# waits for it: outbox rows and announcement deliveries are found again by the beat sweeps.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=300)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_TIMEZONE = "UTC"
# With tasks run eagerly (no broker), `runserver` runs this schedule in a thread of its own
# (expo/embedded_beat.py) unless EMBEDDED_BEAT=0; otherwise `celery beat` does.
EMBEDDED_BEAT = env.bool("EMBEDDED_BEAT", default=True)
CELERY_BEAT_SCHEDULE = {
    # The outbox sweep: emails whose worker died are due again when their lease ends.
    "send-outbox": {
        "task": "expo.tasks.send_outbox",
        "schedule": env.float("OUTBOX_SWEEP_SECONDS", default=15.0),
    },
    # Announcements whose sending task was lost (a killed worker) carry on from where they were.
    "resume-announcements": {
        "task": "expo.announcements.tasks.resume_announcements",
        "schedule": 30.0,
    },
    "refresh-key-figures": {
        "task": "expo.tasks.refresh_key_figures",
        "schedule": crontab(minute="*"),
    },
    # The schedule: each task scans the database for what is due and claims it (idempotent),
    # so a missed or doubled beat never loses or repeats an email.
    "send-session-reminders": {
        "task": "expo.tasks.send_session_reminders",
        "schedule": crontab(minute="*"),
    },
    "announce-sessions-starting": {
        "task": "expo.tasks.announce_sessions_starting",
        "schedule": crontab(minute="*"),
    },
    # Slide PDFs whose conversion task was lost or whose worker died (expo/schedule/slides.py).
    "convert-waiting-slides": {
        "task": "expo.tasks.convert_waiting_slides",
        "schedule": crontab(minute="*"),
    },
    "issue-certificates": {
        "task": "expo.tasks.issue_certificates",
        "schedule": crontab(minute="*/5"),
    },
    # A talent called from a queue who never opened the conversation is skipped (chat.live).
    "skip-unanswered-calls": {
        "task": "chat.tasks.skip_unanswered_calls",
        "schedule": crontab(minute="*"),
    },
    # Job search facets without text, recounted before their cache entry expires (jobs/search.py).
    "refresh-job-search-facets": {
        "task": "jobs.tasks.refresh_search_facets",
        "schedule": crontab(minute="*"),
    },
    # Calls whose ring timed out or whose sides vanished while no server process was watching
    # (each process ends its own sockets' calls on time; this catches a crashed process's).
    "expire-calls": {
        "task": "chat.calls.tasks.expire_calls",
        "schedule": crontab(minute="*"),
    },
    # The job search's words with facet counts kept ahead: those of many jobs (jobs/search.py).
    "refresh-job-search-terms": {
        "task": "jobs.tasks.refresh_search_terms",
        "schedule": crontab(minute=7),
    },
    # Live video rooms of sessions 30 minutes past their end (the host never pressed End):
    # destroyed, their tokens revoked, their recordings converted (chat.liveroom.media).
    "close-finished-media-rooms": {
        "task": "chat.liveroom.media.tasks.close_finished_rooms",
        "schedule": crontab(minute="*/5"),
    },
}

# --- Email -------------------------------------------------------------------------------
# Every message goes through the outbox (expo/lib/outbox.py): expo.lib.mail.OutboxEmailBackend
# writes it as a row in the caller's transaction; the send_outbox task delivers it with
# EMAIL_DELIVERY_BACKEND, marks it sent and logs every attempt.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_DELIVERY_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
EMAIL_BACKEND = "expo.lib.mail.OutboxEmailBackend"
# A claimed row is due again this long after its worker claimed it, if the worker died.
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=30)
OUTBOX_MAX_RETRIES = env.int("OUTBOX_MAX_RETRIES", default=10)
POST_OFFICE = {
    # Only post-office's models and admin are used; expo/lib/outbox.py sends (it explains why).
    "BACKENDS": {"default": EMAIL_DELIVERY_BACKEND},
    "CELERY_ENABLED": False,
    "DEFAULT_PRIORITY": "medium",
    "MESSAGE_ID_ENABLED": True,
    "FILE_STORAGE": "outbox",  # attachments (STORAGES below): private, never under MEDIA_ROOT
}
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="I&T Career Expo <expo@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Accounts ----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_ADAPTER = "accounts.landing.AccountAdapter"  # staff land on their console
ACCOUNT_PREVENT_ENUMERATION = False  # sign-up must say "this email is taken" (issue 2)
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# allauth's rate limits live in the cache (Redis in production): failed logins per IP and per
# account, sign-ups and password resets per IP.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": env.str("LOGIN_FAILED_RATE_LIMIT", default="10/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
}

# --- Internationalisation ----------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hant", _("Traditional Chinese")),
    ("zh-hans", _("Simplified Chinese")),
]
# Organiser-managed names (sectors, halls, tracks, the edition, sessions) in each language, with
# English as the fallback (expo/translation.py, booths/translation.py).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "zh-hant", "zh-hans")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# Our own locale formats where Django's differ from how the visitors write (expo/formats/).
FORMAT_MODULE_PATH = ["expo.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Hong_Kong"
EXPO_TIME_ZONE = "Asia/Hong_Kong"

# --- Static and media --------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# CVs and other private files: never under MEDIA_ROOT, only served by permission-checked views.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Files the outbox sends with an email (an .ics): private, kept with their row.
    "outbox": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT / "outbox")},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Security ----------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True  # every cookie we set is HTTPS-only (static/js sets Secure too)
    if env.bool("BEHIND_TLS_PROXY", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): scripts only from our own origin, never inline; the
# allow-listed video players in frames; sockets to our own origin. No inline style either
# (htmx's indicator style is off: expo.css has it), except on admin pages, whose third-party
# templates carry a few (expo.middleware.AdminInlineStylesMiddleware). tests/e2e/conftest.py
# fails any page that violates it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "media-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "frame-src": [
            "https://www.youtube-nocookie.com",
            "https://player.vimeo.com",
            "https://player.bilibili.com",
        ],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# The addresses of the reverse proxy whose X-Forwarded-* headers are believed (`manage.py
# serve`); none by default, so a client cannot name its own address.
FORWARDED_ALLOW_IPS = env.list("FORWARDED_ALLOW_IPS", default=[])
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
if CELERY_TASK_ALWAYS_EAGER:
    # Embedded mode (`make run`): tasks run in the server, the beat every few seconds; a line per
    # task run would bury the server's own output. Failures still show (celery logs them as
    # errors); a worker in production keeps its per-task lines.
    LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}

# --- Exports (django-import-export) ------------------------------------------------------
# Cells a spreadsheet would run as formulas are exported as text (see expo/spreadsheets.py).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# --- The expo ----------------------------------------------------------------------------
# How long the live key figures stay cached (seconds).
KEY_FIGURES_CACHE_SECONDS = env.int("KEY_FIGURES_CACHE_SECONDS", default=60)
# Page fragments that are the same for everyone (expo/lib/fragments.py) are rebuilt when what they
# show changes, and at the latest after this long (seconds).
FRAGMENT_CACHE_SECONDS = env.int("FRAGMENT_CACHE_SECONDS", default=300)

# --- Live chat ---------------------------------------------------------------------------
# A place in a booth's queue survives a reload or a dropped connection for this long.
CHAT_QUEUE_GRACE_SECONDS = env.int("CHAT_QUEUE_GRACE_SECONDS", default=120)
# The hall's queue lengths (and its poll, /chat/summaries/) are counted at most this often per
# booth; a booth's own page shows its queue exactly, over its socket.
QUEUE_COUNT_CACHE_SECONDS = env.int("QUEUE_COUNT_CACHE_SECONDS", default=5)
# Once a recruiter takes a talent from the queue, how long the talent has to open the
# conversation (every page tells them, with a sound) before they are skipped.
CHAT_ANSWER_SECONDS = env.int("CHAT_ANSWER_SECONDS", default=120)
# Staff with a page of the site open but no input for this long count as idle, not online.
CHAT_IDLE_SECONDS = env.int("CHAT_IDLE_SECONDS", default=600)
# Token bucket per user per room: a burst of CHAT_RATE_BURST messages, then CHAT_RATE_PER_SECOND.
CHAT_RATE_BURST = env.int("CHAT_RATE_BURST", default=5)
CHAT_RATE_PER_SECOND = env.float("CHAT_RATE_PER_SECOND", default=1.0)
# Every other frame that makes the server broadcast has a bucket of its own (chat/schemas.py
# RATE_LIMITED), per user and room: CHAT_<BUCKET>_RATE_BURST and CHAT_<BUCKET>_RATE_PER_SECOND.
CHAT_RATE_LIMITS = {
    bucket: (
        env.int(f"CHAT_{bucket.upper()}_RATE_BURST", default=burst),
        env.float(f"CHAT_{bucket.upper()}_RATE_PER_SECOND", default=rate),
    )
    for bucket, (burst, rate) in {
        "queue": (6, 0.1),  # three join/leave cycles, then one change per 10 s
        "typing": (3, 0.5),
        "reaction": (10, 2.0),
        "vote": (10, 1.0),
        "moderation": (20, 2.0),
        # call frames (ring, answer, offers, answers, ICE candidates...) per user per call's
        # conversation: an ICE trickle is a few dozen frames, a restart a few more
        "call": (60, 10.0),
    }.items()
}
# Events queued for one slow socket before it is closed (it reconnects and replays from the
# database, so nothing is lost silently).
CHAT_SOCKET_BACKLOG = env.int("CHAT_SOCKET_BACKLOG", default=500)
# Events a server process holds from the channel layer before dropping (and counting) the
# oldest: bounded memory under overload; clients replay what they miss from the database.
CHAT_HUB_BACKLOG = env.int("CHAT_HUB_BACKLOG", default=500)
# How often each process's hub probes the channel layer through its own channel: an outage is
# noticed within about this long, and after it every room is resubscribed and resynced.
CHAT_HUB_PROBE_SECONDS = env.float("CHAT_HUB_PROBE_SECONDS", default=1.0)

# --- 1:1 calls (chat/calls) ----------------------------------------------------------------
# TURN relay (coturn with use-auth-secret): comma-separated turn:/turns:/stun: URLs and the
# shared secret. Without them calls connect peer to peer only (same network: `make run`).
TURN_URLS = env.list("TURN_URLS", default=[])
TURN_SECRET = env.str("TURN_SECRET", default="")
if TURN_URLS and not TURN_SECRET:
    raise ImproperlyConfigured("TURN_URLS is set but TURN_SECRET (or TURN_SECRET_FILE) is not.")
for _url in TURN_URLS:
    if not _url.startswith(("turn:", "turns:", "stun:")):
        raise ImproperlyConfigured(f"TURN_URLS: {_url!r} is not a turn:, turns: or stun: URL.")
# How long a TURN credential handed to a caller stays valid; clients fetch a fresh one before.
TURN_CREDENTIAL_SECONDS = env.int("TURN_CREDENTIAL_SECONDS", default=3600)
# "relay" sends every call through the TURN server (peers never learn each other's address).
CALL_ICE_TRANSPORT_POLICY = env.str("CALL_ICE_TRANSPORT_POLICY", default="all")
if CALL_ICE_TRANSPORT_POLICY not in ("all", "relay"):
    raise ImproperlyConfigured("CALL_ICE_TRANSPORT_POLICY is 'all' or 'relay'.")
if CALL_ICE_TRANSPORT_POLICY == "relay" and not TURN_URLS:
    raise ImproperlyConfigured("CALL_ICE_TRANSPORT_POLICY=relay needs TURN_URLS and TURN_SECRET.")
# A call rings this long before it counts as missed.
CALL_RING_SECONDS = env.float("CALL_RING_SECONDS", default=45)
# A side whose call socket dropped has this long to come back before the call ends.
CALL_RECONNECT_SECONDS = env.float("CALL_RECONNECT_SECONDS", default=30)
# Rings per user per conversation: a few at once, then one every CALL_RING_INTERVAL_SECONDS.
CALL_RING_BURST = env.int("CALL_RING_BURST", default=3)
CALL_RING_INTERVAL_SECONDS = env.float("CALL_RING_INTERVAL_SECONDS", default=20)
# --- Live video (Janus media servers) -----------------------------------------------------
# Browsers reach Janus's API at JANUS_URL; Django manages rooms and tokens through the Admin
# API at JANUS_ADMIN_URL with JANUS_ADMIN_SECRET (also the VideoRoom admin_key). Several media
# servers: comma-separated lists of the same length, one entry per server; each room lives on
# one, new rooms go to the server with the fewest open rooms. Empty: no live video (the live
# room says so; slides, Q&A and the external stream link work as before).
JANUS_URLS = env.list("JANUS_URL", default=[])
JANUS_ADMIN_URLS = env.list("JANUS_ADMIN_URL", default=[])
JANUS_ADMIN_SECRET = env.str("JANUS_ADMIN_SECRET", default="")
if (
    len(JANUS_URLS) != len(JANUS_ADMIN_URLS)
    or (JANUS_URLS and not JANUS_ADMIN_SECRET)
    or not all(url.startswith(("http://", "https://")) for url in JANUS_URLS + JANUS_ADMIN_URLS)
):
    raise ImproperlyConfigured(
        "JANUS_URL and JANUS_ADMIN_URL must list the same number of media servers (http:// or "
        "https:// addresses), and JANUS_ADMIN_SECRET must be set with them."
    )
# Browsers call the media servers' Janus API: the Content-Security-Policy lets them.
CONTENT_SECURITY_POLICY["DIRECTIVES"]["connect-src"] += sorted(
    {"{0.scheme}://{0.netloc}".format(urlsplit(url)) for url in JANUS_URLS}
)
# Where Janus writes recordings (.mjr) and the Celery worker reads them: a folder both see.
JANUS_RECORDINGS_DIR = Path(env.str("JANUS_RECORDINGS_DIR", default=str(VAR_DIR / "recordings")))
# Record every live session for its on-demand replay.
LIVE_RECORD = env.bool("LIVE_RECORD", default=True)
# People on stage at once in a group session (besides the hosts; up to 4 co-hosts publish).
LIVE_STAGE_MAX = env.int("LIVE_STAGE_MAX", default=4)
LIVE_COHOSTS_MAX = 4
