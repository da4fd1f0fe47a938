"""The role matrix: every route of app.url_map against anonymous, volunteer,
coordinator and admin, each with its expected status.

A route that nobody classified fails the test: a new page must join this table.
"""

from datetime import date, timedelta

import pytest
from flask import url_for
from sqlalchemy import select

from desk.auth.models import Role
from desk.consults.models import ConsultTopic
from desk.core.timeutil import utcnow
from desk.extensions import db
from desk.notify.models import OutboxMessage

ROLES = ("anonymous", "volunteer", "coordinator", "admin")

PUBLIC = dict.fromkeys(ROLES, 200)
STAFF = {"anonymous": 302, "volunteer": 403, "coordinator": 200, "admin": 200}
STAFF_ACTION = {"anonymous": 302, "volunteer": 403, "coordinator": 302, "admin": 302}
ADMIN = {"anonymous": 302, "volunteer": 403, "coordinator": 403, "admin": 200}
ADMIN_ACTION = {"anonymous": 302, "volunteer": 403, "coordinator": 403, "admin": 302}
LOGGED_IN = {"anonymous": 302, "volunteer": 200, "coordinator": 200, "admin": 200}
REDIRECT = dict.fromkeys(ROLES, 302)
LOGIN_PAGE = {"anonymous": 200, "volunteer": 302, "coordinator": 302, "admin": 302}
# Writing API routes need a bearer token: a browser session (cookie) is never enough.
API_WRITE = dict.fromkeys(ROLES, 401)
# Kiosk pages answer only a device bound to the venue (its cookie); any other browser,
# logged in or not, gets the "this device is not set up" page.
KIOSK_DEVICE_ONLY = dict.fromkeys(ROLES, 403)
# Public API writes (booking, cancelling): no token needed; sent without a JSON body here.
API_PUBLIC_WRITE = dict.fromkeys(ROLES, 415)
# Twilio's webhooks: a valid X-Twilio-Signature or 403, whoever is logged in.
TWILIO_SIGNED = dict.fromkeys(ROLES, 403)
# The volunteer's own pages (desk/volunteers/me_views.py): the volunteer role only.
VOLUNTEER_ONLY = {"anonymous": 302, "volunteer": 200, "coordinator": 403, "admin": 403}
VOLUNTEER_ACTION = {"anonymous": 302, "volunteer": 302, "coordinator": 403, "admin": 403}

