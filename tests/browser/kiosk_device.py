"""The kiosk in the browser tests: its seeded data, and browser contexts that are a
kiosk (role "kiosk" in pages.py), bound through the real setup page."""

from itertools import count

from desk.core.db import write_intent
from desk.core.timeutil import utcnow
from desk.extensions import db
from desk.kiosk import services as kiosk_services

_numbers = count(1)


def seed_kiosks(venue, session, *, actor, now):
    """Kiosks at `venue` in each state (in use, waiting for setup, revoked) and a booking
    made on the one in use; returns the ids the page list refers to."""
    in_use, code = kiosk_services.create_kiosk({"venue_id": venue.id, "name": "入口のタブレット"},
                                               actor=actor, now=now)
    kiosk_services.bind_device(code, now=now)
    kiosk_services.create_kiosk({"venue_id": venue.id, "name": "ロビーの端末"}, actor=actor,
                                now=now)
    revoked, _code = kiosk_services.create_kiosk({"venue_id": venue.id, "name": "旧端末"},
                                                 actor=actor, now=now)
    kiosk_services.revoke_kiosk(revoked, actor=actor, now=now)
    booking = kiosk_services.book_at_kiosk(
        {"session_id": session.id, "name": "小川 幸子", "name_kana": "おがわ さちこ",
         "phone": "090-8765-4321", "seats": 2, "consent": "yes",
         "submission": "seeded-kiosk-booking"},
        device=in_use, language="ja", now=now).booking
    return {"kiosk.booking": booking.token}


def bind_kiosk(context, server, venue_id=None):
    """Make a browser context a kiosk at the seeded venue (or `venue_id`): a new kiosk
    whose setup code is typed on the setup page, as staff would."""
    with server.app.app_context(), write_intent():
        _device, code = kiosk_services.create_kiosk(
            {"venue_id": venue_id or server.ids["venue"],
             "name": f"ブラウザテスト {next(_numbers)}"}, actor="browser-test", now=utcnow())
        db.session.commit()
    page = context.new_page()
    page.goto(server.url_for("kiosk.setup"))
    page.fill("#code", code)
    with page.expect_navigation():
        page.click(".kiosk-setup-form button[type=submit]")
    assert "/kiosk/setup" not in page.url, f"binding the kiosk failed: {page.url}"
    page.close()
