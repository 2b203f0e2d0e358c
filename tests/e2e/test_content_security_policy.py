"""The Content-Security-Policy holds in a real browser, and the collector in conftest.py (which
every browser test goes through) really sees a violation."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_injected_inline_script_is_blocked_and_reported(page, live_server, csp_violations):
    response = page.goto(live_server.url + "/")
    policy = response.headers["content-security-policy"]

    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            """() => { const s = document.createElement("script");
                       s.textContent = "window.injected = true"; document.body.append(s); }"""
        )

    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert page.evaluate("() => window.injected === true") is False
    assert any("script-src" in v or "inline" in v for v in csp_violations)
    csp_violations.clear()  # seen: this test is about the collector itself
