"""The demo's waiting lists followed up (desk.demo.followups): follow-ups offered and
taken in this fiscal year, never over a class's capacity, and the coordinators' unmet
demand page shows them (both databases)."""

from sqlalchemy import func, select

from desk.core.timeutil import fiscal_year_dates, fiscal_year_of
from desk.events import availability
from desk.events.models import (
    Booking,
    BookingStatus,
    EventSession,
    FollowUpState,
    WaitlistFollowUp,
)
from desk.extensions import db
from desk.reports import demand
from tests.demo.conftest import NOW, TODAY


def test_the_demo_has_followups_offered_and_taken(demo_context):
    states = dict(db.session.execute(
        select(WaitlistFollowUp.state, func.count(WaitlistFollowUp.id))
        .group_by(WaitlistFollowUp.state)).all())
    assert states.get(FollowUpState.OPEN, 0) > 0
    assert states.get(FollowUpState.TAKEN, 0) > 0
    for followup in db.session.scalars(select(WaitlistFollowUp).where(
            WaitlistFollowUp.state == FollowUpState.TAKEN)):
        booking = db.session.get(Booking, followup.booking_id)
        assert booking.session_id == followup.target_session_id
        assert booking.status == BookingStatus.BOOKED
        target = db.session.get(EventSession, followup.target_session_id)
        assert availability.seats_taken(target) <= target.capacity
        assert db.session.get(EventSession, followup.session_id).start_dt <= NOW
    rows = demand.unmet_demand(*fiscal_year_dates(fiscal_year_of(TODAY)))
    assert sum(row.taken for row in rows) == states[FollowUpState.TAKEN]
    assert all(row.waiting >= row.offered >= row.taken for row in rows)
