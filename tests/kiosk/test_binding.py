"""Binding a device to a kiosk with a one-time setup code, and what an unbound,
revoked or wrongly bound browser sees; the staff's kiosk list. On SQLite and
PostgreSQL."""

import re
from datetime import timedelta

import pytest

from desk.auth.models import hash_token
from desk.core.errors import ValidationError
from desk.core.i18n import LOCALE_COOKIE
from desk.core.timeutil import utcnow
from desk.extensions import db
from desk.kiosk import services as kiosk_services
from desk.kiosk.models import KioskDevice
from desk.kiosk.views import DEVICE_COOKIE
from tests.events.helpers import audit_entries, last_audit
from tests.fixtures.pages import text

SHOWN_CODE = re.compile(r'class="setup-code">(\d{4}-\d{4})<')


def shown_code(response):
    """The setup code a staff page shows, or None."""
    found = SHOWN_CODE.search(response.get_data(as_text=True))
    return found.group(1) if found else None


def session_cookie(app, client):
    """What the browser's session cookie holds, decoded as anyone holding it could."""
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    if cookie is None:
        return ""
    serializer = app.session_interface.get_signing_serializer(app)
    return str(serializer.loads(cookie.value))


def _bind(client, code):
    return client.post("/kiosk/setup", data={"code": code}, headers={"Accept-Language": "en"})


def test_create_kiosk_keeps_only_a_hash_of_the_code(new_kiosk):
    device, code = new_kiosk()
    assert len(code) == 8 and code.isdigit()
    assert device.setup_code_hash == kiosk_services.hash_setup_code(code)
    assert code not in device.setup_code_hash
    assert device.token_hash is None and device.bound_dt is None
    assert timedelta(minutes=14) < device.setup_expires_dt - utcnow() <= timedelta(minutes=15)
    entry = last_audit("kiosk.create")
    assert entry.object_id == device.id and code not in str(entry.after)


def test_setup_code_binds_the_device_once(app, kiosk_place, new_kiosk):
    device, code = new_kiosk()
    client = app.test_client()
    response = _bind(client, f"{code[:4]}-{code[4:]}")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/kiosk/{kiosk_place['venue'].id}"
    cookie = next(header for header in response.headers.getlist("Set-Cookie")
                  if header.startswith(DEVICE_COOKIE + "="))
    token = cookie.split(";")[0].split("=", 1)[1]
    attributes = [part.strip().lower() for part in cookie.split(";")[1:]]
    assert "httponly" in attributes and "samesite=strict" in attributes
    assert "path=/kiosk" in attributes
    assert "secure" not in attributes  # DESK_PUBLIC_URL is http in tests
    db.session.expire_all()
    device = db.session.get(KioskDevice, device.id)
    assert device.token_hash == hash_token(token) and token not in device.token_hash
    assert device.bound_dt is not None and device.setup_code_hash is None
    assert last_audit("kiosk.bind").actor_label == f"kiosk {device.id}"
    # the code works once: a second device typing it gets a message, and no cookie
    other = app.test_client()
    again = _bind(other, code)
    assert again.status_code == 200
    assert "This code is not right, or it is too old." in text(again)
    assert other.get_cookie(DEVICE_COOKIE, path="/kiosk") is None


def test_device_cookie_is_secure_behind_https(app, new_kiosk, monkeypatch):
    monkeypatch.setitem(app.config, "DESK_PUBLIC_URL", "https://desk.example.jp")
    _device, code = new_kiosk()
    response = _bind(app.test_client(), code)
    cookie = next(header for header in response.headers.getlist("Set-Cookie")
                  if header.startswith(DEVICE_COOKIE + "="))
    assert "secure" in [part.strip().lower() for part in cookie.split(";")]


@pytest.mark.parametrize("code", ["", "1234", "abcdefgh", "１２３４５６７８９", "0" * 200])
def test_wrong_setup_code_is_refused(app, new_kiosk, code):
    new_kiosk()
    response = _bind(app.test_client(), code)
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert "Please ask the staff for a new code." in text(response)
    assert not audit_entries("kiosk.bind")


