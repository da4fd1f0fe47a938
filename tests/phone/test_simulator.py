"""The phone line simulator: a coordinator's call through the same handlers, showing
what the caller hears; keys, silence, a withheld number, hanging up; left out of the
call log; staff only."""

import re

import pytest
from sqlalchemy import select

from desk.extensions import db
from desk.phone.models import CallOutcome, PhoneCall

PAGE = "/staff/phone/simulator"
JA = {"Accept-Language": "ja"}


@pytest.fixture
def coordinator(line, client, login, create_user):
    login(client, create_user(role="coordinator"))
    return client


def _text(client):
    page = client.get(PAGE, headers=JA)
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_a_simulated_call_hears_the_same_words(coordinator, create_person):
    create_person(name="佐藤 恵子", name_kana="さとう けいこ", phone="0466-25-1234")
    assert "自動電話受付に電話する" in _text(coordinator)

    started = coordinator.post(f"{PAGE}/start", data={"number": "0466-25-1234"}, headers=JA)
    assert started.status_code == 302
    html = _text(coordinator)
    assert '<li lang="ja">こんにちは、ケイコさん。</li>' in html
    assert '<li lang="en">For English, press 8.</li>' in html
    # read aloud by the browser where it can speak (a static script: no inline code)
    assert re.search(r'<script src="/static/js/phone-simulator\.js\?v=[0-9a-f]{12}" defer>'
                     r'</script>', html)
    assert "data-speak hidden" in html
    assert coordinator.get("/static/js/phone-simulator.js").status_code == 200

    coordinator.post(f"{PAGE}/keys", data={"keys": "7"}, headers=JA)
    assert "<li lang=\"ja\">7番は ありません。</li>" in _text(coordinator)
    coordinator.post(f"{PAGE}/keys", data={"keys": ""}, headers=JA)
    assert "ボタンが 押されませんでした。" in _text(coordinator)

    call = db.session.scalars(select(PhoneCall)).one()
    assert call.simulated and call.caller == "+81466251234"
    coordinator.post(f"{PAGE}/hang-up", headers=JA)
    db.session.expire_all()
    assert call.outcome == CallOutcome.HUNG_UP and call.ended_dt is not None
    assert "自動電話受付に電話する" in _text(coordinator)
    assert "通話はまだありません。" in coordinator.get("/staff/phone/calls",
                                                  headers=JA).get_data(as_text=True)


def test_a_withheld_number_keys_in_several_keys(coordinator):
    coordinator.post(f"{PAGE}/start", data={"number": ""}, headers=JA)
    coordinator.post(f"{PAGE}/keys", data={"keys": "2"}, headers=JA)
    html = _text(coordinator)
    assert 'id="keys" name="keys"' in html  # a number, not one key
    coordinator.post(f"{PAGE}/keys", data={"keys": "0466251234"}, headers=JA)
    assert "押した 番号は、0、4、6、6。 2、5。 1、2、3、4 です。" in _text(coordinator)


def test_keys_off_the_keypad_are_refused(coordinator):
    coordinator.post(f"{PAGE}/start", data={"number": ""}, headers=JA)
    turn = db.session.scalars(select(PhoneCall)).one().turn
    answer = coordinator.post(f"{PAGE}/keys", data={"keys": "A"}, headers=JA,
                              follow_redirects=True)
    assert "電話のボタン（0〜9、＊、＃）だけを押せます。" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalars(select(PhoneCall)).one().turn == turn


def test_keys_without_a_call_are_refused(coordinator):
    answer = coordinator.post(f"{PAGE}/keys", data={"keys": "1"}, headers=JA,
                              follow_redirects=True)
    assert "先に電話をかけてください。" in answer.get_data(as_text=True)


def test_a_trainer_types_what_the_caller_says(coordinator, create_person):
    create_person(name="佐藤 恵子", name_kana="さとう けいこ", phone="0466-25-1234")
    coordinator.post(f"{PAGE}/start", data={"number": "0466-25-1234"}, headers=JA)
    html = _text(coordinator)
    assert 'id="said" name="said"' in html  # the menu listens for words
    coordinator.post(f"{PAGE}/keys", data={"said": "予約を したいです"}, headers=JA)
    html = _text(coordinator)
    assert "席が ある 講座を 早い 順に 聞く ときは、1を 押してください。" in html
    assert 'id="said"' not in html  # how to find a class takes keys only
    coordinator.post(f"{PAGE}/keys", data={"said": "はい"}, headers=JA)
    assert "すみません。聞き取れませんでした。" in _text(coordinator)
