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

    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert page.evaluate("() => window.injected === true") is False
    assert any("script-src" in v or "inline" in v for v in csp_violations)
    csp_violations.clear()  # seen: this test is about the collector itself


def test_an_injected_inline_style_is_blocked_on_the_site_and_allowed_only_in_admin(
    page, live_server, csp_violations
):
    page.goto(live_server.url + "/")

    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            """() => { const s = document.createElement("style");
                       s.textContent = "body { outline: 7px solid red }";
                       document.head.append(s); }"""
        )

    assert page.evaluate("() => getComputedStyle(document.body).outlineWidth") != "7px"
    assert any("style-src" in v for v in csp_violations)
    csp_violations.clear()
    admin = page.request.get(live_server.url + "/admin/login/")
    assert "style-src 'self' 'unsafe-inline'" in admin.headers["content-security-policy"]
