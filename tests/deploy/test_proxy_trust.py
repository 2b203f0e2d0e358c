"""The web server believes X-Forwarded-For only from the proxy (FORWARDED_ALLOW_IPS, empty by
default): the outside test's 30 failed logins from 30 forged addresses now hit the per-IP
limit. `manage.py serve` (what docker-compose runs) is started for real on loopback."""

import contextlib
import html
import http.client
import os
import re
import subprocess
import sys

import pytest

from tests.chat.servers import ROOT, _wait_for
from tests.chat.servers import test_database_url as database_url
from tests.harness import free_port

pytestmark = pytest.mark.django_db(transaction=True)


@contextlib.contextmanager
def served(**env):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "expo.settings_test",
            "DJANGO_ALLOW_ASYNC_UNSAFE": "",
            "LOG_LEVEL": "WARNING",
            "LOGIN_FAILED_RATE_LIMIT": "10/m/ip",
            **env,
        },
    )
    try:
        _wait_for(port, process)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


LIMITED = b"Too many failed login attempts"


def failed_logins(port, count):
    """For `count` wrong-password logins, each for another address and claiming to come from
    another forged client address: "limited" or "wrong password"."""
    statuses = []
    for n in range(count):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/accounts/login/")
        page = connection.getresponse()
        cookie = page.getheader("Set-Cookie").split(";")[0]
        token = html.unescape(
            re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.read()).group(1).decode()
        )
        body = f"login=nobody{n}%40example.org&password=wrong&csrfmiddlewaretoken={token}"
        connection.request(
            "POST",
            "/accounts/login/",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie,
                "X-Forwarded-For": f"203.0.113.{n + 1}",
            },
        )
        response = connection.getresponse()
        statuses.append("limited" if LIMITED in response.read() else response.status)
        connection.close()
    return statuses


def test_forged_client_addresses_are_ignored_and_the_login_limit_triggers():
    with served() as port:
        statuses = failed_logins(port, 12)

    assert statuses == [200] * 10 + ["limited"] * 2


def test_the_proxy_named_in_forwarded_allow_ips_is_believed():
    with served(FORWARDED_ALLOW_IPS="127.0.0.1") as port:
        statuses = failed_logins(port, 12)

    assert statuses == [200] * 12  # twelve different clients, as the trusted proxy says
