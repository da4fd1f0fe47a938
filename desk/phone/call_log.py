"""The call log for coordinators: the calls of a period (the last 14 days unless chosen),
per day and outcome; the funnel of the script (per step, in the script's order: the
calls that reached it, those whose caller hung up there and that share), the figure
used to improve the script; the latest calls, each with its whole path
(desk.phone.path). It shows no caller numbers or names: only what happened; the
simulator's calls are left out."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, union
from sqlalchemy.orm import selectinload

from desk.core.timeutil import local_day_bounds, to_local
from desk.core.web import parse_day
from desk.extensions import db
from desk.phone.labels import STEP_LABELS
from desk.phone.models import CallOutcome, PhoneCall, PhoneCallStep

DAYS = 14
MAX_DAYS = 366
LATEST = 50


@dataclass
class Day:
    day: object
    outcomes: Counter = field(default_factory=Counter)

    @property
    def calls(self):
        return sum(self.outcomes.values())


@dataclass(frozen=True)
class FunnelStep:
    step: str
    reached: int  # calls that were asked this step's question
    hung_up: int  # calls whose caller hung up at this step

    @property
    def gave_up_share(self):
        """The share of the calls that reached the step and hung up there, in percent."""
        return round(100 * self.hung_up / self.reached, 1) if self.reached else None


@dataclass(frozen=True)
class CallLog:
    first: object
    last: object
    days: list  # [Day], latest first
    funnel: list  # [FunnelStep], in the script's order
    latest: list  # [PhoneCall], latest first

    @property
    def calls(self):
        return sum(day.calls for day in self.days)


def parse_period(args, *, today):
    """(first, last, [error messages]) from the query's `from` and `to` (YYYY-MM-DD, JST,
    inclusive). Without them, the last DAYS days to today (to `to`, when only that is
    given); a date that is wrong is said and left out, a span too long is shortened."""
    errors, days = [], {}
    for name, message in (("from", _("The start date must be a date as YYYY-MM-DD.")),
                          ("to", _("The end date must be a date as YYYY-MM-DD."))):
        raw = args.get(name, "").strip()
        if raw:
            days[name] = parse_day(raw)
            if days[name] is None:
                errors.append(message)
    last = days.get("to") or today
    first = days.get("from") or last - timedelta(days=DAYS - 1)
    if first > last:
        errors.append(_("The end of the period is before its start."))
        first, last = today - timedelta(days=DAYS - 1), today
    elif (last - first).days >= MAX_DAYS:
        errors.append(_("A period can be at most %(days)d days long.", days=MAX_DAYS))
        first = last - timedelta(days=MAX_DAYS - 1)
    return first, last, errors


def _in_period(first, last):
    start, end = local_day_bounds(first, last)
    return (PhoneCall.started_dt >= start, PhoneCall.started_dt < end,
            PhoneCall.simulated.is_(False))


def _script_order(step):
    order = list(STEP_LABELS)
    return (order.index(step), "") if step in order else (len(order), step)


def funnel(first, last):
    """[FunnelStep] of the calls started first..last (local dates), in the script's
    order: a call reached every step it answered and the step it ended at."""
    in_period = _in_period(first, last)
    answered = (select(PhoneCallStep.call_id.label("call_id"), PhoneCallStep.step.label("step"))
                .join(PhoneCall, PhoneCall.id == PhoneCallStep.call_id).where(*in_period))
    ended_at = func.coalesce(PhoneCall.outcome_step, PhoneCall.step)
    last_step = select(PhoneCall.id.label("call_id"), ended_at.label("step")).where(*in_period)
    visits = union(answered, last_step).subquery()  # one row per call and step
    reached = dict(db.session.execute(
        select(visits.c.step, func.count()).group_by(visits.c.step)).all())
    hung_up = dict(db.session.execute(
        select(PhoneCall.outcome_step, func.count())
        .where(*in_period, PhoneCall.outcome == CallOutcome.HUNG_UP,
               PhoneCall.outcome_step.is_not(None))
        .group_by(PhoneCall.outcome_step)).all())
    return [FunnelStep(step, reached[step], hung_up.get(step, 0))
            for step in sorted(reached, key=_script_order)]


def call_log(first, last):
    in_period = _in_period(first, last)
    by_day = {first + timedelta(days=offset): Day(first + timedelta(days=offset))
              for offset in range((last - first).days + 1)}
    for started, outcome in db.session.execute(
            select(PhoneCall.started_dt, PhoneCall.outcome).where(*in_period)):
        by_day[to_local(started).date()].outcomes[outcome] += 1
    latest = db.session.scalars(
        select(PhoneCall).where(*in_period).options(selectinload(PhoneCall.booking))
        .order_by(PhoneCall.started_dt.desc(), PhoneCall.id.desc()).limit(LATEST)).all()
    return CallLog(first=first, last=last,
                   days=sorted(by_day.values(), key=lambda day: day.day, reverse=True),
                   funnel=funnel(first, last), latest=latest)

