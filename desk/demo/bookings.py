"""Bookings, waiting lists and attendance for the demo's classes, written in bulk.

Booking ~5,000 seats one by one through `book_seat` takes three to four times as long
as the rest of `desk init --demo` together (measured: 34 s instead of 9.5 s on SQLite,
81 s instead of 16 s on PostgreSQL), so this module replays the bookings in memory, in
arrival order, asking the booking rules themselves rather than stating them again: a
party is booked while it fits, else waitlisted (`desk.events.bookings.status_for`); a
cancellation frees the seats (`desk.events.availability.holds`) and promotes the waiting
list (`desk.events.bookings.to_promote`); codes are `desk.events.bookings.new_code`. On
the day staff check people in and walk-ins take seats that no-shows left; once the
bookings are written, the roster is closed through the service itself
(`close_attendance`, which marks the rest as no-shows). It writes what the services
would have written: the bookings, their audit entries (dated when they happened, by the
coordinator or the public channel that acted) and their messages, planned by
desk.events.notices itself (those due before now are `logged`: the demo has no SMS
provider). tests/demo checks DESIGN.md's invariants on the result.
"""

import secrets
from dataclasses import dataclass, field
from datetime import time as clock
from datetime import timedelta
from itertools import accumulate
from types import SimpleNamespace

from sqlalchemy import insert, select

from desk.core import audit
from desk.core.audit import AuditEntry
from desk.core.timeutil import local_datetime, to_local
from desk.demo import outbox
from desk.events import availability
from desk.events import bookings as booking_rules
from desk.events import notices as booking_notices
from desk.events.models import (
    Attendance,
    Booking,
    BookingChannel,
    BookingStatus,
    CancelReason,
    Confirmation,
    SessionKind,
    Topic,
)
from desk.events.notices import BookingTemplate
from desk.extensions import db
from desk.notify import planning
from desk.notify.models import OutboxMessage

CLASS_WINDOW = timedelta(days=70)  # a quarter's classes open together, ten weeks ahead
OUTREACH_WINDOW = timedelta(days=21)  # the requesting group gathers names
POPULAR = (Topic.LINE, Topic.MY_NUMBER, Topic.MYNAPORTAL, Topic.SCAM_PROTECTION)
CHANNELS = ((BookingChannel.PHONE_DESK, 58), (BookingChannel.WEB, 30),
            (BookingChannel.KIOSK, 12))
PARTY_SIZES = ((1, 85), (2, 12), (3, 3))
CANCEL_SHARE = 0.06
NO_SHOW_SHARE = 0.1
CONFIRM_SHARE = 0.45


@dataclass
class Entry:
    """One booking: how it stands now, and its history — (time, action, changed fields,
    actor, note) — for the audit log and the messages."""

    resident: object
    seats: int
    channel: BookingChannel
    actor: object
    proxy: object
    created_dt: object
    status: BookingStatus | None = None  # None: not made yet (while replaying)
    booked_dt: object = None
    cancelled_dt: object = None
    cancel_reason: CancelReason | None = None
    attendance: Attendance | None = None
    attendance_dt: object = None
    confirmation: Confirmation = Confirmation.UNCONFIRMED
    confirmation_dt: object = None
    is_walk_in: bool = False
    events: list = field(default_factory=list)

    def record(self, when, action, changes, actor, note=None):
        self.events.append((when, action, changes, actor, note))

    @property
    def active(self):
        return self.status in (BookingStatus.BOOKED, BookingStatus.WAITLISTED)


def _weighted(rng, pairs):
    return rng.choices([value for value, _weight in pairs],
                       weights=[weight for _value, weight in pairs])[0]


