"""The data the browser tests look at: one of everything a page can show, created
through the services (so it obeys the same rules as real data) and anchored to today,
because the live server's pages use the real clock."""

from datetime import time, timedelta

from desk.auth import services as auth_services
from desk.auth.models import Role
from desk.core.errors import DeskError
from desk.core.timeutil import local_datetime, local_today, utcnow, week_start
from desk.events import services
from desk.extensions import db

PASSWORD = "correct-horse-battery-staple"
ACCOUNTS = {
    "admin": ("admin@city.example.jp", "管理 太郎"),
    "coordinator": ("coordinator@city.example.jp", "調整 花子"),
    "volunteer": ("volunteer@city.example.jp", "支援 次郎"),
}


def _session(data, *, actor, now, day, start, end):
    values = {"start_dt": local_datetime(day, start), "end_dt": local_datetime(day, end), **data}
    return services.create_session(values, actor=actor, now=now)


def seed():
    """Create the data inside an application context and commit; return the ids and
    dates the page list refers to."""
    now = utcnow()
    today = local_today(now)
    monday = week_start(today)
    users = {role: auth_services.create_user(email, PASSWORD, role=Role(role),
                                             display_name=name, actor="browser-test")
             for role, (email, name) in ACCOUNTS.items()}
    locked = auth_services.create_user("locked@city.example.jp", PASSWORD,
                                       role=Role.VOLUNTEER, display_name="締出 三郎",
                                       actor="browser-test")
    db.session.commit()
    for _attempt in range(5):  # wrong passwords until the account locks
        try:
            auth_services.authenticate(locked.email, "wrong password", now=now)
        except DeskError:
            pass
        db.session.commit()
    actor = users["coordinator"]

    north = services.create_district({"name": "湘南台", "name_kana": "ショウナンダイ",
                                      "position": 1}, actor=actor)
    services.create_district({"name": "辻堂", "name_kana": "ツジドウ", "position": 2},
                             actor=actor)
    venue = services.create_venue({
        "name": "湘南台市民センター", "name_kana": "ショウナンダイシミンセンター",
        "short_name": "湘南台C", "address": "神奈川県藤沢市湘南台1-8",
        "district_id": north.id, "phone": "0466-44-1111", "default_capacity": 20,
        "accessibility_notes": "段差なし。エレベーターあり。駐車場は3台まで。",
        "latitude": "35.3965", "longitude": "139.4666", "is_active": True}, actor=actor)
    second_venue = services.create_venue({
        "name": "辻堂公民館", "name_kana": "ツジドウコウミンカン", "short_name": "辻堂公",
        "address": "神奈川県藤沢市辻堂東海岸1-1", "default_capacity": 12, "is_active": True},
        actor=actor)
    services.create_venue({
        "name": "旧村岡分室", "name_kana": "キュウムラオカブンシツ", "short_name": "村岡",
        "address": "神奈川県藤沢市村岡東2-1", "default_capacity": 8, "is_active": False},
        actor=actor)
    basics = services.create_program({
        "title": "はじめてのスマホ", "title_kana": "ハジメテノスマホ",
        "title_en": "Smartphone basics", "topic": "basics", "level": "beginner",
        "device": "any", "default_duration_minutes": 90,
        "description": "電源の入れ方、電話のかけ方、カメラの使い方を学びます。",
        "what_to_bring": "充電したスマートフォン", "is_active": True}, actor=actor)
    line = services.create_program({
        "title": "LINEを使ってみよう", "title_kana": "ラインヲツカッテミヨウ",
        "title_en": "Using LINE", "topic": "line", "level": "beginner", "device": "iphone",
        "default_duration_minutes": 120, "is_active": True}, actor=actor)
    retired = services.create_program({
        "title": "キャッシュレス決済入門", "title_kana": "キャッシュレスケッサイニュウモン",
        "title_en": "Cashless payment", "topic": "cashless", "level": "intermediate",
        "device": "android", "default_duration_minutes": 90, "is_active": False},
        actor=actor)

    sessions = {
        "class": _session({"kind": "class", "program_id": basics.id, "venue_id": venue.id,
                           "capacity": 12, "notes": "老眼鏡をお持ちください。"},
                          actor=actor, now=now, day=today + timedelta(days=1),
                          start=time(10), end=time(11, 30)),
        "outreach": _session({"kind": "outreach_class", "program_id": line.id,
                              "venue_id": second_venue.id, "capacity": 15,
                              "requesting_group": "辻堂東老人クラブ",
                              "requesting_contact": "山田 一郎 0466-33-0000"},
                             actor=actor, now=now, day=today + timedelta(days=2),
                             start=time(13, 30), end=time(15)),
        "awareness": _session({"kind": "awareness_event", "title": "スマホ体験会",
                               "venue_id": venue.id},
                              actor=actor, now=now, day=today + timedelta(days=3),
                              start=time(10), end=time(16)),
        "consultation": _session({"kind": "consultation", "venue_id": second_venue.id},
                                 actor=actor, now=now, day=today, start=time(9),
                                 end=time(12)),
        "cancelled": _session({"kind": "class", "program_id": basics.id,
                               "venue_id": second_venue.id},
                              actor=actor, now=now, day=today + timedelta(days=4),
                              start=time(14), end=time(15, 30)),
        "past": _session({"kind": "class", "program_id": basics.id, "venue_id": venue.id},
                         actor=actor, now=now, day=today - timedelta(days=2),
                         start=time(10), end=time(11, 30)),
        "held": _session({"kind": "consultation", "venue_id": venue.id},
                         actor=actor, now=now, day=today - timedelta(days=3),
                         start=time(13), end=time(16)),
    }
    services.cancel_session(sessions["cancelled"], "会場の点検のため", actor=actor, now=now)
    services.complete_session(sessions["held"], actor=actor, now=now)

    weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[(today + timedelta(days=1)).weekday()]
    series, _report = services.create_series({
        "kind": "class", "program_id": basics.id, "venue_id": venue.id, "capacity": 10,
        "rrule": f"FREQ=WEEKLY;BYDAY={weekday}", "start_date": monday - timedelta(days=14),
        "until_date": monday + timedelta(days=56), "start_time": time(14),
        "end_time": time(15, 30), "skip_dates": [today + timedelta(days=15)]},
        actor=actor, now=now)
    upcoming = [session for session in series.sessions if session.start_dt > now]
    services.update_session(upcoming[1], {"capacity": 6, "notes": "この回は少人数です。"},
                            actor=actor, now=now)
    cancelled_series, _report = services.create_series({
        "kind": "consultation", "venue_id": second_venue.id,
        "rrule": "FREQ=MONTHLY;BYDAY=2WE,4WE", "start_date": monday,
        "until_date": monday + timedelta(days=60), "start_time": time(9),
        "end_time": time(12)}, actor=actor, now=now)
    services.cancel_series(cancelled_series, "会場の改修工事のため", actor=actor, now=now)

    auth_services.create_token(users["coordinator"], name="予約システム連携", actor=users["admin"])
    revoked, _plaintext = auth_services.create_token(users["admin"], name="旧連携",
                                                     actor=users["admin"])
    db.session.flush()
    auth_services.revoke_token(revoked.id, now=now, actor=users["admin"])
    db.session.commit()

    return {
        "today": today.isoformat(),
        "next_week": (monday + timedelta(days=7)).isoformat(),
        "venue": venue.id,
        "district": north.id,
        "program": basics.id,
        "inactive_program": retired.id,
        **{f"session.{name}": session.id for name, session in sessions.items()},
        "session.one_off": upcoming[1].id,
        "series": series.id,
        "series.cancelled": cancelled_series.id,
        "user.volunteer": users["volunteer"].id,
        "user.locked": locked.id,
    }
