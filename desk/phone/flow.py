"""The steps of a call and how one leads to the next (desk.phone.calls runs them).

A step asks one question (`ask(call, now)`: the sentences of the question, or a `Goto`
when there is nothing to ask, or a Prompt that ends the call) and answers a key
(`press(call, key, now)`: a Goto, a Prompt, or None for a key that is not a choice).
Keys 9 (hear it again) and * (go back to `back`) work at every step; 8 switches
between Japanese and English prompts where `languages` is set (the main menu). A step
with `digits = None` takes several keys ended by # (a phone number, a booking code).
A step with `words` (a function of the call giving {phrase: key} in the call's
language, desk.phone.spoken_answers) also takes a spoken answer, acted on as its key.

A step reading a list keeps the ids it read (`remember_shown`), and a key is mapped to the id
read with it (`shown_id`): the list changing between hearing and pressing cannot
shift the choices; the step checks the id again before acting on it.
A step with `records` is answered by the caller saying something (`press(call, said,
now)` gets a desk.phone.new_callers.Said).
"""

from dataclasses import dataclass, field

from desk.phone.offers import page_of

STEPS = {}


@dataclass(frozen=True)
class Goto:
    step: str
    before: list = field(default_factory=list)


@dataclass(frozen=True)
class Step:
    ask: object
    press: object
    back: object = "menu"  # a step name, or a function of the call giving one
    languages: bool = False
    digits: int | None = 1  # keys per answer; None: several, ended by #
    records: bool = False  # answered by saying something, not by keys
    words: object = None  # a function of the call: {phrase: key}, or None: keys only

    def back_of(self, call):
        return self.back(call) if callable(self.back) else self.back


def step(name, *, back="menu", languages=False):
    """Decorator of a class with static `ask` and `press`: registers the step."""
    def register(cls):
        STEPS[name] = Step(cls.ask, cls.press, back, languages, getattr(cls, "digits", 1),
                           getattr(cls, "records", False), getattr(cls, "words", None))
        return cls
    return register


def choose(call, **values):
    """Remember choices of the call (the JSON column is replaced, so it is saved)."""
    call.choices = {**(call.choices or {}), **values}


def choice(call, name, default=None):
    return (call.choices or {}).get(name, default)


def chosen_index(key, shown):
    """The 0-based index of choice `key` ("1".."4") among `shown` items, or None."""
    if key.isdigit() and 1 <= int(key) <= len(shown):
        return int(key) - 1
    return None


def paged(call, items, name):
    """The items on the call's current page `name` and whether more follow."""
    return page_of(items, choice(call, name, 0))


def remember_shown(call, shown, more):
    """Remember the ids of the items read out (key 1 the first) and whether more follow
    (key 0), for the key answering this question."""
    choose(call, shown=[item.id for item in shown], more=more)


def shown_id(call, key):
    """The id read out with choice `key` ("1".."4"), or None."""
    ids = choice(call, "shown", [])
    index = chosen_index(key, ids)
    return ids[index] if index is not None else None


def shown_more(call):
    return bool(choice(call, "more"))
