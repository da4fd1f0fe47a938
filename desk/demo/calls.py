"""Demo calls to the automated phone line: the last few days' calls by residents on a
landline of their own, through the very same handlers as Twilio's (desk.phone.calls),
each at its own moment: booking the soonest class with seats, hearing their bookings or
the consultation desks, asking for the staff (put through within the staff desk's
hours), silence at the menu, hanging up before confirming, and a caller whose number is
withheld keying it in to hear their bookings. Two new callers (numbers no resident has)
say their name and book the soonest class, as the simulator does: their names wait in
the coordinators' review with speech recognition's hint and no recording. The call log
shows them, each with its path.
The messages the calls planned are left as the dispatcher would have left them at the
demo's `now` (desk.demo.outbox)."""

from datetime import time, timedelta

from sqlalchemy import select

from desk.core.phone import display_phone
from desk.core.timeutil import local_datetime, local_today
from desk.demo import outbox
from desk.extensions import db
from desk.notify.models import MessageState, OutboxMessage
from desk.phone import callers, calls
from desk.phone.new_callers import Said

DAYS = 5
CALLS_PER_DAY = (3, 8)
KEY_SECONDS = 25  # between two answers of a call
NUMBER = "number"  # the caller keys in their own number (a withheld caller ID)
# (keys pressed one after the other ("" is silence), weight); the call then ends
SCRIPTS = (
    (("1", "1", "1", "1", "1"), 30),  # book the soonest class with seats for one
    (("1", "1", "1", "2", "1"), 8),  # the same for two
    (("1", "1", "1", "1"), 8),  # hangs up at the read-back
    (("3",), 18),  # the consultation desks
    (("2",), 10),  # their bookings
    (("4",), 14),  # the staff
    (("", "", ""), 8),  # silence: the menu twice more, then goodbye
    (("1", "9", "*"), 4),  # looks around, hangs up at the menu
    (("2", NUMBER, "1"), 5),  # a withheld number: keyed in, then their bookings
)
# new callers: their number, what speech recognition heard, how many days ago
NEW_CALLERS = (("+819077730418", "高橋 美代子", 2), ("+818066120953", "ナカムラ トシオ", 1))
NEW_CALLER_KEYS = ("1", "1", "1")  # the soonest classes, the first, one person; then 1 books


class DemoCalls:
    def __init__(self, rng, *, residents, now):
        self.rng = rng
        self.residents = residents
        self.now = now
        self.count = 0

    def _callers(self):
        """Residents alone on a landline (a shared line would first ask who calls)."""
        landlines = [resident.person for resident in self.residents
                     if resident.person.phone_kind == "landline"
                     and not resident.person.is_merged and not resident.person.is_anonymised]
        return [person for person in landlines
                if len(callers.people_on(person.phone)) == 1]

    def _call(self, person, keys, at):
        self.count += 1
        sid = f"CA{self.count:032x}"
        calls.start(sid, "anonymous" if NUMBER in keys else person.phone, now=at)
        for turn, key in enumerate(keys, 1):
            at += timedelta(seconds=KEY_SECONDS)
            if key == NUMBER:
                key = display_phone(person.phone).replace("-", "")
            calls.answer(sid, turn, key, now=at)
        calls.ended(sid, now=at + timedelta(seconds=KEY_SECONDS))

    def _new_caller(self, number, said, at):
        """A caller desk does not know: book (1), say the name, book the soonest class."""
        self.count += 1
        sid = f"CA{self.count:032x}"
        calls.start(sid, number, now=at)
        at += timedelta(seconds=KEY_SECONDS)
        calls.answer(sid, 1, "1", now=at)
        at += timedelta(seconds=KEY_SECONDS)
        calls.answer(sid, 2, "#", now=at, said=Said(text=said, digits="#"))
        for turn, key in enumerate((*NEW_CALLER_KEYS, "1"), 3):
            at += timedelta(seconds=KEY_SECONDS)
            calls.answer(sid, turn, key, now=at)
        calls.ended(sid, now=at + timedelta(seconds=KEY_SECONDS))

    def load(self):
        people = self._callers()
        scripts = [keys for keys, _weight in SCRIPTS]
        weights = [weight for _keys, weight in SCRIPTS]
        today = local_today(self.now)
        for days_ago in range(DAYS, 0, -1):
            day = today - timedelta(days=days_ago)
            moments = sorted(local_datetime(day, time(self.rng.randint(8, 19),
                                                      self.rng.randrange(0, 60, 5)))
                             for _call in range(self.rng.randint(*CALLS_PER_DAY)))
            for at in moments:
                self._call(self.rng.choice(people), self.rng.choices(scripts, weights)[0], at)
        for number, said, days_ago in NEW_CALLERS:
            if not callers.people_on(number):
                self._new_caller(number, said, local_datetime(today - timedelta(days=days_ago),
                                                              time(10, 15)))
        self._settle()
        return self

    def _settle(self):
        for message in db.session.scalars(select(OutboxMessage).where(
                OutboxMessage.state == MessageState.QUEUED, OutboxMessage.due_dt < self.now)):
            message.due_dt, gone = outbox.dispatched(message.channel, message.due_dt, self.now)
            if gone:
                message.state = MessageState.LOGGED
                message.updated_dt = message.due_dt

    def __str__(self):
        return f"{self.count} phone line calls"
