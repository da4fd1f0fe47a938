"""The ways a message leaves desk: SMS and voice calls through Twilio, e-mail through
SMTP, and the log backend when no provider is configured.

`backend_for(message, app)` picks the backend for a message's channel:
- SMS: Twilio when TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and a sender
  (DESK_TWILIO_MESSAGING_SERVICE_SID or DESK_SMS_FROM) are set;
- voice: Twilio when the credentials and DESK_VOICE_FROM are set;
- e-mail: SMTP when DESK_SMTP_URL is set (DESK_MAIL_FROM is then required);
- otherwise the log backend (records `logged`, prints, labelled as not sent).
Every backend has `send(message, content) -> SendResult` (content from
desk.notify.content.render); the Twilio ones also `lookup(message)` for reconciliation.
"""

from desk.notify.models import MessageChannel


def backend_for(message, app):
    from desk.notify.channels import twilio_client
    from desk.notify.channels.email import SmtpEmail, parse_smtp_url
    from desk.notify.channels.log import LogBackend
    from desk.notify.channels.twilio_sms import TwilioSms
    from desk.notify.channels.twilio_voice import TwilioVoice

    config = app.config
    channel = MessageChannel(message.channel)
    twilio = twilio_client.is_configured(config)
    if channel == MessageChannel.SMS and twilio and (
            config["DESK_TWILIO_MESSAGING_SERVICE_SID"] or config["DESK_SMS_FROM"]):
        return TwilioSms(twilio_client.client_for(config), config)
    if channel == MessageChannel.VOICE and twilio and config["DESK_VOICE_FROM"]:
        return TwilioVoice(twilio_client.client_for(config), config)
    if channel == MessageChannel.EMAIL and config["DESK_SMTP_URL"]:
        return SmtpEmail(parse_smtp_url(config["DESK_SMTP_URL"]), config["DESK_MAIL_FROM"])
    return LogBackend()
