"""Tickets and visit logs of the demo's consultation desks (スマホ何でも相談会), in bulk.

Every consultation session held so far had its visitors, and a session running at the
demo's `now` has its queue so far (a few served, one or two in service, a few waiting),
so the reception, desk and display pages show something. Fujisawa's desks saw about 9
visitors a session (696 over 79 sessions); here 3 to 18, busier on Saturdays and in the
e-Tax and My Number season (February, March).

Each session is played out the way the desk works (desk.consults.queue): visitors take
numbered tickets in arrival order (a few queue at the door before it opens; reception
stops half an hour before the end); the volunteers serving (those checked in on the
session's lead and assistant shifts, at least one) call the next ticket when they are
free; a visit takes 8 to 30 minutes; nobody waits more than 40 minutes: a visitor who
would has left and their ticket is cancelled, as are those still waiting when the desk
closes. A few called numbers are not there (skipped), some of them come back (recalled:
first in line again) and are served. Most visitors stay anonymous; some give a name,
some a name and a phone number (a resident's, linked to their record as
desk.consults.services.issue_ticket links it, or a new visitor's), a few ask for the
"your turn is coming" SMS, planned when three or fewer are ahead of them at a call
(services.plan_turn_notices) and `logged` (the demo has no SMS provider).

A ticket is served by a volunteer with a login who worked the session, else by the
coordinator of the day (`served_by_id` is a user). Each served ticket has its visit:
one or two topics from the consult_topics list (LINE, basic operation, the My Number
card and マイナポータル, camera and photos, scams first), the device (Android about half,
iPhone 40 %, a few flip phones, tablets, PCs), the minutes, the outcome (about 75 %
resolved, 15 % follow-up, 10 % referred) and, on some, a short note with no numbers in
it (services.check_note accepts every one); a follow-up or a referral always says what
next, as the log form asks.

As desk.demo.bookings does, this module writes what the services would have written,
in a few bulk INSERTs: the tickets, the visits and their topics, the audit entries of
every step (dated when it happened, by the receptionist or the serving volunteer) and
the SMS messages. The queue itself is played out here, in the order desk.consults.queue
calls (arrival order, a recalled visitor first in line again), and tests/demo checks the
result against DESIGN.md's invariants (tickets numbered 1..n per desk, nothing left
waiting at a desk held, every step audited). It has its own random stream, so the rest
of the demo stays as it was.
"""

import heapq
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import insert, select

from desk.auth.models import User
from desk.consults import messages as consult_messages
from desk.consults import services as consult_services
from desk.consults.models import (
    ConsultTopic,
    Device,
    Outcome,
    Ticket,
    TicketKind,
    TicketStatus,
    Visit,
    visit_topics,
)
from desk.core import audit
from desk.core.audit import AuditEntry
from desk.core.phone import PhoneKind, parse_phone
from desk.core.timeutil import to_local
from desk.demo import data, outbox
from desk.events import notices as booking_notices
from desk.events import services as event_services
from desk.events import slots
from desk.events.models import BookingChannel, SessionKind, SessionStatus
from desk.extensions import db
from desk.notify.models import MessageState, OutboxMessage
from desk.volunteers.models import (
    AssignmentStatus,
    Shift,
    ShiftAssignment,
    ShiftRole,
    ShiftStatus,
    Volunteer,
)

MIN_VISITORS, MAX_VISITORS = 3, 18
MEAN_VISITORS = 8.0
MAX_WAIT = timedelta(minutes=40)  # a visitor who would wait longer has left
SERVICE_MINUTES = (8, 30, 14)  # triangular: low, high, mode
RECEPTION_CLOSES = timedelta(minutes=20)  # before the end, no new tickets
LAST_CALL = timedelta(minutes=8)  # the shortest visit still fits before the end
# who the visitor is: anonymous, a name, a name and a phone number
IDENTITIES = (("anonymous", 45), ("name", 20), ("name_phone", 35))
RESIDENT_SHARE = 0.55  # of the named visitors: a resident already in the registry
SMS_SHARE = 0.3  # of those with a mobile number
SKIP_SHARE = 0.04
MISTAKE_SHARE = 0.01  # a ticket issued twice by mistake, cancelled at once
RECALL_SHARE = 0.5  # of the skipped: back a little later
IMPATIENT_SHARE = 0.04  # leave after 10 to 30 minutes
DEVICES = ((Device.ANDROID, 50), (Device.IPHONE, 40), (Device.FLIP_PHONE, 4),
           (Device.TABLET, 4), (Device.PC, 2))
