"""Real-browser journeys: Debian's chromium driven by Playwright, against live_server."""

import os

import pytest
from playwright.sync_api import expect

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
        ],
    }


@pytest.fixture
def page(page):
    page.set_default_timeout(WAIT_MS)
    return page