def test_expired_setup_code_is_refused(ctx, new_kiosk):
    device, code = new_kiosk()
    with pytest.raises(ValidationError):
        kiosk_services.bind_device(code, now=device.setup_expires_dt + timedelta(seconds=1))
    device_again, token = kiosk_services.bind_device(code, now=device.setup_expires_dt
                                                     - timedelta(seconds=1))
    assert device_again.id == device.id and token


def test_full_width_setup_code_is_understood(ctx, new_kiosk):
    _device, code = new_kiosk()
    full_width = "".join(chr(ord(digit) + 0xFEE0) for digit in code)
    device, _token = kiosk_services.bind_device(f"{full_width[:4]}ー{full_width[4:]}",
                                                now=utcnow())
    assert device.is_bound


def test_binding_ends_a_staff_login_on_the_device(app, new_kiosk, create_user, login):
    _device, code = new_kiosk()
    client = app.test_client()
    login(client, create_user())
    assert client.get("/staff/kiosks").status_code == 200
    assert _bind(client, code).status_code == 303
    assert client.get("/staff/kiosks").status_code == 302  # to the login page


def test_unbound_browser_sees_not_set_up_and_no_data(client, kiosk_place):
    venue = kiosk_place["venue"]
    client.set_cookie(LOCALE_COOKIE, "en")
    for url in (f"/kiosk/{venue.id}", f"/kiosk/{venue.id}/done/whatever"):
        response = client.get(url)
        assert response.status_code == 403
        assert "This device is not set up as a kiosk" in text(response)
        assert venue.name not in text(response)
        assert "LINE" not in text(response)
    assert client.post(f"/kiosk/{venue.id}/book", data={}).status_code == 403
    assert client.post(f"/kiosk/{venue.id}/check", data={"step": "3"}).status_code == 403


def test_unknown_device_cookie_is_not_a_kiosk(client, kiosk_place):
    client.set_cookie(DEVICE_COOKIE, "made-up-token", path="/kiosk")
    assert client.get(f"/kiosk/{kiosk_place['venue'].id}").status_code == 403


def test_bound_device_opens_only_its_own_venue(kiosk_client, kiosk_place):
    assert kiosk_client.get(f"/kiosk/{kiosk_place['venue'].id}").status_code == 200
    response = kiosk_client.get(f"/kiosk/{kiosk_place['neighbour'].id}")
    assert response.status_code == 403
    assert kiosk_place["neighbour"].name not in text(response)


def test_revoked_kiosk_stops_at_once(kiosk_client, kiosk_place, coordinator):
    device = db.session.scalars(db.select(KioskDevice)).one()
    kiosk_services.revoke_kiosk(device, actor=coordinator, now=utcnow())
    db.session.commit()
    assert kiosk_client.get(f"/kiosk/{kiosk_place['venue'].id}").status_code == 403
    entry = last_audit("kiosk.revoke")
    assert entry.actor_id == coordinator.id
    assert entry.before["revoked_dt"] is None and entry.after["revoked_dt"] is not None


def test_a_revoked_kiosk_code_no_longer_binds(app, new_kiosk, coordinator):
    device, code = new_kiosk()
    kiosk_services.revoke_kiosk(device, actor=coordinator, now=utcnow())
    db.session.commit()
    assert "Please ask the staff" in text(_bind(app.test_client(), code))
    with pytest.raises(ValidationError):
        kiosk_services.renew_setup_code(device, actor=coordinator, now=utcnow())


def test_new_setup_code_moves_the_kiosk_to_another_device(app, kiosk_client, kiosk_place,
                                                          coordinator):
    device = db.session.scalars(db.select(KioskDevice)).one()
    code = kiosk_services.renew_setup_code(device, actor=coordinator, now=utcnow())
    db.session.commit()
    start = f"/kiosk/{kiosk_place['venue'].id}"
    assert kiosk_client.get(start).status_code == 200  # until the new device binds
    replacement = app.test_client()
    assert _bind(replacement, code).status_code == 303
    assert replacement.get(start).status_code == 200
    assert kiosk_client.get(start).status_code == 403


