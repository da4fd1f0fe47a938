"""The data the browser tests look at: one of everything a page can show, created
through the services (so it obeys the same rules as real data) and anchored to today,
because the live server's pages use the real clock."""

from datetime import time, timedelta

from sqlalchemy import select

from desk.auth import services as auth_services
from desk.auth.models import Role
from desk.core import accesslog
from desk.core.errors import DeskError
from desk.core.timeutil import local_datetime, local_today, utcnow, week_start
from desk.events import services, surveys
from desk.extensions import db
from desk.notify import optout
from desk.notify import services as notify_services
from desk.notify.models import MessageState, OutboxMessage
from desk.people import erasure
from desk.people import services as people_services
from desk.phone import calls
from desk.phone.models import NameRecording, PhoneCall
from tests.browser.kiosk_device import seed_kiosks

PASSWORD = "correct-horse-battery-staple"
ACCOUNTS = {
    "admin": ("admin@city.example.jp", "管理 太郎"),
    "coordinator": ("coordinator@city.example.jp", "調整 花子"),
    "volunteer": ("volunteer@city.example.jp", "支援 次郎"),
}


def _session(data, *, actor, now, day, start, end):
    values = {"start_dt": local_datetime(day, start), "end_dt": local_datetime(day, end), **data}
    return services.create_session(values, actor=actor, now=now)


def seed_my_shifts(user, sessions, *, actor, now):
    """The browser's volunteer account gets its volunteer profile (desk/volunteers/
    me_views.py): a shift on the day (check-in open, attendees and a colleague who shares
    contact details), one tomorrow, a worked one two days ago, an open one it can take,
    a cancelled one, and shifts on today's awareness event and yesterday's closed class."""
    from desk.volunteers import services as volunteer_services

    def volunteer(name, kana, phone, email):
        return volunteer_services.create_volunteer(
            {"name": name, "name_kana": kana, "affiliation": "ict_volunteer", "phone": phone,
             "email": email, "message_channel": "sms", "shares_contact": True,
             "skills": ["iphone", "android", "line"]}, actor=actor, now=now)

    me = volunteer("支援 次郎", "しえん じろう", "080-4000-0001", "shien.jiro@example.jp")
    me.user_id = user.id
    colleague = volunteer("中村 陽子", "なかむら ようこ", "080-4000-0002", "nakamura@example.jp")

    def shift(session, **data):
        return volunteer_services.create_shift(session, {"role": "assistant", "places": 2,
                                                         **data}, actor=actor, now=now)

    def assign(shift, who):
        return volunteer_services.assign_volunteer(shift, who, actor=actor, now=now,
                                                   confirmed=True)

    today = shift(sessions["roster"], role="lead", notes="受付の机は入口の右です。")
    assign(today, me)
    assign(today, colleague)
    tomorrow = shift(sessions["class"], skills=["iphone"])
    assign(tomorrow, me)
    worked = shift(sessions["past"])
    volunteer_services.set_times(assign(worked, me), {"check_in": "09:50", "check_out": "11:40"},
                                 actor=actor, now=now)
    open_shift = shift(sessions["outreach"], role="reception", skills=["line"])
    cancelled = shift(sessions["awareness"])
    assign(cancelled, me)
    volunteer_services.cancel_shift(cancelled, actor=actor, now=now, note="人数が足りたため")
    # the other rosters its pages open (a volunteer opens only those of sessions they
    # staff, desk.events.access): today's awareness event and yesterday's closed class
    for session in (sessions["awareness_today"], sessions["roster_closed"]):
        assign(shift(session), me)
    return {"shift.today": today.id, "shift.tomorrow": tomorrow.id, "shift.open": open_shift.id,
            "shift.cancelled": cancelled.id}


