"""The settings module, the production checks and docker-compose.yml keep their promises."""

import importlib
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-enough-0123456789abcdef",
    "ALLOWED_HOSTS": "expo.example.org",
    "DATABASE_URL": "postgres://expo:secret@db.internal:5432/expo",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
}


def manage(*args, env=None):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "DJANGO_SETTINGS_MODULE",
            "DEBUG",
            "EMAIL_URL",
            "SECRET_KEY",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "DB_POOL",  # expo/settings_test.py turns the pool off for the suite
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_under_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_without_a_secret_key_refuses_to_start():
    env = {**PRODUCTION_ENV}
    del env["SECRET_KEY"]

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off" in result.stderr


def test_embedded_mode_with_debug_off_and_no_secret_key_refuses_to_start():
    result = manage("check", env={"DEBUG": "0", "ALLOWED_HOSTS": "localhost"})

    assert result.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) must be set" in result.stderr


def test_secrets_can_come_from_files(tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text("from-a-file-" + "x" * 50)
    env = {**PRODUCTION_ENV, "SECRET_KEY_FILE": str(secret)}
    del env["SECRET_KEY"]

    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        env=env,
    )

    assert result.stdout.strip() == "from-a-file-" + "x" * 50


def test_production_variables_select_the_real_stack():
    code = (
        "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], "
        "s.CACHES['default']['BACKEND'], s.CHANNEL_LAYERS['default']['BACKEND'], "
        "s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_DELIVERY_BACKEND, s.EMAIL_USE_TLS)"
    )

    result = manage("shell", "--no-imports", "-c", code, env=PRODUCTION_ENV)

    assert result.stdout.split() == [
        "expo.lib.postgresql",  # Django's PostgreSQL backend, its pool hardened
        "expo.lib.cache.RedisCache",
        "channels_redis.pubsub.RedisPubSubChannelLayer",
        "False",
        "django.core.mail.backends.smtp.EmailBackend",
        "True",
    ]


def test_production_pools_its_postgresql_connections_sized_by_the_environment():
    code = (
        "from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], sorted(d['OPTIONS']['pool'].items()))"
    )

    default = manage("shell", "--no-imports", "-c", code, env=PRODUCTION_ENV)
    sized = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        env={**PRODUCTION_ENV, "DB_POOL_MIN_SIZE": "4", "DB_POOL_MAX_SIZE": "30",
             "DB_POOL_TIMEOUT": "2.5"},
    )  # fmt: skip

    assert default.stdout.strip() == (
        "0 True [('max_size', 10), ('min_size', 2), ('name', 'expo'), ('timeout', 10.0)]"
    )
    assert sized.stdout.strip() == (
        "0 True [('max_size', 30), ('min_size', 4), ('name', 'expo'), ('timeout', 2.5)]"
    )


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"DB_POOL_MIN_SIZE": "12"}, "DB_POOL_MIN_SIZE must be between 0 and DB_POOL_MAX_SIZE"),
        ({"DB_POOL_MAX_SIZE": "0"}, "DB_POOL_MIN_SIZE must be between 0 and DB_POOL_MAX_SIZE"),
        ({"DB_POOL_TIMEOUT": "0"}, "DB_POOL_TIMEOUT must be a positive number of seconds"),
        ({"CONN_MAX_AGE": "60"}, "CONN_MAX_AGE must stay 0 with the connection pool"),
    ],
)
def test_a_pool_setting_that_cannot_work_stops_the_site_with_its_reason(variables, message):
    result = manage("check", env={**PRODUCTION_ENV, **variables})

    assert result.returncode != 0
    assert message in result.stderr


def test_without_the_pool_persistent_connections_stay_an_option():
    code = (
        "from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], 'pool' in d.get('OPTIONS', {}))"
    )

    result = manage(
        "shell", "--no-imports", "-c", code,
        env={**PRODUCTION_ENV, "DB_POOL": "0", "CONN_MAX_AGE": "60"},
    )  # fmt: skip

    assert result.stdout.strip() == "60 False"


def test_nothing_set_selects_the_embedded_stack():
    code = (
        "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], "
        "s.CACHES['default']['BACKEND'], s.CHANNEL_LAYERS['default']['BACKEND'], "
        "s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_DELIVERY_BACKEND)"
    )

    result = manage(
        "shell", "--no-imports", "-c", code, env={"VAR_DIR": "/tmp/expo-embedded-settings"}
    )

    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "django.core.cache.backends.locmem.LocMemCache",
        "channels.layers.InMemoryChannelLayer",
        "True",
        "django.core.mail.backends.console.EmailBackend",
    ]


# --- docker-compose.yml --------------------------------------------------------------------

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def command_words(service):
    command = service.get("command") or []
    if isinstance(command, str):
        command = shlex.split(command)
    if command[:2] == ["sh", "-c"]:
        return [shlex.split(part) for part in command[2].split("&&")]
    return [command]


def assert_names_something_that_exists(words):
    program = words[0]
    if program == "python" and words[1] == "manage.py":
        assert words[2] in get_commands(), f"manage.py has no command {words[2]}"
    elif program == "uvicorn":
        module, attribute = words[1].split(":")
        assert callable(getattr(importlib.import_module(module), attribute))
    elif program == "celery":
        assert words[1] == "-A"
        app = importlib.import_module(words[2]).celery_app
        assert words[3] in {"worker", "beat"}
        assert app.main == "expo"
    elif program in ("redis-server", "turnserver"):
        pass  # the image's own program
    else:
        pytest.fail(f"unknown program in docker-compose.yml: {program}")