OUTCOMES = ((Outcome.RESOLVED, 75), (Outcome.FOLLOW_UP, 15), (Outcome.REFERRED, 10))
TOPIC_WEIGHTS = {"line": 20, "basics": 14, "my_number": 10, "mynaportal": 7, "camera": 10,
                 "security": 9, "maps": 5, "cashless": 5, "settings": 6, "calls": 4,
                 "internet": 4, "apps": 4, "other": 2}
# what people ask about a flip phone or at a PC
DEVICE_TOPICS = {Device.FLIP_PHONE: {"basics", "calls", "settings", "security", "camera",
                                     "other"},
                 Device.PC: {"internet", "mynaportal", "security", "settings", "apps", "other"}}
SEASON = {2: ("my_number", "mynaportal"), 3: ("my_number", "mynaportal")}  # e-Tax season
LONG_TOPICS = {"my_number", "mynaportal", "line"}  # take a few minutes more
NOTE_SHARE = 0.3
# reserved slots at a few desks ahead: two venues' next desks, booked in part
SLOT_MINUTES = 30
SLOT_VENUES = 2
SLOT_SESSIONS_PER_VENUE = 2
SLOT_HORIZON = timedelta(days=45)
SLOT_NOTES = ("30分ずつの予約枠があります（電話・ウェブで予約できます）。"
              "予約のない方も、空いている時間に順番にご案内します。")
SLOT_NOTES_EN = ("You can book a 30-minute slot (by phone or online). Without a booking, "
                 "you are seen in turn whenever a slot is free.")

NOTES = {
    "line": ["LINEの友だち追加（QRコード）のやり方を一緒に練習。",
             "LINEで写真を送る方法を説明。",
             "機種変更後にLINEのトークが消えたとの相談。引き継ぎの設定を確認。",
             "LINEのビデオ通話のかけ方を練習。",
             "知らない人から友だち申請が来るとの相談。ブロックの方法を説明。"],
    "basics": ["文字入力（フリック入力）を練習。",
               "電源の入れ方・切り方と充電のしかたを説明。",
               "ホーム画面のアイコンが消えたとの相談。元に戻した。",
               "文字を大きくする設定を一緒に行った。"],
    "calls": ["電話に出られないとの相談。応答の操作を練習。",
              "電話帳への登録のしかたを説明。",
              "留守番電話の聞き方を説明。"],
    "camera": ["写真をアルバムに整理する方法を説明。",
               "撮った写真を孫に送りたいとの相談。共有のしかたを説明。",
               "容量がいっぱいで写真が撮れない。不要な動画の削除を手伝った。"],
    "internet": ["音声入力での検索を練習。",
                 "よく見るページをブックマークする方法を説明。",
                 "自宅のWi-Fiにつながらないとの相談。設定の確認方法を説明。"],
    "maps": ["地図アプリで行き先を調べる方法を練習。",
             "バスの乗り換えを調べる方法を説明。"],
    "my_number": ["マイナンバーカードの暗証番号を忘れたとの相談。市役所の窓口を案内。",
                  "マイナ保険証の利用登録を一緒に行った。",
                  "カードがうまく読み取れない。スマホへの当て方を説明。",
                  "マイナンバーカードの申請方法を説明。"],
    "mynaportal": ["マイナポータルへのログインを一緒に行った。",
                   "マイナポータルで薬の情報を見る方法を説明。",
                   "確定申告との連携について相談。税務署の窓口を案内。"],
    "cashless": ["QRコード決済での支払いを練習。",
                 "チャージのしかたを説明。",
                 "ポイントの確かめ方を説明。"],
    "security": ["「荷物の不在通知」のSMSが届いたとの相談。詐欺の手口を説明し、削除した。",
                 "ウイルス感染の警告が出たとの相談。偽の警告であることを説明。",
                 "知らない番号からの電話への対応を説明。",
                 "パスワードの管理について説明。"],
    "apps": ["市のごみ分別アプリを入れた。",
             "アプリの更新のしかたを説明。",
             "使わないアプリの削除を手伝った。"],
    "settings": ["文字の大きさと画面の明るさを調整。",
                 "通知が多すぎるとの相談。通知の設定を見直した。",
                 "着信音の音量を調整。"],
    "other": ["スマホの買い替えについての相談。",
              "孫とのビデオ通話について相談。"],
}
OUTCOME_NOTES = {
    Outcome.FOLLOW_UP: ["時間内に終わらず、次回の相談会で続きを行う。",
                        "パスワードが分からず、確認してから再来予定。",
                        "家族と相談してから、次回もう一度来るとのこと。"],
    Outcome.REFERRED: ["契約の手続きが必要なため、携帯ショップを案内。",
                       "講座で基礎から学びたいとのこと。講座の日程を案内。",
                       "手続きは市役所の窓口で行うため、窓口を案内。"],
}


