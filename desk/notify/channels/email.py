"""E-mail through SMTP (smtplib), with the calendar invitation where the message has one.

DESK_SMTP_URL: `smtp://user:password@host:port` (plain, port 25 by default),
`smtp://...:587?starttls=1` (STARTTLS before logging in) or `smtps://...` (TLS from the
start, port 465 by default); user and password are percent-encoded. DESK_MAIL_FROM is
the sender (`藤沢市デジタル推進室 <desk@city.example.jp>` or a bare address).

The message: multipart/mixed holding a multipart/alternative (text/plain, text/html,
`text/calendar; method=REQUEST|CANCEL; charset=utf-8`) and the same calendar as an
`invite.ics` attachment, which is what Outlook, Gmail and Apple Mail each look for.

Errors: a 4xx SMTP reply, a refused or dropped connection, a timeout: TransientError;
a 5xx reply (an unknown mailbox, a refused sender, failed authentication):
PermanentError with the SMTP code.
"""

import smtplib
import ssl
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from secrets import token_hex
from urllib.parse import parse_qs, unquote, urlsplit

from desk.core.errors import ConfigError
from desk.notify.channels.base import PermanentError, SendResult, TransientError

TIMEOUT_SECONDS = 30
TRUE_WORDS = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    use_ssl: bool = False
    starttls: bool = False
    username: str | None = None
    password: str | None = None


def parse_smtp_url(url):
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise ConfigError("DESK_SMTP_URL must look like smtp://user:password@host:port "
                          "or smtps://host")
    query = parse_qs(parts.query)
    try:
        port = parts.port
    except ValueError:
        raise ConfigError("DESK_SMTP_URL has an invalid port") from None
    return SmtpSettings(
        host=parts.hostname,
        port=port or (465 if parts.scheme == "smtps" else 25),
        use_ssl=parts.scheme == "smtps",
        starttls=query.get("starttls", [""])[0].lower() in TRUE_WORDS,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def _sender(mail_from):
    name, address = parseaddr(mail_from)
    if "@" not in address:
        raise ConfigError("DESK_MAIL_FROM must be an e-mail address")
    local, _at, domain = address.rpartition("@")
    return Address(display_name=name, username=local, domain=domain)


def build_email(message, content, *, mail_from, message_key):
    sender = _sender(mail_from)
    email = EmailMessage()
    email["Subject"] = content.email_subject
    email["From"] = sender
    email["To"] = message.address
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = f"<{message_key}@{sender.domain}>"
    email.set_content(content.email_text)
    email.add_alternative(content.email_html, subtype="html")
    if content.ics:
        calendar_text = content.ics.decode("utf-8")
        email.add_alternative(calendar_text, subtype="calendar",
                              params={"method": content.ics_method})
        email.add_attachment(content.ics, maintype="application", subtype="ics",
                             filename="invite.ics")
    return email


class SmtpEmail:
    def __init__(self, settings, mail_from):
        self.settings = settings
        self.mail_from = mail_from

    def _connect(self):
        settings = self.settings
        if settings.use_ssl:
            return smtplib.SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT_SECONDS,
                                    context=ssl.create_default_context())
        return smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)

    def send(self, message, content):
        message_key = f"outbox-{message.id}.{token_hex(6)}"
        email = build_email(message, content, mail_from=self.mail_from,
                            message_key=message_key)
        try:
            with self._connect() as smtp:
                if self.settings.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.settings.username:
                    smtp.login(self.settings.username, self.settings.password or "")
                smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            raise _reply_error(code, reply) from error
        except smtplib.SMTPResponseException as error:
            raise _reply_error(error.smtp_code, error.smtp_error) from error
        except (smtplib.SMTPException, OSError) as error:
            raise TransientError(f"SMTP server unreachable: {error}",
                                 code="connection") from error
        return SendResult(provider_id=message_key, state="sent")


def _reply_error(code, reply):
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    if 400 <= code < 500:
        return TransientError(f"SMTP {code}: {text}", code=code)
    return PermanentError(f"SMTP {code}: {text}", code=code)
