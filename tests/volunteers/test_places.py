"""The one rule for shift places (desk.volunteers.places): active assignments hold a
place until their volunteer is marked absent; many shifts at once are answered as each
one alone, and sign-up, staffing and cover follow the same count."""

from datetime import time, timedelta

import pytest

from desk.core.errors import ConflictError
from desk.core.timeutil import local_datetime
from desk.extensions import db
from desk.volunteers import places, queries, services
from tests.fixtures.factories import NOW


def _counts(shift):
    counted = places.of_shifts([shift])[shift.id]
    assert (counted.taken, counted.free) == (places.places_taken(shift),
                                             places.places_free(shift))
    return counted.taken, counted.free


def test_a_no_show_gives_the_place_to_a_cover(ctx, create_session, create_shift,
                                              create_volunteer):
    session = create_session(day=NOW.date(), start=time(9), end=time(12))
    shift = create_shift(session, role="lead", places=2)
    started = local_datetime(NOW.date(), time(9, 30))
    absent = services.assign_volunteer(shift, create_volunteer(), actor="test",
                                       now=NOW - timedelta(days=2), confirmed=True)
    services.assign_volunteer(shift, create_volunteer(), actor="test",
                              now=NOW - timedelta(days=2), confirmed=True)
    withdrawn = services.assign_volunteer(create_shift(session, places=1), create_volunteer(),
                                          actor="test", now=NOW - timedelta(days=2),
                                          confirmed=True)
    services.withdraw_from_shift(withdrawn, actor="test", now=NOW - timedelta(days=2))
    db.session.commit()
    assert _counts(shift) == (2, 0)
    assert _counts(withdrawn.shift) == (0, 1)
    with pytest.raises(ConflictError):
        services.assign_volunteer(shift, create_volunteer(), actor="test", now=started,
                                  confirmed=True)
    db.session.rollback()
    services.mark_no_show(absent, actor="test", now=started)
    db.session.commit()
    assert _counts(shift) == (1, 1)
    (staffing,) = queries.staffing_of([session])
    assert (staffing.leads, staffing.volunteers, staffing.places) == (1, 1, 3)
    services.assign_volunteer(shift, create_volunteer(), actor="test", now=started,
                              confirmed=True)
    db.session.commit()
    assert _counts(shift) == (2, 0)
    # the absent volunteer turns up after all: the place is gone, nothing changes
    later = started + timedelta(minutes=20)
    with pytest.raises(ConflictError) as refused:
        services.check_in(absent, actor="test", now=later)
    assert refused.value.code == "shift_full"
    db.session.rollback()
    with pytest.raises(ConflictError):
        services.set_times(absent, {"check_in": "09:40", "check_out": ""}, actor="test",
                           now=later)
    db.session.rollback()
    assert absent.is_no_show and absent.check_in_dt is None
    assert _counts(shift) == (2, 0)
    # with a place added, they check in and hold it
    services.update_shift(shift, {"role": "lead", "places": 3}, actor="test", now=later)
    services.check_in(absent, actor="test", now=later)
    db.session.commit()
    assert not absent.is_no_show and _counts(shift) == (3, 0)


def test_many_shifts_are_answered_as_each_alone(ctx, create_session, create_shift,
                                                create_volunteer):
    session = create_session()
    shifts = [create_shift(session, places=count) for count in (1, 2, 3)]
    for shift, taken in zip(shifts, (1, 1, 0), strict=True):
        for _number in range(taken):
            services.sign_up_for_shift(shift, create_volunteer(), actor="test", now=NOW)
    db.session.commit()
    counted = places.of_shifts(shifts)
    assert [(counted[shift.id].taken, counted[shift.id].free) for shift in shifts] == \
        [(1, 0), (1, 1), (0, 3)]
    for shift in shifts:
        assert (counted[shift.id].taken, counted[shift.id].free) == _counts(shift)
    assert places.of_shifts([]) == {}
