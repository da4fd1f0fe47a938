"""The pages axe-core checks, by endpoint.

The test list is generated from `app.url_map`: every rule that answers GET with HTML
(everything but the paths in NOT_PAGES) must have an entry here, or the test for that
endpoint fails and names it. So every new page joins this list: give it the role that
can see it and concrete URL arguments (keys of the ids tests/browser/seed.py returns),
one entry per state worth looking at (cancelled, past, filtered, ...).
"""

from dataclasses import dataclass, field

# Rules under these paths do not answer with an HTML page of their own.
NOT_PAGES = ("/static/", "/api/", "/healthz", "/locale/")
# ... and rules ending like these (files, e.g. a booking's calendar file; the "now
# serving" display's JSON; a new caller's recording of their name).
NOT_PAGE_SUFFIXES = (".ics", ".csv", ".json", ".xlsx", ".zip", ".mp3")


@dataclass(frozen=True)
class Ref:
    """A value of the seeded data (tests/browser/seed.py), e.g. Ref("session.cancelled")."""

    key: str


@dataclass(frozen=True)
class Page:
    role: str  # anonymous, volunteer, coordinator, admin, or kiosk (a bound kiosk device)
    label: str = "default"
    args: dict = field(default_factory=dict)  # URL argument -> key of the seeded ids
    query: dict = field(default_factory=dict)  # query argument -> literal or Ref
    redirects_to: str | None = None  # endpoint the page sends the browser on to

    def url_values(self, ids):
        values = {name: ids[key] for name, key in self.args.items()}
        for name, value in self.query.items():
            values[name] = ids[value.key] if isinstance(value, Ref) else value
        return values


def _session_pages(role, keys):
    return tuple(Page(role, key, args={"session_id": f"session.{key}"}) for key in keys)


SESSION_STATES = ("class", "outreach", "awareness", "consultation", "cancelled", "past", "held",
                  "one_off")

