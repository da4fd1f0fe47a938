"""How long each kind of personal data is kept, and the purge that ends it.

A package that holds personal data registers its data classes here, in its
`__init__.py`: what the data is (in a coordinator's words), how long it is kept by
default, and two functions, `count(cutoff)` (how many records are past their period) and
`purge(cutoff, now)` (anonymise or delete them; returns how many changed). The purge
(`desk purge`, daily by the scheduler and by Celery beat) runs them in `order`.

A period is a number of days, or of whole fiscal years (a resident with nothing for
three fiscal years). The city changes one with `DESK_RETAIN_<KEY>_<UNIT>`, e.g.
`DESK_RETAIN_OUTBOX_CONTENTS_DAYS=90`; docs/privacy.md lists them all.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from desk.core.timeutil import fiscal_year_bounds, fiscal_year_of

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
