"""Open data: イベント一覧 (32 columns) and 公共施設一覧 (24 columns) of the
自治体標準オープンデータセット, read back with the csv module."""

import csv
import io
import re
from datetime import date, time

import pytest

from desk.auth.models import Role
from desk.events import bookings
from desk.events import services as event_services
from desk.events.models import BookingChannel
from desk.extensions import db
from desk.reports import opendata
from tests.fixtures.factories import NOW

# Written out here on purpose, from /work/shared/REFERENCE.md, not from the module.
EXPECTED_EVENT_HEADER = [
    "都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "イベント名",
    "イベント名_カナ", "イベント名_英語", "開始日", "終了日", "開始時間", "終了時間",
    "開始日時特記事項", "説明", "料金(基本)", "料金(詳細)", "連絡先名称", "連絡先電話番号",
    "連絡先内線番号", "主催者", "場所名称", "住所", "方書", "緯度", "経度", "アクセス方法",
    "駐車場情報", "定員", "参加申込終了日", "参加申込終了時間", "参加申込方法", "URL", "備考",
]
EXPECTED_FACILITY_HEADER = [
    "都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "名称", "名称_カナ",
    "名称_通称", "POIコード", "住所", "方書", "緯度", "経度", "電話番号", "内線番号", "法人番号",
    "団体名", "利用可能曜日", "開始時間", "終了時間", "利用可能日時特記事項", "説明",
    "バリアフリー情報", "URL", "備考",
]
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME = re.compile(r"^\d{2}:\d{2}$")


def read_csv(body):
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    assert text.count("\r\n") >= 1 and "\n" not in text.replace("\r\n", "")
    return list(csv.reader(io.StringIO(text, newline="")))


def as_dicts(rows):
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def city(app, monkeypatch):
    monkeypatch.setitem(app.config, "DESK_MUNICIPALITY_CODE", "222062")
    monkeypatch.setitem(app.config, "DESK_MUNICIPALITY_NAME", "三島市")
    monkeypatch.setitem(app.config, "DESK_DESK_PHONE", "055-983-0000")
    monkeypatch.setitem(app.config, "DESK_PUBLIC_URL", "https://desk.city.example.jp")
    monkeypatch.setitem(app.config, "DESK_BOOKING_CLOSES_MINUTES", 60)


@pytest.fixture
def schedule(ctx, city, create_session, create_venue, create_program, create_person,
             create_user):
    staff = create_user(Role.COORDINATOR)
    venue = create_venue(name="三島市民活動センター", name_kana="ミシマシミンカツドウセンター",
                         short_name="活動C", address="静岡県三島市一番町20-5",
                         latitude=35.118, longitude=138.918, phone="055-983-1111",
                         accessibility_notes="車いす用トイレあり")
    create_venue(name="閉館した会場", name_kana="ヘイカンシタカイジョウ", is_active=False)
    program = create_program(title="はじめてのLINE", title_kana="ハジメテノライン",
                             title_en="LINE for beginners", description="LINEの使い方を学びます",
                             what_to_bring="スマートフォン")
    bare_program = create_program(title="地図アプリ", title_kana="チズアプリ", title_en=None)
    past = create_session(day=date(2026, 11, 20), venue_id=venue.id, program_id=program.id)
    cls = create_session(day=date(2026, 12, 3), start=time(10), end=time(11, 30),
                         venue_id=venue.id, program_id=program.id, capacity=12)
    outreach = create_session(kind="outreach_class", day=date(2026, 12, 4), start=time(14),
                              end=time(15), venue_id=venue.id, program_id=bare_program.id,
                              capacity=8, requesting_group="旭町老人クラブ",
                              requesting_contact="会長 山田太郎 090-9999-0000")
    awareness = create_session(kind="awareness_event", title="詐欺対策講演会",
                               day=date(2026, 12, 5), start=time(13, 30), end=time(15),
                               venue_id=venue.id)
    consultation = create_session(kind="consultation", day=date(2026, 12, 6), start=time(9),
                                  end=time(12), venue_id=venue.id)
    cancelled = create_session(day=date(2026, 12, 7), venue_id=venue.id,
                               program_id=program.id)
    event_services.cancel_session(cancelled, "台風のため", actor=staff, now=NOW)
    person = create_person(name="佐藤 恵子", name_kana="さとう けいこ",
                           phone="090-1234-5678")
    booking = bookings.book_seat(cls, person, seats=2, channel=BookingChannel.PHONE_DESK,
                                 actor=staff, now=NOW).booking
    db.session.commit()
    return {"staff": staff, "venue": venue, "past": past, "class": cls,
            "outreach": outreach, "awareness": awareness, "consultation": consultation,
            "cancelled": cancelled, "booking": booking}


def test_event_columns_are_the_standards_32_in_order():
    assert list(opendata.EVENT_COLUMNS) == EXPECTED_EVENT_HEADER
    assert len(EXPECTED_EVENT_HEADER) == 32
    assert list(opendata.LAYOUTS["event_list"]) == EXPECTED_EVENT_HEADER
    assert list(opendata.FACILITY_COLUMNS) == EXPECTED_FACILITY_HEADER
    assert len(EXPECTED_FACILITY_HEADER) == 24


def test_prefecture_from_the_code():
    assert opendata.prefecture_name("142051") == "神奈川県"
    assert opendata.prefecture_name("222062") == "静岡県"
    assert opendata.prefecture_name("011002") == "北海道"
    assert opendata.prefecture_name("472018") == "沖縄県"
    assert opendata.prefecture_name("131016") == "東京都"
    assert opendata.prefecture_name("") == ""
    assert opendata.prefecture_name("992018") == ""
    assert len(opendata.PREFECTURES) == 47