def seed_account_links(user, *, actor, now):
    """Invitations (desk/volunteers/accounts.py): a volunteer invited by e-mail whose link
    the join page opens, one invited by SMS, and a password reset link for the browser's
    volunteer account (its profile comes from seed_my_shifts)."""
    from desk.volunteers import services as volunteer_services
    from desk.volunteers.accounts import invite_volunteer
    from desk.volunteers.passwords import request_reset

    def volunteer(name, kana, phone, email, channel):
        return volunteer_services.create_volunteer(
            {"name": name, "name_kana": kana, "affiliation": "student", "phone": phone,
             "email": email, "message_channel": channel}, actor=actor, now=now)

    by_email = volunteer("招待 花子", "しょうたい はなこ", None, "shoutai.hanako@example.jp",
                         "email")
    by_sms = volunteer("番号 太一", "ばんごう たいち", "080-4000-0003", None, "sms")
    invite = invite_volunteer(by_email, "email", actor=actor, now=now)
    invite_volunteer(by_sms, "sms", actor=actor, now=now)
    db.session.flush()
    reset_message = request_reset(user.email, now=now)
    return {"link.invite": invite.message.secret, "link.reset": reset_message.secret,
            "volunteer.invited": by_email.id, "volunteer.invited_sms": by_sms.id}


def seed_staff_volunteers(user, sessions, *, actor, now):
    """The coordinators' volunteer pages (desk/volunteers/staff_views.py): an inactive
    student with usual times and coordinator notes and no account, and a reception shift
    on today's roster session with one volunteer checked in and out, one who did not
    come (the cover box) and a free place."""
    from desk.volunteers import services as volunteer_services
    from desk.volunteers.models import Volunteer

    def volunteer(name, kana, affiliation, phone, **data):
        return volunteer_services.create_volunteer(
            {"name": name, "name_kana": kana, "affiliation": affiliation, "phone": phone,
             "message_channel": "sms", "skills": ["iphone"], **data}, actor=actor, now=now)

    profile = volunteer("学生 さくら", "がくせい さくら", "student", "080-4000-0010",
                        email="sakura@example.jp", message_channel="email",
                        skills=["line", "english"], is_active=False,
                        notes="平日の午後のみ。\n英語の対応ができます。",
                        availability=[{"weekday": 1, "start_time": "13:00", "end_time": "17:00"},
                                      {"weekday": 3, "start_time": "13:00", "end_time": "17:00"}])
    helper = volunteer("企業 一郎", "きぎょう いちろう", "company", "080-4000-0011")
    absent = volunteer("推進 和子", "すいしん かずこ", "digital_promoter", "080-4000-0012")
    reception = volunteer_services.create_shift(
        sessions["roster"], {"role": "reception", "places": 3, "skills": ["iphone"],
                             "notes": "受付で名簿を確認します。"}, actor=actor, now=now)
    came = volunteer_services.assign_volunteer(reception, helper, actor=actor, now=now,
                                               confirmed=True)
    volunteer_services.check_in(came, actor=actor, now=now - timedelta(minutes=25))
    volunteer_services.check_out(came, actor=actor, now=now)
    volunteer_services.mark_no_show(volunteer_services.assign_volunteer(
        reception, absent, actor=actor, now=now, confirmed=True), actor=actor, now=now)
    db.session.flush()
    me = db.session.scalar(select(Volunteer.id).where(Volunteer.user_id == user.id))
    return {"volunteer.me": me, "volunteer.staff": profile.id}