def test_compose_has_the_production_services():
    assert set(COMPOSE["services"]) == {
        "proxy",
        "postgres",
        "redis",
        "web",
        "worker",
        "beat",
        "turn",
        "media",
    }
    for name, service in COMPOSE["services"].items():
        assert "healthcheck" in service, f"{name} has no health check"


@pytest.mark.parametrize("name", ["web", "worker", "beat", "redis"])
def test_every_compose_command_names_something_that_exists(name):
    for words in command_words(COMPOSE["services"][name]):
        assert_names_something_that_exists(words)


def test_compose_pools_database_connections_in_the_web_service_only():
    """Celery closes a pool after every task in its prefork children: the worker and beat run
    without one (and keep the rest of the app's environment)."""
    services = COMPOSE["services"]
    assert services["web"]["environment"].get("DB_POOL", "1") != "0"
    for name in ("worker", "beat"):
        environment = services[name]["environment"]
        assert environment["DB_POOL"] == "0"
        assert environment["DATABASE_URL"] == services["web"]["environment"]["DATABASE_URL"]


def test_compose_web_serves_with_uvicorn_through_the_serve_command():
    """`manage.py serve` runs uvicorn with the proxy trust taken from FORWARDED_ALLOW_IPS."""
    assert any(words[2:3] == ["serve"] for words in command_words(COMPOSE["services"]["web"]))


def test_only_the_reverse_proxy_and_the_media_range_are_published_and_only_the_proxy_trusted():
    services = COMPOSE["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    proxy_address = services["proxy"]["networks"]["default"]["ipv4_address"]

    assert published == {"proxy", "media"}
    # the media server publishes only its UDP media range (its API goes through the proxy)
    assert all(port.endswith("/udp") for port in services["media"]["ports"])
    assert services["proxy"]["image"].startswith("caddy:")
    assert services["web"]["environment"]["FORWARDED_ALLOW_IPS"] == proxy_address
    assert "forwarded-allow-ips" not in str(services["web"]["command"])
    caddyfile = (ROOT / "Caddyfile").read_text()
    assert "reverse_proxy web:8000" in caddyfile


def test_under_debug_0_every_cookie_is_secure():
    """Session, CSRF and language cookies alike (the language one is set by a real request;
    the visitor's time zone cookie is set by static/js/expo.js with Secure on HTTPS)."""
    script = (
        "from django.conf import settings\n"
        "from django.test import Client\n"
        "r = Client(HTTP_HOST='expo.example.org').post(\n"
        "    '/i18n/setlang/', {'language': 'zh-hant', 'next': '/'}, secure=True)\n"
        "print([(k, bool(m['secure'])) for k, m in r.cookies.items()],\n"
        "      settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)\n"
    )
    result = manage("shell", "-c", script, env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[('django_language', True)] True True"


def test_compose_passes_the_settings_variables_to_the_app():
    env = COMPOSE["services"]["web"]["environment"]
    assert {
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "REDIS_URL",
        "EMAIL_URL",
        "TURN_URLS",
        "TURN_SECRET",
        "JANUS_URL",
        "JANUS_ADMIN_URL",
        "JANUS_ADMIN_SECRET",
        "JANUS_RECORDINGS_DIR",
    } <= set(env)


def test_compose_turn_uses_the_rest_secret_and_never_relays_into_private_networks():
    turn = COMPOSE["services"]["turn"]
    options = turn["command"]
    assert turn["network_mode"] == "host"
    assert "--use-auth-secret" in options
    assert any(o.startswith("--static-auth-secret=${TURN_SECRET") for o in options)
    assert "--allow-loopback-peers" not in options  # coturn refuses loopback peers by default
    denied = {o.split("=", 1)[1] for o in options if o.startswith("--denied-peer-ip=")}
    assert {"10.0.0.0-10.255.255.255", "172.16.0.0-172.31.255.255"} <= denied
    assert {"192.168.0.0-192.168.255.255"} <= denied


def test_compose_media_server_gets_its_secret_its_rtp_ports_and_the_recordings_volume():
    media = COMPOSE["services"]["media"]
    dockerfile = ROOT / media["build"]["dockerfile"]
    assert "deploy/janus/start.sh" in dockerfile.read_text()
    assert "JANUS_ADMIN_SECRET" in media["environment"]
    assert any(port.endswith("/udp") for port in media["ports"])
    assert not any("7088" in port for port in media["ports"])  # the Admin API stays inside
    recordings = COMPOSE["services"]["web"]["environment"]["JANUS_RECORDINGS_DIR"]
    assert f"recordings:{recordings}" in media["volumes"]
    assert f"recordings:{recordings}" in COMPOSE["services"]["worker"]["volumes"]


@pytest.mark.skipif(
    shutil.which("docker-compose") is None,
    reason="docker-compose validates the schema; .ci/install-system-packages installs it",
)
def test_compose_file_passes_docker_compose_schema_validation():
    result = subprocess.run(
        ["docker-compose", "-f", "docker-compose.yml", "config", "-q"],
        cwd=ROOT,
        env={
            **os.environ,
            "SECRET_KEY": "x",
            "TURN_URLS": "turn:turn.example.org:3478",
            "TURN_SECRET": "x",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
