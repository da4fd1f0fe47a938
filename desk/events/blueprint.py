"""The schedule's URL table: public pages and the coordinators' pages."""

from flask import Blueprint, request

from desk.auth.access import require_login, require_staff
from desk.events import (
    access,
    attendance_views,
    booking_views,
    broadcast_views,
    news_views,
    outreach_views,
    phone_desk_views,
    public_views,
    session_message_views,
    staff_views,
    survey_views,
)
from desk.events.public_booking import (
    BOOK_RATE_LIMIT,
    CANCEL_LIMIT_SCOPE,
    CANCEL_RATE_LIMIT,
)
from desk.extensions import limiter

public_bp = Blueprint("public", __name__)
public_bp.add_url_rule("/", "schedule", public_views.schedule)
public_bp.add_url_rule("/sessions/<int:session_id>", "session", public_views.session_detail)
public_bp.add_url_rule("/venues", "venues", public_views.venues)
# public booking (no login): the booking's own pages are reached by its secret token
public_bp.add_url_rule("/sessions/<int:session_id>/book", "book",
                       limiter.limit(BOOK_RATE_LIMIT, methods=["POST"])(booking_views.book),
                       methods=["GET", "POST"])
public_bp.add_url_rule("/bookings/cancel", "cancel",
                       limiter.shared_limit(CANCEL_RATE_LIMIT, scope=CANCEL_LIMIT_SCOPE,
                                            methods=["POST"])(booking_views.cancel),
                       methods=["GET", "POST"])
# a group asks for an outreach class (no login)
public_bp.add_url_rule("/outreach/request", "outreach_request",
                       limiter.limit(outreach_views.REQUEST_RATE_LIMIT, methods=["POST"])(
                           outreach_views.request_form),
                       methods=["GET", "POST"])
public_bp.add_url_rule("/outreach/request/sent", "outreach_sent", outreach_views.request_sent)
public_bp.add_url_rule("/bookings/cancel/sent", "cancel_sent", booking_views.cancel_sent)
public_bp.add_url_rule("/bookings/<token>", "booking", booking_views.booking)
public_bp.add_url_rule("/bookings/<token>.ics", "booking_ics", booking_views.booking_ics)
public_bp.add_url_rule("/bookings/<token>/cancel", "booking_cancel",
                       booking_views.booking_cancel, methods=["GET", "POST"])
public_bp.add_url_rule("/bookings/<token>/move", "booking_move", booking_views.booking_move,
                       methods=["GET", "POST"])
# hearing about new classes: the page that asks for it, the offer after a web booking,
# and the list and stop page the digest links to (short: the SMS has room for little)
public_bp.add_url_rule("/news", "news_subscribe",
                       limiter.limit(BOOK_RATE_LIMIT, methods=["POST"])(news_views.subscribe),
                       methods=["GET", "POST"])
public_bp.add_url_rule("/bookings/<token>/news", "booking_news", news_views.booking_news,
                       methods=["GET", "POST"])
public_bp.add_url_rule("/n/<token>", "news_list", news_views.news_list)
public_bp.add_url_rule("/n/<token>/stop", "news_stop", news_views.news_stop,
                       methods=["GET", "POST"])
public_bp.add_url_rule("/bookings/<token>/offer", "offer", booking_views.offer,
                       methods=["GET", "POST"])
# the survey after a class: a short path, for a link that fits one SMS
public_bp.add_url_rule("/s/<survey_token>", "survey", survey_views.survey, methods=["GET", "POST"])
public_bp.add_url_rule("/bookings/<token>/followup", "followup", booking_views.followup,
                       methods=["GET", "POST"])
public_bp.add_app_template_global(booking_views.booking_closed, "booking_closed")

staff_bp = Blueprint("staff", __name__, url_prefix="/staff")
# pages volunteers use on the day as well: the roster, its print view, check-in and the
# headcount (never a phone number); every other staff page is for coordinators and admins
VOLUNTEER_ENDPOINTS = frozenset({"staff.roster", "staff.roster_print", "staff.rosters_print",
                                 "staff.roster_attendance", "staff.roster_headcount"})


def _require_access():
    if request.endpoint in VOLUNTEER_ENDPOINTS:
        return require_login()
    return require_staff()


staff_bp.before_request(_require_access)