class DemoBookings:
    def __init__(self, rng, *, residents, staff, now):
        self.rng = rng
        self.residents = residents
        self.cum_weights = list(accumulate(resident.weight for resident in residents))
        self.staff = staff
        self.now = now
        self.codes = set()
        self.entries = {}  # session id -> [Entry] in arrival order
        self.count = 0  # booking rows written
        self.rosters = {}  # session id -> (coordinator, closing time) of a roster taken

    # -- who books, when ---------------------------------------------------------------

    def _moment(self, day, channel):
        """A local time on `day` when `channel` takes bookings (the desk: office hours)."""
        if channel == BookingChannel.WEB:
            minutes = self.rng.randrange(7 * 60, 23 * 60)
        else:
            minutes = self.rng.randrange(9 * 60, 17 * 60)
        return local_datetime(day, clock(minutes // 60, minutes % 60))

    def _arrivals(self, session, count, window):
        """Up to `count` booking times before the start (and before now), early ones
        more likely: popular classes fill up soon after booking opens."""
        opens = session.start_dt - window
        closes = min(session.start_dt - timedelta(hours=2), self.now)
        times = []
        for _ in range(count * 3):
            if len(times) == count:
                break
            channel = _weighted(self.rng, CHANNELS)
            offset = (closes - opens) * (self.rng.random() ** 1.8)
            moment = self._moment(to_local(opens + offset).date(), channel)
            if opens <= moment < closes:
                times.append((moment, channel))
        return sorted(times, key=lambda item: item[0])

    def _resident(self, session, moment, taken):
        """Someone registered by then and not booked here yet, most likely from the
        venue's district, regulars more often."""
        district = session.venue.district_id
        for _attempt in range(40):
            resident = self.rng.choices(self.residents, cum_weights=self.cum_weights)[0]
            if resident.person.id in taken or resident.since > moment:
                continue
            if resident.district_id not in (district, None) and self.rng.random() < 0.7:
                continue
            return resident
        return None

    def _demand(self, session, window):
        """How many seats people ask for, given how long booking has been open."""
        opens = session.start_dt - window
        closes = session.start_dt - timedelta(hours=2)
        elapsed = min(max((self.now - opens) / (closes - opens), 0.0), 1.0)
        if session.kind == SessionKind.OUTREACH_CLASS:
            share = self.rng.uniform(0.55, 0.95)
        else:
            share = self.rng.triangular(0.5, 1.6, 1.05)
            if session.program.topic in POPULAR:
                share += 0.15
        return round(session.capacity * share * (1 - (1 - elapsed) ** 2))

    def book_session(self, session):
        """Who asked for seats at `session`, and what the booking service made of it."""
        outreach = session.kind == SessionKind.OUTREACH_CLASS
        window = OUTREACH_WINDOW if outreach else CLASS_WINDOW
        demand = self._demand(session, window)
        entries = []
        taken = set()
        asked = 0
        for moment, channel in self._arrivals(session, max(demand, 0), window):
            if asked >= demand:
                break
            resident = self._resident(session, moment, taken)
            if resident is None:
                continue
            seats = _weighted(self.rng, PARTY_SIZES)
            channel = BookingChannel.PHONE_DESK if outreach else channel
            actor = (self.rng.choice(self.staff) if channel == BookingChannel.PHONE_DESK
                     else str(channel))
            family = [proxy for proxy in resident.person.proxies
                      if proxy.relation.value == "family"]
            proxy = family[0] if family and self.rng.random() < 0.6 else None
            entries.append(Entry(resident, min(seats, session.capacity), channel, actor, proxy,
                                 moment))
            taken.add(resident.person.id)
            asked += seats
        self._replay(session, entries)
        self._confirm(session, entries)
        self.entries[session.id] = entries

    # -- the booking service's rules, replayed in time order ----------------------------

    def _free(self, session, entries):
        return session.capacity - sum(entry.seats for entry in entries
                                      if availability.holds(entry))

    def _replay(self, session, entries):
        """Bookings and the few cancellations (later than the booking), in time order."""
        latest = min(session.start_dt - timedelta(hours=1), self.now)
        timeline = [(entry.created_dt, 0, index) for index, entry in enumerate(entries)]
        timeline += [(entry.created_dt + (latest - entry.created_dt) * self.rng.random(), 1,
                      index) for index, entry in enumerate(entries)
                     if entry.created_dt < latest and self.rng.random() < CANCEL_SHARE]
        for moment, kind, index in sorted(timeline):
            if kind == 0:
                self._book(session, entries, entries[index], moment)
            else:
                self._cancel(session, entries, entries[index], moment)

    def _book(self, session, entries, entry, moment):
        entry.status = booking_rules.status_for(entry.seats, self._free(session, entries))
        entry.booked_dt = moment if entry.status == BookingStatus.BOOKED else None
        entry.record(moment, "booking.create", {"status": entry.status.value}, entry.actor,
                     str(entry.channel))

    def _cancel(self, session, entries, entry, moment):
        was_booked = entry.status == BookingStatus.BOOKED
        reason = CancelReason.PERSON if self.rng.random() < 0.8 else CancelReason.STAFF
        staff = reason == CancelReason.STAFF or entry.channel == BookingChannel.PHONE_DESK
        actor = self.rng.choice(self.staff) if staff else str(entry.channel)
        entry.status = BookingStatus.CANCELLED
        entry.cancelled_dt = moment
        entry.cancel_reason = reason
        entry.record(moment, "booking.cancel",
                     {"status": "cancelled", "cancel_reason": reason.value}, actor)
        if was_booked:
            self._promote(session, entries, moment, actor)

    def _promote(self, session, entries, moment, actor):
        waiting = [entry for entry in entries if entry.status == BookingStatus.WAITLISTED]
        for entry in list(booking_rules.to_promote(waiting, self._free(session, entries))):
            entry.status = BookingStatus.BOOKED
            entry.booked_dt = moment
            entry.record(moment, "booking.promote", {"status": "booked"}, actor)

    def _confirm(self, session, entries):
        """Some answer their reminder: "I will come" (an SMS reply or a key press)."""
        due = booking_notices.reminder_due(session)
        if due >= min(self.now, session.start_dt):
            return
        for entry in entries:
            if (entry.status == BookingStatus.BOOKED and entry.booked_dt < due
                    and planning.person_channels(entry.resident.person)
                    and self.rng.random() < CONFIRM_SHARE):
                moment = due + timedelta(minutes=self.rng.randrange(5, 240))
                entry.confirmation = Confirmation.CONFIRMED
                entry.confirmation_dt = moment
                entry.record(moment, "booking.confirmation", {"confirmation": "confirmed"},
                             None)

    # -- on the day -----------------------------------------------------------------------

    def take_attendance(self, session):
        """Check-in and walk-ins into the seats no-shows left, as a coordinator does it
        on the day, and who closes the roster when (close_roster, once written)."""
        entries = self.entries.setdefault(session.id, [])
        coordinator = self.rng.choice(self.staff)
        check_in = session.start_dt + timedelta(minutes=15)
        walk_ins = self._walk_ins(session, entries)
        for entry in entries:
            if entry.status != BookingStatus.BOOKED:
                continue
            if self.rng.random() >= NO_SHOW_SHARE:
                self._mark(entry, Attendance.ATTENDED, check_in - timedelta(
                    minutes=self.rng.randrange(0, 25)), coordinator)
            elif walk_ins:  # marked absent at once, so the seat can go to a walk-in
                self._mark(entry, Attendance.NO_SHOW, check_in, coordinator)
        for resident in walk_ins:
            if self._free(session, entries) < 1:  # a walk-in needs a free seat
                break
            moment = check_in + timedelta(minutes=self.rng.randrange(0, 10))
            entry = Entry(resident, 1, BookingChannel.WALK_IN, coordinator, None, moment,
                          BookingStatus.BOOKED, booked_dt=moment,
                          attendance=Attendance.ATTENDED, attendance_dt=moment, is_walk_in=True)
            entry.record(moment, "booking.create", {"status": "booked",
                                                    "attendance": "attended"},
                         coordinator, str(BookingChannel.WALK_IN))
            entries.append(entry)
        self.rosters[session.id] = (coordinator, session.end_dt + timedelta(minutes=20))

    def _mark(self, entry, value, moment, actor, note=None):
        entry.attendance = value
        entry.attendance_dt = moment
        entry.record(moment, "booking.attendance", {"attendance": value.value}, actor, note)

    def _walk_ins(self, session, entries):
        """Residents of the venue's district who come without booking (not already
        booked here)."""
        taken = {entry.resident.person.id for entry in entries if entry.active}
        district = session.venue.district_id
        nearby = [resident for resident in self.residents
                  if resident.district_id == district and resident.person.id not in taken
                  and resident.since <= session.start_dt]
        count = self.rng.choices((0, 1, 2), weights=(6, 3, 1))[0]
        return self.rng.sample(nearby, min(count, len(nearby)))

    # -- writing it down ------------------------------------------------------------------

    def _code(self):
        while True:
            code = booking_rules.new_code()
            if code not in self.codes:
                self.codes.add(code)
                return code

    def _values(self, session, entry):
        return {
            "session_id": session.id, "person_id": entry.resident.person.id,
            "seats": entry.seats, "status": entry.status, "code": self._code(),
            "token": secrets.token_urlsafe(24), "channel": entry.channel,
            "actor_id": getattr(entry.actor, "id", None),
            "proxy_id": entry.proxy.id if entry.proxy else None,
            "confirmation": entry.confirmation, "confirmation_dt": entry.confirmation_dt,
            "attendance": entry.attendance, "attendance_dt": entry.attendance_dt,
            "is_walk_in": entry.is_walk_in, "queue_dt": entry.created_dt,
            "booked_dt": entry.booked_dt, "cancelled_dt": entry.cancelled_dt,
            "cancel_reason": entry.cancel_reason, "created_dt": entry.created_dt,
            "slot_dt": None,  # demo bookings are at classes; reserved slots come later
        }

    def write(self, sessions):
        """The bookings of `sessions` (in arrival order), the audit entries of their
        history dated when it happened, and their messages: three bulk INSERTs."""
        written = [(session, entry) for session in sessions
                   for entry in self.entries.pop(session.id, [])]
        values = [self._values(session, entry) for session, entry in written]
        if not values:
            return
        db.session.execute(insert(Booking).execution_options(render_nulls=True), values)
        id_of = dict(db.session.execute(select(Booking.code, Booking.id)).all())
        ids = [id_of[booking["code"]] for booking in values]
        self.count += len(ids)
        history = sorted(
            ((event, session, entry, booking_id, booking)
             for (session, entry), booking_id, booking in zip(written, ids, values, strict=True)
             for event in entry.events),
            key=lambda item: (item[0][0], item[3]))
        states = {}
        audit_rows = []
        messages = {}
        for (when, action, changes, actor, note), session, entry, booking_id, booking in history:
            if action == "booking.create":
                before = None
                state = {**audit.snapshot(SimpleNamespace(**booking),
                                          booking_rules.BOOKING_FIELDS),
                         "attendance": None, "cancel_reason": None,
                         "confirmation": Confirmation.UNCONFIRMED.value, **changes}
            else:
                before = states[booking_id]
                state = {**before, **changes}
            states[booking_id] = state
            actor_id, label = audit.actor_fields(actor)
            audit_rows.append({"created_dt": when, "actor_id": actor_id, "actor_label": label,
                               "action": action, "object_type": Booking.__tablename__,
                               "object_id": booking_id, "before": before, "after": state,
                               "note": note})
            if not entry.is_walk_in:
                self._plan(messages.setdefault(booking_id, []), action, changes, session,
                           entry.resident.person, booking_id, when)
        rows = [message for planned in messages.values() for message in planned]
        for message in rows:
            outbox.settle(message, self.now)
        # render_nulls: every row has the same columns, so each table is one executemany
        db.session.execute(insert(AuditEntry).execution_options(render_nulls=True), audit_rows)
        if rows:
            db.session.execute(insert(OutboxMessage).execution_options(render_nulls=True), rows)

    def _plan(self, planned, action, changes, session, person, booking_id, when):
        """What the booking service plans at each step (desk.events.notices)."""
        def add(template, due):
            planned.extend(booking_notices.message_values(
                template, session=session, person=person, booking_id=booking_id, due=due,
                now=when))

        def add_reminder():
            due = booking_notices.reminder_due(session)
            if due > when:
                add(BookingTemplate.REMINDER, due)

        if action == "booking.create":
            if changes["status"] == BookingStatus.BOOKED.value:
                add(BookingTemplate.BOOKING_CONFIRMED, when)
                add_reminder()
            else:
                add(BookingTemplate.WAITLIST_CONFIRMED, when)
        elif action in ("booking.cancel", "booking.promote"):
            outbox.cancel_waiting(planned, when)
            if action == "booking.cancel":
                add(BookingTemplate.BOOKING_CANCELLED, when)
            else:
                add(BookingTemplate.WAITLIST_PROMOTED, when)
                add_reminder()

    def close_roster(self, session):
        """Close the roster of a class held, written, 20 minutes after its end, through
        the booking service (desk.events.bookings.close_attendance): the seats nobody
        marked become no-shows, the session is held."""
        coordinator, closed = self.rosters.get(
            session.id, (self.rng.choice(self.staff), session.end_dt + timedelta(minutes=20)))
        booking_rules.close_attendance(session, actor=coordinator, now=closed)