# endpoint -> (method, expected statuses)
MATRIX = {
    "static": ("GET", PUBLIC),
    "core.set_locale": ("GET", REDIRECT),
    "core.health": ("GET", PUBLIC),
    "core.accessibility": ("GET", PUBLIC),
    "auth.login": ("GET", LOGIN_PAGE),
    "auth.logout": ("POST", REDIRECT),
    "auth.account": ("GET", LOGGED_IN),
    # forgotten passwords (desk/volunteers/account_views.py, the password blueprint):
    # public; the matrix's
    # link_token is an invitation's, so the reset page answers it 410 Gone
    "password.forgot": ("GET", PUBLIC),
    "password.reset_code": ("GET", PUBLIC),
    "password.reset_link": ("GET", dict.fromkeys(ROLES, 410)),
    "public.schedule": ("GET", PUBLIC),
    "public.session": ("GET", PUBLIC),
    "public.venues": ("GET", PUBLIC),
    "public.book": ("GET", PUBLIC),
    "public.booking": ("GET", PUBLIC),
    "public.booking_ics": ("GET", PUBLIC),
    "public.booking_cancel": ("GET", PUBLIC),
    "public.booking_move": ("GET", PUBLIC),
    # a seat offered from the waiting list, by the booking's token (the matrix's booking
    # took one: the page says so)
    "public.offer": ("GET", PUBLIC),
    "public.survey": ("GET", PUBLIC),
    "public.followup": ("GET", PUBLIC),
    "public.cancel": ("GET", PUBLIC),
    "public.cancel_sent": ("GET", PUBLIC),
    # the news about new classes: asking for it, after a booking, its list and stop page
    "public.news_subscribe": ("GET", PUBLIC),
    "public.booking_news": ("GET", PUBLIC),
    "public.news_list": ("GET", PUBLIC),
    "public.news_stop": ("GET", PUBLIC),
    "staff.news": ("GET", STAFF),
    "staff.person_news": ("POST", STAFF_ACTION),
    "staff.person_news_stop": ("POST", STAFF_ACTION),
    # a group asks for an outreach class (desk/events/outreach_views.py)
    "public.outreach_request": ("GET", PUBLIC),
    "public.outreach_sent": ("GET", PUBLIC),
    "staff.home": ("GET", {**STAFF, "coordinator": 302, "admin": 302}),
    "staff.sessions": ("GET", STAFF),
    "staff.session_new": ("GET", STAFF),
    "staff.session_edit": ("GET", STAFF),
    "staff.session_cancel": ("GET", STAFF),
    "staff.session_reinstate": ("POST", STAFF_ACTION),
    "staff.session_complete": ("POST", STAFF_ACTION),
    "staff.series_list": ("GET", STAFF),
    "staff.series_new": ("GET", STAFF),
    "staff.series_edit": ("GET", STAFF),
    "staff.series_cancel": ("GET", STAFF),
    "staff.venues": ("GET", STAFF),
    "staff.venue_new": ("GET", STAFF),
    "staff.venue_edit": ("GET", STAFF),
    "staff.places": ("GET", STAFF),
    "staff.place_new": ("GET", STAFF),
    "staff.place_edit": ("GET", STAFF),
    "staff.outreach_requests": ("GET", STAFF),
    "staff.outreach_request_new": ("GET", STAFF),
    "staff.outreach_request": ("GET", STAFF),
    # the steps: sent empty, "being arranged" is taken (302) and a decline without a
    # reason comes back with its message (200); the schedule form is a page
    "staff.outreach_arrange": ("POST", STAFF_ACTION),
    "staff.outreach_decline": ("POST", STAFF),
    "staff.outreach_schedule": ("GET", STAFF),
    "staff.outreach_erase": ("POST", STAFF_ACTION),
    "staff.programs": ("GET", STAFF),
    "staff.program_new": ("GET", STAFF),
    "staff.program_edit": ("GET", STAFF),
    "staff.districts": ("GET", STAFF),
    "staff.district_edit": ("GET", STAFF),
    # the phone desk (an empty form sent by POST comes back with its errors: 200)
    "staff.phone_desk": ("GET", STAFF),
    "staff.phone_desk_person_new": ("POST", STAFF),
    "staff.phone_desk_sessions": ("GET", STAFF),
    "staff.phone_desk_book": ("GET", STAFF),
    "staff.booking_find": ("GET", STAFF),
    "staff.booking": ("GET", STAFF),
    "staff.booking_confirmation": ("POST", STAFF_ACTION),
    "staff.booking_cancel": ("GET", STAFF),
    "staff.booking_move": ("GET", STAFF),
    # attendance: volunteers see the roster and check in (actions redirect to the roster),
    # only on a session they staff, around its day (desk.events.access): the matrix's
    # volunteer holds a shift on today's class (ENDPOINT_IDS: roster_session_id); the
    # refusals (no shift, too late, withdrawn) are in tests/events/test_roster_access.py
    "staff.roster": ("GET", LOGGED_IN),
    "staff.roster_print": ("GET", LOGGED_IN),
    "staff.rosters_print": ("GET", LOGGED_IN),
    "staff.roster_attendance": ("POST", REDIRECT),
    "staff.roster_headcount": ("POST", REDIRECT),
    "staff.roster_walk_in": ("GET", STAFF),
    "staff.roster_walk_in_new": ("POST", STAFF),
    "staff.roster_walk_in_add": ("POST", STAFF_ACTION),
    "staff.roster_close": ("GET", STAFF),
    # the kiosk (desk/kiosk/) and the staff's kiosk list
    "kiosk.setup": ("GET", PUBLIC),
    "kiosk.start": ("GET", KIOSK_DEVICE_ONLY),
    "kiosk.check": ("POST", KIOSK_DEVICE_ONLY),
    "kiosk.book": ("POST", KIOSK_DEVICE_ONLY),
    "kiosk.done": ("GET", KIOSK_DEVICE_ONLY),
    "kiosk.done_news": ("POST", KIOSK_DEVICE_ONLY),
    "kiosk.already": ("GET", KIOSK_DEVICE_ONLY),
    "kiosk_staff.kiosks": ("GET", STAFF),
    "kiosk_staff.create": ("POST", STAFF),
    # a new setup code is shown in the answer to its POST (never kept in the cookie)
    "kiosk_staff.setup_code": ("POST", STAFF),
    "kiosk_staff.revoke": ("POST", STAFF_ACTION),
    # the resident registry (desk/people/): coordinators and admins only
    "people.search": ("GET", STAFF),
    "people.new": ("GET", STAFF),
    "people.duplicates": ("GET", STAFF),
    "people.different": ("POST", STAFF_ACTION),
    "people.different_undo": ("POST", STAFF_ACTION),
    "people.detail": ("GET", STAFF),
    "people.edit": ("GET", STAFF),
    "people.reviewed": ("POST", STAFF_ACTION),
    "people.merge": ("GET", STAFF),
    "people.erase": ("GET", STAFF),
    # disclosure on request: the printable page and its files (downloads, 200)
    "people.disclosure": ("GET", STAFF),
    "people.disclosure_json": ("GET", STAFF),
    "people.disclosure_csv": ("GET", STAFF),
    "people.proxy_new": ("GET", STAFF),
    "people.proxy_edit": ("GET", STAFF),
    "people.proxy_remove": ("POST", STAFF_ACTION),
    "admin.index": ("GET", ADMIN_ACTION),
    "admin.users": ("GET", ADMIN),
    "admin.user_new": ("GET", ADMIN),
    "admin.user_edit": ("GET", ADMIN),
    "admin.user_unlock": ("POST", ADMIN_ACTION),
    "admin.tokens": ("GET", ADMIN),
    "admin.token_revoke": ("POST", ADMIN_ACTION),
    "admin.audit": ("GET", ADMIN),
    "admin.audit_csv": ("GET", ADMIN),
    "admin.access_log": ("GET", ADMIN),
    "api.sessions": ("GET", PUBLIC),
    "api.session": ("GET", PUBLIC),
    "api.venues": ("GET", PUBLIC),
    "api.openapi": ("GET", PUBLIC),
    "api.session_create": ("POST", API_WRITE),
    "api.session_update": ("PATCH", API_WRITE),
    "api.series_create": ("POST", API_WRITE),
    "api.booking_create": ("POST", API_PUBLIC_WRITE),
    "api.booking_cancel": ("POST", API_PUBLIC_WRITE),
    "api.booking_move": ("POST", API_PUBLIC_WRITE),
    "api.session_roster": ("GET", API_WRITE),
    "api.reports_kpi": ("GET", API_WRITE),
    "api.booking_attendance": ("POST", API_WRITE),
    # the outbox (desk/notify/): coordinators and admins only
    "notify.outbox": ("GET", STAFF),
    "notify.attention": ("GET", STAFF),
    "notify.decide": ("POST", STAFF_ACTION),
    # a person's channels stopped or allowed again (from the person's page)
    "notify.stop_channel": ("POST", STAFF_ACTION),
    "notify.allow_channel": ("POST", STAFF_ACTION),
    # cancelling a whole day (desk/events/broadcast_views.py): coordinators and admins only
    "staff.broadcast": ("GET", STAFF),
    "staff.broadcast_progress": ("GET", STAFF),
    # a coordinator's note to a session's people (desk/events/session_message_views.py)
    "staff.session_message_new": ("GET", STAFF),
    "staff.session_message": ("GET", STAFF),
    # Twilio's webhooks (desk/notify/webhook_views.py)
    "twilio.status": ("POST", TWILIO_SIGNED),
    "twilio.sms": ("POST", TWILIO_SIGNED),
    "twilio.voice_key": ("POST", TWILIO_SIGNED),
    "phone.incoming": ("POST", TWILIO_SIGNED),
    "phone.answer": ("POST", TWILIO_SIGNED),
    "phone.status": ("POST", TWILIO_SIGNED),
    "phone.transcription": ("POST", TWILIO_SIGNED),
    "phone.recording": ("POST", TWILIO_SIGNED),
    "phone_staff.calls": ("GET", STAFF),
    "phone_staff.call": ("GET", STAFF),
    "phone_staff.simulator": ("GET", STAFF),
    "phone_staff.names": ("GET", STAFF),
    "phone_staff.name_audio": ("GET", STAFF),
    # an empty form comes back with its errors
    "phone_staff.confirm_name": ("POST", STAFF),
    "phone_staff.simulator_start": ("POST", STAFF_ACTION),
    "phone_staff.simulator_keys": ("POST", STAFF_ACTION),
    "phone_staff.simulator_hang_up": ("POST", STAFF_ACTION),
    # the volunteer's own pages (actions redirect back with a message)
    # joining by an invitation's link or SMS code (no login), and sending invitations
    "volunteer_public.join_code": ("GET", PUBLIC),
    "volunteer_public.join_link": ("GET", PUBLIC),
    # the personal calendar feed: no login, opened by its secret token
    "volunteer_public.feed": ("GET", PUBLIC),
    "volunteer_staff.invite": ("POST", STAFF_ACTION),
    # the coordinators' volunteer pages (desk/volunteers/staff_views.py); an empty shift
    # form comes back with its errors (200), every other action redirects to the shifts
    "volunteer_staff.list": ("GET", STAFF),
    "volunteer_staff.new": ("GET", STAFF),
    "volunteer_staff.detail": ("GET", STAFF),
    "volunteer_staff.edit": ("GET", STAFF),
    "volunteer_staff.shifts": ("GET", STAFF),
    "volunteer_staff.shift_new": ("POST", STAFF),
    "volunteer_staff.shift_edit": ("GET", STAFF),
    "volunteer_staff.shift_cancel": ("POST", STAFF_ACTION),
    "volunteer_staff.assign": ("POST", STAFF_ACTION),
    "volunteer_staff.cover": ("POST", STAFF_ACTION),
    "volunteer_staff.remove": ("POST", STAFF_ACTION),
    "volunteer_staff.check_in": ("POST", STAFF_ACTION),
    "volunteer_staff.check_out": ("POST", STAFF_ACTION),
    "volunteer_staff.no_show": ("POST", STAFF_ACTION),
    "volunteer_staff.times": ("POST", STAFF_ACTION),
    "volunteer_staff.hours": ("GET", STAFF),
    "volunteer_staff.hours_csv": ("GET", STAFF),
    # the coordinators' consultation pages (desk/consults/staff_views.py); an empty new
    # topic comes back with its errors (200), an edit sent empty keeps the topic as it is
    "consults_staff.session": ("GET", STAFF),
    "consults_staff.topics_report": ("GET", STAFF),
    "consults_staff.topics_csv": ("GET", STAFF),
    # KPI exports and open data (desk/reports/export_views.py): files, staff only
    "reports.opendata_events": ("GET", STAFF),
    "reports.opendata_venues": ("GET", STAFF),
    "reports.attendance_csv": ("GET", STAFF),
    "reports.attendance_xlsx": ("GET", STAFF),
    # KPI targets and survey entry (desk/reports/target_views.py, survey_views.py)
    "reports.targets": ("GET", STAFF),
    "reports.surveys": ("GET", STAFF),
    "reports.demand": ("GET", STAFF),
    "reports.survey_entry": ("GET", STAFF),
    "reports.survey_delete": ("POST", STAFF_ACTION),
    # the KPI dashboard and its printable report (desk/reports/dashboard_views.py)
    "reports.dashboard": ("GET", STAFF),
    "reports.print": ("GET", STAFF),
    "reports.report_xlsx": ("GET", STAFF),
    "reports.report_csv": ("GET", STAFF),
    "consults_staff.topic_list": ("GET", STAFF),
    "consults_staff.topic_create": ("POST", STAFF),
    "consults_staff.topic_update": ("POST", STAFF_ACTION),
    # serving at the desk (desk/consults/desk_views.py): the session's volunteers and
    # staff; taking the next visitor redirects to its log (or back: nobody waiting)
    "consults.desk": ("GET", LOGGED_IN),
    "consults.take_next": ("POST", REDIRECT),
    "consults.log": ("GET", LOGGED_IN),
    "consults.book_class": ("GET", LOGGED_IN),
    # reception (desk/consults/reception_views.py): the session's volunteers and staff;
    # every action redirects back to the queue board (with its message when refused)
    "consults.reception": ("GET", LOGGED_IN),
    "consults.issue": ("POST", REDIRECT),
    "consults.check_in": ("POST", REDIRECT),
    "consults.skip": ("POST", REDIRECT),
    "consults.recall": ("POST", REDIRECT),
    "consults.cancel": ("POST", REDIRECT),
    # the venue's public "now serving" display and its JSON (no login, nothing personal)
    "consults_public.display": ("GET", PUBLIC),
    "consults_public.display_data": ("GET", PUBLIC),
    "volunteer.home": ("GET", VOLUNTEER_ONLY),
    "volunteer.shift": ("GET", VOLUNTEER_ONLY),
    "volunteer.sign_up": ("POST", VOLUNTEER_ACTION),
    "volunteer.withdraw": ("POST", VOLUNTEER_ACTION),
    "volunteer.check_in": ("POST", VOLUNTEER_ACTION),
    "volunteer.check_out": ("POST", VOLUNTEER_ACTION),
    "volunteer.profile": ("GET", VOLUNTEER_ONLY),
    "volunteer.renew_feed": ("POST", VOLUNTEER_ACTION),
}


