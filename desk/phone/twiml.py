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

A `record` prompt asks, starts Twilio's real-time transcription of the caller's side
(what it hears comes to the transcription webhook as a hint of the name), then
<Record>s until # (or silence, or RECORD_SECONDS); the recording posts to `action`.
A <Record> that heard nothing does not post: Twilio goes on to the <Redirect> to the
same `action`, answered as silence. The answer after it stops the transcription
(`stop`, its name).
"""

from dataclasses import dataclass, field

from flask import current_app
from twilio.twiml.voice_response import VoiceResponse

from desk.notify.voice import GATHER_SECONDS, voice_of

DIAL_SECONDS = 30
RECORD_SECONDS = 15  # the longest name recording
RECORD_SILENCE_SECONDS = 5  # silence that ends it


@dataclass(frozen=True)
class Record:
    transcribed: str  # the URL of the transcription webhook
    recorded: str  # the URL of the recording status webhook


@dataclass
class Prompt:
    before: list = field(default_factory=list)
    ask: list = field(default_factory=list)
    offer: tuple | None = None  # (text, language): said after the question
    dial: str | None = None  # an E.164 number to put the caller through to
    end: list = field(default_factory=list)
    digits: int | None = 1  # keys the question takes; None: several, ended by #
    record: Record | None = None  # the question is answered by saying a name
    stop: str | None = None  # the transcription to stop first (a name was just said)
    hints: str | None = None  # the phrases a spoken answer may use; None: keys only

    @property
    def asks(self):
        return bool(self.ask)


def _say(node, text, language):
    code, voice = voice_of(language)
    say = node.say(language=code, voice=voice)
    say.prosody(text, rate=current_app.config["DESK_PHONE_SPEECH_RATE"])


def _record(response, prompt, *, language, action, transcription):
    for text in prompt.ask:
        _say(response, text, language)
    code, _voice = voice_of(language)
    response.start().transcription(name=transcription, track="inbound_track",
                                   language_code=code,
                                   status_callback_url=prompt.record.transcribed)
    response.record(action=action, method="POST", finish_on_key="#",
                    max_length=RECORD_SECONDS, timeout=RECORD_SILENCE_SECONDS, play_beep=True,
                    recording_status_callback=prompt.record.recorded,
                    recording_status_callback_method="POST")
    response.redirect(action, method="POST")


def render(prompt, *, language, action, transcription=None):
    """The TwiML of `prompt`; a question posts its key (or nothing) to `action`; a
    recording of a name is transcribed under the name `transcription`."""
    response = VoiceResponse()
    if prompt.stop:
        response.stop().transcription(name=prompt.stop)
    for text in prompt.before:
        _say(response, text, language)
    if prompt.record:
        _record(response, prompt, language=language, action=action,
                transcription=transcription)
        return response.to_xml(xml_declaration=False)
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