def seed_consult_staff(user, sessions, *, actor, now):
    """The coordinators' consultation pages (desk/consults/staff_views.py): the held
    consultation session gets tickets served by the browser's volunteer account (topics,
    devices, outcomes, a note), one skipped and one cancelled; a topic of the list is
    hidden and a new one added."""
    from desk.consults import services as consult_services
    from desk.consults import topics as consult_topics
    from desk.consults.models import ConsultTopic

    held = sessions["held"]
    topic = {code: db.session.scalar(select(ConsultTopic.id).where(ConsultTopic.code == code))
             for code in ("line", "my_number", "camera", "settings")}

    def minutes(count):
        return held.start_dt + timedelta(minutes=count)

    visits = (
        ({"visitor_name": "佐藤 恵子", "phone": "090-1234-5678"}, ["line", "camera"], "iphone",
         "resolved", None),
        ({}, ["my_number"], "android", "referred", "マイナポータルの講座を案内した。"),
        ({}, ["line"], "iphone", "follow_up", "友だち追加の続きを次回に。"),
        ({}, ["settings"], "flip_phone", "resolved", None),
    )
    for index, (data, codes, device, outcome, note) in enumerate(visits):
        ticket = consult_services.issue_ticket(held, data, actor=actor, now=minutes(index * 7))
        consult_services.take_ticket(ticket, actor=user, now=minutes(index * 7 + 5))
        consult_services.log_visit(ticket, {"topics": [str(topic[code]) for code in codes],
                                            "device": device, "outcome": outcome, "note": note},
                                   actor=user, now=minutes(index * 7 + 20))
    skipped = consult_services.issue_ticket(held, {}, actor=actor, now=minutes(40))
    consult_services.skip_ticket(skipped, actor=user, now=minutes(60))
    cancelled = consult_services.issue_ticket(held, {}, actor=actor, now=minutes(45))
    consult_services.cancel_ticket(cancelled, actor=actor, now=minutes(50))
    consult_topics.set_topic_active(db.session.get(ConsultTopic, topic["settings"]), False,
                                    actor=actor)
    consult_topics.create_topic({"name": "スマートウォッチ", "name_en": "Smartwatches",
                                 "program_topic": "apps"}, actor=actor)


def seed_consult_desk(user, sessions, *, actor, now):
    """The desk's serving screens (desk/consults/desk_views.py): a consultation session
    going on now, staffed by the browser's volunteer account, with two visitors waiting,
    one the volunteer serves (the log form), one they served and logged (the log, then
    a class to book) and one a coordinator serves (the volunteer cannot log it)."""
    from desk.consults import queries as consult_queries
    from desk.consults import services as consult_services
    from desk.volunteers import services as volunteer_services
    from desk.volunteers.models import Volunteer

    desk = services.create_session({
        "kind": "consultation", "title": "スマホ相談（受付中）",
        "venue_id": sessions["consultation"].venue_id,
        "start_dt": now - timedelta(hours=1), "end_dt": now + timedelta(hours=2)},
        actor=actor, now=now)
    me = db.session.scalar(select(Volunteer).where(Volunteer.user_id == user.id))
    volunteer_services.assign_volunteer(
        volunteer_services.create_shift(desk, {"role": "assistant", "places": 3},
                                        actor=actor, now=now),
        me, actor=actor, now=now, confirmed=True)
    topic = {item.code: str(item.id) for item in consult_queries.active_topics()}

    def ticket(minutes_ago, **data):
        return consult_services.issue_ticket(desk, data, actor=actor,
                                             now=now - timedelta(minutes=minutes_ago))

    served, serving, others = ticket(50, visitor_name="小林"), ticket(30), ticket(25)
    ticket(15, visitor_name="渡辺")
    ticket(5)
    consult_services.take_ticket(served, actor=user, now=now - timedelta(minutes=45))
    consult_services.log_visit(served, {
        "topics": [topic["basics"], topic["line"]], "device": "iphone", "minutes": "20",
        "outcome": "referred", "note": "はじめてのスマホ教室を案内。"}, actor=user,
        now=now - timedelta(minutes=25))
    consult_services.take_ticket(serving, actor=user, now=now - timedelta(minutes=8))
    consult_services.take_ticket(others, actor=actor, now=now - timedelta(minutes=6))
    sessions["consult_desk"] = desk
    return {"ticket.served": served.id, "ticket.serving": serving.id,
            "ticket.others": others.id}