@pytest.fixture
def matrix_objects(ctx, create_user, create_session, create_series, create_district,
                   create_person):
    from desk.auth.services import create_token
    from desk.events.models import SurveyInvitation
    from desk.events.services import book_seat
    from desk.kiosk import services as kiosk_services
    from desk.people.services import add_proxy
    from tests.fixtures.factories import NOW

    users = {role.value: create_user(role) for role in Role}
    session = create_session()
    booking = book_seat(session, create_person(), channel="web", actor="test", now=NOW).booking
    # the booking got its seat by taking an offer (public.offer shows it)
    from desk.events.models import OfferState, SeatOffer

    db.session.add(SeatOffer(session_id=session.id, booking_id=booking.id, seats=1,
                             state=OfferState.TAKEN, offered_dt=NOW - timedelta(hours=1),
                             expires_dt=NOW + timedelta(hours=1), decided_dt=NOW))
    # ... and has a follow-up, taken (public.followup shows it)
    from desk.events.models import FollowUpState, WaitlistFollowUp

    db.session.add(WaitlistFollowUp(booking_id=booking.id, session_id=session.id,
                                    target_session_id=session.id, seats=1,
                                    state=FollowUpState.TAKEN, created_dt=NOW, decided_dt=NOW))
    series = create_series()
    survey = SurveyInvitation(booking_id=booking.id, token="matrixsurvey",
                              expires_dt=NOW + timedelta(days=7))
    db.session.add(survey)
    token, _plaintext = create_token(users["coordinator"], name="matrix", actor="test")
    kiosk, _code = kiosk_services.create_kiosk(
        {"venue_id": session.venue_id, "name": "入口のタブレット"}, actor="test", now=NOW)
    proxy = add_proxy(booking.person, {"name": "佐藤 一郎", "relation": "family",
                                       "phone": "080-7777-8888"},
                      consent_method="phone_staff", actor="test", now=NOW)
    # the matrix's volunteer account has a volunteer profile with a place on a shift
    from desk.volunteers import services as volunteer_services

    volunteer = volunteer_services.create_volunteer(
        {"name": "支援 次郎", "name_kana": "しえん じろう", "affiliation": "ict_volunteer",
         "email": "matrix.volunteer@example.jp"}, actor="test", now=NOW)
    volunteer.user_id = users["volunteer"].id
    shift = volunteer_services.create_shift(session, {"role": "assistant", "places": 2},
                                            actor="test", now=NOW)
    assignment = volunteer_services.assign_volunteer(shift, volunteer, actor="test", now=NOW,
                                                     confirmed=True)
    db.session.commit()
    ids = {
        "session_id": session.id,
        "series_id": series.id,
        "venue_id": session.venue_id,
        "program_id": session.program_id,
        "district_id": create_district().id,
        "user_id": users["volunteer"].id,
        "token_id": token.id,
        "code": "en",
        "slug": "topics",
        "filename": "css/desk.css",
        "token": booking.token,
        "survey_token": survey.token,
        "booking_id": booking.id,
        "person_id": booking.person_id,
        "proxy_id": proxy.id,
        "device_id": kiosk.id,
        "shift_id": shift.id,
        "assignment_id": assignment.id,
        "feed_token": volunteer.feed_token,
        # a consultation session (ENDPOINT_IDS gives it as session_id where a page needs
        # one) and a topic of the consultation log
        # running now (the reception issues tickets on the session's day, by the real
        # clock)
        "consult_session_id": create_session(
            kind="consultation", start_dt=utcnow() - timedelta(hours=5),
            end_dt=utcnow() + timedelta(hours=5)).id,
        "topic_id": db.session.scalar(select(ConsultTopic.id).limit(1)),
        "message_id": db.session.scalar(select(OutboxMessage.id).where(
            OutboxMessage.topic == "booking", OutboxMessage.topic_id == booking.id).limit(1)),
        # the step of a call's key menu
        "step": "gather",
        # the turn of a call to the phone line
        "turn": 1,
        # a call to the phone line (its path: desk.phone.path)
        "call_id": _phone_call(NOW),
    }
    # a new caller's recording of their name (on that call), its audio kept (nothing to fetch)
    from desk.phone.models import NameRecording

    recording = NameRecording(call_id=ids["call_id"], person_id=booking.person_id,
                              recording_sid="RE-matrix", recording_url="https://example.jp/r",
                              audio=b"ID3", audio_type="audio/mpeg", created_dt=NOW)
    db.session.add(recording)
    db.session.flush()
    ids["recording_id"] = recording.id
    # a coordinator's note to the people of the session
    from desk.events.session_messages import send_session_message

    ids["session_message_id"] = send_session_message(
        session, {"text_ja": "持ち物はマイナンバーカードです", "key": "matrix-session-message"},
        actor="test", now=NOW)[0].id
    # an invited volunteer who has not joined yet: the join page's link_token
    from desk.volunteers.accounts import invite_volunteer

    invitee = volunteer_services.create_volunteer(
        {"name": "招待 花子", "name_kana": "しょうたい はなこ", "affiliation": "student",
         "email": "matrix.invitee@example.jp"}, actor="test", now=NOW)
    # the link page checks the link against the real clock
    ids["link_token"] = invite_volunteer(invitee, "email", actor="test",
                                         now=utcnow()).message.secret
    ids.setdefault("volunteer_id", invitee.id)
    # the matrix's volunteer also staffs the consultation session, where a ticket waits
    from desk.consults import services as consult_services
    from desk.events.models import EventSession

    consult = db.session.get(EventSession, ids["consult_session_id"])
    volunteer_services.assign_volunteer(
        volunteer_services.create_shift(consult, {"role": "assistant", "places": 2},
                                        actor="test", now=NOW),
        volunteer, actor="test", now=NOW, confirmed=True)
    ids.setdefault("ticket_id", consult_services.issue_ticket(consult, {}, actor="test",
                                                              now=utcnow()).id)
    # reception: a ticket of its own to skip, recall and cancel, and a visitor with a
    # reserved slot to check in
    ids["reception_ticket_id"] = consult_services.issue_ticket(
        consult, {}, actor="test", now=utcnow()).id
    consult.slot_minutes, consult.capacity = 30, 3
    ids["reservation_id"] = book_seat(consult, create_person(), channel="phone_desk",
                                      actor="test", now=NOW).booking.id
    # today's class, whose roster the matrix's volunteer opens: they hold a shift there
    from desk.core.timeutil import local_today

    today = create_session(day=local_today())
    ids["roster_session_id"] = today.id
    ids["roster_booking_id"] = book_seat(today, create_person(), channel="phone_desk",
                                         actor="test", now=NOW).booking.id
    volunteer_services.assign_volunteer(
        volunteer_services.create_shift(today, {"role": "assistant", "places": 2},
                                        actor="test", now=NOW),
        volunteer, actor="test", now=NOW, confirmed=True)
    # the booking's person hears about new classes: the list and stop pages' token
    from desk.events.news import subscribe_news

    ids["news_token"] = subscribe_news(booking.person, {
        "topics": ["line"], "channel": "sms", "consent": True}, method="web", actor="test",
        now=NOW).token
    # a survey sheet of the class (desk/reports/survey_views.py) to delete
    from desk.reports.models import SurveyEntry

    sheet = SurveyEntry(session_id=session.id, satisfaction=4)
    db.session.add(sheet)
    db.session.flush()
    ids["survey_entry_id"] = sheet.id
    # an outreach request and a community place (desk/events/outreach.py)
    from desk.events import outreach

    place = outreach.create_place({"name": "湘南台二丁目自治会館",
                                   "name_kana": "ショウナンダイニチョウメジチカイカン",
                                   "short_name": "湘南台会館", "address": "藤沢市湘南台2-15-3",
                                   "default_capacity": 30}, actor="test")
    ids["place_id"] = place.id
    ids["request_id"] = outreach.submit_request(
        {"group_name": "湘南台二丁目町内会", "group_kind": "neighbourhood",
         "contact_name": "佐藤 和子", "contact_kana": "サトウ カズコ",
         "contact_phone": "090-2468-1357", "reply_channel": "sms",
         "place_name": "湘南台二丁目自治会館", "place_address": "藤沢市湘南台2-15-3",
         "preferred_date_1": date(2027, 1, 17), "expected_count": 15},
        source="staff", locale="ja", actor="test", now=NOW).id
    db.session.commit()
    return users, ids