def _weighted(rng, pairs):
    return rng.choices([value for value, _weight in pairs],
                       weights=[weight for _value, weight in pairs])[0]


def _minutes(rng, low, high):
    return timedelta(seconds=rng.randrange(low * 60, high * 60 + 1))


@dataclass
class Card:
    """One ticket while the session plays out: who, what they ask, and its history —
    (time, action, changed fields, actor) — for the state and the audit log."""

    number: int
    issued_dt: object
    issuer: object
    visitor_name: str | None
    phone: str | None
    person_id: int | None
    wants_sms: bool
    patience: timedelta
    fate: str  # serve, skip, recall (skipped, then back and served)
    visit: dict
    service: timedelta
    queue_dt: object = None
    ready_dt: object = None  # when they (are back and) wait to be called
    turn_notice_dt: object = None
    events: list = field(default_factory=list)
    state: dict = field(default_factory=dict)
    id: int | None = None

    def record(self, when, action, changes, actor):
        self.events.append((when, action, changes, actor))


class DemoConsults:
    def __init__(self, rng, *, sessions, residents, staff, now):
        self.rng = rng
        self.sessions = sessions
        self.residents = [resident for resident in residents
                          if resident.person.merged_into_id is None]
        self.staff = staff
        self.now = now
        self.notify_ahead = current_app.config["DESK_CONSULT_NOTIFY_AHEAD"]
        self.topics = {}
        self.known_phones = set()
        self.visitors = {}  # venue id -> [(name, phone)] of new visitors who gave a number
        self.cards = []  # [(session, Card)]
        self.count = 0
        self.visit_count = 0
        self.slot_sessions = []

    # -- who works the desk -------------------------------------------------------------

    def _on_duty(self, sessions):
        """session id -> ([users serving], [users at reception], volunteers serving):
        the volunteers checked in on the session's live shifts."""
        ids = [session.id for session in sessions]
        rows = db.session.execute(
            select(Shift.session_id, Shift.role, Volunteer.id, Volunteer.user_id)
            .join(ShiftAssignment, ShiftAssignment.shift_id == Shift.id)
            .join(Volunteer, Volunteer.id == ShiftAssignment.volunteer_id)
            .where(Shift.session_id.in_(ids), Shift.status == ShiftStatus.ACTIVE,
                   ShiftAssignment.status == AssignmentStatus.ACTIVE,
                   ShiftAssignment.check_in_dt.is_not(None))
            .order_by(Shift.session_id, Shift.start_dt, ShiftAssignment.id)).all()
        user_ids = {user_id for *_rest, user_id in rows if user_id is not None}
        users = {user.id: user for user in db.session.scalars(
            select(User).where(User.id.in_(user_ids)))} if user_ids else {}
        duty = {}
        for session_id, role, volunteer_id, user_id in rows:
            serving, reception, helpers = duty.setdefault(session_id, ([], [], set()))
            user = users.get(user_id)
            if role == ShiftRole.RECEPTION:
                if user is not None and user not in reception:
                    reception.append(user)
            elif volunteer_id not in helpers:
                helpers.add(volunteer_id)
                if user is not None and user not in serving:
                    serving.append(user)
        return duty

    # -- the visitors ---------------------------------------------------------------------

    def _visitor_count(self, session):
        local = to_local(session.start_dt)
        mean = MEAN_VISITORS + (1.5 if local.weekday() == 5 else 0) + (
            2 if local.month in SEASON else 0)
        return min(max(round(self.rng.gauss(mean, 3.2)), MIN_VISITORS), MAX_VISITORS)

    def _arrivals(self, session, count):
        """Ticket times: a few at the door when it opens, the rest until reception
        closes; for a session running now, several in the last quarter of an hour."""
        start, end = session.start_dt, session.end_dt - RECEPTION_CLOSES
        span = int((end - start).total_seconds())
        times = []
        for _ in range(count):
            if self.rng.random() < 0.3:
                times.append(start + timedelta(seconds=self.rng.randrange(0, 300)))
            else:
                times.append(start + timedelta(seconds=self.rng.randrange(0, span)))
        last = session.end_dt - timedelta(minutes=10)
        if start < self.now < last:  # a busy moment: the display has a queue to show
            recent = max(start, self.now - timedelta(minutes=15))
            for _ in range(self.rng.randrange(4, 7)):
                times.append(recent + (self.now - recent) * self.rng.random())
        return sorted(time.replace(microsecond=0) for time in times)

    def _new_phone(self):
        while True:
            raw = (f"{self.rng.choice(data.MOBILE_PREFIXES)}-{self.rng.randrange(1000, 10000)}"
                   f"-{self.rng.randrange(10000):04d}")
            phone = parse_phone(raw)
            if phone is not None and phone.e164 not in self.known_phones:
                self.known_phones.add(phone.e164)
                return phone.e164

    def _new_name(self):
        surname = self.rng.choice(data.SURNAMES)[0]
        names = data.FEMALE_NAMES if self.rng.random() < 0.6 else data.MALE_NAMES
        return f"{surname} {self.rng.choice(names)[0]}"

    def _resident(self, session, moment, taken):
        district = session.venue.district_id
        for _attempt in range(30):
            resident = self.rng.choice(self.residents)
            if resident.person.id in taken or resident.since > moment:
                continue
            if resident.district_id not in (district, None) and self.rng.random() < 0.75:
                continue
            return resident.person
        return None

    def _identity(self, session, moment, taken):
        """(visitor_name, phone, person_id, wants_sms)."""
        kind = _weighted(self.rng, IDENTITIES)
        if kind == "anonymous":
            return None, None, None, False
        if self.rng.random() < RESIDENT_SHARE:
            person = self._resident(session, moment, taken)
            if person is not None:
                taken.add(person.id)
                if kind == "name" or person.phone is None:
                    return person.name, None, None, False
                mobile = person.phone_kind == PhoneKind.MOBILE
                return (person.name, person.phone, person.id,
                        mobile and self.rng.random() < SMS_SHARE)
        if kind == "name":
            return self._new_name(), None, None, False
        regulars = self.visitors.setdefault(session.venue_id, [])
        if regulars and self.rng.random() < 0.2:  # came before, gives the same number
            name, phone = self.rng.choice(regulars)
        else:
            name, phone = self._new_name(), self._new_phone()
            regulars.append((name, phone))
        return name, phone, None, self.rng.random() < SMS_SHARE

    def _visit(self, session):
        """What the visitor asks (decided up front: it sets how long the visit takes)."""
        device = _weighted(self.rng, DEVICES)
        allowed = DEVICE_TOPICS.get(device)
        season = SEASON.get(to_local(session.start_dt).month, ())
        pairs = [(code, weight * (1.8 if code in season else 1))
                 for code, weight in TOPIC_WEIGHTS.items()
                 if code in self.topics and (allowed is None or code in allowed)]
        codes = [_weighted(self.rng, pairs)]
        if self.rng.random() < 0.35:
            second = _weighted(self.rng, pairs)
            if second != codes[0]:
                codes.append(second)
        outcome = _weighted(self.rng, OUTCOMES)
        note = None
        if outcome != Outcome.RESOLVED:  # the log form asks what next, or where to
            note = self.rng.choice(OUTCOME_NOTES[outcome])
            if self.rng.random() < 0.6:
                note = self.rng.choice(NOTES[codes[0]]) + note
        elif self.rng.random() < NOTE_SHARE:
            note = self.rng.choice(NOTES[codes[0]])
        return {"device": device, "codes": codes, "outcome": outcome, "note": note}

    def _service(self, visit):
        low, high, mode = SERVICE_MINUTES
        minutes = self.rng.triangular(low, high, mode)
        if LONG_TOPICS & set(visit["codes"]):
            minutes += self.rng.uniform(0, 4)
        if len(visit["codes"]) > 1:
            minutes += self.rng.uniform(1, 5)
        return timedelta(seconds=round(min(max(minutes, low), high) * 60))

    def _cards(self, session, issuers):
        taken = set()
        cards = []
        for number, moment in enumerate(self._arrivals(session, self._visitor_count(session)),
                                        start=1):
            name, phone, person_id, wants_sms = self._identity(session, moment, taken)
            roll = self.rng.random()
            fate = "serve"
            if roll < SKIP_SHARE:
                fate = "recall" if self.rng.random() < RECALL_SHARE else "skip"
            elif roll < SKIP_SHARE + MISTAKE_SHARE:
                fate = "mistake"
            patience = MAX_WAIT
            if self.rng.random() < IMPATIENT_SHARE:
                patience = _minutes(self.rng, 10, 30)
            visit = self._visit(session)
            card = Card(number, moment, self.rng.choice(issuers), name, phone, person_id,
                        wants_sms, patience, fate, visit, self._service(visit),
                        queue_dt=moment, ready_dt=moment)
            card.record(moment, "ticket.issue", None, card.issuer)
            if fate == "mistake":
                card.record(moment + _minutes(self.rng, 1, 3), "ticket.cancel",
                            {"status": TicketStatus.CANCELLED}, card.issuer)
            cards.append(card)
        return cards

    # -- the session played out -------------------------------------------------------------

    def _play(self, session, cards, servers):
        """Call, skip, recall, serve and cancel as the desk would, `servers` working."""
        end = session.end_dt
        seats = [(session.start_dt + _minutes(self.rng, 0, 3), index)
                 for index in range(len(servers))]
        heapq.heapify(seats)
        pending = sorted((card for card in cards if card.fate != "mistake"),
                         key=lambda card: (card.ready_dt, card.number))
        waiting = []  # (queue_dt, number, card)

        def arrive(until):
            while pending and pending[0].ready_dt <= until:
                card = pending.pop(0)
                heapq.heappush(waiting, (card.queue_dt, card.number, card))

        def leave(card, moment):
            card.record(moment, "ticket.cancel", {"status": TicketStatus.CANCELLED},
                        card.issuer)

        while pending or waiting:
            free_at, seat = heapq.heappop(seats)
            arrive(free_at)
            if not waiting:
                free_at = max(free_at, pending[0].ready_dt)
                arrive(free_at)
            _queue_dt, _number, card = heapq.heappop(waiting)
            call = max(free_at, card.ready_dt) + timedelta(seconds=self.rng.randrange(30, 120))
            if call > end - LAST_CALL:  # the desk closes: nobody else is called
                for other in [card] + [item for _q, _n, item in waiting] + pending:
                    closing = end - timedelta(seconds=self.rng.randrange(0, 300))
                    leave(other, max(min(other.ready_dt + other.patience, closing),
                                     other.ready_dt + timedelta(minutes=1)))
                break
            if call - card.ready_dt > card.patience:
                leave(card, card.ready_dt + card.patience)
                heapq.heappush(seats, (free_at, seat))
                continue
            server = servers[seat]
            card.record(call, "ticket.call", {"status": TicketStatus.SERVING,
                                              "called_dt": call, "served_by_id": server.id},
                        server)
            if card.fate in ("skip", "recall"):
                gone = call + _minutes(self.rng, 2, 3)
                card.record(gone, "ticket.skip", {"status": TicketStatus.SKIPPED,
                                                  "served_by_id": None}, server)
                back = gone + _minutes(self.rng, 5, 20)
                if card.fate == "recall" and back < end - RECEPTION_CLOSES:
                    card.fate = "serve"
                    card.ready_dt = back
                    card.record(back, "ticket.recall", {"status": TicketStatus.WAITING,
                                                        "called_dt": None}, card.issuer)
                    pending.append(card)
                    pending.sort(key=lambda item: (item.ready_dt, item.number))
                heapq.heappush(seats, (gone, seat))
                continue
            finish = min(call + card.service, end)
            card.record(finish, "ticket.serve", {"status": TicketStatus.SERVED,
                                                 "service_end_dt": finish}, server)
            card.visit["server"] = server
            heapq.heappush(seats, (finish + _minutes(self.rng, 0, 2), seat))

    def _settle(self, session, cards):
        """Keep what happened by now; each card's state then; the SMS notices."""
        kept = []
        for card in cards:
            card.events = sorted((event for event in card.events if event[0] <= self.now),
                                 key=lambda event: event[0])
            if not card.events:
                continue  # not here yet
            kept.append(card)
        for card in kept:
            card.state = self._state_at(card, self.now)
        if any(card.wants_sms for card in kept):
            self._turn_notices(kept)
        return kept

    @staticmethod
    def _state_at(card, moment):
        state = {"status": TicketStatus.WAITING, "called_dt": None, "served_by_id": None,
                 "service_end_dt": None}
        for when, _action, changes, _actor in card.events:
            if when > moment:
                break
            state.update(changes or {})
        return state

    def _turn_notices(self, cards):
        """At each call, the first DESK_CONSULT_NOTIFY_AHEAD + 1 still waiting who asked
        for it are told (services.plan_turn_notices)."""
        calls = sorted({when for card in cards for when, action, *_rest in card.events
                        if action == "ticket.call"})
        for moment in calls:
            line = sorted((card for card in cards if card.issued_dt <= moment
                           and self._state_at(card, moment)["status"] == TicketStatus.WAITING),
                          key=lambda card: (card.queue_dt, card.number))
            for card in line[:self.notify_ahead + 1]:
                if card.wants_sms and card.turn_notice_dt is None:
                    card.turn_notice_dt = moment

    # -- writing it down ----------------------------------------------------------------------

    def _ticket_values(self, session, card):
        state = card.state
        last = card.events[-1][0]
        return {"session_id": session.id, "number": card.number, "kind": TicketKind.WALK_IN,
                "status": state["status"], "booking_id": None, "slot_dt": None,
                "person_id": card.person_id, "visitor_name": card.visitor_name,
                "phone": card.phone, "wants_sms": card.wants_sms,
                "turn_notice_dt": card.turn_notice_dt, "issued_dt": card.issued_dt,
                "issued_by_id": card.issuer.id, "queue_dt": card.queue_dt,
                "called_dt": state["called_dt"], "served_by_id": state["served_by_id"],
                "service_end_dt": state["service_end_dt"], "updated_dt": last}

    @staticmethod
    def _audit_row(when, action, obj_type, obj_id, before, after, actor, note=None):
        actor_id, label = audit.actor_fields(actor)
        return {"created_dt": when, "actor_id": actor_id, "actor_label": label,
                "action": action, "object_type": obj_type, "object_id": obj_id,
                "before": before, "after": after, "note": note}

    def _history(self, session, card):
        fields = consult_services.TICKET_AUDIT_FIELDS
        state = {"session_id": session.id, "number": card.number, "kind": TicketKind.WALK_IN,
                 "status": TicketStatus.WAITING, "booking_id": None,
                 "person_id": card.person_id, "wants_sms": card.wants_sms, "called_dt": None,
                 "served_by_id": None, "service_end_dt": None}
        rows = []
        before = None
        for when, action, changes, actor in card.events:
            state.update(changes or {})
            after = audit.snapshot(SimpleNamespace(**state), fields)
            rows.append(self._audit_row(when, action, Ticket.__tablename__, card.id, before,
                                        after, actor))
            before = after
        return rows

    def write(self):
        """Tickets, visits, their topics, the audit entries and the SMS: five INSERTs."""
        if not self.cards:
            return
        tickets = Ticket.__table__
        ids = db.session.scalars(
            insert(tickets).returning(tickets.c.id, sort_by_parameter_order=True),
            [self._ticket_values(session, card) for session, card in self.cards]).all()
        audit_rows = []
        served = []
        messages = []
        for (session, card), ticket_id in zip(self.cards, ids, strict=True):
            card.id = ticket_id
            audit_rows += self._history(session, card)
            if card.state["status"] == TicketStatus.SERVED:
                served.append((session, card))
            if card.turn_notice_dt is not None:
                message = {**consult_messages.turn_notice_values(
                    ticket_id=card.id, phone=card.phone, session=session, locale="ja",
                    now=card.turn_notice_dt), "state": MessageState.QUEUED}
                outbox.settle(message, self.now)
                messages.append(message)
        self.count = len(ids)
        self.visit_count = len(served)
        if served:
            visits = Visit.__table__
            values = []
            for session, card in served:
                end = card.state["service_end_dt"]
                minutes = round((end - card.state["called_dt"]).total_seconds() / 60)
                card.visit["minutes"] = min(max(minutes, 1), Visit.MINUTES_MAX)
                values.append({"ticket_id": card.id, "session_id": session.id,
                               "volunteer_user_id": card.state["served_by_id"],
                               "device": card.visit["device"], "minutes": card.visit["minutes"],
                               "outcome": card.visit["outcome"], "note": card.visit["note"],
                               "created_dt": end, "updated_dt": end})
            visit_ids = db.session.scalars(
                insert(visits).returning(visits.c.id, sort_by_parameter_order=True),
                values).all()
            links = []
            for (_session, card), visit_id, row in zip(served, visit_ids, values, strict=True):
                codes = card.visit["codes"]
                links += [{"visit_id": visit_id, "topic_id": self.topics[code].id}
                          for code in codes]
                after = {**audit.snapshot(SimpleNamespace(**row),
                                          consult_services.VISIT_AUDIT_FIELDS),
                         "topics": sorted(codes)}
                audit_rows.append(self._audit_row(row["created_dt"], "visit.create",
                                                  Visit.__tablename__, visit_id, None, after,
                                                  card.visit["server"]))
            db.session.execute(insert(visit_topics), links)
        audit_rows.sort(key=lambda row: (row["created_dt"], row["object_type"], row["object_id"]))
        db.session.execute(insert(AuditEntry.__table__), audit_rows)
        if messages:
            db.session.execute(insert(OutboxMessage.__table__), messages)

    # -- reserved slots ahead --------------------------------------------------------------------

    def reserve_slots(self):
        """A coordinator turns the next desks of two venues into desks with 30-minute
        reserved slots (as many as fit), through the session service; a few residents
        have booked a slot since, through the booking service (phone desk or web). Their
        audit entries are dated when that happened, and the messages due before now
        were `logged`, as desk.demo.bookings writes them."""
        ahead = sorted((session for session in self.sessions
                        if session.kind == SessionKind.CONSULTATION
                        and session.status == SessionStatus.SCHEDULED
                        and self.now + timedelta(days=2) < session.start_dt
                        <= self.now + SLOT_HORIZON),
                       key=lambda session: (session.start_dt, session.id))
        venues = sorted({session.venue_id for session in ahead})
        chosen = []
        for venue_id in self.rng.sample(venues, min(SLOT_VENUES, len(venues))):
            chosen += [session for session in ahead
                       if session.venue_id == venue_id][:SLOT_SESSIONS_PER_VENUE]
        for session in sorted(chosen, key=lambda session: (session.start_dt, session.id)):
            coordinator = self.rng.choice(self.staff)
            decided = self.now - timedelta(days=self.rng.randrange(14, 21))
            count = slots.slots_that_fit(session.start_dt, session.end_dt, SLOT_MINUTES)
            event_services.update_session(
                session, {"slot_minutes": SLOT_MINUTES, "capacity": count,
                          "notes": SLOT_NOTES, "notes_en": SLOT_NOTES_EN},
                actor=coordinator, now=decided)
            self._date_entries("sessions", session.id, decided, "session.update")
            taken = set()
            moments = sorted(decided + (self.now - timedelta(hours=1) - decided)
                             * self.rng.random() for _ in range(self.rng.randrange(1, count)))
            for moment in moments:
                person = self._resident(session, moment, taken)
                if person is None:
                    continue
                taken.add(person.id)
                if self.rng.random() < 0.7:
                    channel, actor = BookingChannel.PHONE_DESK, coordinator
                else:
                    channel, actor = BookingChannel.WEB, str(BookingChannel.WEB)
                booking = event_services.book_seat(session, person, channel=channel,
                                                   actor=actor, now=moment).booking
                self._date_entries("bookings", booking.id, moment, "booking.create")
                for message in db.session.scalars(select(OutboxMessage).where(
                        OutboxMessage.topic == booking_notices.TOPIC,
                        OutboxMessage.topic_id == booking.id,
                        OutboxMessage.state == MessageState.QUEUED,
                        OutboxMessage.due_dt <= self.now)):
                    message.due_dt, gone = outbox.dispatched(message.channel, message.due_dt,
                                                             self.now)
                    if gone:
                        message.state = MessageState.LOGGED
                        message.updated_dt = message.due_dt
            self.slot_sessions.append(session)

    @staticmethod
    def _date_entries(object_type, object_id, when, action):
        """The audit entry a service just wrote, dated when it happened in the demo."""
        db.session.flush()
        for entry in db.session.scalars(select(AuditEntry).where(
                AuditEntry.object_type == object_type, AuditEntry.object_id == object_id,
                AuditEntry.action == action)):
            entry.created_dt = when

    # -- all of it ------------------------------------------------------------------------------

    def load(self):
        """Tickets and visits for every consultation session held or running. Returns a
        short summary."""
        from desk.people.models import Person

        self.topics = {topic.code: topic for topic in db.session.scalars(
            select(ConsultTopic).where(ConsultTopic.is_active.is_(True)))}
        self.known_phones = set(db.session.scalars(
            select(Person.phone).where(Person.phone.is_not(None))))
        sessions = sorted((session for session in self.sessions
                           if session.kind == SessionKind.CONSULTATION
                           and session.status != SessionStatus.CANCELLED
                           and session.start_dt <= self.now),
                          key=lambda session: (session.start_dt, session.id))
        if not sessions or not self.topics:
            return "no consultation tickets"
        duty = self._on_duty(sessions)
        for session in sessions:
            coordinator = self.rng.choice(self.staff)
            serving, reception, helpers = duty.get(session.id, ([], [], set()))
            seats = min(max(len(helpers) - 1, 1), 3)  # the lead also looks after the room
            servers = serving[:seats]
            # a volunteer without a login cannot be named: the coordinator logs for them
            servers += [coordinator] * (seats - len(servers))
            issuers = reception or [coordinator]
            cards = self._cards(session, issuers)
            self._play(session, cards, servers)
            self.cards += [(session, card) for card in self._settle(session, cards)]
        self.write()
        self.reserve_slots()
        return (f"{self.count} consultation tickets ({self.visit_count} visits logged), "
                f"{len(self.slot_sessions)} desks ahead with reserved slots")
