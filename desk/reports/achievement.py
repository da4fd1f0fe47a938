"""Whether a figure meets its target, as a rate and in words, for figures where more is
better (participants) and where less is better (the no-show rate) alike.

The achievement rate reads the same way in both directions: 100 % is the target exactly,
more than 100 % only when the target is beaten, less when it is not (yet) met.
- more is better: actual / target (9 participants of 20: 45 %);
- less is better: target / actual (a no-show rate of 9 % against 8 %: 88.9 %, missed;
  4 % against 8 %: 200 %). A figure of 0 beats any target: achieved, with no rate
  (nothing to divide by). A target of 0 is met only by 0 (100 %), else 0 %.

The words say where the figure stands. Within the fiscal year a count (classes,
participants, hours) only grows, so one that reached its target is achieved; a rate or a
figure where less is better can still change, so it is "met so far" or "not met yet"
until the year is over, and "achieved" or "missed" after.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

ACHIEVED = "achieved"
MET_SO_FAR = "met_so_far"
NOT_YET = "not_yet"
MISSED = "missed"
STATUS_LABELS = {ACHIEVED: _l("Achieved"), MET_SO_FAR: _l("Met so far"),
                 NOT_YET: _l("Not met yet"), MISSED: _l("Missed")}
CUMULATIVE_UNITS = ("count", "hours")


@dataclass(frozen=True)
class Achievement:
    met: bool
    percent: float | None  # None: a figure of 0 where less is better (nothing to divide by)
    status: str  # a key of STATUS_LABELS

    @property
    def label(self):
        return STATUS_LABELS[self.status]


def has_target(target, *, lower_is_better=False):
    """A target to measure against: set, and above 0 unless less is better."""
    return target is not None and (lower_is_better or target != 0)


def achievement(actual, target, *, lower_is_better=False, final=True, cumulative=True):
    """The Achievement of `actual` against `target`, or None without a target or figure.
    `final`: the period is over (the whole fiscal year); `cumulative`: the figure can only
    grow within the year (a count)."""
    if actual is None or not has_target(target, lower_is_better=lower_is_better):
        return None
    actual, target = float(actual), float(target)
    if lower_is_better:
        met = actual <= target
        if actual == 0:
            percent = None if target else 100.0
        else:
            percent = 100.0 * target / actual
    else:
        met = actual >= target
        percent = 100.0 * actual / target
    if met:
        status = ACHIEVED if final or (cumulative and not lower_is_better) else MET_SO_FAR
    else:
        status = MISSED if final else NOT_YET
    return Achievement(met, percent, status)