# endpoint -> {URL argument: key of matrix_objects' ids} where the shared key does not fit
# (e.g. a page only for consultation sessions: the shared session_id is a class)
ENDPOINT_IDS = {
    **{endpoint: {"token": "news_token"} for endpoint in ("public.news_list",
                                                          "public.news_stop")},
    "consults_staff.session": {"session_id": "consult_session_id"},
    "staff.place_edit": {"venue_id": "place_id"},
    **{endpoint: {"session_id": "consult_session_id"} for endpoint in (
        "consults.desk", "consults.take_next", "consults.log", "consults.book_class")},
    **{endpoint: {"session_id": "consult_session_id", "ticket_id": "reception_ticket_id",
                  "booking_id": "reservation_id"} for endpoint in (
        "consults.reception", "consults.issue", "consults.check_in", "consults.skip",
        "consults.recall", "consults.cancel")},
    "staff.session_message": {"message_id": "session_message_id"},
    **{endpoint: {"session_id": "roster_session_id", "booking_id": "roster_booking_id"}
       for endpoint in ("staff.roster", "staff.roster_print", "staff.roster_attendance",
                        "staff.roster_headcount")},
}


def _phone_call(now):
    from desk.phone.models import PhoneCall

    call = PhoneCall(call_sid="CA-matrix", caller="+81466251234", step="menu",
                     started_dt=now, updated_dt=now)
    db.session.add(call)
    db.session.flush()
    return call.id


