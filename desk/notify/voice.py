"""Voice calls: the TwiML of a call, its key menu, and the retry of a call nobody
answered.

A call says its message twice (`<Say language="ja-JP" voice="Polly.Mizuki">`, English
with Polly.Joanna), then offers the keys of the menu the message's feature registered
(desk.notify.kinds.KeyMenu; for a booking: 1 to confirm attendance, 2 to cancel,
asked once more before anything changes, 9 to hear it again) inside `<Gather>`. The menu
is only offered where webhooks work (DESK_PUBLIC_URL reachable) and the feature offers
it; otherwise the call ends with the desk's phone number. A key pressed reaches
`answer_key` through /twilio/voice/<message id>/<step>.

Wherever webhooks work, every call also offers, after the feature's keys, a key of
notify's own (STOP_KEY, 8: features' menus leave it free): "if you would rather not
get these calls, press 8". Pressed, it asks for the same key once more; the second
press records a call opt-out of the number (source `phone_key`, audited; SMS to it go
on) and says so: "We will not call you any more."

A call that was busy or not answered is tried once more an hour later (a new queued
outbox row; the dispatcher moves a due time inside the quiet hours to their end and
sends nothing after the message's not_after); when that one is not answered either, it
is marked failed and shows on the coordinators' list.
"""

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from twilio.twiml.voice_response import VoiceResponse

from desk.core.i18n import force_locale
from desk.core.web import public_url_for
from desk.extensions import db
from desk.notify import kinds, optout
from desk.notify.content import render
from desk.notify.models import MessageChannel, MessageState, OptOutSource, OutboxMessage
from desk.notify.spoken import spoken_digits

ENGLISH_VOICE = ("en-US", "Polly.Joanna")
GATHER_SECONDS = 8
RETRY_AFTER = timedelta(hours=1)
# Twilio's call statuses for a call nobody took -> the outbox's error_code
NOT_ANSWERED_CODES = {"busy": "busy", "no-answer": "no_answer"}
STEP_MAX = 16
# notify's own key and step: no more calls to this number (features' menus leave them free)
STOP_KEY = "8"
STOP_STEP = "stop"
STOP_ACTOR = "phone key"


def voice_of(locale):
    """(language, voice) that desk's calls speak `locale` in: Japanese with
    DESK_PHONE_VOICE (the reminders' calls and the phone line alike)."""
    if locale == "en":
        return ENGLISH_VOICE
    return "ja-JP", current_app.config["DESK_PHONE_VOICE"]


def _say(node, text, locale):
    language, voice_name = voice_of(locale)
    node.say(text, language=language, voice=voice_name)


def _gather(response, message, step):
    return response.gather(num_digits=1, method="POST", timeout=GATHER_SECONDS,
                           action=public_url_for("twilio.voice_key", message_id=message.id,
                                                 step=step))


def _key_menu(message):
    topic = kinds.topic_of(message.template)
    return topic.key_menu if topic is not None else None


def _webhooks_enabled():
    from desk.notify.webhooks import webhooks_enabled

    return webhooks_enabled()


def offers_menu(message, *, now):
    menu = _key_menu(message)
    return menu is not None and _webhooks_enabled() and menu.offered(message, now=now)


def _stop_prompt():
    return _("If you would rather not get these calls, press %(key)s.", key=STOP_KEY)


def _goodbye():
    return _("For questions, please call the desk at %(phone)s. Goodbye.",
             phone=spoken_digits(current_app.config["DESK_DESK_PHONE"]))


def _xml(response):
    return response.to_xml(xml_declaration=False)


def call_twiml(message, text, *, now):
    """The TwiML of the whole call: `text` said twice, then the feature's menu (when
    offered) and the "no more calls" key (wherever webhooks work)."""
    response = VoiceResponse()
    menu = _key_menu(message) if offers_menu(message, now=now) else None
    keys = _webhooks_enabled()
    target = _gather(response, message, kinds.MENU_STEP) if keys else response
    _say(target, text, message.locale)
    target.pause(length=1)
    _say(target, text, message.locale)
    if menu:
        _say(target, menu.prompt(message), message.locale)
    if keys:
        _say(target, _stop_prompt(), message.locale)
    _say(response, _goodbye(), message.locale)
    response.hangup()
    return _xml(response)