def seed_consult_reception(user, venue, sessions, *, actor, now):
    """Reception and the public display (desk/consults/reception_views.py and
    display_views.py): a consultation session with reserved slots going on now at the
    first venue (its only consultation desk today), staffed by the browser's volunteer
    account: one visitor being served, walk-ins waiting (one gave a name and a mobile
    for the SMS), a reserved visitor checked in and one not yet here, a number set aside
    as not present. "venue.closed" (the inactive venue) has no desk today."""
    from desk.consults import services as consult_services
    from desk.events.models import Venue
    from desk.volunteers import services as volunteer_services
    from desk.volunteers.models import Volunteer

    desk = services.create_session({
        "kind": "consultation", "venue_id": venue.id, "slot_minutes": 30, "capacity": 6,
        "start_dt": now - timedelta(minutes=40), "end_dt": now + timedelta(hours=3)},
        actor=actor, now=now - timedelta(days=2))
    me = db.session.scalar(select(Volunteer).where(Volunteer.user_id == user.id))
    volunteer_services.assign_volunteer(
        volunteer_services.create_shift(desk, {"role": "reception", "places": 2},
                                        actor=actor, now=now),
        me, actor=actor, now=now, confirmed=True)
    reserved, expected = (services.book_seat(desk, people_services.create_person(
        {"name": name, "name_kana": kana, "phone": phone, "consent": True},
        channel="phone_desk", consent_method="phone_staff", actor=actor, now=now),
        channel="phone_desk", actor=actor, now=now - timedelta(days=1)).booking
        for name, kana, phone in (("森 久美子", "もり くみこ", "090-3333-0001"),
                                  ("井上 博", "いのうえ ひろし", "0466-25-0003")))

    def ticket(minutes_ago, **data):
        return consult_services.issue_ticket(desk, data, actor=actor,
                                             now=now - timedelta(minutes=minutes_ago))

    away, serving = ticket(35), ticket(30)
    ticket(20, visitor_name="清水 花", phone="080-3333-0002", wants_sms=True)
    ticket(10)
    consult_services.check_in_reservation(reserved, actor=actor, now=now - timedelta(minutes=8))
    consult_services.take_ticket(serving, actor=user, now=now - timedelta(minutes=12))
    consult_services.skip_ticket(away, actor=actor, now=now - timedelta(minutes=5))
    db.session.flush()
    sessions["reception"] = desk
    return {"ticket.issued": ticket(1).id, "booking_id.expected": expected.id,
            "venue.closed": db.session.scalar(select(Venue.id).where(
                Venue.is_active.is_(False)).limit(1))}


def seed_surveys_and_targets(sessions, districts, *, actor, now):
    """KPI targets (desk/reports/target_views.py) for this fiscal year and the one
    before, and survey sheets (survey_views.py) of yesterday's closed class."""
    from desk.core.timeutil import fiscal_year_of
    from desk.reports import services as report_services

    fiscal_year = fiscal_year_of(local_today(now))
    for year, values in ((fiscal_year - 1, {"classes_held": "24", "repeat_rate": "35"}),
                         (fiscal_year, {"classes_held": "30", "class_participants": "400",
                                        "survey_satisfaction": "4.2"})):
        report_services.set_targets(year, values, actor=actor, now=now)
    report_services.add_survey_entries(sessions["roster_closed"], [
        {"satisfaction": 5, "can_do": "yes", "age_band": "70s", "district_id": districts[0],
         "comment": "ゆっくり教えてもらえて分かりやすかった。"},
        {"satisfaction": 4, "can_do": "partly", "age_band": "80s"},
        {"satisfaction": 3, "can_do": "no", "district_id": districts[1],
         "comment": "=文字が小さくて見えにくい"}], actor=actor, now=now)


def seed_new_caller(sessions, *, now):
    """A new caller of the phone line whose name is to be confirmed, with a booking and
    a recording kept in desk (the names page shows its player without Twilio)."""
    person = people_services.create_unnamed_person(
        "+819077730418", hint="高橋 美代子", language="ja", channel="phone_line",
        actor="phone_line", now=now)
    call = PhoneCall(call_sid="CA" + "c" * 32, caller=person.phone, person_id=person.id,
                     step="booked", choices={}, started_dt=now, updated_dt=now, ended_dt=now)
    db.session.add(call)
    db.session.flush()
    db.session.add(NameRecording(call_id=call.id, person_id=person.id,
                                 recording_sid="RE" + "b" * 32,
                                 recording_url="https://api.twilio.com/2010-04-01/Accounts/"
                                               "AC00000000000000000000000000000000/Recordings/"
                                               "RE" + "b" * 32,
                                 duration_seconds=3, hint="高橋 美代子", audio=b"ID3",
                                 audio_type="audio/mpeg", created_dt=now))
    services.book_seat(sessions["class"], person, channel="phone_line", actor="phone_line",
                       now=now)


