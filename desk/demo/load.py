"""Load the demo city (desk.demo.data) through the services, anchored to a day.

The schedule covers the whole previous fiscal year, the current fiscal year so far and
the next three months: class series at every venue (one program per half year), walk-in
consultation desks, outreach classes on request, awareness events, a few cancelled
sessions, and a desk and a class running at `now` (load_today); everything that has already ended is marked as held. The schedule goes through
desk.events.services and desk.auth.services with actor="demo", so the data obeys the
same rules as real data and is in the audit log. Nothing is committed here: the caller
(`desk init --demo`) commits once.

About 420 residents (desk.demo.residents, through desk.people.services) book the classes:
bookings, waiting lists, cancellations and, for what has been held, attendance with
no-shows and walk-ins (desk.demo.bookings, which replays them in memory asking the booking
rules and writes them in bulk, because ~5,000 calls to `book_seat` make `desk init --demo`
three to five times slower; rosters are closed through the service). Awareness events
get an anonymous headcount. Forty volunteers staff the sessions' shifts, with check-ins,
a few no-shows and the places still open ahead (desk.demo.volunteers, written in bulk for
the same reason, by the shift-place rule). The consultation desks held (and one running
now) have their numbered tickets and visit logs (desk.demo.consults, in bulk too).
tests/demo checks DESIGN.md's invariants over everything loaded. The classes
and events held have their paper questionnaires, and both fiscal years have KPI targets
(desk.demo.reports).

The same `today` always gives the same schedule, residents and bookings (seeded
random.Random); the demo accounts' passwords and the booking codes are random
(secrets), the passwords written to instance/demo-logins.txt.
"""

import random
import secrets
from datetime import date, time, timedelta

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import select, update

from desk.auth import services as auth_services
from desk.core.timeutil import (
    fiscal_year_dates,
    fiscal_year_of,
    local_datetime,
    local_today,
    to_local,
    utcnow,
)
from desk.demo import data
from desk.demo.bookings import DemoBookings
from desk.demo.calls import DemoCalls
from desk.demo.consults import DemoConsults
from desk.demo.followups import load_followups
from desk.demo.logins import write_demo_logins
from desk.demo.news import DemoNews
from desk.demo.offers import load_offers
from desk.demo.reports import DemoReports
from desk.demo.residents import DemoResidents
from desk.demo.volunteers import DemoVolunteers
from desk.events import availability, outreach, recurrence, session_messages
from desk.events import services as event_services
from desk.events.models import Booking, BookingStatus, SessionKind, SessionStatus
from desk.extensions import db
from desk.notify.models import MessageChannel, MessageState, OutboxMessage
from desk.volunteers import services as volunteer_services

ACTOR = "demo"
SEED = 20240401
PEOPLE_SEED = SEED + 1  # a stream of its own: the schedule stays what it was
VOLUNTEER_SEED = SEED + 2  # the volunteers' own stream: bookings stay what they were
CONSULT_SEED = SEED + 3  # the consultation desks' own stream: the rest stays as it was
REPORT_SEED = SEED + 4  # survey sheets and targets: their own stream too
CALL_SEED = SEED + 5  # the phone line's demo calls: their own stream
NEWS_SEED = SEED + 6  # who hears about new classes: its own stream
HORIZON_MONTHS = 3
MOVES = 2  # bookings a coordinator moved to another date of the same class
# 年末年始: the community centres are closed from 29 December to 3 January.
YEAR_END_CLOSED = ((12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3))
OUTREACH_TIMES = (("10:00", "11:30"), ("13:30", "15:00"))


def is_year_end_closed(day):
    return (day.month, day.day) in YEAR_END_CLOSED


def demo_period(today):
    """(first, last) local dates the demo covers: the start of the previous fiscal year
    to three months after `today`."""
    first, _last = fiscal_year_dates(fiscal_year_of(today) - 1)
    return first, today + relativedelta(months=HORIZON_MONTHS)


