"""TwiML of the phone line, built with the twilio library's classes.

A `Prompt` is what one answer of desk says: `before` (what the last key did), `ask` (the
question, inside a <Gather> for one key), `offer` (the other language's prompts offered,
said in that language), or, without a question, `dial` (put through to staff) and `end` (said
before hanging up). A question with `hints` (the phrases expected, comma-separated) also
listens for a spoken answer in the call's language (speechTimeout auto: the answer ends
when the caller stops speaking); one without takes keys only. Everything is said slowly (SSML prosody, DESK_PHONE_SPEECH_RATE) in
the call's language: Japanese with DESK_PHONE_VOICE (Polly.Mizuki), English with
Polly.Joanna. A <Gather> with no key pressed still posts to its action
(actionOnEmptyResult), so silence is answered too (desk.phone.calls).
"""

from dataclasses import dataclass, field

from flask import current_app
from twilio.twiml.voice_response import VoiceResponse

from desk.notify.voice import GATHER_SECONDS, voice_of

DIAL_SECONDS = 30


@dataclass
class Prompt:
    before: list = field(default_factory=list)
    ask: list = field(default_factory=list)
    offer: tuple | None = None  # (text, language): said after the question
    dial: str | None = None  # an E.164 number to put the caller through to
    end: list = field(default_factory=list)
    digits: int | None = 1  # keys the question takes; None: several, ended by #
    hints: str | None = None  # the phrases a spoken answer may use; None: keys only

    @property
    def asks(self):
        return bool(self.ask)


def _say(node, text, language):
    code, voice = voice_of(language)
    say = node.say(language=code, voice=voice)
    say.prosody(text, rate=current_app.config["DESK_PHONE_SPEECH_RATE"])


def render(prompt, *, language, action):
    """The TwiML of `prompt`; a question posts its key (or nothing) to `action`."""
    response = VoiceResponse()
    for text in prompt.before:
        _say(response, text, language)
    if prompt.asks:
        keys = {"num_digits": prompt.digits} if prompt.digits else {"finish_on_key": "#"}
        if prompt.hints is not None:
            keys.update(input="dtmf speech", language=voice_of(language)[0],
                        speech_timeout="auto", hints=prompt.hints)
        else:
            keys.update(input="dtmf")
        gather = response.gather(timeout=GATHER_SECONDS, action=action, method="POST",
                                 action_on_empty_result=True, **keys)
        for text in prompt.ask:
            _say(gather, text, language)
        if prompt.offer:
            _say(gather, *prompt.offer)
        return response.to_xml(xml_declaration=False)
    if prompt.dial:
        response.dial(prompt.dial, timeout=DIAL_SECONDS)
    for text in prompt.end:
        _say(response, text, language)
    response.hangup()
    return response.to_xml(xml_declaration=False)
