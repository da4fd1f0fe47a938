"""A call's path: every answer the caller gave, at which step, with which key.

desk.phone.calls records each turn as it is answered (`record`, one row per turn: a
Twilio retry of a turn already answered records nothing, a refused turn is undone with
everything else of it). One key is kept as pressed; several keys (a phone number keyed
in, ended by #) are kept as their count only, never the digits: they are personal data.
"""

from dataclasses import dataclass

from sqlalchemy import select

from desk.extensions import db
from desk.phone.models import Answer, PhoneCallStep


def answer_of(digits, spoken=False):
    """(Answer, key, key_count) of what the caller keyed ("" for nothing), or of an
    answer `spoken` (words, or a name recorded: kept as speech, never the words)."""
    digits = digits.strip()
    if spoken:
        return Answer.SPEECH, None, None
    if not digits:
        return Answer.SILENCE, None, None
    if len(digits) == 1:
        return Answer.KEY, digits, None
    return Answer.KEYS, None, len(digits)


def record(call, digits, *, spoken=False, now):
    """Record the answer (`digits` keyed, or words `spoken`) to the question of the
    call's current step and turn."""
    answer, key, key_count = answer_of(digits, spoken)
    db.session.add(PhoneCallStep(call_id=call.id, turn=call.turn, step=call.step,
                                 answer=answer, key=key, key_count=key_count, at_dt=now))


def steps_of(call_ids):
    """{call id: [PhoneCallStep] in turn order} of these calls, in one query."""
    if not call_ids:
        return {}
    steps = {call_id: [] for call_id in call_ids}
    for step in db.session.scalars(select(PhoneCallStep)
                                   .where(PhoneCallStep.call_id.in_(call_ids))
                                   .order_by(PhoneCallStep.call_id, PhoneCallStep.turn)):
        steps[step.call_id].append(step)
    return steps


@dataclass(frozen=True)
class Answered:
    """One answer of a call's path, how long into the call it came, and the step the
    caller heard next (the step the call ended at, after its last answer)."""

    answer: PhoneCallStep
    then: str
    seconds: int

    @property
    def minutes_seconds(self):
        return divmod(self.seconds, 60)


def path_of(call):
    """[Answered] of the call, in turn order."""
    steps = steps_of([call.id])[call.id]
    ended_at = call.outcome_step or call.step
    return [Answered(step, steps[index + 1].step if index + 1 < len(steps) else ended_at,
                     int((step.at_dt - call.started_dt).total_seconds()))
            for index, step in enumerate(steps)]