def half_years(first, last):
    """The half-year terms (April-September, October-March) from `first` to `last`,
    each clipped to that range."""
    year = fiscal_year_of(first)
    terms = []
    while True:
        for start, end in ((date(year, 4, 1), date(year, 9, 30)),
                           (date(year, 10, 1), date(year + 1, 3, 31))):
            if start > last:
                return terms
            if end >= first:
                terms.append((max(start, first), min(end, last)))
        year += 1


def fiscal_years(first, last):
    """The fiscal years from `first` to `last`, each clipped to that range."""
    spans = []
    for year in range(fiscal_year_of(first), fiscal_year_of(last) + 1):
        start, end = fiscal_year_dates(year)
        spans.append((max(start, first), min(end, last)))
    return spans


def _time(text):
    return time.fromisoformat(text)


class DemoLoader:
    def __init__(self, today, now):
        self.today = today
        self.now = now
        self.first, self.last = demo_period(today)
        self.rng = random.Random(SEED)
        self.districts = {}
        self.venues = {}
        self.places = {}  # community places by name
        self.programs = {}
        self.series = []
        self.sessions = []
        # classes scheduled from outreach requests (left out of the bookings and the
        # bulk shifts, whose random draws stay as they were)
        self.scheduled_outreach = []
        self.logins = []
        self.staff = []  # the coordinators' accounts
        self.residents = []
        self.bookings = None
        self.people_rng = random.Random(PEOPLE_SEED)
        self.volunteers = ""  # the summary of desk.demo.volunteers
        self.consults = ""  # the summary of desk.demo.consults
        self.reports = ""  # the summary of desk.demo.reports

    # -- reference data ----------------------------------------------------------------

    def load_districts(self):
        for position, (name, kana, name_en) in enumerate(data.DISTRICTS, start=1):
            self.districts[name] = event_services.create_district(
                {"name": name, "name_kana": kana, "name_en": name_en, "position": position},
                actor=ACTOR)

    def load_venues(self):
        fields = ("name", "name_kana", "name_en", "short_name", "short_name_en", "address",
                  "phone", "accessibility_notes", "accessibility_notes_en", "default_capacity",
                  "latitude", "longitude")
        for item in data.VENUES:
            values = {name: item[name] for name in fields}
            values["district_id"] = self.districts[item["district"]].id
            self.venues[item["key"]] = event_services.create_venue(values, actor=ACTOR)
        # the community places outreach classes are held at, in the district of the city
        # venue near them (desk.events.outreach)
        for group, _contact, venue_key, place, place_en in data.OUTREACH_REQUESTS:
            if place not in data.COMMUNITY_PLACES:
                continue
            kana, short_name, address, short_name_en = data.COMMUNITY_PLACES[place]
            self.places[place] = outreach.create_place({
                "name": place, "name_kana": kana, "name_en": place_en,
                "short_name": short_name, "short_name_en": short_name_en, "address": address,
                "district_id": self.venues[venue_key].district_id,
                "default_capacity": 20,
                "accessibility_notes": f"{group}の会場です。",
                "accessibility_notes_en": "Hall of the group that asked for the class."},
                actor=ACTOR)

    def load_programs(self):
        for item in data.PROGRAMS:
            values = {name: value for name, value in item.items() if name != "key"}
            self.programs[item["key"]] = event_services.create_program(values, actor=ACTOR)

    def load_accounts(self):
        for role, local_part, name in data.ACCOUNTS:
            email = f"{local_part}@{data.EMAIL_DOMAIN}"
            password = secrets.token_urlsafe(12)
            user = auth_services.create_user(email, password, role=role, display_name=name,
                                             actor=ACTOR)
            self.logins.append((role, email, password))
            if role == "coordinator":
                self.staff.append(user)

    # -- the schedule ------------------------------------------------------------------

    def _series(self, values, rule, start, end):
        """Create a series over [start, end], closed over 年末年始; None when the rule
        gives no date there."""
        try:
            dates = recurrence.occurrences(rule, start, end)
        except recurrence.RecurrenceError:
            return None
        skips = [day for day in dates if is_year_end_closed(day)]
        if len(skips) == len(dates):
            return None
        series, report = event_services.create_series(
            {**values, "rrule": rule, "start_date": start, "until_date": end,
             "skip_dates": skips}, actor=ACTOR, now=self.now)
        self.series.append(series)
        self.sessions.extend(report.created)
        return series

    def load_class_series(self):
        order = data.CURRICULUM_ORDER
        terms = half_years(self.first, self.last)
        for item in data.VENUES:
            venue = self.venues[item["key"]]
            offset = self.rng.randrange(len(order))
            capacity = min(venue.default_capacity, self.rng.choice((12, 15, 16, 20)))
            for pattern, (byday, start, end) in enumerate(item["classes"]):
                for term, (first, last) in enumerate(terms):
                    program = self.programs[order[(offset + 2 * term + 5 * pattern) % len(order)]]
                    self._series({
                        "kind": SessionKind.CLASS.value,
                        "program_id": program.id,
                        "venue_id": venue.id,
                        "capacity": capacity,
                        "start_time": _time(start),
                        "end_time": _time(end),
                    }, f"FREQ=MONTHLY;BYDAY={byday}", first, last)

    def load_consultation_series(self):
        for item in data.VENUES:
            if item["consultation"] is None:
                continue
            byday, start, end, months = item["consultation"]
            rule = "FREQ=MONTHLY"
            if months:
                rule += ";BYMONTH=" + ",".join(str(month) for month in months)
            rule += f";BYDAY={byday}"
            for first, last in fiscal_years(self.first, self.last):
                self._series({
                    "kind": SessionKind.CONSULTATION.value,
                    "title": data.CONSULTATION_TITLE,
                    "title_en": data.CONSULTATION_TITLE_EN,
                    "notes": data.CONSULTATION_NOTES,
                    "notes_en": data.CONSULTATION_NOTES_EN,
                    "venue_id": self.venues[item["key"]].id,
                    "start_time": _time(start),
                    "end_time": _time(end),
                }, rule, first, last)

    def _session(self, values, day, start, end):
        return self._session_at(values, local_datetime(day, _time(start)),
                                local_datetime(day, _time(end)))

    def _session_at(self, values, start_dt, end_dt):
        session = event_services.create_session(
            {**values, "start_dt": start_dt, "end_dt": end_dt}, actor=ACTOR, now=self.now)
        self.sessions.append(session)
        return session

    def load_awareness_events(self):
        for year in range(fiscal_year_of(self.first), fiscal_year_of(self.last) + 1):
            for (month, byday, start, end, venue_key, title, notes, title_en,
                 notes_en) in data.AWARENESS_EVENTS:
                calendar_year = year if month >= 4 else year + 1
                first_day = date(calendar_year, month, 1)
                last_day = first_day + relativedelta(months=1, days=-1)
                day = recurrence.occurrences(f"FREQ=MONTHLY;BYDAY={byday}", first_day,
                                             last_day)[0]
                if self.first <= day <= self.last:
                    self._session({"kind": SessionKind.AWARENESS_EVENT.value, "title": title,
                                   "title_en": title_en, "notes": notes, "notes_en": notes_en,
                                   "venue_id": self.venues[venue_key].id}, day, start, end)

    def load_outreach_classes(self):
        month = self.first
        while month <= self.last:
            month_end = month + relativedelta(months=1, days=-1)
            weekdays = [month + timedelta(days=offset)
                        for offset in range((month_end - month).days + 1)]
            weekdays = [day for day in weekdays if day.weekday() < 5
                        and self.first <= day <= self.last and not is_year_end_closed(day)]
            count = self.rng.choices((0, 1, 2), weights=(2, 5, 2))[0]
            for day in sorted(self.rng.sample(weekdays, min(count, len(weekdays)))):
                group, contact, venue_key, place, place_en = self.rng.choice(
                    data.OUTREACH_REQUESTS)
                program = self.programs[self.rng.choice(data.OUTREACH_PROGRAMS)]
                start, end = self.rng.choice(OUTREACH_TIMES)
                # at the group's community place, or in a room of a city venue
                community = self.places.get(place)
                room = None if community else place.split(" ", 1)[-1]
                self._session({
                    "kind": SessionKind.OUTREACH_CLASS.value,
                    "program_id": program.id,
                    "venue_id": (community or self.venues[venue_key]).id,
                    "capacity": self.rng.choice((10, 12, 15, 20)),
                    "requesting_group": group,
                    "requesting_contact": contact,
                    "notes": f"会場：{room}" if room else None,
                    "notes_en": f"Room: {place_en.split(', ', 1)[-1]}" if room else None,
                }, day, start, end)
            month = month + relativedelta(months=1)

    def load_outreach_requests(self):
        """A few requests for outreach classes, each in its state; the scheduled one gets
        its class at its community place (desk.events.outreach, as coordinators do). Its
        seats are booked by the facility itself, not through desk: the class is left
        out of the demo's bookings and shifts."""
        for (group, kind, name, kana, phone, reply, place, days_ago, state,
             reason) in data.DEMO_REQUESTS:
            received = self.now - timedelta(days=days_ago, hours=3)
            first_choice = self.today + timedelta(days=24 - days_ago % 5)
            request = outreach.submit_request({
                "group_name": group, "group_kind": kind, "contact_name": name,
                "contact_kana": kana, "contact_phone": phone, "reply_channel": reply,
                "place_name": place, "place_address": data.COMMUNITY_PLACES[place][2],
                "district_id": self.places[place].district_id,
                "preferred_date_1": first_choice,
                "preferred_date_2": first_choice + timedelta(days=7),
                "preferred_times": "平日の午後（13時半以降）",
                "expected_count": 8 + days_ago % 12,
                "topics": ["basics", "line"] if kind != "care_facility" else ["calls_camera"],
                "devices": ["iphone", "android"],
                "needs_hearing": kind == "care_facility",
                "needs_wheelchair": kind == "care_facility",
                "needs_notes": "車いすの方が数名います" if kind == "care_facility" else None,
            }, source="staff" if reply == "voice" else "web", locale="ja",
                actor=self.staff[0] if reply == "voice" else "web", now=received)
            later = received + timedelta(days=1)
            if state == "arranging":
                outreach.start_arranging(request, {"note": "会長と日程を電話で相談中"},
                                         actor=self.staff[0], now=later)
            elif state == "declined":
                outreach.decline_request(request, {"decline_reason": reason},
                                         actor=self.staff[0], now=later)
            elif state == "scheduled":
                day = first_choice
                while day.weekday() >= 5:
                    day += timedelta(days=1)
                outreach.schedule_request(request, {
                    "place_id": self.places[place].id,
                    "program_id": self.programs["calls_camera"].id,
                    "start_dt": local_datetime(day, time(14)),
                    "end_dt": local_datetime(day, time(15, 30)),
                    "notes": "施設の入居者の方向けです。",
                    "notes_en": "For the residents of the home."}, actor=self.staff[0], now=later)
                self.scheduled_outreach.append(request.session)

    def staff_outreach_requests(self):
        """The class scheduled from a request has its shifts, open for volunteers to
        sign up for (a lead and two assistants)."""
        for session in self.scheduled_outreach:
            for role, places in (("lead", 1), ("assistant", 2)):
                volunteer_services.create_shift(session, {"role": role, "places": places},
                                                actor=self.staff[0], now=self.now)

    def load_today(self):
        """A consultation desk and a class running now, anchored to `now` whatever the
        hour, unless the schedule already has one, so that the desk's queue, attendance
        and closing the roster can be tried at once (only what has ended is closed). At
        venues with nothing else that day; none over 年末年始, when the centres are closed."""
        if is_year_end_closed(self.today):
            return
        hour = to_local(self.now).hour
        start = local_datetime(self.today, time(max(hour - 1, 0)))
        last_minute = local_datetime(self.today, time(23, 59))
        running = {session.kind for session in self.sessions
                   if session.start_dt <= self.now < session.end_dt}
        busy = {session.venue_id for session in self.sessions
                if self._local_date(session) == self.today}
        free = [item for item in data.VENUES if self.venues[item["key"]].id not in busy]
        consultation = {"kind": SessionKind.CONSULTATION.value, "title": data.CONSULTATION_TITLE,
                        "title_en": data.CONSULTATION_TITLE_EN,
                        "notes": data.CONSULTATION_NOTES,
                        "notes_en": data.CONSULTATION_NOTES_EN}
        program = self.programs[data.CURRICULUM_ORDER[0]]
        for values, venues, hours in (
                (consultation, [item for item in free if item["consultation"]], 3),
                ({"kind": SessionKind.CLASS.value, "program_id": program.id},
                 [item for item in free if not item["consultation"]], 2)):
            if SessionKind(values["kind"]) in running or not venues:
                continue
            venue = self.venues[venues[0]["key"]]
            values = {**values, "venue_id": venue.id}
            if values["kind"] == SessionKind.CLASS.value:
                values["capacity"] = min(venue.default_capacity, 12)
            self._session_at(values, start, min(start + timedelta(hours=hours),
                                                       last_minute))

    def load_offers(self):
        days = (self.today, self.today + timedelta(days=1))
        busy = {session.venue_id for session in self.sessions
                if self._local_date(session) in days}
        venue = next((self.venues[item["key"]] for item in data.VENUES
                      if not item["consultation"] and self.venues[item["key"]].id not in busy),
                     None)
        if venue is None:
            return None
        return load_offers(venue=venue, program=self.programs[data.CURRICULUM_ORDER[3]],
                           residents=[resident.person for resident in self.residents],
                           now=self.now, closed_day=is_year_end_closed)

    # -- what happened -----------------------------------------------------------------

    def _local_date(self, session):
        return to_local(session.start_dt).date()

    def _cancel(self, sessions, reason):
        for session in sessions:
            if session.status == SessionStatus.SCHEDULED:
                event_services.cancel_session(session, reason, actor=ACTOR, now=self.now)

    def load_session_message(self):
        """A coordinator's note an hour ago to the people of the next class that has
        bookings: its SMS and calls delivered but the last, its e-mails sent."""
        sent = self.now - timedelta(hours=1)
        upcoming = [session for session in self.sessions
                    if session.status == SessionStatus.SCHEDULED and session.start_dt > self.now
                    and session.kind == SessionKind.CLASS
                    and session_messages.recipients(session, include_waitlist=False)]
        if not upcoming or not self.staff:
            return
        session = min(upcoming, key=lambda item: item.start_dt)
        message, _created = session_messages.send_session_message(
            session, {"text_ja": data.SESSION_MESSAGE, "text_en": data.SESSION_MESSAGE_EN,
                      "include_waitlist": True, "key": secrets.token_urlsafe(24)},
            actor=self.staff[0], now=sent)
        rows = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.topic == session_messages.TOPIC, OutboxMessage.topic_id == message.id)
            .order_by(OutboxMessage.id)).all()
        for index, row in enumerate(rows):
            if row.channel == MessageChannel.EMAIL:
                row.state = MessageState.SENT
            else:
                row.state = (MessageState.SENT if index == len(rows) - 1
                             else MessageState.DELIVERED)
            row.attempts, row.updated_dt = 1, sent + timedelta(minutes=1)

    def choose_cancellations(self):
        """[(sessions, reason)]: a typhoon day in the previous fiscal year's September, a
        teacher's illness in the current fiscal year, and a venue closed for inspection
        in the weeks ahead. Chosen before the bookings, cancelled after them."""
        chosen = []
        by_day = {}
        for session in self.sessions:
            by_day.setdefault(self._local_date(session), []).append(session)
        previous_year = fiscal_year_of(self.first)
        september = [day for day in sorted(by_day)
                     if day.year == previous_year and day.month == 9]
        if september:
            typhoon_day = max(september, key=lambda day: len(by_day[day]))
            chosen.append((by_day[typhoon_day], data.REASON_TYPHOON))
        this_year_start, _end = fiscal_year_dates(fiscal_year_of(self.today))
        past_classes = [session for session in self.sessions
                        if session.kind == SessionKind.CLASS and session.end_dt <= self.now
                        and self._local_date(session) >= this_year_start]
        if past_classes:
            chosen.append(([self.rng.choice(past_classes)], data.REASON_ILLNESS))
        soon = self.today + timedelta(days=14)
        for day in sorted(by_day):
            if day >= soon:
                venue_id = by_day[day][0].venue_id
                chosen.append(([session for session in by_day[day]
                                if session.venue_id == venue_id], data.REASON_INSPECTION))
                break
        return chosen

    def load_residents(self):
        start = local_datetime(self.first, time(9)) - timedelta(days=60)
        self.residents = DemoResidents(
            self.people_rng, districts=list(self.districts.values()), start=start,
            now=self.now, staff=self.staff).load()

    def load_bookings(self, cancelled):
        """Bookings for every class so far and the ones open for booking, and the
        attendance of those held (not of `cancelled`, the sessions about to be
        cancelled), written at once."""
        self.bookings = DemoBookings(self.people_rng, residents=self.residents,
                                     staff=self.staff, now=self.now)
        bookable = sorted((session for session in self.sessions if session.takes_bookings),
                          key=lambda session: (session.start_dt, session.id))
        for session in bookable:
            self.bookings.book_session(session)
            if session.end_dt <= self.now and session not in cancelled:
                self.bookings.take_attendance(session)
        self.bookings.write(bookable)

    def complete_past(self):
        """Rosters closed for the classes held, headcounts for the awareness events; the
        rest marked as held."""
        for session in self.sessions:
            if session.status != SessionStatus.SCHEDULED or session.end_dt > self.now:
                continue
            if session.takes_bookings:
                self.bookings.close_roster(session)
                continue
            if session.kind == SessionKind.AWARENESS_EVENT:
                event_services.set_anonymous_headcount(
                    session, self.people_rng.randrange(60, 220, 5),
                    actor=self.people_rng.choice(self.staff), now=session.end_dt)
            event_services.complete_session(session, actor=ACTOR, now=self.now)

    def load_moves(self):
        """A few residents asked by phone to come a week later: a coordinator moved
        their bookings (desk.events.bookings.move_booking), so that the audit log, the
        booking's page and the outbox show a move. The first booked seat of an upcoming
        class whose next date of the same program has room for it."""
        by_program = {}
        for session in sorted(self.sessions, key=lambda session: (session.start_dt, session.id)):
            if session.kind == SessionKind.CLASS and session.status == SessionStatus.SCHEDULED \
                    and session.start_dt > self.now + timedelta(days=1):
                by_program.setdefault(session.program_id, []).append(session)
        moved = 0
        for sessions in by_program.values():
            for old, new in zip(sessions, sessions[1:], strict=False):
                if moved == MOVES:
                    return
                booking = db.session.scalars(
                    select(Booking).where(Booking.session_id == old.id,
                                          Booking.status == BookingStatus.BOOKED)
                    .order_by(Booking.id).limit(1)).first()
                if booking is None or availability.places_free(new) < booking.seats \
                        or db.session.scalar(select(Booking.id).where(
                            Booking.session_id == new.id,
                            Booking.person_id == booking.person_id)) is not None:
                    continue
                event_services.move_booking(booking, new, channel="phone_desk",
                                            actor=self.people_rng.choice(self.staff),
                                            now=self.now)
                moved += 1
                break

    def load(self):
        self.load_accounts()
        self.load_districts()
        self.load_venues()
        self.load_programs()
        self.load_class_series()
        self.load_consultation_series()
        self.load_awareness_events()
        self.load_outreach_classes()
        self.load_outreach_requests()
        self.load_today()
        self.load_residents()
        cancellations = self.choose_cancellations()
        cancelled = {session for sessions, _reason in cancellations for session in sessions}
        self.load_bookings(cancelled=cancelled)
        # volunteers and shifts (desk.demo.volunteers); cancelling then cancels shifts too
        self.volunteers = DemoVolunteers(
            random.Random(VOLUNTEER_SEED), sessions=self.sessions, venues=self.venues,
            staff=self.staff, today=self.today, now=self.now).load(cancelled)
        # seats freed close to the start of a class later today, offered in turn
        # (desk.demo.offers), at a venue with nothing else that day, with its lead's shift
        # (after the volunteers' own stream, which stays as it was)
        offer_session = self.load_offers()
        if offer_session is not None:
            self.sessions.append(offer_session)
        self.staff_outreach_requests()
        for sessions, reason in cancellations:
            self._cancel(sessions, reason)
        # the waiting lists at the start of this fiscal year's classes followed up with
        # the next matching class, some taken (desk.demo.followups)
        self.followups = load_followups(self.sessions, now=self.now)
        self.complete_past()
        self.load_moves()
        self.load_session_message()
        # tickets and visit logs of the consultation desks held (desk.demo.consults)
        self.consults = DemoConsults(
            random.Random(CONSULT_SEED), sessions=self.sessions, residents=self.residents,
            staff=self.staff, now=self.now).load()
        # the classes' paper questionnaires and the KPI targets (desk.demo.reports)
        self.reports = DemoReports(
            random.Random(REPORT_SEED), sessions=self.sessions,
            districts=list(self.districts.values()),
            staff=self.staff, today=self.today, now=self.now).load()
        # a few days of calls to the automated phone line (desk.demo.calls)
        self.calls = DemoCalls(random.Random(CALL_SEED), residents=self.residents,
                               now=self.now).load()
        # residents who hear about new classes, and the last digest (desk.demo.news)
        self.news = DemoNews(random.Random(NEWS_SEED), residents=self.residents,
                             sessions=self.sessions, districts=list(self.districts.values()),
                             staff=self.staff, now=self.now).load()
        # every message planned so far is the demo's (it loads on an empty database):
        # marked, the dispatcher logs them and never hands them to a provider
        db.session.execute(update(OutboxMessage).values(is_demo=True))
        write_demo_logins(current_app.instance_path, self.logins)
        return self.summary()

    def summary(self):
        statuses = [session.status for session in self.sessions]
        return (
            f"{len(self.districts)} districts, {len(self.venues)} venues, "
            f"{len(self.programs)} programs, {len(self.series)} series, "
            f"{len(self.sessions)} sessions from {self.first} to {self.last} "
            f"({statuses.count(SessionStatus.COMPLETED)} held, "
            f"{statuses.count(SessionStatus.CANCELLED)} cancelled, "
            f"{statuses.count(SessionStatus.SCHEDULED)} to come), "
            f"{len(self.residents)} residents with {self.bookings.count} bookings, "
            f"{self.volunteers}, "
            f"{self.consults}, "
            f"{self.reports}, "
            f"{self.calls}, "
            f"{self.news}, "
            f"{self.followups[0]} waiting at the start followed up "
            f"({self.followups[1]} offered a class, {self.followups[2]} took it), "
            f"{len(self.logins)} accounts (logins in instance/demo-logins.txt)"
        )


def load_demo(today=None, *, now=None):
    """Load the demo data anchored to `today` (a local JST date, default today in JST)
    and return a one-line summary. The caller commits.

    `now` (aware UTC) decides what has already been held; by default it is the current
    time when `today` is None, else noon JST on `today`.
    """
    if now is None:
        now = utcnow() if today is None else local_datetime(today, time(12))
    if today is None:
        today = local_today(now)
    return DemoLoader(today, now).load()
