"""Demo data for the KPI reports: the paper questionnaires of the classes and events
held, the online surveys the day after a class, and targets for the previous and the
current fiscal year.

Sheets are written in bulk (with their audit entries, as a coordinator typing them in
after the session would); about seven in ten participants of a class hand one in, some
of an awareness event's visitors do. About one class in four handed out no sheets: there
the participants who agreed (six in ten of those a text message or an e-mail reaches)
got the online survey the day after (desk.events.surveys), and about two in three of
them answered it. Targets go through desk.reports.services: the
previous year's a little above or below what it reached, this year's about a tenth above
last year's result, so that the dashboard shows progress both ways.
"""

import string
from datetime import timedelta

from sqlalchemy import func, insert, select, update

from desk.core.audit import AuditEntry
from desk.core.timeutil import fiscal_year_of
from desk.events import surveys
from desk.events.models import (
    Attendance,
    Booking,
    BookingStatus,
    SessionKind,
    SessionStatus,
    SurveyInvitation,
    Topic,
    WillUse,
)
from desk.extensions import db
from desk.people.models import AgeBand
from desk.reports import metrics, periods, services
from desk.reports.models import CanDo, SurveyEntry

SURVEYED_KINDS = (SessionKind.CLASS, SessionKind.OUTREACH_CLASS, SessionKind.AWARENESS_EVENT)
SATISFACTION = ((5, 45), (4, 35), (3, 15), (2, 4), (1, 1))
CAN_DO = ((CanDo.YES, 55), (CanDo.PARTLY, 33), (CanDo.NO, 9), (None, 3))
AGE_BANDS = ((AgeBand.UNDER_60, 6), (AgeBand.SIXTIES, 22), (AgeBand.SEVENTIES, 44),
             (AgeBand.EIGHTIES, 20), (AgeBand.NINETY_PLUS, 2), (None, 6))
COMMENTS = (
    "とても分かりやすかったです。", "ゆっくり教えてもらえて安心しました。",
    "LINEで孫に写真を送れるようになりました。", "もう少し時間がほしかったです。",
    "また参加したいです。", "字が大きい資料でよかった。", "先生が親切でした。",
    "マイナポータルの手続きが自分でできそうです。", "次は地図アプリを習いたい。",
    "家でも復習します。", "少し難しかったので、もう一度受けたいです。",
)
ONLINE_SHARE = 0.25  # of the classes held: the online survey instead of sheets
SURVEY_CONSENT = 0.6
ANSWERED = 0.65
USEFUL = ((5, 42), (4, 36), (3, 15), (2, 5), (1, 2))
WILL_USE = ((WillUse.YES, 58), (WillUse.MAYBE, 32), (WillUse.NO, 6), (None, 4))
NEXT_TOPICS = ((Topic.LINE, 18), (Topic.MAPS, 16), (Topic.CASHLESS, 14),
               (Topic.MYNAPORTAL, 12), (Topic.SCAM_PROTECTION, 14), (Topic.CALLS_CAMERA, 8),
               (Topic.APPS, 8), (Topic.INTERNET, 6), (None, 4))
NEXT_TEXTS = ("孫とビデオ通話をしたい", "病院の予約をスマホでしたい", "写真の整理の仕方",
              "QRコード決済の使い方", "バスの時刻を調べたい", "迷惑メールの見分け方")
TOKEN_ALPHABET = string.ascii_letters + string.digits + "-_"
# the count metrics that get targets, and how a target is rounded
COUNT_TARGETS = ("classes_held", "outreach_classes_held", "awareness_events_held",
                 "class_participants", "awareness_headcount", "consultation_sessions_held",
                 "consultation_visits", "venues_used", "residents_reached", "new_residents",
                 "volunteer_hours", "active_volunteers")
FIXED_TARGETS = {"repeat_rate": 40, "no_show_rate": 8, "share_aged_70_plus": 60,
                 "resolved_share": 75, "survey_satisfaction": 4.2, "survey_can_do_share": 55}


def _weighted(rng, choices):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


def _round_target(value):
    step = 100 if value >= 1000 else 10 if value >= 100 else 1
    return max(step, round(value / step) * step)