def test_last_seen_is_noted_now_and_then(ctx, kiosk_client, kiosk_place):
    device = db.session.scalars(db.select(KioskDevice)).one()
    start = f"/kiosk/{kiosk_place['venue'].id}"
    an_hour_ago = utcnow() - timedelta(hours=1)
    device.last_seen_dt = an_hour_ago
    db.session.commit()
    kiosk_client.get(start)
    db.session.expire_all()
    seen = db.session.get(KioskDevice, device.id).last_seen_dt
    assert seen > an_hour_ago + timedelta(minutes=59)
    kiosk_client.get(start)  # a minute later: not written again
    db.session.expire_all()
    assert db.session.get(KioskDevice, device.id).last_seen_dt == seen


# -- the staff's kiosk list -------------------------------------------------------------------

def test_staff_create_a_kiosk_and_see_its_code_once(app, staff_client, kiosk_place):
    venue = kiosk_place["venue"]
    response = staff_client.post("/staff/kiosks/new",
                                 data={"venue_id": str(venue.id), "name": "ロビーの端末"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    code = shown_code(response)
    assert code is not None and "ロビーの端末" in text(response)
    assert "/kiosk/setup" in text(response)
    assert code.replace("-", "") not in session_cookie(app, staff_client)
    assert shown_code(staff_client.get("/staff/kiosks")) is None  # shown once
    device = db.session.scalars(db.select(KioskDevice)).one()
    assert device.setup_code_hash == kiosk_services.hash_setup_code(code.replace("-", ""))
    assert last_audit("kiosk.create").actor_id is not None


@pytest.mark.parametrize(("data", "message"), [
    ({"venue_id": "", "name": "端末"}, "This field is required."),
    ({"venue_id": "2147483000", "name": "端末"}, "Choose a venue from the list."),
    ({"venue_id": "abc", "name": "端末"}, "Enter a whole number."),
    ({"name": ""}, "This field is required."),
])
def test_staff_create_with_bad_input_changes_nothing(staff_client, kiosk_place, data, message):
    data = {"venue_id": str(kiosk_place["venue"].id), **data}
    response = staff_client.post("/staff/kiosks/new", data=data)
    assert response.status_code == 200
    assert message in text(response)
    assert db.session.scalars(db.select(KioskDevice)).all() == []


def test_staff_new_code_and_revoke_from_the_list(app, staff_client, new_kiosk):
    device, old_code = new_kiosk()
    response = staff_client.post(f"/staff/kiosks/{device.id}/code")
    assert response.status_code == 200
    code = shown_code(response)
    assert code is not None and code.replace("-", "") != old_code
    assert code.replace("-", "") not in session_cookie(app, staff_client)
    assert last_audit("kiosk.setup_code").object_id == device.id
    assert staff_client.post(f"/staff/kiosks/{device.id}/revoke").status_code == 302
    page = text(staff_client.get("/staff/kiosks"))
    assert "has been revoked" in page and "Revoked on" in page
    db.session.expire_all()
    assert db.session.get(KioskDevice, device.id).is_revoked
    assert staff_client.post("/staff/kiosks/2147483000/revoke").status_code == 404


def test_setting_up_a_kiosk_ends_a_staff_login_left_on_the_device(app, staff_client,
                                                                   new_kiosk):
    """The device's browser may have been used by staff: their login ends, and so does
    any copy of that session cookie; the kiosk's cookies hold no setup code."""
    device, code = new_kiosk()
    name = app.config["SESSION_COOKIE_NAME"]
    copied = staff_client.get_cookie(name).value
    assert staff_client.get("/staff/kiosks").status_code == 200
    assert _bind(staff_client, code).status_code == 303
    assert staff_client.get("/staff/kiosks").status_code == 302
    replay = app.test_client()
    replay.set_cookie(name, copied)
    assert replay.get("/staff/kiosks").status_code == 302
    assert code not in session_cookie(app, staff_client)
    kiosk_cookie = staff_client.get_cookie(DEVICE_COOKIE, path="/kiosk").value
    assert code not in kiosk_cookie
