"""The audit log in words: what each action code means, what each kind of record is, and
snapshot values as people read them (times in Japan time).

Every action code the app writes (`audit.record("booking.create", ...)`) has a label
here; tests/admin/test_audit_labels.py reads the code for the codes written and fails for
one without a label. A code seen in the log but unknown here (an old entry) is shown as
it is.
"""

import re
from datetime import datetime

from flask_babel import lazy_gettext as _l

from desk.core.i18n import format_datetime_long
from desk.core.timeutil import to_local

ACTION_LABELS = {
    # bookings and attendance
    "booking.create": _l("Booking made"),
    "booking.cancel": _l("Booking cancelled"),
    "booking.waitlist": _l("Put on the waiting list"),
    "booking.promote": _l("Given a seat from the waiting list"),
    "booking.attendance": _l("Attendance marked"),
    "booking.confirmation": _l("Caller's confirmation recorded"),
    "booking.slot": _l("Reserved slot moved"),
    "booking.move": _l("Booking moved to another date"),
    # news of new classes
    "news.subscribe": _l("Asked for news of new classes"),
    "news.stop": _l("News of new classes stopped"),
    "offer.create": _l("Freed seat offered"),
    "offer.taken": _l("Seat offer taken"),
    "offer.declined": _l("Seat offer declined"),
    "offer.expired": _l("Seat offer expired"),
    "offer.withdrawn": _l("Seat offer withdrawn"),
    "followup.create": _l("Waiting list followed up"),
    "followup.taken": _l("Next class offered: booked"),
    "followup.declined": _l("Next class offered: declined"),
    # sessions and series
    "session.create": _l("Session created"),
    "session.update": _l("Session details changed"),
    "session.cancel": _l("Session called off"),
    "session.cancel_day": _l("Whole day cancelled"),
    "session.message": _l("Message sent to the people of a session"),
    "session.reinstate": _l("Session reinstated"),
    "session.complete": _l("Session marked as held"),
    "session.delete": _l("Session deleted"),
    "session.headcount": _l("Headcount entered"),
    "session.close_attendance": _l("Attendance closed"),
    "series.create": _l("Series created"),
    "series.update": _l("Series changed"),
    "series.cancel": _l("Series cancelled"),
    # venues, programs, districts, consultation topics
    "venue.create": _l("Venue added"),
    "venue.update": _l("Venue changed"),
    # outreach requests (desk.events.outreach)
    "outreach_request.create": _l("Outreach request received"),
    "outreach_request.arranging": _l("Outreach request being arranged"),
    "outreach_request.scheduled": _l("Outreach class scheduled"),
    "outreach_request.declined": _l("Outreach request declined"),
    "outreach_request.erase_contact": _l("Outreach request's contact details erased"),
    "program.create": _l("Program added"),
    "program.update": _l("Program changed"),
    "district.create": _l("District added"),
    "district.update": _l("District changed"),
    "consult_topic.create": _l("Consultation topic added"),
    "consult_topic.update": _l("Consultation topic changed"),
    # residents
    "person.create": _l("Resident registered"),
    "person.update": _l("Resident's details changed"),
    "person.consent": _l("Consent to reminders changed"),
    "person.merge": _l("Duplicate records merged"),
    "person.distinct": _l("Marked as different people"),
    "person.distinct_undo": _l("'Different people' withdrawn"),
    "person.disclose": _l("Disclosure of a resident's data produced"),
    "person.anonymise": _l("Resident's record anonymised"),
    "person.confirm_name": _l("Name of a new caller confirmed"),
    "proxy.create": _l("Proxy contact added"),
    "proxy.update": _l("Proxy contact changed"),
    "proxy.delete": _l("Proxy contact removed"),
    "privacy_request.stop_delete": _l("Request to stop and delete recorded"),
    # consultation desks
    "ticket.issue": _l("Queue ticket issued"),
    "ticket.call": _l("Visitor called"),
    "ticket.skip": _l("Visitor skipped"),
    "ticket.recall": _l("Visitor put back in the queue"),
    "ticket.cancel": _l("Queue ticket cancelled"),
    "ticket.serve": _l("Visitor served"),
    "ticket.person": _l("Visitor linked to a resident"),
    "visit.create": _l("Consultation logged"),
    # volunteers and shifts
    "volunteer.create": _l("Volunteer added"),
    "volunteer.update": _l("Volunteer changed"),
    "volunteer.invite": _l("Volunteer invited"),
    "volunteer.feed_renew": _l("Calendar feed address renewed"),
    "shift.create": _l("Shift created"),
    "shift.update": _l("Shift changed"),
    "shift.cancel": _l("Shift cancelled"),
    "shift.cover_request": _l("Cover requested for a shift"),
    "shift_assignment.sign_up": _l("Signed up for a shift"),
    "shift_assignment.assign": _l("Assigned to a shift"),
    "shift_assignment.withdraw": _l("Withdrew from a shift"),
    "shift_assignment.remove": _l("Taken off a shift"),
    "shift_assignment.cancel": _l("Shift place cancelled"),
    "shift_assignment.check_in": _l("Checked in to a shift"),
    "shift_assignment.check_out": _l("Checked out of a shift"),
    "shift_assignment.no_show": _l("Marked absent from a shift"),
    "shift_assignment.times": _l("Shift hours corrected"),
    # messages
    "notify.opt_out": _l("Messages stopped (opt-out)"),
    "notify.opt_in": _l("Messages allowed again"),
    "notify.message_decision": _l("Decision on an unsure message"),
    # reports
    "kpi_target.set": _l("KPI target set"),
    "kpi_target.clear": _l("KPI target cleared"),
    "survey.add": _l("Survey sheets entered"),
    "survey.answer": _l("Online survey answered"),
    "survey.delete": _l("Survey sheet deleted"),
    # accounts, tokens, kiosks
    "user.create": _l("Account created"),
    "user.update": _l("Account changed"),
    "user.password": _l("Password changed"),
    "user.password_reset": _l("Password reset by link or code"),
    "user.activate": _l("Account activated from an invitation"),
    "user.link": _l("Invitation or reset sent"),
    "user.lock": _l("Account locked after wrong passwords"),
    "user.unlock": _l("Account unlocked"),
    "token.create": _l("API token created"),
    "token.revoke": _l("API token revoked"),
    "kiosk.create": _l("Kiosk added"),
    "kiosk.setup_code": _l("Kiosk setup code made"),
    "kiosk.bind": _l("Kiosk set up on a device"),
    "kiosk.revoke": _l("Kiosk taken out of use"),
    # retention
    "retention.purge": _l("Old data deleted (retention)"),
}

