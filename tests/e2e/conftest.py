"""Real-browser journeys: Debian's chromium driven by Playwright, against live_server."""

import os
import socket

import pytest
from playwright.sync_api import expect

from tests.harness import TUN_NAME

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
# database access from live_server fixtures (browser tests only, never in deployment).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"

# Waits are for an event, and their timeout only bounds a failure: on a loaded 2-core machine
# (CI beside other jobs) a page may take seconds to answer, more than Playwright's 5 s default.
WAIT_MS = 30_000
expect.set_options(timeout=WAIT_MS)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--headless",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--disable-quic",
            # WebRTC (calls): a fake camera and microphone (a test pattern and a beep) with no
            # permission prompt; and ICE candidates on loopback, the only interface inside the
            # network namespace the harness runs browser tests in (loopback_only below).
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            "--allow-loopback-in-peer-connection",
        ],
    }


@pytest.fixture
def loopback_only():
    """WebRTC tests send traffic only to loopback: they refuse to run where the machine has
    any other interface than `lo` and the harness's TUN device (an address that delivers
    locally inside the namespace), rather than let chromium gather and use the machine's real
    addresses. `make test` as root runs them in that namespace (tests/harness.py)."""
    names = {name for _index, name in socket.if_nameindex()}
    assert names <= {"lo", TUN_NAME}, (
        f"network interfaces {sorted(names)}: run WebRTC tests in the harness's loopback-only "
        "network namespace (`make test` as root; tests/harness.py)"
    )


@pytest.fixture
def page(page):
    page.set_default_timeout(WAIT_MS)
    return page


# Every page of every browser test is held to the Content-Security-Policy: a violation (an
# inline script, a style or frame from elsewhere...) is reported by chromium on the console
# and through `securitypolicyviolation` events; either fails the test that loaded the page.
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error("Content Security Policy violation: " + e.violatedDirective + " blocked "
    + (e.blockedURI || "inline") + " on " + e.documentURI);
});
"""


@pytest.fixture(autouse=True)
def csp_violations(browser, monkeypatch):
    found = []
    original = browser.new_context

    def new_context(*args, **kwargs):
        context = original(*args, **kwargs)
        context.add_init_script(_REPORT_VIOLATIONS)
        context.on(
            "console",
            lambda message: (
                found.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        return context

    monkeypatch.setattr(browser, "new_context", new_context)
    yield found
    assert found == [], "Pages violated the Content-Security-Policy:\n" + "\n".join(found)