# -- the answers to the menu ---------------------------------------------------------------

def hang_up():
    response = VoiceResponse()
    response.hangup()
    return _xml(response)


def said(message, text):
    """TwiML: say `text`, then the desk's number, and hang up."""
    response = VoiceResponse()
    _say(response, text, message.locale)
    _say(response, _goodbye(), message.locale)
    response.hangup()
    return _xml(response)


def _asked(message, answer):
    response = VoiceResponse()
    gather = _gather(response, message, answer.step)
    _say(gather, answer.text, message.locale)
    _say(response, answer.otherwise, message.locale)
    response.hangup()
    return _xml(response)


def _menu_again(message, menu):
    response = VoiceResponse()
    gather = _gather(response, message, kinds.MENU_STEP)
    if menu is not None:
        _say(gather, menu.prompt(message), message.locale)
    _say(gather, _stop_prompt(), message.locale)
    _say(response, _goodbye(), message.locale)
    response.hangup()
    return _xml(response)


def _stop_asked(message):
    return _asked(message, kinds.Ask(
        _("To stop our calls to this telephone number, press %(key)s again.", key=STOP_KEY),
        step=STOP_STEP, otherwise=_("We will go on calling you.")))


def _stop_calls(message, digits, now):
    """The answer to the "press 8 again" question: the number opts out of calls."""
    if digits != STOP_KEY:
        return said(message, _("We will go on calling you."))
    optout.opt_out(message.address, channel=MessageChannel.VOICE,
                   source=OptOutSource.PHONE_KEY, actor=STOP_ACTOR, now=now)
    return said(message, _("We will not call you any more."))


def answer_key(message, step, digits, *, now):
    """TwiML for a key pressed at `step` of a call's menu: notify's own key (no more
    calls), or what the feature's menu answers, in the message's language."""
    menu = _key_menu(message)
    if len(step) > STEP_MAX:
        return hang_up()
    with force_locale(message.locale):
        if step == STOP_STEP:
            return _stop_calls(message, digits, now)
        if step == kinds.MENU_STEP and digits == STOP_KEY:
            return _stop_asked(message)
        if menu is None:
            return _menu_again(message, None)
        if not offers_menu(message, now=now):
            return said(message, menu.closed(message))
        answer = menu.press(message, step, digits, now=now)
        if isinstance(answer, kinds.Say):
            return said(message, answer.text)
        if isinstance(answer, kinds.Ask):
            return _asked(message, answer)
        if isinstance(answer, kinds.Repeat):
            return call_twiml(message, render(message, now=now).voice_text, now=now)
        return _menu_again(message, menu)


# -- no answer -------------------------------------------------------------------------------

def _is_retry(message):
    """Whether this call is the retry of a call nobody answered."""
    replaced = db.session.get(OutboxMessage, message.replaces_id) if message.replaces_id else None
    return (replaced is not None and replaced.channel == MessageChannel.VOICE
            and replaced.error_code in NOT_ANSWERED_CODES.values())


def not_answered(message, status, *, now):
    """A call was busy or not answered (`status` "busy" or "no-answer"). The first
    time it is marked undelivered and one more call is queued an hour later; the second
    time, or when the message's not_after would have passed by then, it is marked
    failed. Returns the queued retry, or None. Flushes only."""
    message.error_code = NOT_ANSWERED_CODES[status]
    message.last_error = f"Twilio call: {status}"
    message.updated_dt = now
    if message.sent_dt is None:
        message.sent_dt = now
    due = now + RETRY_AFTER
    if _is_retry(message) or (message.not_after is not None and due >= message.not_after):
        message.state = MessageState.FAILED
        db.session.flush()
        return None
    message.state = MessageState.UNDELIVERED
    retry = OutboxMessage(
        recipient_kind=message.recipient_kind, person_id=message.person_id,
        proxy_id=message.proxy_id, recipient_id=message.recipient_id,
        channel=message.channel, address=message.address, template=message.template,
        locale=message.locale, due_dt=due, topic=message.topic, topic_id=message.topic_id,
        not_after=message.not_after, state=MessageState.QUEUED, replaces_id=message.id,
        created_dt=now, updated_dt=now)
    db.session.add(retry)
    db.session.flush()
    return retry