PAGES = {
    # public pages
    "public.schedule": (
        Page("anonymous", "this week"),
        Page("anonymous", "next week", query={"week": Ref("next_week")}),
        Page("anonymous", "filtered", query={"venue": Ref("venue"), "kind": "class"}),
        Page("coordinator", "staff menu"),
    ),
    "public.session": _session_pages("anonymous", SESSION_STATES),
    "public.venues": (Page("anonymous"),),
    "public.outreach_request": (Page("anonymous"),),
    "public.outreach_sent": (Page("anonymous"),),
    "public.book": (
        Page("anonymous", "open", args={"session_id": "session.class"}),
        Page("anonymous", "full: waiting list", args={"session_id": "session.full"}),
        Page("anonymous", "closed", args={"session_id": "session.past"}),
    ),
    "public.booking": tuple(Page("anonymous", state, args={"token": f"booking.{state}"})
                            for state in ("booked", "waitlisted", "cancelled", "offered")),
    "public.booking_cancel": (
        Page("anonymous", "confirm", args={"token": "booking.booked"}),
        Page("anonymous", "already cancelled", args={"token": "booking.cancelled"}),
    ),
    "public.booking_move": (
        Page("anonymous", "choose a date", args={"token": "booking.booked"}),
        Page("anonymous", "already cancelled", args={"token": "booking.cancelled"}),
    ),
    "public.offer": (Page("anonymous", "open offer", args={"token": "booking.offered"}),),
    "public.survey": (
        Page("anonymous", "open", args={"survey_token": "survey.open"}),
        Page("anonymous", "answered", args={"survey_token": "survey.answered"}),
    ),
    "public.followup": (Page("anonymous", "next class offered",
                             args={"token": "booking.followup"}),),
    "public.cancel": (Page("anonymous"),),
    # the news about new classes
    "public.news_subscribe": (Page("anonymous"),),
    "public.booking_news": (Page("anonymous", args={"token": "booking.booked"}),),
    "public.news_list": (
        Page("anonymous", "active", args={"token": "news.active"}),
        Page("anonymous", "stopped", args={"token": "news.stopped"}),
    ),
    "public.news_stop": (
        Page("anonymous", "confirm", args={"token": "news.active"}),
        Page("anonymous", "already stopped", args={"token": "news.stopped"}),
    ),
    "staff.news": (Page("coordinator"),),
    "public.cancel_sent": (Page("anonymous"),),
    "core.accessibility": (Page("anonymous"),),
    # accounts
    "auth.login": (Page("anonymous"),),
    "auth.account": (Page("volunteer", "volunteer"), Page("admin", "admin")),
    "password.forgot": (Page("anonymous"),),
    "password.reset_code": (Page("anonymous"),),
    "password.reset_link": (Page("anonymous", args={"link_token": "link.reset"}),),
    # joining by an invitation (desk/volunteers/account_views.py)
    "volunteer_public.join_code": (Page("anonymous"),),
    "volunteer_public.join_link": (Page("anonymous", args={"link_token": "link.invite"}),),
    # coordinators
    "staff.home": (Page("coordinator", redirects_to="staff.sessions"),),
    "staff.sessions": (
        Page("coordinator", "week"),
        Page("coordinator", "next week", query={"date": Ref("next_week")}),
        Page("coordinator", "month", query={"view": "month"}),
        Page("coordinator", "filtered", query={"venue": Ref("venue"), "kind": "consultation"}),
        Page("admin", "admin menu"),
    ),
    "staff.session_new": (Page("coordinator"), Page("coordinator", "for a day",
                                                    query={"date": Ref("today")})),
    "staff.session_edit": _session_pages("coordinator", SESSION_STATES),
    "staff.session_cancel": _session_pages("coordinator", ("class",)),
    "staff.series_list": (Page("coordinator"),),
    "staff.series_new": (Page("coordinator"),),
    "staff.series_edit": (
        Page("coordinator", "active", args={"series_id": "series"}),
        Page("coordinator", "cancelled", args={"series_id": "series.cancelled"}),
    ),
    "staff.series_cancel": (Page("coordinator", args={"series_id": "series"}),),
    "staff.venues": (Page("coordinator"),),
    "staff.venue_new": (Page("coordinator"),),
    "staff.venue_edit": (Page("coordinator", args={"venue_id": "venue"}),),
    "staff.places": (Page("coordinator"),),
    "staff.place_new": (Page("coordinator"),),
    "staff.place_edit": (Page("coordinator", args={"venue_id": "place"}),),
    "staff.outreach_requests": (
        Page("coordinator", "all"),
        Page("coordinator", "declined", query={"status": "declined"}),
    ),
    "staff.outreach_request_new": (Page("coordinator"),),
    "staff.outreach_request": (
        Page("coordinator", "received", args={"request_id": "outreach.received"}),
        Page("coordinator", "scheduled", args={"request_id": "outreach.scheduled"}),
        Page("coordinator", "declined", args={"request_id": "outreach.declined"}),
    ),
    "staff.outreach_schedule": (
        Page("coordinator", args={"request_id": "outreach.received"}),),
    "staff.programs": (Page("coordinator"),),
    "staff.program_new": (Page("coordinator"),),
    "staff.program_edit": (
        Page("coordinator", "offered", args={"program_id": "program"}),
        Page("coordinator", "retired", args={"program_id": "inactive_program"}),
    ),
    "staff.districts": (Page("coordinator"),),
    "staff.district_edit": (Page("coordinator", args={"district_id": "district"}),),
    # the phone desk
    "staff.phone_desk": (Page("coordinator"),),
    "staff.phone_desk_sessions": (
        Page("coordinator", "all", args={"person_id": "person"}),
        Page("coordinator", "filtered", args={"person_id": "person"},
             query={"venue": Ref("venue"), "first_day": Ref("today")}),
    ),
    "staff.phone_desk_book": (
        Page("coordinator", "open", args={"person_id": "person", "session_id": "session.roster"}),
        Page("coordinator", "already booked",
             args={"person_id": "person", "session_id": "session.class"}),
        Page("coordinator", "closed",
             args={"person_id": "person", "session_id": "session.roster_closed"}),
    ),
    "staff.booking_find": (Page("coordinator"),),
    "staff.booking": tuple(Page("coordinator", state, args={"booking_id": f"booking_id.{state}"})
                           for state in ("phone_desk", "waitlisted", "cancelled")),
    "staff.booking_cancel": (Page("coordinator", args={"booking_id": "booking_id.phone_desk"}),),
    "staff.booking_move": (Page("coordinator", args={"booking_id": "booking_id.phone_desk"}),),
    # attendance
    "staff.roster": (
        Page("coordinator", "on the day", args={"session_id": "session.roster"}),
        Page("volunteer", "volunteer", args={"session_id": "session.roster"}),
        Page("coordinator", "closed", args={"session_id": "session.roster_closed"}),
        Page("volunteer", "closed, volunteer", args={"session_id": "session.roster_closed"}),
        Page("coordinator", "before the day", args={"session_id": "session.class"}),
        Page("volunteer", "headcount", args={"session_id": "session.awareness_today"}),
    ),
    "staff.roster_print": (
        Page("coordinator", args={"session_id": "session.roster"}),
        Page("volunteer", "headcount only", args={"session_id": "session.awareness_today"}),
    ),
    "staff.rosters_print": (Page("volunteer", query={"date": Ref("today")}),),
    "staff.roster_walk_in": (Page("coordinator", args={"session_id": "session.roster"}),),
    "staff.roster_close": (Page("coordinator", args={"session_id": "session.roster"}),),
    # the resident registry
    "people.search": (Page("coordinator"), Page("admin", "admin")),
    "people.new": (Page("coordinator"),),
    "people.duplicates": (Page("coordinator"),),
    "people.detail": (
        Page("coordinator", "bookings and a proxy", args={"person_id": "person"}),
        Page("coordinator", "needs review", args={"person_id": "person.review"}),
        Page("coordinator", "merged", args={"person_id": "person.merged"}),
        Page("coordinator", "anonymised on request", args={"person_id": "person.anonymised"}),
    ),
    "people.erase": (Page("coordinator", args={"person_id": "person"}),),
    "people.edit": (Page("coordinator", args={"person_id": "person"}),),
    "people.disclosure": (Page("coordinator", "bookings and a proxy",
                               args={"person_id": "person"}),),
    "people.merge": (
        Page("coordinator", "choose", args={"person_id": "person.review"}),
        Page("coordinator", "confirm", args={"person_id": "person.review"},
             query={"keep": Ref("person")}),
    ),
    "people.proxy_new": (Page("coordinator", args={"person_id": "person"}),),
    "people.proxy_edit": (Page("coordinator", args={"person_id": "person", "proxy_id": "proxy"}),),
    # broadcast: cancel a whole day, then watch the messages go out
    "staff.broadcast": (Page("coordinator"),),
    "staff.broadcast_progress": (
        Page("coordinator", "nothing cancelled"),
        Page("coordinator", "a cancelled day", query={"day": Ref("cancelled_day")}),
    ),
    # a coordinator's note to the people of a session, and its delivery progress
    "staff.session_message_new": (Page("coordinator", args={"session_id": "session.class"}),),
    "staff.session_message": (
        Page("coordinator", args={"session_id": "session.class",
                                  "message_id": "session_message"}),),
    # the outbox, and the failed and unknown messages that wait for a decision
    "notify.outbox": (
        Page("coordinator", "all"),
        Page("coordinator", "failed", query={"state": "failed"}),
    ),
    "notify.attention": (Page("coordinator"),),
    # the kiosk: role "kiosk" is a browser bound as a kiosk at the seeded venue
    # (tests/browser/kiosk_device.py); tests/browser/test_kiosk.py goes through its steps
    "kiosk.setup": (Page("anonymous"),),
    "kiosk.start": (
        Page("kiosk", args={"venue_id": "venue"}),
        Page("kiosk", "furigana", args={"venue_id": "venue"}, query={"furigana": "1"}),
    ),
    "kiosk.done": (Page("kiosk", args={"venue_id": "venue", "token": "kiosk.booking"}),),
    "kiosk.already": (Page("kiosk", args={"venue_id": "venue"}),),
    "kiosk_staff.kiosks": (Page("coordinator"),),
    "phone_staff.calls": (Page("coordinator"),),
    "phone_staff.call": (Page("coordinator", args={"call_id": "phone_call"}),),
    "phone_staff.simulator": (Page("coordinator"),),
    "phone_staff.names": (Page("coordinator"),),
    # the volunteer's own pages (the browser's volunteer account has a linked profile)
    "volunteer.home": (Page("volunteer"),),
    "volunteer.shift": (
        Page("volunteer", "on the day, with attendees", args={"shift_id": "shift.today"}),
        Page("volunteer", "tomorrow", args={"shift_id": "shift.tomorrow"}),
        Page("volunteer", "open", args={"shift_id": "shift.open"}),
        Page("volunteer", "cancelled", args={"shift_id": "shift.cancelled"}),
    ),
    "volunteer.profile": (Page("volunteer"),),
    # the coordinators' volunteer pages (desk/volunteers/staff_views.py)
    "volunteer_staff.list": (
        Page("coordinator"),
        Page("coordinator", "inactive", query={"status": "inactive"}),
        Page("coordinator", "filtered", query={"affiliation": "student", "skill": "line",
                                               "q": "がくせい"}),
    ),
    "volunteer_staff.new": (Page("coordinator"),),
    "volunteer_staff.detail": (
        Page("coordinator", "account and shifts", args={"volunteer_id": "volunteer.me"}),
        Page("coordinator", "inactive, notes", args={"volunteer_id": "volunteer.staff"}),
    ),
    "volunteer_staff.edit": (Page("coordinator", args={"volunteer_id": "volunteer.staff"}),),
    "volunteer_staff.shifts": (
        Page("coordinator", "on the day, a no-show", args={"session_id": "session.roster"}),
        Page("coordinator", "planning", args={"session_id": "session.class"}),
        Page("coordinator", "no shifts", args={"session_id": "session.consultation"}),
        Page("coordinator", "cancelled shift", args={"session_id": "session.awareness"}),
        Page("coordinator", "cancelled session", args={"session_id": "session.cancelled"}),
        Page("admin", "admin", args={"session_id": "session.past"}),
    ),
    "volunteer_staff.shift_edit": (
        Page("coordinator", args={"shift_id": "shift.tomorrow"}),
        Page("coordinator", "cancelled", args={"shift_id": "shift.cancelled"}),
    ),
    "volunteer_staff.hours": (
        Page("coordinator", "this fiscal year"),
        Page("coordinator", "bad dates", query={"from": "2026-13-01"}),
    ),
    # the KPI dashboard and its printable A4 report (desk/reports/dashboard_views.py)
    "reports.dashboard": (
        Page("coordinator", "this fiscal year"),
        Page("admin", "a quarter", query={"period": "quarter", "q": "1"}),
        Page("coordinator", "bad month", query={"period": "month", "month": "2026-13"}),
    ),
    "reports.print": (
        Page("coordinator", "this fiscal year"),
        Page("coordinator", "a month", query={"period": "month"}),
    ),
    # the coordinators' consultation pages (desk/consults/staff_views.py)
    "consults_staff.session": (
        Page("coordinator", "held, with visits", args={"session_id": "session.held"}),
        Page("coordinator", "today, no tickets", args={"session_id": "session.consultation"}),
    ),
    "consults_staff.topics_report": (
        Page("coordinator", "this fiscal year"),
        Page("coordinator", "one venue", query={"venue_id": Ref("venue")}),
        Page("coordinator", "bad months", query={"from": "2026-13"}),
    ),
    "consults_staff.topic_list": (Page("coordinator"), Page("admin", "admin")),
    # serving at the desk on a phone or tablet (desk/consults/desk_views.py)
    "consults.desk": (
        Page("volunteer", "serving, waiting", args={"session_id": "session.consult_desk"}),
        Page("coordinator", "coordinator", args={"session_id": "session.consult_desk"}),
    ),
    "consults.log": tuple(
        Page("volunteer", label, args={"session_id": "session.consult_desk",
                                       "ticket_id": f"ticket.{key}"})
        for label, key in (("the form", "serving"), ("logged", "served"),
                           ("another volunteer's", "others"))),
    # reception and the public "now serving" display (desk/consults/reception_views.py,
    # display_views.py)
    "consults.reception": (
        Page("volunteer", "queue and reservations", args={"session_id": "session.reception"}),
        Page("coordinator", "phone numbers", args={"session_id": "session.reception"}),
        Page("volunteer", "a ticket just issued", args={"session_id": "session.reception"},
             query={"ticket": Ref("ticket.issued")}),
        Page("coordinator", "no reserved slots", args={"session_id": "session.consult_desk"}),
    ),
    "consults_public.display": (
        Page("anonymous", "numbers", args={"venue_id": "venue"}),
        Page("anonymous", "no desk today", args={"venue_id": "venue.closed"}),
    ),
    "consults.book_class": tuple(
        Page("volunteer", label, args={"session_id": "session.consult_desk",
                                       "ticket_id": f"ticket.{key}"})
        for label, key in (("phone number", "serving"), ("after the log", "served"),
                           ("another volunteer's", "others"))),
    # KPI targets and survey entry (desk/reports/target_views.py, survey_views.py)
    "reports.targets": (
        Page("coordinator", "this fiscal year"),
        Page("admin", "a fiscal year without targets", query={"fy": "2030"}),
    ),
    "reports.surveys": (Page("coordinator"),),
    "reports.demand": (
        Page("coordinator", "this fiscal year"),
        Page("admin", "a bad month", query={"period": "month", "month": "2026-13"}),
    ),
    "reports.survey_entry": (
        Page("coordinator", "with sheets", args={"session_id": "session.roster_closed"}),
        Page("coordinator", "more rows", args={"session_id": "session.past"},
             query={"rows": "20"}),
        Page("coordinator", "consultation: no survey",
             args={"session_id": "session.consultation"}),
        Page("coordinator", "not held yet", args={"session_id": "session.class"}),
    ),
    # administrators
    "admin.index": (Page("admin", redirects_to="admin.users"),),
    "admin.users": (Page("admin"),),
    "admin.user_new": (Page("admin"),),
    "admin.user_edit": (
        Page("admin", "volunteer", args={"user_id": "user.volunteer"}),
        Page("admin", "locked", args={"user_id": "user.locked"}),
    ),
    "admin.tokens": (Page("admin"),),
    "admin.audit": (
        Page("admin", "all"),
        Page("admin", "sessions only", query={"type": "sessions"}),
        Page("admin", "one session", query={"type": "sessions",
                                            "record": Ref("session.class")}),
        Page("admin", "one resident", query={"type": "people", "record": Ref("person")}),
        Page("admin", "an account and dates", query={"user": Ref("user.volunteer"),
                                                     "from": "2026-01-01", "to": "2030-12-31",
                                                     "action": "booking.create"}),
        Page("admin", "filters that cannot be read",
             query={"record": "abc", "from": "2026-13-01", "action": "x", "user": "me"}),
    ),
    "admin.access_log": (
        Page("admin", "all"),
        Page("admin", "filtered", query={"action": "person.viewed", "from": "2026-01-01",
                                         "to": "2030-12-31"}),
        Page("admin", "filters that cannot be read",
             query={"person": "abc", "from": "2026-13-01", "action": "x"}),
    ),
}


