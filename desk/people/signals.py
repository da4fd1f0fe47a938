"""What happens to residents' records, for the packages that keep rows about a person
(bookings, messages, consultation tickets). The registry knows none of them: it sends
these signals and each package updates its own rows, in the same transaction (a receiver
flushes, never commits; if one raises, the caller rolls the whole change back).

- `contact_changed(person, now=...)`: the person's phone, phone kind, e-mail, language,
  reminder channel or consent changed (sent after the change is flushed). Messages still
  waiting to be sent go where the new details say.
- `proxy_copies_withdrawn(proxy, now=...)`: a proxy contact no longer gets copies: their
  consent was withdrawn, or they are being removed (sent before the row is deleted).
- `merging(keep, drop=..., actor=..., now=...)`: `drop` is about to be merged into
  `keep`; both people's rows are locked. Lock what the merge will change (in a fixed
  order: book_seat locks a session before it reads a person's bookings, so a merge locks
  the sessions after the people) and settle what cannot be kept twice (two active
  bookings for one session). Nothing has moved yet.
- `merged(keep, drop=..., actor=..., now=...)`: re-point every row that points at
  `drop` to `keep` (`desk.people.registry.repoint` does the usual case). Take no new
  locks here beyond the rows re-pointed: receivers run in no fixed order.

- `erasing(person, actor=..., now=...)`: the person is being anonymised (their retention
  period ended, or they asked to stop and delete); their row is locked. Cancel what is
  still planned for them (future bookings, messages still waiting), blank the personal
  details your package keeps about them (names, phone numbers, addresses, free text) and
  the personal fields of the audit entries about those rows (`audit.remove_personal`).
  Keep every row and link: the figures of past years must not change. Return a dict of
  counts for the audit entry (e.g. {"bookings_cancelled": 1}), or None.

Receivers of `merging` and `merged` return a `MergeChanges` (or None when they did
nothing); the merge adds them up for its result and its audit entry.
"""

from dataclasses import dataclass, field

from blinker import Namespace

signals = Namespace()

contact_changed = signals.signal("person-contact-changed")
proxy_copies_withdrawn = signals.signal("proxy-copies-withdrawn")
merging = signals.signal("person-merging")
merged = signals.signal("person-merged")
erasing = signals.signal("person-erasing")


@dataclass
class MergeChanges:
    """What one package did in a merge."""

    moved: dict = field(default_factory=dict)  # table name -> ids re-pointed to `keep`
    cancelled: list = field(default_factory=list)  # rows cancelled: both records had one
    promoted: list = field(default_factory=list)  # rows those cancellations moved up
    audit: dict = field(default_factory=dict)  # added to the kept record's audit entry
    notices: list = field(default_factory=list)  # translated sentences for the coordinator

    def add(self, other):
        """Add a receiver's changes (None: it did nothing)."""
        if other is None:
            return
        self.moved.update(other.moved)
        self.cancelled += other.cancelled
        self.promoted += other.promoted
        self.audit.update(other.audit)
        self.notices += other.notices