class DemoReports:
    def __init__(self, rng, *, sessions, districts, staff, today, now):
        self.rng = rng
        self.sessions = sessions
        self.districts = districts
        self.staff = staff
        self.today = today
        self.now = now
        self.sheets = 0
        self.online = 0
        self.targets = 0

    def _attended_seats(self, session_ids):
        return dict(db.session.execute(
            select(Booking.session_id, func.coalesce(func.sum(Booking.seats), 0))
            .where(Booking.session_id.in_(session_ids), Booking.status == BookingStatus.BOOKED,
                   Booking.attendance == Attendance.ATTENDED)
            .group_by(Booking.session_id)).all())

    def _sheet(self, session, staff):
        comment = self.rng.choice(COMMENTS) if self.rng.random() < 0.15 else None
        district = self.rng.choice(self.districts) if self.rng.random() < 0.8 else None
        return {"session_id": session.id,
                "satisfaction": _weighted(self.rng, SATISFACTION)
                if self.rng.random() < 0.96 else None,
                "can_do": _weighted(self.rng, CAN_DO), "age_band": _weighted(self.rng, AGE_BANDS),
                "district_id": district.id if district else None, "comment": comment,
                "entered_by_id": staff.id, "created_dt": session.end_dt}

    def load_surveys(self):
        held = [session for session in self.sessions
                if session.kind in SURVEYED_KINDS and session.status == SessionStatus.COMPLETED]
        online = [session for session in held if session.kind in surveys.SURVEYED_KINDS
                  and self.rng.random() < ONLINE_SHARE]
        self.load_online_surveys(online)
        online_ids = {session.id for session in online}
        held = [session for session in held if session.id not in online_ids]
        seats = self._attended_seats([session.id for session in held])
        rows = []
        for session in held:
            if session.kind == SessionKind.AWARENESS_EVENT:
                count = self.rng.randint(8, 30)
            else:
                count = sum(self.rng.random() < 0.7 for _seat in range(seats.get(session.id, 0)))
            staff = self.rng.choice(self.staff)
            rows += [self._sheet(session, staff) for _sheet in range(count)]
        if not rows:
            return
        ids = db.session.scalars(
            insert(SurveyEntry).returning(SurveyEntry.id, sort_by_parameter_order=True),
            rows).all()
        db.session.execute(insert(AuditEntry), [
            {"actor_id": row["entered_by_id"], "actor_label": self._label(row["entered_by_id"]),
             "action": "survey.add", "object_type": SurveyEntry.__tablename__,
             "object_id": entry_id, "after": {key: (value.value if hasattr(value, "value")
                                                    else value)
                                              for key, value in row.items()
                                              if key in ("session_id", "satisfaction",
                                                         "can_do", "age_band")},
             "created_dt": row["created_dt"]}
            for entry_id, row in zip(ids, rows, strict=True)])
        self.sheets = len(rows)

    def _token(self):
        return "".join(self.rng.choice(TOKEN_ALPHABET)
                       for _char in range(SurveyInvitation.TOKEN_LENGTH))

    def _invitation(self, booking):
        session = booking.session
        due = surveys.invitation_due(session)
        values = {"booking_id": booking.id, "token": self._token(), "created_dt": session.end_dt,
                  "expires_dt": surveys.expiry_of(session), "answered_dt": None,
                  "useful": None, "will_use": None, "next_topic": None, "next_text": None}
        answered = due + timedelta(minutes=self.rng.randint(5, 60 * 48))
        if answered < min(values["expires_dt"], self.now) and self.rng.random() < ANSWERED:
            values.update(
                answered_dt=answered, useful=_weighted(self.rng, USEFUL),
                will_use=_weighted(self.rng, WILL_USE),
                next_topic=_weighted(self.rng, NEXT_TOPICS),
                next_text=self.rng.choice(NEXT_TEXTS) if self.rng.random() < 0.2 else None)
        return values

    def load_online_surveys(self, sessions):
        """The participants who agreed to the survey and whom it reaches (not by a call)
        get an invitation; those past its time answered it or not."""
        if not sessions:
            return
        attended = db.session.scalars(
            select(Booking).where(Booking.session_id.in_([session.id for session in sessions]),
                                  Booking.status == BookingStatus.BOOKED,
                                  Booking.attendance == Attendance.ATTENDED)
            .order_by(Booking.id)).unique().all()
        asked = [booking for booking in attended
                 if surveys.survey_channel(booking.person) is not None
                 and not booking.person.is_anonymised and self.rng.random() < SURVEY_CONSENT]
        if not asked:
            return
        db.session.execute(update(Booking).where(Booking.id.in_([b.id for b in asked]))
                           .values(survey_consent=True))
        rows = [self._invitation(booking) for booking in asked]
        db.session.execute(insert(SurveyInvitation), rows)
        self.online = sum(1 for row in rows if row["answered_dt"] is not None)

    def _label(self, user_id):
        return next(user.audit_label for user in self.staff if user.id == user_id)

    def load_targets(self):
        current = fiscal_year_of(self.now)
        previous = periods.fiscal_year(current - 1)
        reached = metrics.compute(previous.first, previous.last, now=self.now)
        actor = self.staff[0]
        for fiscal_year, factor in ((current - 1, None), (current, 1.1)):
            values = dict(FIXED_TARGETS)
            for key in COUNT_TARGETS:
                actual = reached.get(key) or 0
                if not actual:
                    continue
                scale = factor or self.rng.uniform(0.9, 1.1)
                values[key] = _round_target(actual * scale)
            self.targets += services.set_targets(fiscal_year, values, actor=actor, now=self.now)

    def load(self):
        self.load_surveys()
        self.load_targets()
        return (f"{self.sheets} survey sheets, {self.online} online survey answers and "
                f"{self.targets} KPI targets")
