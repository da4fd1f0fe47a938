"""The phone line simulator in a browser: starting a call, the keypad and the text the
caller hears pass the axe checks in both languages, and the keypad works by keyboard."""

import pytest

from tests.browser.axe_check import describe, run_axe

pytestmark = pytest.mark.browser


def _clean(probe, label):
    violations = run_axe(probe.page)
    assert not violations, f"{label}:\n{describe(violations)}"
    assert not probe.problems(200), probe.problems(200)


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_a_simulated_call_is_accessible(live_server, open_page, locale):
    probe = open_page("coordinator", locale)
    probe.goto(live_server.url_for("phone_staff.simulator"))
    page = probe.page
    with page.expect_navigation():
        page.click('main form button[type="submit"]')
    assert page.locator(".phone-heard li").count() >= 5
    read_aloud = page.locator("[data-speak]")
    if page.evaluate("'speechSynthesis' in window"):
        assert read_aloud.is_visible()
        read_aloud.click()
    _clean(probe, f"simulator, menu, {locale}")
    page.locator('.phone-keypad button[value="7"]').focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    first = page.locator(".phone-heard li").first.inner_text()
    assert first in ("7番は ありません。", "There is no choice number 7.")
    _clean(probe, f"simulator, wrong key, {locale}")
    with page.expect_navigation():
        page.click('form[action$="/hang-up"] button')
    assert page.locator("#number").count() == 1
