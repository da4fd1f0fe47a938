"""How long each kind of personal data is kept, and the purge that ends it.

A package that holds personal data registers its data classes here, in its
`__init__.py`: what the data is (in a coordinator's words), how long it is kept by
default, and two functions, `count(cutoff)` (how many records are past their period) and
`purge(cutoff, now)` (anonymise or delete them; returns how many changed). The purge
(`desk purge`, daily by the scheduler and by Celery beat) runs them in `order`: the
classes of single fields first, residents last, so that each class counts only what its
own period ends and a dry run counts what the purge then changes.

A period is a number of days, or of whole fiscal years (a resident with nothing for
three fiscal years). The city changes one with `DESK_RETAIN_<KEY>_<UNIT>`, e.g.
`DESK_RETAIN_OUTBOX_CONTENTS_DAYS=90`; docs/privacy.md lists them all.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update

from desk.core.db import write_intent
from desk.core.timeutil import fiscal_year_bounds, fiscal_year_of
from desk.extensions import db

DAYS = "days"
FISCAL_YEARS = "fiscal_years"


@dataclass(frozen=True)
class DataClass:
    key: str
    label: object  # lazy: what the data is, in a coordinator's words
    unit: str  # DAYS or FISCAL_YEARS
    default: int
    count: Callable[[datetime], int]
    purge: Callable[[datetime, datetime], int]
    what_happens: object = None  # lazy: what the purge does to it ("anonymised")
    order: int = 100

    @property
    def setting(self):
        return f"DESK_RETAIN_{self.key.upper()}_{self.unit.upper()}"

    def period(self, config):
        return config.get(self.setting, self.default)

    def cutoff(self, config, now):
        """Records last used before this UTC instant are past their period."""
        period = self.period(config)
        if self.unit == DAYS:
            return now - timedelta(days=period)
        start, _end = fiscal_year_bounds(fiscal_year_of(now) - period)
        return start


DATA_CLASSES = {}


def register(key, *, label, unit, default, count, purge, what_happens=None, order=100):
    """Declare a class of personal data with its retention period."""
    if unit not in (DAYS, FISCAL_YEARS):
        raise ValueError(f"unknown retention unit {unit!r}")
    if key in DATA_CLASSES:
        raise ValueError(f"retention class {key!r} is registered twice")
    DATA_CLASSES[key] = DataClass(key, label, unit, default, count, purge, what_happens, order)
    return DATA_CLASSES[key]


def data_classes():
    return sorted(DATA_CLASSES.values(), key=lambda data_class: (data_class.order,
                                                                  data_class.key))


@dataclass(frozen=True)
class Outcome:
    data_class: DataClass
    period: int
    cutoff: datetime
    count: int  # records past their period (dry run) or changed (purge)


def purge(config, *, now, actor, dry_run=False):
    """Purge every class in turn, each in its own transaction (a dry run only counts).
    The purge is audit-logged with its counts, never with the values removed. Returns
    [Outcome] in purge order."""
    from desk.core import audit  # audit registers its own class here

    outcomes = []
    for data_class in data_classes():
        cutoff = data_class.cutoff(config, now)
        db.session.rollback()
        with write_intent():
            count = (data_class.count(cutoff) if dry_run
                     else data_class.purge(cutoff, now))
            outcomes.append(Outcome(data_class, data_class.period(config), cutoff, count))
            if dry_run:
                db.session.rollback()
            else:
                db.session.commit()
    if not dry_run:
        with write_intent():
            audit.record("retention.purge", actor=actor, object_type="retention",
                         after={outcome.data_class.key: outcome.count for outcome in outcomes},
                         now=now)
            db.session.commit()
    return outcomes


def blank(model, condition, **values):
    """Set `values` in the rows of `model` where `condition` holds; how many rows (the
    purge, and a person's erasure, blank the same way)."""
    return db.session.execute(update(model).where(condition).values(**values)
                              .execution_options(synchronize_session="fetch")).rowcount


def _counting(model, expired):
    def count(cutoff):
        return db.session.scalar(select(func.count()).select_from(model).where(expired(cutoff)))

    return count


def deleting(model, expired):
    """`count` and `purge` for a class whose records are deleted at the end of their
    period: the rows of `model` for which `expired(cutoff)` (a condition) holds."""
    def purge(cutoff, now):
        return db.session.execute(delete(model).where(expired(cutoff))
                                  .execution_options(synchronize_session="fetch")).rowcount

    return {"count": _counting(model, expired), "purge": purge}


def blanking(model, expired, **values):
    """`count` and `purge` for a class whose fields are set to `values` at the end of
    their period, in the rows of `model` for which `expired(cutoff)` holds (it should
    also say that a field still holds something, so that blanked rows are not counted
    again)."""
    def purge(cutoff, now):
        return blank(model, expired(cutoff), **values)

    return {"count": _counting(model, expired), "purge": purge}
