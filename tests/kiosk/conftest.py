"""Fixtures for the kiosk's tests: a venue with a kiosk, classes relative to the real
today (the kiosk's pages use the real clock), and a test client bound as the kiosk
through the real setup page."""

from datetime import time, timedelta

import pytest

from desk.auth.models import Role
from desk.core.i18n import LOCALE_COOKIE
from desk.core.timeutil import local_today, utcnow
from desk.extensions import db
from desk.kiosk import services as kiosk_services
from desk.kiosk.views import DEVICE_COOKIE


@pytest.fixture
def kiosk_place(ctx, create_district, create_venue, create_program, create_session):
    """A district with two venues; the kiosk stands at `venue`. Classes in three days:
    one at the venue, one at the neighbour in the same district."""
    district = create_district(name="湘南台", name_kana="ショウナンダイ")
    venue = create_venue(name="湘南台市民センター", name_kana="ショウナンダイシミンセンター",
                         district_id=district.id)
    neighbour = create_venue(name="湘南台公民館", name_kana="ショウナンダイコウミンカン",
                             district_id=district.id)
    program = create_program(title="LINEを使ってみよう", title_kana="ラインヲツカッテミヨウ",
                             title_en="Using LINE")
    day = local_today() + timedelta(days=3)
    here = create_session(day=day, start=time(10), end=time(11, 30), venue_id=venue.id,
                          program_id=program.id, capacity=2)
    nearby = create_session(day=day, start=time(14), end=time(15, 30),
                            venue_id=neighbour.id, program_id=program.id, capacity=10)
    return {"venue": venue, "neighbour": neighbour, "here": here, "nearby": nearby,
            "district": district}


@pytest.fixture
def new_kiosk(kiosk_place):
    """new_kiosk(venue=None) -> (device, setup code), committed."""
    def factory(venue=None, name="入口のタブレット"):
        device, code = kiosk_services.create_kiosk(
            {"venue_id": (venue or kiosk_place["venue"]).id, "name": name}, actor="test",
            now=utcnow())
        db.session.commit()
        return device, code

    return factory


@pytest.fixture
def kiosk_client(app, new_kiosk):
    """A test client that is the kiosk at kiosk_place's venue (bound with its code), in
    English."""
    _device, code = new_kiosk()
    client = app.test_client()
    client.set_cookie(LOCALE_COOKIE, "en")
    response = client.post("/kiosk/setup", data={"code": code})
    assert response.status_code == 303, response.get_data(as_text=True)
    assert client.get_cookie(DEVICE_COOKIE, path="/kiosk") is not None
    return client


@pytest.fixture
def coordinator(ctx, create_user):
    return create_user(Role.COORDINATOR, display_name="調整 花子")


@pytest.fixture
def staff_client(client, coordinator, login):
    client.set_cookie(LOCALE_COOKIE, "en")
    login(client, coordinator)
    return client
