"""Who holds a place on a shift, and how many places are left: the one rule that
sign-up, assignment, the volunteers' open shifts, the coordinators' shift pages, the
staffing figures and cover requests ask.

An assignment holds a place while it is active and its volunteer was not marked absent
(a no-show leaves their place to whoever covers). Withdrawn, removed and cancelled
assignments hold none.

`places_taken` and `places_free` answer for one shift; when the answer decides a
sign-up or an assignment they are asked under the shift's lock
(desk.volunteers.services.lock_shift). `of_shifts` answers for many shifts at once
with the same SQL condition, `holds_place`; `holds` states it for one assignment in
memory.
"""

from dataclasses import dataclass

from sqlalchemy import and_, func, select

from desk.extensions import db
from desk.volunteers.models import AssignmentStatus, ShiftAssignment


def holds_place():
    """SQL: the assignments that hold a place on their shift."""
    return and_(ShiftAssignment.status == AssignmentStatus.ACTIVE,
                ShiftAssignment.is_no_show.is_(False))


def holds(assignment):
    """`holds_place` for one assignment in memory (one being replayed before it is
    written, as the demo does)."""
    return assignment.status == AssignmentStatus.ACTIVE and not assignment.is_no_show


def places_taken(shift):
    return db.session.scalar(
        select(func.count(ShiftAssignment.id))
        .where(ShiftAssignment.shift_id == shift.id, holds_place()))


def places_free(shift):
    return max(shift.places - places_taken(shift), 0)


@dataclass(frozen=True)
class Places:
    places: int
    taken: int = 0

    @property
    def free(self):
        return max(self.places - self.taken, 0)


def of_shifts(shifts):
    """{shift id: Places} of many shifts in one query."""
    shifts = list(shifts)
    if not shifts:
        return {}
    taken = dict(db.session.execute(
        select(ShiftAssignment.shift_id, func.count(ShiftAssignment.id))
        .where(ShiftAssignment.shift_id.in_([shift.id for shift in shifts]), holds_place())
        .group_by(ShiftAssignment.shift_id)).all())
    return {shift.id: Places(places=shift.places, taken=int(taken.get(shift.id) or 0))
            for shift in shifts}