# object_type (the table) -> what it is
OBJECT_LABELS = {
    "bookings": _l("Booking"),
    "seat_offers": _l("Seat offer"),
    "news_subscriptions": _l("Subscription to news of new classes"),
    "waitlist_followups": _l("Follow-up of the waiting list"),
    "sessions": _l("Scheduled session"),
    "session_series": _l("Series"),
    "venues": _l("Venue"),
    "outreach_requests": _l("Outreach request"),
    "programs": _l("Program"),
    "districts": _l("District"),
    "consult_topics": _l("Consultation topic"),
    "people": _l("Resident's record"),
    "proxy_contacts": _l("Proxy contact"),
    "distinct_people": _l("Different people"),
    "privacy_requests": _l("Privacy request"),
    "consult_tickets": _l("Queue ticket"),
    "consult_visits": _l("Consultation"),
    "volunteers": _l("Volunteer"),
    "shifts": _l("Shift"),
    "shift_assignments": _l("Shift place"),
    "outbox_messages": _l("Message"),
    "opt_outs": _l("Opt-out"),
    "kpi_targets": _l("KPI target"),
    "survey_entries": _l("Survey sheet"),
    "survey_invitations": _l("Online survey"),
    "users": _l("Account"),
    "api_tokens": _l("API token"),
    "kiosk_devices": _l("Kiosk"),
    "retention": _l("Retention"),
}

# records with a page of their own: object_type -> (endpoint, its id argument)
RECORD_PAGES = {
    "people": ("people.detail", "person_id"),
    "sessions": ("staff.session_edit", "session_id"),
    "users": ("admin.user_edit", "user_id"),
}

_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)$")


def action_label(code):
    return str(ACTION_LABELS.get(code, code))


def object_label(object_type):
    return str(OBJECT_LABELS.get(object_type, object_type))


def file_time(moment):
    """A time in a CSV file: Japan time, YYYY-MM-DD HH:MM."""
    return to_local(moment).strftime("%Y-%m-%d %H:%M")


def value_text(value, *, time_text=format_datetime_long):
    """A snapshot value as people read it: a stored UTC time in Japan time (written by
    `time_text`), "–" for none, yes / no for booleans, anything else as it is."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        return time_text(datetime.fromisoformat(value.replace("Z", "+00:00")))
    if isinstance(value, list):
        return ", ".join(value_text(item, time_text=time_text) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {value_text(item, time_text=time_text)}"
                         for key, item in value.items())
    return str(value)
