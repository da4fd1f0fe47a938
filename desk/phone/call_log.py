"""The call log for coordinators: the calls of the last days, per day and outcome, and
where callers hung up (the step they had reached), the figure used to improve the
script. It shows no caller numbers or names: only what happened; the simulator's calls
are left out."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from desk.core.timeutil import local_day_bounds, local_today, to_local
from desk.extensions import db
from desk.phone.models import CallOutcome, PhoneCall

DAYS = 14
LATEST = 50


@dataclass
class Day:
    day: object
    outcomes: Counter = field(default_factory=Counter)

    @property
    def calls(self):
        return sum(self.outcomes.values())


@dataclass(frozen=True)
class CallLog:
    days: list  # [Day], latest first
    hung_up_at: list  # [(step, calls)], most first
    latest: list  # [PhoneCall], latest first


def call_log(*, now, days=DAYS):
    today = local_today(now)
    first = today - timedelta(days=days - 1)
    start, end = local_day_bounds(first, today)
    calls = db.session.scalars(
        select(PhoneCall).where(PhoneCall.started_dt >= start, PhoneCall.started_dt < end,
                                PhoneCall.simulated.is_(False))
        .order_by(PhoneCall.started_dt.desc(), PhoneCall.id.desc())).unique().all()
    by_day = {first + timedelta(days=offset): Day(first + timedelta(days=offset))
              for offset in range(days)}
    for call in calls:
        by_day[to_local(call.started_dt).date()].outcomes[call.outcome] += 1
    hung_up = Counter(call.outcome_step for call in calls
                      if call.outcome == CallOutcome.HUNG_UP and call.outcome_step)
    return CallLog(days=sorted(by_day.values(), key=lambda day: day.day, reverse=True),
                   hung_up_at=hung_up.most_common(), latest=calls[:LATEST])