def test_events_file_lists_upcoming_sessions_only(schedule):
    rows = read_csv(opendata.events_csv(NOW))
    assert rows[0] == EXPECTED_EVENT_HEADER
    events = as_dicts(rows)
    expected = [schedule[key] for key in ("class", "outreach", "awareness", "consultation")]
    assert [row["URL"] for row in events] == [
        f"https://desk.city.example.jp/sessions/{session.id}" for session in expected]
    assert [row["NO"] for row in events] == ["1", "2", "3", "4"]
    for row in events:
        assert row["都道府県コード又は市区町村コード"] == "222062"
        assert row["都道府県名"] == "静岡県"
        assert row["市区町村名"] == "三島市"
        assert row["連絡先電話番号"] == "055-983-0000"
        assert row["場所名称"] == "三島市民活動センター"
        assert row["住所"] == "静岡県三島市一番町20-5"
        assert (float(row["緯度"]), float(row["経度"])) == (35.118, 138.918)
        for column in ("開始日", "終了日"):
            assert DATE.match(row[column]), row[column]
        for column in ("開始時間", "終了時間"):
            assert TIME.match(row[column]), row[column]
        for column in ("イベント名", "イベント名_カナ", "説明", "場所名称", "住所"):
            assert row[column], column  # required by the standard
    cls, outreach, awareness, consultation = events
    assert (cls["イベント名"], cls["イベント名_カナ"], cls["イベント名_英語"]) == (
        "はじめてのLINE", "ハジメテノライン", "LINE for beginners")
    assert (cls["開始日"], cls["開始時間"], cls["終了日"], cls["終了時間"]) == (
        "2026-12-03", "10:00", "2026-12-03", "11:30")  # JST
    assert cls["定員"] == "12" and cls["説明"] == "LINEの使い方を学びます"
    assert (cls["参加申込終了日"], cls["参加申込終了時間"]) == ("2026-12-03", "09:00")
    assert "https://desk.city.example.jp/sessions/" in cls["参加申込方法"]
    assert "055-983-0000" in cls["参加申込方法"] and ";" in cls["参加申込方法"]
    assert cls["備考"] == "持ち物：スマートフォン"
    # a program without an English title: the kind's English name
    assert (outreach["イベント名"], outreach["イベント名_カナ"], outreach["イベント名_英語"]) == (
        "地図アプリ", "チズアプリ", "Outreach class")
    # no program: the own title, the kind's kana and English
    assert (awareness["イベント名"], awareness["イベント名_カナ"],
            awareness["イベント名_英語"]) == ("詐欺対策講演会", "ケイハツイベント", "Awareness event")
    assert awareness["定員"] == "" and awareness["参加申込方法"] == opendata.NO_BOOKING_NEEDED
    assert (consultation["イベント名"], consultation["イベント名_カナ"],
            consultation["イベント名_英語"]) == (
        "スマホ何でも相談窓口", "スマホナンデモソウダンマドグチ", "Smartphone consultation desk")
    assert consultation["参加申込終了日"] == ""


def test_events_file_gives_a_sessions_own_english_title(schedule):
    awareness, cls = schedule["awareness"], schedule["class"]
    for session, title, title_en in ((awareness, awareness.title, "Scam protection talk"),
                                     (cls, "LINE特別講座", "LINE special class")):
        event_services.update_session(session, {"title": title, "title_en": title_en},
                                      actor="test", now=NOW)
    db.session.commit()
    events = {row["イベント名"]: row["イベント名_英語"]
              for row in as_dicts(read_csv(opendata.events_csv(NOW)))}
    assert events["詐欺対策講演会"] == "Scam protection talk"
    assert events["LINE特別講座"] == "LINE special class"


def test_events_file_holds_no_personal_data(schedule):
    text = opendata.events_csv(NOW).decode("utf-8-sig")
    booking = schedule["booking"]
    for secret in ("佐藤", "恵子", "ケイコ", "けいこ", "090-1234-5678", "+819012345678",
                   "09012345678", booking.code, booking.display_code, booking.token,
                   "旭町老人クラブ", "山田", "090-9999-0000", "台風"):
        assert secret not in text, secret


def test_events_after_the_last_session_are_empty(schedule):
    later = opendata.event_rows(schedule["consultation"].end_dt)
    assert later == []
    rows = read_csv(opendata.events_csv(schedule["consultation"].end_dt))
    assert rows == [EXPECTED_EVENT_HEADER]


def test_venues_file_in_the_public_facilities_layout(schedule):
    rows = read_csv(opendata.venues_csv())
    assert rows[0] == EXPECTED_FACILITY_HEADER
    venues = as_dicts(rows)
    names = [row["名称"] for row in venues]
    assert "三島市民活動センター" in names and "閉館した会場" not in names
    assert [row["NO"] for row in venues] == [str(n) for n in range(1, len(venues) + 1)]
    row = venues[names.index("三島市民活動センター")]
    assert row["名称_カナ"] == "ミシマシミンカツドウセンター"
    assert row["名称_通称"] == "活動C"
    assert row["住所"] == "静岡県三島市一番町20-5"
    assert row["電話番号"] == "055-983-1111"
    assert row["バリアフリー情報"] == "車いす用トイレあり"
    assert (row["都道府県名"], row["市区町村名"]) == ("静岡県", "三島市")
    assert row["URL"] == "https://desk.city.example.jp/venues"


def test_open_data_downloads(client, login, schedule):
    login(client, schedule["staff"])
    response = client.get("/staff/reports/opendata/events.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert read_csv(response.get_data())[0] == EXPECTED_EVENT_HEADER
    response = client.get("/staff/reports/opendata/venues.csv")
    assert response.status_code == 200
    assert read_csv(response.get_data())[0] == EXPECTED_FACILITY_HEADER