def _url(app, rule, ids):
    keys = ENDPOINT_IDS.get(rule.endpoint, {})
    with app.test_request_context():
        return url_for(rule.endpoint, **{name: ids[keys.get(name, name)]
                                         for name in rule.arguments})


def test_role_matrix_classifies_every_route(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    unclassified = sorted(endpoints - set(MATRIX))
    assert not unclassified, f"routes nobody classified in the role matrix: {unclassified}"
    stale = sorted(set(MATRIX) - endpoints)
    assert not stale, f"role matrix entries for routes that no longer exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_statuses(app, matrix_objects, login, role):
    users, ids = matrix_objects
    failures = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda item: item.rule):
        method, expected = MATRIX[rule.endpoint]
        assert method in rule.methods, (rule.endpoint, method, rule.methods)
        client = app.test_client()
        if role != "anonymous":
            login(client, users[role])
        url = _url(app, rule, ids)
        response = client.open(url, method=method)
        if response.status_code != expected[role]:
            failures.append(f"{method} {url} as {role}: {response.status_code}, "
                            f"expected {expected[role]}")
        if role == "anonymous" and expected[role] == 302 and rule.endpoint not in {
                "core.set_locale", "auth.logout"}:
            assert "/login" in response.headers["Location"], url
    assert not failures, "\n".join(failures)