@dataclass(frozen=True)
class FormCase:
    """A form sent empty (or with the values in `fill`), so that it comes back with its
    errors shown; axe then checks the page in that state."""

    endpoint: str
    role: str
    label: str = "empty"
    args: dict = field(default_factory=dict)  # URL argument -> key of the seeded ids
    fill: dict = field(default_factory=dict)  # CSS selector -> text typed, or True: ticked

    @property
    def name(self):
        return f"{self.endpoint}[{self.label}]"


FORMS = (
    FormCase("auth.login", "anonymous"),
    FormCase("public.book", "anonymous", args={"session_id": "session.class"}),
    # a rule of the service: the phone number is not one we can use
    FormCase("public.book", "anonymous", "bad phone", args={"session_id": "session.class"},
             fill={"#name": "佐藤 恵子", "#name_kana": "さとう けいこ", "#phone": "12"}),
    FormCase("public.cancel", "anonymous"),
    FormCase("public.news_subscribe", "anonymous"),
    FormCase("public.booking_news", "anonymous", args={"token": "booking.booked"}),
    FormCase("auth.account", "volunteer"),
    FormCase("password.forgot", "anonymous"),
    FormCase("password.reset_code", "anonymous"),
    FormCase("password.reset_link", "anonymous", args={"link_token": "link.reset"}),
    FormCase("volunteer_public.join_code", "anonymous"),
    # the service says no: the number and the code do not match (no such invitation)
    FormCase("volunteer_public.join_code", "anonymous", "wrong code",
             fill={"#phone": "080-4000-0999", "#code": "000000",
                   "#password": "correct-horse-battery-staple",
                   "#password_again": "correct-horse-battery-staple"}),
    FormCase("volunteer_public.join_link", "anonymous", args={"link_token": "link.invite"}),
    # a rule of the service: the phone number is not one we can use
    FormCase("volunteer.profile", "volunteer", "bad phone", fill={"#phone": "12"}),
    FormCase("volunteer_staff.new", "coordinator"),
    FormCase("volunteer_staff.edit", "coordinator", "bad phone",
             args={"volunteer_id": "volunteer.staff"}, fill={"#phone": "12"}),
    # a usual time without its end: the message lands on the row's own field
    FormCase("volunteer_staff.edit", "coordinator", "usual time without an end",
             args={"volunteer_id": "volunteer.staff"}, fill={"#end_0": ""}),
    # a rule of the service: the shift ends before it starts
    FormCase("volunteer_staff.shift_edit", "coordinator", "end before start",
             args={"shift_id": "shift.tomorrow"},
             fill={"#start_time": "12:00", "#end_time": "09:00"}),
    FormCase("staff.session_new", "coordinator"),
    # a rule of the service, not of the form
    FormCase("staff.session_edit", "coordinator", "end before start",
             args={"session_id": "session.class"}, fill={"#end_time": "09:00"}),
    FormCase("staff.session_cancel", "coordinator", args={"session_id": "session.class"}),
    FormCase("staff.series_new", "coordinator"),
    FormCase("staff.broadcast", "coordinator"),
    FormCase("staff.session_message_new", "coordinator", args={"session_id": "session.class"}),
    # the error belongs to a group of checkboxes
    FormCase("staff.series_new", "coordinator", "no weekdays",
             fill={"#start_date": "2026-04-01", "#until_date": "2026-09-30",
                   "#start_time": "10:00", "#end_time": "11:00"}),
    # a complete pattern whose last date comes before its first: the service says no
    FormCase("staff.series_new", "coordinator", "last date before first",
             fill={"#weekdays-1": True, "#ordinals-1": True, "#start_date": "2026-04-01",
                   "#until_date": "2026-03-01", "#start_time": "10:00", "#end_time": "11:00"}),
    FormCase("staff.series_cancel", "coordinator", args={"series_id": "series"}),
    FormCase("staff.venue_new", "coordinator"),
    FormCase("public.outreach_request", "anonymous"),
    # a rule of the service: a text message to a landline
    FormCase("staff.outreach_request_new", "coordinator", "sms to a landline",
             fill={"#group_name": "寿会", "#group_kind-1": True, "#contact_name": "佐藤 和子",
                   "#contact_kana": "サトウ カズコ", "#contact_phone": "0466-25-9876",
                   "#place_name": "石川老人憩の家", "#place_address": "藤沢市石川1-2-3",
                   "#preferred_date_1": "2030-01-10", "#expected_count": "12"}),
    FormCase("staff.outreach_schedule", "coordinator",
             args={"request_id": "outreach.received"}),
    FormCase("staff.place_new", "coordinator"),
    FormCase("staff.venue_edit", "coordinator", "bad phone", args={"venue_id": "venue"},
             fill={"#phone": "12"}),
    FormCase("staff.program_new", "coordinator"),
    FormCase("staff.districts", "coordinator"),
    FormCase("staff.phone_desk", "coordinator"),
    # the service says no: the proxy's phone number is not one we can use
    FormCase("staff.phone_desk_book", "coordinator", "bad proxy phone",
             args={"person_id": "person", "session_id": "session.roster"},
             fill={"#proxy_name": "伊藤 健一", "#proxy_phone": "12"}),
    FormCase("staff.booking_find", "coordinator"),
    FormCase("staff.roster_walk_in", "coordinator", args={"session_id": "session.roster"}),
    FormCase("people.new", "coordinator"),
    # a rule of the service: the phone number is not one we can use
    FormCase("people.new", "coordinator", "bad phone",
             fill={"#name": "山本 花子", "#name_kana": "やまもと はなこ", "#phone": "12"}),
    FormCase("people.edit", "coordinator", "reading not in kana", args={"person_id": "person"},
             fill={"#name_kana": "ito"}),
    FormCase("people.proxy_new", "coordinator", args={"person_id": "person"}),
    FormCase("people.erase", "coordinator", args={"person_id": "person"}),
    FormCase("kiosk.setup", "anonymous"),
    FormCase("kiosk_staff.kiosks", "coordinator"),
    FormCase("admin.user_new", "admin"),
    # the consultation topic list: a new topic without names
    FormCase("consults_staff.topic_list", "coordinator"),
    # the visit log sent without topics or device (the service's messages), and with a
    # phone number in the note; the phone number look-up of the class booking sent empty
    FormCase("consults.log", "volunteer",
             args={"session_id": "session.consult_desk", "ticket_id": "ticket.serving"}),
    FormCase("consults.log", "volunteer", "phone number in the note",
             args={"session_id": "session.consult_desk", "ticket_id": "ticket.serving"},
             fill={"#topics-0": True, "#device-0": True, "#note": "折り返し 090-1234-5678"}),
    FormCase("consults.book_class", "volunteer",
             args={"session_id": "session.consult_desk", "ticket_id": "ticket.serving"}),
    # a negative target, and a survey grid with a bad cell and an unknown answer: the
    # service's messages on their cells, nothing saved
    FormCase("reports.targets", "coordinator", "negative target",
             fill={"#target_classes_held": "-3"}),
    FormCase("reports.survey_entry", "coordinator", "bad cells",
             args={"session_id": "session.past"},
             fill={"#rows-0-satisfaction": "6", "#rows-1-satisfaction": "4",
                   "#rows-1-comment": "=1+1"}),
)
