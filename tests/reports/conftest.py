"""A small KPI dataset whose every figure can be worked out by hand (see the comments
in tests/reports/test_metrics.py).

Sessions (local dates, JST), with `now` = NOW (2026-11-23 10:00 JST):

  s0  class          2026-03-31 23:30  completed  venue 1  program 1  (FY2025)
  s1  class          2026-04-01 00:10  completed  venue 1  program 1  (FY2026)
  s2  outreach class 2026-05-10 10:00  completed  venue 2  program 2
  s3  class          2026-06-15 10:00  CANCELLED  venue 4  program 1
  s5  awareness      2026-07-01 10:00  completed  venue 2  anonymous headcount 40
  s6  consultation   2026-08-05 10:00  completed  venue 3
  s7  class          2026-11-23 09:00  scheduled, already started   venue 1  program 2
  s4  class          2026-12-03 10:00  scheduled, in the future     venue 4  program 1

People: a (70s, district 1), b (60s, district 2), c (80s, no district), d (no age,
district 1), e (a duplicate of a, merged into a), f (90+, district 2), g (under 60, no
district), h (60s, district 1: only at the cancelled class).

Bookings:
  s0: f attended 1 seat
  s1: a attended 3 seats (2 companions), b no-show, c cancelled, d walk-in attended 1,
      f attended 1, g waitlisted
  s2: e attended 1 (moved to a by the merge), b attended 2, c no-show
  s3: h attended 1 (the session was cancelled)
  s4: a booked, b waitlisted (future)
  s5: c attended 2
  s7: d attended 1
Consultation s6 tickets: 1 served a (LINE, resolved), 2 served anonymous (LINE and
My Number, referred), 3 served g (LINE, resolved), 4 cancelled anonymous, 5 skipped
anonymous.
Surveys: s1 (5, yes, 70s, district 1), (4, partly, -, -), (-, -, -, -); s2 (3, no, 80s,
district 2); s0 (1, no); s3 (5, yes: the cancelled class).
Volunteers: x (ICT volunteer) on s1 checked in 00:10–01:40 (1.5 h); y (student) on s6
checked in 10:00, no check-out, shift ends 12:00 (2 h); z (student) on s6, no check-in.
"""

from datetime import date, time, timedelta
from itertools import count
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from desk.consults.models import ConsultTopic, Ticket, Visit
from desk.core.timeutil import local_datetime
from desk.events.models import Booking, EventSession
from desk.extensions import db
from desk.people import services as people_services
from desk.reports.models import SurveyEntry
from desk.volunteers import services as volunteer_services
from desk.volunteers.models import Shift, ShiftAssignment
from tests.fixtures.factories import NOW

_codes = count(10000001)


def _session(kind, day, start, *, venue, program=None, status="completed", minutes=90,
             **extra):
    start_dt = local_datetime(day, start)
    values = {"kind": kind, "venue_id": venue.id, "start_dt": start_dt,
              "end_dt": start_dt + timedelta(minutes=minutes), "status": status}
    if program is not None:
        values["program_id"] = program.id
    if kind in ("class", "outreach_class"):
        values["capacity"] = 12
    if kind == "outreach_class":
        values["requesting_group"] = "老人クラブ"
    if status == "cancelled":
        values["cancel_reason"] = "台風のため"
    values.update(extra)
    session = EventSession(**values, created_dt=NOW, updated_dt=NOW)
    db.session.add(session)
    db.session.flush()
    return session


def _booking(session, person, *, status="booked", attendance=None, seats=1, walk_in=False):
    code = str(next(_codes))
    booking = Booking(session_id=session.id, person_id=person.id, seats=seats, status=status,
                      code=code, token="t" + code, channel="walk_in" if walk_in else "phone_desk",
                      attendance=attendance, is_walk_in=walk_in, queue_dt=session.start_dt,
                      booked_dt=session.start_dt if status == "booked" else None,
                      cancelled_dt=session.start_dt if status == "cancelled" else None,
                      cancel_reason="person" if status == "cancelled" else None,
                      created_dt=session.start_dt)
    db.session.add(booking)
    return booking


def _ticket(session, number, status, person=None, topics=(), outcome=None):
    at = session.start_dt + timedelta(minutes=10 * number)
    served = status in ("served", "serving")
    ticket = Ticket(session_id=session.id, number=number, kind="walk_in", status=status,
                    person_id=person.id if person else None, issued_dt=at, queue_dt=at,
                    called_dt=at if served or status == "skipped" else None,
                    service_end_dt=at + timedelta(minutes=20) if status == "served" else None)
    db.session.add(ticket)
    db.session.flush()
    if outcome:
        visit = Visit(ticket_id=ticket.id, session_id=session.id, device="iphone", minutes=20,
                      outcome=outcome)
        visit.topics = list(db.session.scalars(
            select(ConsultTopic).where(ConsultTopic.code.in_(topics))))
        db.session.add(visit)
    return ticket


