"""Booking on the public page with the keyboard alone: Tab to each field, type, Space on
the consent box, Enter on the button; the focus is visible all the way, and a mistake
is announced and tied to its field."""

import re

import pytest

pytestmark = pytest.mark.browser

MAX_TABS = 80


def _focused(page):
    return page.evaluate(
        "(() => { const e = document.activeElement;"
        " const style = getComputedStyle(e);"
        " return {id: e.id, type: e.type || '', tag: e.tagName,"
        " visible: style.outlineStyle !== 'none' || style.boxShadow !== 'none'}; })()")


def _tab_to(page, wanted):
    """Press Tab until the element `wanted(focused)` is true; its focus must show."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if wanted(focused):
            assert focused["visible"], f"the focus on {focused} is not visible"
            return focused
    raise AssertionError("never reached by Tab")


def _fill_by_keyboard(page, *, kana):
    _tab_to(page, lambda f: f["id"] == "name")
    page.keyboard.type("高橋 和子")
    _tab_to(page, lambda f: f["id"] == "name_kana")
    page.keyboard.type(kana)
    _tab_to(page, lambda f: f["id"] == "phone")
    page.keyboard.type("080-2345-6789")
    _tab_to(page, lambda f: f["id"] == "consent")
    page.keyboard.press("Space")
    _tab_to(page, lambda f: f["type"] == "submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_booking_with_the_keyboard_alone(open_page, live_server):
    probe = open_page("anonymous", "en")
    session_id = live_server.ids["session.class"]
    probe.goto(live_server.url_for("public.book", session_id=session_id))
    page = probe.page

    _fill_by_keyboard(page, kana="")  # the reading left out: a mistake first
    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    kana = page.locator("#name_kana")
    assert kana.get_attribute("aria-invalid") == "true"
    assert "name_kana-error" in kana.get_attribute("aria-describedby")
    assert page.locator("#name_kana-error").inner_text().strip()
    # the summary's link moves the focus to the field
    page.locator(".error-summary a[href='#name_kana']").focus()
    page.keyboard.press("Enter")
    assert _focused(page)["id"] == "name_kana"

    probe.goto(live_server.url_for("public.book", session_id=session_id))
    _fill_by_keyboard(page, kana="たかはし かずこ")
    assert re.search(r"/bookings/[\w-]+$", page.url), page.url
    assert re.search(r"\d{4}-\d{4}", page.locator("main").inner_text())
    assert not probe.problems()