_STAFF_ROUTES = [
    ("/", "home", staff_views.home, ["GET"]),
    ("/sessions", "sessions", staff_views.sessions, ["GET"]),
    ("/sessions/new", "session_new", staff_views.session_new, ["GET", "POST"]),
    ("/sessions/<int:session_id>", "session_edit", staff_views.session_edit, ["GET", "POST"]),
    ("/sessions/<int:session_id>/cancel", "session_cancel", staff_views.session_cancel,
     ["GET", "POST"]),
    ("/sessions/<int:session_id>/reinstate", "session_reinstate", staff_views.session_reinstate,
     ["POST"]),
    ("/sessions/<int:session_id>/complete", "session_complete", staff_views.session_complete,
     ["POST"]),
    ("/series", "series_list", staff_views.series_list, ["GET"]),
    ("/series/new", "series_new", staff_views.series_new, ["GET", "POST"]),
    ("/series/<int:series_id>", "series_edit", staff_views.series_edit, ["GET", "POST"]),
    ("/series/<int:series_id>/cancel", "series_cancel", staff_views.series_cancel,
     ["GET", "POST"]),
    ("/venues", "venues", staff_views.venues, ["GET"]),
    ("/venues/new", "venue_new", staff_views.venue_new, ["GET", "POST"]),
    ("/venues/<int:venue_id>", "venue_edit", staff_views.venue_edit, ["GET", "POST"]),
    ("/places", "places", outreach_views.places, ["GET"]),
    ("/places/new", "place_new", outreach_views.place_new, ["GET", "POST"]),
    ("/places/<int:venue_id>", "place_edit", outreach_views.place_edit, ["GET", "POST"]),
    # outreach classes on request
    ("/outreach", "outreach_requests", outreach_views.requests, ["GET"]),
    ("/outreach/new", "outreach_request_new", outreach_views.request_new, ["GET", "POST"]),
    ("/outreach/<int:request_id>", "outreach_request", outreach_views.request_detail, ["GET"]),
    ("/outreach/<int:request_id>/arrange", "outreach_arrange", outreach_views.request_arrange,
     ["POST"]),
    ("/outreach/<int:request_id>/decline", "outreach_decline", outreach_views.request_decline,
     ["POST"]),
    ("/outreach/<int:request_id>/schedule", "outreach_schedule",
     outreach_views.request_schedule, ["GET", "POST"]),
    ("/outreach/<int:request_id>/erase", "outreach_erase", outreach_views.request_erase,
     ["POST"]),
    ("/programs", "programs", staff_views.programs, ["GET"]),
    ("/programs/new", "program_new", staff_views.program_new, ["GET", "POST"]),
    ("/programs/<int:program_id>", "program_edit", staff_views.program_edit, ["GET", "POST"]),
    ("/districts", "districts", staff_views.districts, ["GET", "POST"]),
    ("/districts/<int:district_id>", "district_edit", staff_views.district_edit,
     ["GET", "POST"]),
    # the phone desk
    ("/phone-desk", "phone_desk", phone_desk_views.phone_desk, ["GET", "POST"]),
    ("/phone-desk/new-person", "phone_desk_person_new", phone_desk_views.phone_desk_person_new,
     ["POST"]),
    ("/phone-desk/people/<int:person_id>", "phone_desk_sessions",
     phone_desk_views.phone_desk_sessions, ["GET"]),
    ("/phone-desk/people/<int:person_id>/sessions/<int:session_id>", "phone_desk_book",
     phone_desk_views.phone_desk_book, ["GET", "POST"]),
    ("/phone-desk/find-booking", "booking_find", phone_desk_views.booking_find,
     ["GET", "POST"]),
    ("/bookings/<int:booking_id>", "booking", phone_desk_views.booking, ["GET"]),
    ("/bookings/<int:booking_id>/confirmation", "booking_confirmation",
     phone_desk_views.booking_confirmation, ["POST"]),
    ("/bookings/<int:booking_id>/cancel", "booking_cancel", phone_desk_views.booking_cancel,
     ["GET", "POST"]),
    ("/bookings/<int:booking_id>/move", "booking_move", phone_desk_views.booking_move,
     ["GET", "POST"]),
    # a coordinator's note to the people of a session, and its delivery progress
    ("/sessions/<int:session_id>/messages/new", "session_message_new",
     session_message_views.compose, ["GET", "POST"]),
    ("/sessions/<int:session_id>/messages/<int:message_id>", "session_message",
     session_message_views.progress, ["GET"]),
    # attendance
    ("/sessions/<int:session_id>/roster", "roster", attendance_views.roster, ["GET"]),
    ("/sessions/<int:session_id>/roster/print", "roster_print", attendance_views.roster_print,
     ["GET"]),
    ("/sessions/<int:session_id>/roster/<int:booking_id>", "roster_attendance",
     attendance_views.roster_attendance, ["POST"]),
    ("/sessions/<int:session_id>/roster/headcount", "roster_headcount",
     attendance_views.roster_headcount, ["POST"]),
    ("/sessions/<int:session_id>/roster/walk-in", "roster_walk_in",
     attendance_views.roster_walk_in, ["GET", "POST"]),
    ("/sessions/<int:session_id>/roster/walk-in/new", "roster_walk_in_new",
     attendance_views.roster_walk_in_new, ["POST"]),
    ("/sessions/<int:session_id>/roster/walk-in/add", "roster_walk_in_add",
     attendance_views.roster_walk_in_add, ["POST"]),
    ("/sessions/<int:session_id>/roster/close", "roster_close", attendance_views.roster_close,
     ["GET", "POST"]),
    ("/rosters/print", "rosters_print", attendance_views.rosters_print, ["GET"]),
    # cancelling a whole day (a typhoon) and watching its messages go out
    ("/notify/broadcast", "broadcast", broadcast_views.broadcast_page, ["GET", "POST"]),
    ("/notify/broadcast/progress", "broadcast_progress", broadcast_views.progress, ["GET"]),
    # the news about new classes: subscribers per topic and district, a person's news
    ("/news", "news", news_views.staff_news, ["GET"]),
    ("/news/people/<int:person_id>", "person_news", news_views.person_news, ["POST"]),
    ("/news/people/<int:person_id>/stop", "person_news_stop", news_views.person_news_stop,
     ["POST"]),
]
for rule, endpoint, view, methods in _STAFF_ROUTES:
    staff_bp.add_url_rule(rule, endpoint, view, methods=methods)
staff_bp.add_app_template_global(access.roster_days, "roster_days")