def _survey(session, satisfaction=None, can_do=None, age_band=None, district=None):
    db.session.add(SurveyEntry(session_id=session.id, satisfaction=satisfaction, can_do=can_do,
                               age_band=age_band, district_id=district.id if district else None,
                               created_dt=NOW))


def _volunteer(name, affiliation, phone):
    return volunteer_services.create_volunteer(
        {"name": name, "name_kana": "てすと", "affiliation": affiliation, "phone": phone,
         "message_channel": "none"}, actor="test", now=NOW)


def _assignment(session, volunteer, check_in=None, check_out=None):
    shift = Shift(session_id=session.id, role="assistant", places=1,
                  start_dt=session.start_dt, end_dt=session.end_dt)
    db.session.add(shift)
    db.session.flush()
    db.session.add(ShiftAssignment(shift_id=shift.id, volunteer_id=volunteer.id,
                                   source="coordinator", check_in_dt=check_in,
                                   check_out_dt=check_out, assigned_dt=NOW))


@pytest.fixture
def kpi_data(ctx, create_district, create_venue, create_program, create_person):
    d1, d2 = create_district(name="北部地区"), create_district(name="南部地区")
    v1, v2, v3, v4 = (create_venue(district_id=d1.id), create_venue(district_id=d2.id),
                      create_venue(), create_venue())
    p1, p2 = create_program(), create_program(topic="line")
    people = {
        "a": create_person(age_band="70s", district_id=d1.id),
        "b": create_person(age_band="60s", district_id=d2.id),
        "c": create_person(age_band="80s"),
        "d": create_person(district_id=d1.id),
        "e": create_person(),
        "f": create_person(age_band="90_plus", district_id=d2.id),
        "g": create_person(age_band="under_60"),
        "h": create_person(age_band="60s", district_id=d1.id),
    }
    a, b, c, d, e, f, g, h = people.values()

    s0 = _session("class", date(2026, 3, 31), time(23, 30), venue=v1, program=p1)
    s1 = _session("class", date(2026, 4, 1), time(0, 10), venue=v1, program=p1)
    s2 = _session("outreach_class", date(2026, 5, 10), time(10), venue=v2, program=p2)
    s3 = _session("class", date(2026, 6, 15), time(10), venue=v4, program=p1,
                  status="cancelled")
    s4 = _session("class", date(2026, 12, 3), time(10), venue=v4, program=p1,
                  status="scheduled")
    s5 = _session("awareness_event", date(2026, 7, 1), time(10), venue=v2,
                  anonymous_headcount=40)
    s6 = _session("consultation", date(2026, 8, 5), time(10), venue=v3, minutes=120)
    s7 = _session("class", date(2026, 11, 23), time(9), venue=v1, program=p2,
                  status="scheduled")

    _booking(s0, f, attendance="attended")
    _booking(s1, a, attendance="attended", seats=3)
    _booking(s1, b, attendance="no_show")
    _booking(s1, c, status="cancelled")
    _booking(s1, d, attendance="attended", walk_in=True)
    _booking(s1, f, attendance="attended")
    _booking(s1, g, status="waitlisted")
    _booking(s2, e, attendance="attended")
    _booking(s2, b, attendance="attended", seats=2)
    _booking(s2, c, attendance="no_show")
    _booking(s3, h, attendance="attended")
    _booking(s4, a)
    _booking(s4, b, status="waitlisted")
    _booking(s5, c, attendance="attended", seats=2)
    _booking(s7, d, attendance="attended")

    _ticket(s6, 1, "served", a, ["line"], "resolved")
    _ticket(s6, 2, "served", None, ["line", "my_number"], "referred")
    _ticket(s6, 3, "served", g, ["line"], "resolved")
    _ticket(s6, 4, "cancelled")
    _ticket(s6, 5, "skipped")

    _survey(s1, 5, "yes", "70s", d1)
    _survey(s1, 4, "partly")
    _survey(s1)
    _survey(s2, 3, "no", "80s", d2)
    _survey(s0, 1, "no")
    _survey(s3, 5, "yes")

    x = _volunteer("山本 和夫", "ict_volunteer", "080-5000-0001")
    y = _volunteer("中村 陽子", "student", "080-5000-0002")
    z = _volunteer("小林 健一", "student", "080-5000-0003")
    _assignment(s1, x, check_in=s1.start_dt, check_out=s1.start_dt + timedelta(minutes=90))
    _assignment(s6, y, check_in=s6.start_dt)
    _assignment(s6, z)
    db.session.commit()

    people_services.merge_people(a, e, actor="test", now=NOW)
    db.session.commit()
    return SimpleNamespace(
        now=NOW, districts=(d1, d2), venues=(v1, v2, v3, v4), programs=(p1, p2),
        people=people, sessions={"s0": s0, "s1": s1, "s2": s2, "s3": s3, "s4": s4, "s5": s5,
                                 "s6": s6, "s7": s7})
