"""A call's state machine: the first answer to a ringing call, each key pressed (or
none), and the end of the call.

Every question is a <Gather> whose action names the call's next `turn`. A request for
the current turn is acted on once: its answer's TwiML is stored with the call, and
Twilio retrying that request (the same CallSid and turn) gets the same TwiML back
without anything done again. The call's row is locked while a turn is answered, so two
copies of one request arriving together wait for each other.

Silence (no Digits) asks the question again, twice; then the call ends politely with
the staff desk's hours. A key that is not a choice is said so, and the question asked
again. A spoken answer (SpeechResult, at a step with `words`) is mapped to the step's
key (desk.phone.spoken_answers) and acted on as that key; words not understood are said
so and the question asked again, as for a wrong key.
"""

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from desk.core.db import lock_rows
from desk.core.i18n import city_name, force_locale
from desk.core.web import public_url_for
from desk.extensions import db
from desk.notify.spoken import spoken_digits
from desk.phone import (  # noqa: F401  (steps register on import)
    booking,
    by_code,
    callers,
    keyed_number,
    menu,
    mine,
    new_callers,
    path,
    spoken_answers,
)
from desk.phone.flow import STEPS, Goto, choice, choose
from desk.phone.models import CallOutcome, PhoneCall
from desk.phone.speech import spoken_key
from desk.phone.twiml import Prompt, render

MAX_MISSES = 2  # questions asked again after silence, before goodbye
REPEAT_KEY = "9"
BACK_KEY = "*"
LANGUAGE_KEY = "8"
MAX_GOTOS = 8  # steps one answer may pass through (a guard against a loop)
FIRST_STEP = "person"


def _call(sid, *, lock=True):
    query = select(PhoneCall).where(PhoneCall.call_sid == sid)
    if lock:
        return lock_rows(db.session, query).first()
    return db.session.scalars(query).first()


def _other_language(call):
    if call.language == "en":
        with force_locale("ja"):
            return _("For Japanese, press 8."), "ja"
    with force_locale("en"):
        return _("For English, press 8."), "en"


def _go(call, goto, now):
    """The Prompt of `goto`: its step's question, after what goto says first."""
    before = list(goto.before)
    for _hop in range(MAX_GOTOS):
        call.step = goto.step
        step = STEPS[goto.step]
        asked = step.ask(call, now)
        if isinstance(asked, Goto):
            before += asked.before
            goto = asked
            continue
        if isinstance(asked, Prompt):
            asked.before = before + asked.before
            return asked
        asked = asked + [_("To hear this again, press 9. To go back, press star.")]
        words = step.words(call) if step.words else None
        return Prompt(before=before, ask=asked, digits=step.digits,
                      offer=_other_language(call) if step.languages else None,
                      hints=spoken_answers.hints(words) if words else None)
    raise RuntimeError(f"phone call {call.id}: steps loop at {goto.step}")


def _goodbye(call, now, said):
    _end(call, now)
    return Prompt(end=[*said, _("Thank you for calling. The staff desk answers at "
                                "%(phone)s, %(hours)s. Goodbye.",
                                phone=spoken_digits(current_app.config["DESK_DESK_PHONE"]),
                                hours=menu.staff_hours_text())])


def _end(call, now):
    if call.outcome == CallOutcome.IN_PROGRESS:
        call.outcome = CallOutcome.HUNG_UP
        call.outcome_step = call.step
    call.ended_dt = call.ended_dt or now


def _respond(call, digits, speech, now, said=None):
    step = STEPS[call.step]
    if step.records:
        result = step.press(call, said, now) if said is not None else None
        if isinstance(result, Prompt):
            return result
        if result is not None:
            return _go(call, result, now)
        digits = ""  # nothing was said: as silence
    elif not digits and speech is not None:
        words = step.words(call) if step.words else {}
        digits = spoken_answers.key_for(speech.text, words, speech.confidence)
        if digits is None:
            choose(call, misses=0)
            return _go(call, Goto(call.step, [_("Sorry, we could not catch that.")]), now)
    if not digits:
        misses = choice(call, "misses", 0) + 1
        heard = _("We did not hear your name.") if step.records else _("We did not hear a key.")
        if misses > MAX_MISSES:
            return _goodbye(call, now, [heard])
        choose(call, misses=misses)
        return _go(call, Goto(call.step, [heard]), now)
    choose(call, misses=0)
    if digits == REPEAT_KEY:
        return _go(call, Goto(call.step), now)
    if digits == BACK_KEY:
        return _go(call, Goto(step.back_of(call) or call.step), now)
    if digits == LANGUAGE_KEY and step.languages:
        call.language = "ja" if call.language == "en" else "en"
        with force_locale(call.language):
            return _go(call, Goto(call.step), now)
    result = step.press(call, digits, now)
    if result is None:
        return _go(call, Goto(call.step, [_("There is no choice %(key)s.",
                                            key=spoken_key(digits))]), now)
    if isinstance(result, Prompt):
        return result
    return _go(call, result, now)


