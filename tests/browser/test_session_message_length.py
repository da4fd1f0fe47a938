"""The compose page of a coordinator's note counts the SMS as it is typed, as the server
counts the SMS it will send (desk/static/js/sms-length.js, desk/notify/segments.py), and
warns above one part; the English count follows the Japanese note until English is
written."""

import pytest

from tests.browser.axe_check import describe, run_axe

pytestmark = pytest.mark.browser


def _count(app, session_id, note, locale):
    from desk.events.models import EventSession
    from desk.events.session_messages import sms_text
    from desk.extensions import db
    from desk.notify.segments import count_segments

    with app.app_context():
        session = db.session.get(EventSession, session_id)
        return count_segments(sms_text(session, note, locale=locale))


def test_the_count_follows_the_typing(live_server, open_page):
    session_id = live_server.ids["session.class"]
    probe = open_page("coordinator", "ja")
    probe.goto(live_server.url_for("staff.session_message_new", session_id=session_id))
    page = probe.page
    warning_ja = page.locator("#text_ja-length .sms-length__warning")
    short = "持ち物はマイナンバーカードです"
    page.fill("#text_ja", short)
    expected = _count(live_server.app, session_id, short, "ja")
    assert page.locator("#text_ja-length .sms-length__count").inner_text() == \
        f"SMSの長さ：{expected.units}文字、{expected.segments}通分。"
    assert not warning_ja.is_visible()
    long = "会場が2階の第2会議室に変わりました。" * 4
    page.fill("#text_ja", long)
    expected = _count(live_server.app, session_id, long, "ja")
    assert expected.segments > 1
    assert f"{expected.units}文字、{expected.segments}通分" in page.locator(
        "#text_ja-length .sms-length__count").inner_text()
    assert warning_ja.is_visible()
    # the English readers get the Japanese note until an English one is written
    english = _count(live_server.app, session_id, long, "en")
    assert f"{english.units}文字" in page.locator("#text_en-length").inner_text()
    page.fill("#text_en", "Bring your My Number card.")
    english = _count(live_server.app, session_id, "Bring your My Number card.", "en")
    assert f"{english.units}文字、{english.segments}通分" in page.locator(
        "#text_en-length").inner_text()
    violations = run_axe(page)
    assert not violations, describe(violations)
