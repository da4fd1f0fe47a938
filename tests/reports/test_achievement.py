"""Whether a figure meets its target, for figures where more is better and where less is
better: the rate reads the same way (at or above 100 % only when met), and the word says
achieved / missed, or met so far / not met yet while the fiscal year runs."""

import pytest

from desk.reports.achievement import (
    ACHIEVED,
    MET_SO_FAR,
    MISSED,
    NOT_YET,
    achievement,
    has_target,
)


@pytest.mark.parametrize(("actual", "target", "lower", "final", "cumulative", "expected"), [
    # more is better: actual / target
    (9, 20, False, True, True, (False, 45.0, MISSED)),
    (9, 20, False, False, True, (False, 45.0, NOT_YET)),
    (30, 20, False, False, True, (True, 150.0, ACHIEVED)),  # a count only grows
    (60, 50, False, False, False, (True, 120.0, MET_SO_FAR)),  # a rate can still fall
    (60, 50, False, True, False, (True, 120.0, ACHIEVED)),
    # less is better: target / actual, never above 100 % when missed
    (9, 8, True, True, False, (False, pytest.approx(88.888, abs=0.01), MISSED)),
    (9, 8, True, False, False, (False, pytest.approx(88.888, abs=0.01), NOT_YET)),
    (4, 8, True, True, False, (True, 200.0, ACHIEVED)),
    (4, 8, True, False, False, (True, 200.0, MET_SO_FAR)),
    (8, 8, True, True, False, (True, 100.0, ACHIEVED)),
    (0, 8, True, True, False, (True, None, ACHIEVED)),  # nothing to divide by
    (0, 0, True, True, False, (True, 100.0, ACHIEVED)),
    (3, 0, True, True, False, (False, 0.0, MISSED)),
])
def test_achievement_in_both_directions(actual, target, lower, final, cumulative, expected):
    result = achievement(actual, target, lower_is_better=lower, final=final,
                         cumulative=cumulative)
    assert (result.met, result.percent, result.status) == expected
    if not result.met:
        assert result.percent < 100


def test_no_target_or_no_figure():
    assert achievement(None, 10) is None
    assert achievement(5, None) is None
    assert achievement(5, 0) is None  # a target of 0 where more is better means nothing
    assert not has_target(0) and has_target(0, lower_is_better=True)