def _answered(call, prompt, now):
    """Store and return the TwiML of `prompt`, the answer of the call's current turn."""
    call.turn += 1
    call.updated_dt = now
    if not prompt.asks:
        _end(call, now)
    action = public_url_for("phone.answer", turn=call.turn)
    transcription = f"name-{call.turn}" if prompt.record else None
    prompt.stop = choice(call, "transcribing")
    if prompt.stop or transcription:
        choose(call, transcribing=transcription)
    call.last_twiml = render(prompt, language=call.language, action=action,
                             transcription=transcription)
    db.session.flush()
    return call.last_twiml


def _greeting(call, people):
    city = city_name()
    if call.language == "en" and city == current_app.config["DESK_MUNICIPALITY_NAME"]:
        said = [_("Thank you for calling. This is the smartphone class line.")]
    else:
        said = [_("Thank you for calling. This is the smartphone class line of %(city)s.",
                  city=city)]
    if len(people) == 1 and not people[0].name_to_confirm:
        said.append(_("Hello, %(name)s.", name=callers.given_name(people[0], call.language)))
    return said


def start(sid, caller, *, now, simulated=False):
    """The TwiML of a ringing call: the greeting, then the choice of the resident
    (several on the number) or the main menu. A retried request gets the same TwiML."""
    call = _call(sid, lock=True)
    if call is not None:
        return call.last_twiml
    number = callers.caller_number(caller)
    people = callers.people_on(number)
    only = people[0] if len(people) == 1 else None
    call = PhoneCall(call_sid=sid, caller=number, caller_withheld=number is None,
                     simulated=simulated,
                     person_id=only.id if only else None,
                     language="en" if only and only.language == "en" else "ja",
                     step=FIRST_STEP, turn=0, choices={}, started_dt=now, updated_dt=now)
    try:
        with db.session.begin_nested():
            db.session.add(call)
    except IntegrityError:  # the same call's first request, twice at once
        return _call(sid, lock=True).last_twiml
    with force_locale(call.language):
        prompt = _go(call, Goto(FIRST_STEP, _greeting(call, people)), now)
    return _answered(call, prompt, now)


def answer(sid, turn, digits, *, now, speech=None, said=None):
    """The TwiML answering key `digits` ("" for none) pressed, the words `speech` (a
    spoken_answers.SpokenAnswer) said, or what the caller `said` when they were recorded
    (a desk.phone.new_callers.Said), at `turn` of call `sid`."""
    call = _call(sid, lock=True)
    if call is None:
        with force_locale("ja"):
            return render(Prompt(end=[_("Sorry, please call again.")]), language="ja",
                          action="")
    if turn != call.turn or call.ended_dt is not None:
        return call.last_twiml
    call.last_digits = digits[:20]
    path.record(call, digits, spoken=speech is not None or said is not None, now=now)
    with force_locale(call.language):
        prompt = _respond(call, digits.strip(), speech, now, said)
    return _answered(call, prompt, now)


def refused(sid, turn, message):
    """TwiML after a refusal that undid turn `turn` (`message` says why): the key is
    asked for again at the same turn, so pressing it acts afresh. Nothing is stored."""
    call = _call(sid, lock=False)
    language = call.language if call is not None else "ja"
    with force_locale(language):
        prompt = Prompt(before=[message], ask=[_("Please press the key again.")],
                        digits=STEPS[call.step].digits if call is not None else 1)
    return render(prompt, language=language, action=public_url_for("phone.answer", turn=turn))


def ended(sid, *, now):
    """Twilio's status callback at the end of the call: a call that ended before it
    booked, cancelled, listened or was put through is marked hung up at its step. No
    request of the call can come any more: the last answer (it may name a resident, also
    one heard by their booking number) and the last keys are deleted."""
    call = _call(sid, lock=True)
    if call is not None:
        _end(call, now)
        call.last_twiml = call.last_digits = None
    return call