def seed_phone_call(*, now):
    """A call to the phone line through its handlers (desk.phone.calls): on the landline
    two residents share, the caller chooses their name, hears the consultation desks'
    dates, presses a key that is no choice, then hangs up. Returns the call's id."""
    sid = "CA" + "b" * 32
    at = now - timedelta(minutes=10)
    calls.start(sid, "+81466824455", now=at)
    for turn, key in enumerate(("1", "3", "7"), 1):
        calls.answer(sid, turn, key, now=at + timedelta(seconds=25 * turn))
    return calls.ended(sid, now=at + timedelta(minutes=2)).id


def seed_outreach(program, district, *, actor, now):
    """Outreach requests received, scheduled (at a new community place) and declined."""
    from desk.events import outreach

    today = local_today(now)

    def request(group, kind, place, **data):
        return outreach.submit_request(
            {"group_name": group, "group_kind": kind, "contact_name": "佐藤 和子",
             "contact_kana": "サトウ カズコ", "contact_phone": "090-2468-1357",
             "reply_channel": "sms", "place_name": place,
             "place_address": "藤沢市湘南台2-15-3", "district_id": district,
             "preferred_date_1": today + timedelta(days=30), "expected_count": 15,
             "topics": ["basics", "line"], "devices": ["iphone"], **data},
            source="web", locale="ja", actor="web", now=now)

    received = request("湘南台二丁目町内会", "neighbourhood", "湘南台二丁目自治会館",
                       needs_hearing=True, needs_notes="マイクをお願いします")
    scheduled = request("寿会", "senior_club", "石川老人憩の家")
    day = today + timedelta(days=20)
    outreach.schedule_request(scheduled, {
        "place_name_kana": "イシカワロウジンイコイノイエ", "place_short_name": "石川憩の家",
        "program_id": program, "start_dt": local_datetime(day, time(13, 30)),
        "end_dt": local_datetime(day, time(15))}, actor=actor, now=now)
    declined = request("ハイツ湘南管理組合", "apartment", "ハイツ湘南集会室",
                       reply_channel="voice", contact_phone="0466-25-9876")
    outreach.decline_request(declined, {"decline_reason": "too_few"}, actor=actor, now=now)
    return {"outreach.received": received.id, "outreach.scheduled": scheduled.id,
            "outreach.declined": declined.id, "place": scheduled.place_id}


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
                                      "name_en": "Shonandai", "position": 1}, actor=actor)
    south = services.create_district({"name": "辻堂", "name_kana": "ツジドウ", "position": 2},
                                     actor=actor)
    venue = services.create_venue({
        "name": "湘南台市民センター", "name_kana": "ショウナンダイシミンセンター",
        "name_en": "Shonandai Citizen Center", "short_name": "湘南台C",
        "short_name_en": "Shonandai C", "address": "神奈川県藤沢市湘南台1-8",
        "district_id": north.id, "phone": "0466-44-1111", "default_capacity": 20,
        "accessibility_notes": "段差なし。エレベーターあり。駐車場は3台まで。",
        "accessibility_notes_en": "Step-free. Lift. Parking for 3 cars.",
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
        "description_en": "Learn to switch the phone on, make calls and use the camera.",
        "what_to_bring": "充電したスマートフォン", "what_to_bring_en": "Your smartphone, charged",
        "is_active": True}, actor=actor)
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

    # web bookings: booked, waitlisted (on a full class) and cancelled
    sessions["full"] = _session({"kind": "class", "program_id": basics.id,
                                 "venue_id": second_venue.id, "capacity": 1},
                                actor=actor, now=now, day=today + timedelta(days=5),
                                start=time(10), end=time(11, 30))
    web_people = [people_services.create_person(
        {"name": name, "name_kana": kana, "phone": phone, "consent": True}, channel="web",
        consent_method="web", actor="web", now=now) for name, kana, phone in (
            ("佐藤 恵子", "さとう けいこ", "090-1234-5678"),
            ("鈴木 茂", "すずき しげる", "0466-25-1234"),
            ("高橋 和子", "たかはし かずこ", "080-2345-6789"))]
    web_bookings = {
        "booked": services.book_seat(sessions["full"], web_people[0], seats=1, channel="web",
                                     actor="web", now=now).booking,
        "waitlisted": services.book_seat(sessions["full"], web_people[1], channel="web",
                                         actor="web", now=now).booking,
        "cancelled": services.book_seat(sessions["class"], web_people[2], seats=2,
                                        channel="web", actor="web", now=now).booking,
    }
    services.cancel_booking(web_bookings["cancelled"], actor="web", now=now)
    # a seat freed close to the start (five hours before it: inside the offer window),
    # offered to the first on the waiting list (desk.events.offers)
    sessions["offer"] = _session({"kind": "class", "program_id": basics.id,
                                  "venue_id": second_venue.id, "capacity": 1},
                                 actor=actor, now=now, day=today + timedelta(days=6),
                                 start=time(14), end=time(15, 30))
    leaving = services.book_seat(sessions["offer"], web_people[0], channel="web",
                                 actor="web", now=now).booking
    web_bookings["offered"] = services.book_seat(sessions["offer"], web_people[2],
                                                 channel="web", actor="web", now=now).booking
    services.cancel_booking(leaving, actor="web",
                            now=sessions["offer"].start_dt - timedelta(hours=5))

    # the phone desk and the roster: a booking a family member made by phone, a class that
    # started half an hour ago (checked in, not yet, waiting, cancelled), a closed one, and
    # an awareness event today with its headcount
    caller = people_services.create_person(
        {"name": "伊藤 節子", "name_kana": "いとう せつこ", "phone": "0466-82-4455",
         "consent": True}, channel="phone_desk", consent_method="phone_staff", actor=actor,
        now=now)
    proxy = people_services.add_proxy(
        caller, {"name": "伊藤 健一", "relation": "family", "relation_note": "長男",
                 "phone": "070-3456-7890", "wants_copies": True},
        consent_method="phone_staff", actor=actor, now=now)
    # the son asked for no more SMS (the person page shows who stopped it, and when); the
    # access log page has entries to show
    optout.stop_channel(proxy, "sms", actor=actor, now=now)
    accesslog.record(actor, "person.viewed", "person", [caller.id], now=now)
    accesslog.record(users["admin"], "people.searched", "person", range(1, 30), now=now)
    desk_booking = services.book_seat(sessions["class"], caller, seats=2, channel="phone_desk",
                                      actor=actor, now=now, proxy=proxy).booking
    # the news about new classes: the caller by a call (recorded on the phone desk), the
    # web booker by SMS (the list and stop pages), the waitlisted one stopped by the link
    from desk.events import news

    news.subscribe_news(caller, {"topics": ["line", "scam_protection"], "channel": "voice",
                                 "consent": True}, method="phone_staff", actor=actor, now=now)
    news_active = news.subscribe_news(
        web_people[0], {"topics": ["basics", "line"], "channel": "sms", "consent": True},
        method="web", actor="web", now=now)
    news_stopped = news.subscribe_news(
        web_people[1], {"topics": ["basics"], "channel": "voice", "consent": True},
        method="web", actor="web", now=now)
    news.stop_by_token(news_stopped.token, now=now)
    started = now - timedelta(minutes=30)
    sessions["roster"] = services.create_session({
        "kind": "class", "program_id": basics.id, "venue_id": venue.id, "capacity": 3,
        "start_dt": started, "end_dt": started + timedelta(hours=2)}, actor=actor, now=now)
    sessions["roster_closed"] = _session({"kind": "class", "program_id": line.id,
                                          "venue_id": second_venue.id, "capacity": 5},
                                         actor=actor, now=now, day=today - timedelta(days=1),
                                         start=time(10), end=time(12))
    roster_people = [people_services.create_person(
        {"name": name, "name_kana": kana, "phone": phone, "consent": True},
        channel="phone_desk", consent_method="phone_staff", actor=actor, now=now)
        for name, kana, phone in (("渡辺 清", "わたなべ きよし", "090-5555-0001"),
                                  ("阿部 正", "あべ ただし", "0466-25-0002"),
                                  ("小林 和夫", "こばやし かずお", "080-5555-0003"),
                                  ("田中 正雄", "たなか まさお", "070-5555-0004"))]
    roster_bookings = [services.book_seat(
        sessions["roster"], person, seats=seats, channel=channel, actor=actor,
        now=started - timedelta(days=1)).booking
        for person, seats, channel in zip(roster_people, (2, 1, 1, 1),
                                          ("phone_desk", "web", "phone_desk", "web"),
                                          strict=True)]
    services.set_attendance(roster_bookings[0], "attended", actor=actor, now=now)
    services.cancel_booking(roster_bookings[3], actor=actor, now=started - timedelta(hours=1))
    # still waiting when the class started: offered the next class (desk.events.followups)
    from desk.events import followups

    followup = followups.follow_up(roster_bookings[2], actor="system", now=now)
    assert followup is not None and followup.target_session_id is not None
    held = sessions["roster_closed"]
    # two agreed to the survey after the class; one has answered it (desk/events/surveys.py)
    for person in roster_people[1:2]:
        services.book_seat(held, person, channel="phone_desk", actor=actor,
                           now=held.start_dt - timedelta(days=2))
    surveyed = [services.book_seat(held, person, channel="phone_desk", actor=actor,
                                   now=held.start_dt - timedelta(days=2),
                                   survey_consent=True).booking
                for person in (roster_people[0], roster_people[2])]
    invitations = [surveys.invitation_of(services.set_attendance(
        booking, "attended", actor=actor, now=held.end_dt)) for booking in surveyed]
    surveys.answer(invitations[1], {"useful": "4", "will_use": "yes", "next_topic": "line",
                                    "next_text": "孫に写真を送りたい"}, now=now)
    services.set_attendance(services.book_seat(held, caller, channel="phone_desk", actor=actor,
                                               now=held.start_dt - timedelta(days=2)).booking,
                            "attended", actor=actor, now=held.end_dt)
    services.close_attendance(held, actor=actor, now=held.end_dt)
    sessions["awareness_today"] = services.create_session({
        "kind": "awareness_event", "title": "スマホ体験会（当日）", "venue_id": second_venue.id,
        "start_dt": now - timedelta(hours=1), "end_dt": now + timedelta(hours=3)},
        actor=actor, now=now)
    services.set_anonymous_headcount(sessions["awareness_today"], 12, actor=actor, now=now)

    # the registry: the caller's daughter booked the same class on the web under the same
    # landline with a shorter reading (a new record, flagged for review), and a duplicate
    # record merged earlier
    flagged = people_services.person_for_public_booking(
        {"name": "伊藤 節子", "name_kana": "いとう せつ", "phone": "0466-82-4455",
         "email": "setsuko.ito@example.jp", "age_band": "80s", "consent": True},
        channel="web", consent_method="web", actor="web", now=now)
    services.book_seat(sessions["class"], flagged, channel="web", actor="web", now=now)
    kept, merged = (people_services.create_person(
        {"name": "山田 花子", "name_kana": kana, "phone": phone, "consent": True},
        channel="phone_desk", consent_method="phone_staff", actor=actor, now=now)
        for kana, phone in (("やまだ はなこ", "090-2222-3333"), ("ﾔﾏﾀﾞ ﾊﾅｺ", "080-2222-3333")))
    people_services.merge_people(kept, merged, actor=actor, now=now)
    couple = [people_services.create_person(
        {"name": name, "name_kana": kana, "phone": "0466-36-1212", "consent": True},
        channel="phone_desk", consent_method="phone_staff", actor=actor, now=now)
        for name, kana in (("木村 茂", "きむら しげる"), ("木村 幸子", "きむら さちこ"))]
    people_services.mark_different_people(couple, actor=actor, now=now)
    # a resident who asked desk to stop using and delete their details
    erased = people_services.create_person(
        {"name": "松本 清", "name_kana": "まつもと きよし", "phone": "070-4444-5555",
         "consent": True}, channel="phone_desk", consent_method="phone_staff", actor=actor,
        now=now)
    erasure.stop_and_delete(erased, received_via="counter", received_on=local_today(now),
                            reference="R8-個-0012", actor=users["coordinator"], now=now)

    # the outbox: of the phone desk booking's messages one has an unknown outcome (its
    # dispatcher stopped) and one was refused; a third was decided about already
    db.session.flush()
    outbox = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.topic == "booking",
        OutboxMessage.topic_id.in_([desk_booking.id, web_bookings["booked"].id]))
        .order_by(OutboxMessage.id)).all()
    for message, state, code in zip(outbox, (MessageState.UNKNOWN, MessageState.FAILED,
                                             MessageState.FAILED), (None, "21211", "21614"),
                                    strict=False):
        message.state, message.error_code, message.attempts = state, code, 1
        message.claimed_dt = now - timedelta(minutes=20)
    db.session.flush()
    notify_services.resolve_message(outbox[2], "called", actor=actor, now=now)

    # a coordinator's note to the class's people, one of its messages delivered
    from desk.events.session_messages import send_session_message

    session_message, _created = send_session_message(
        sessions["class"], {"text_ja": "会場が2階の第2会議室に変わりました。",
                            "text_en": "The room changed to meeting room 2 on 2F.",
                            "key": "seed-session-message"}, actor=users["coordinator"], now=now)
    first = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.topic == "session_message",
        OutboxMessage.topic_id == session_message.id).limit(1)).first()
    if first is not None:
        first.state = MessageState.DELIVERED

    kiosk_ids = seed_kiosks(venue, sessions["class"], actor=actor, now=now)
    phone_call_id = seed_phone_call(now=now)

    auth_services.create_token(users["coordinator"], name="予約システム連携", actor=users["admin"])
    revoked, _plaintext = auth_services.create_token(users["admin"], name="旧連携",
                                                     actor=users["admin"])
    db.session.flush()
    auth_services.revoke_token(revoked.id, now=now, actor=users["admin"])
    my_shift_ids = seed_my_shifts(users["volunteer"], sessions, actor=actor, now=now)
    link_ids = seed_account_links(users["volunteer"], actor=actor, now=now)
    staff_volunteer_ids = seed_staff_volunteers(users["volunteer"], sessions, actor=actor,
                                                now=now)
    seed_consult_staff(users["volunteer"], sessions, actor=actor, now=now)
    consult_desk_ids = seed_consult_desk(users["volunteer"], sessions, actor=actor, now=now)
    reception_ids = seed_consult_reception(users["volunteer"], venue, sessions, actor=actor,
                                           now=now)
    seed_surveys_and_targets(sessions, (north.id, south.id), actor=actor, now=now)
    seed_new_caller(sessions, now=now)
    outreach_ids = seed_outreach(basics.id, north.id, actor=actor, now=now)
    db.session.commit()

    return {
        "today": today.isoformat(),
        "next_week": (monday + timedelta(days=7)).isoformat(),
        "cancelled_day": (today + timedelta(days=4)).isoformat(),
        "venue": venue.id,
        "district": north.id,
        "program": basics.id,
        "inactive_program": retired.id,
        **{f"session.{name}": session.id for name, session in sessions.items()},
        **kiosk_ids,
        **my_shift_ids,
        **link_ids,
        **staff_volunteer_ids,
        **consult_desk_ids,
        **reception_ids,
        **outreach_ids,
        **{f"booking.{state}": booking.token for state, booking in web_bookings.items()},
        "survey.open": invitations[0].token,
        "survey.answered": invitations[1].token,
        "session.one_off": upcoming[1].id,
        "person": caller.id,
        "news.active": news_active.token,
        "news.stopped": news_stopped.token,
        "person.review": flagged.id,
        "person.merged": merged.id,
        "person.anonymised": erased.id,
        "proxy": proxy.id,
        "booking_id.phone_desk": desk_booking.id,
        "booking_id.waitlisted": roster_bookings[2].id,
        "booking.followup": roster_bookings[2].token,
        "booking_id.cancelled": roster_bookings[3].id,
        "series": series.id,
        "series.cancelled": cancelled_series.id,
        "user.volunteer": users["volunteer"].id,
        "user.locked": locked.id,
        "phone_call": phone_call_id,
        "session_message": session_message.id,
    }
