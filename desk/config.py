"""Settings read from the environment.

Every variable is documented in docs/configuration.md; the names follow DESIGN.md.
`load_config` returns a plain dict that `create_app` hands to Flask; tests pass
overrides on top of it.
"""

import argparse
import os
import secrets
import shlex
from datetime import date, time
from pathlib import Path
from time import monotonic, sleep

from desk.core.errors import ConfigError
from desk.core.phone import parse_phone

DEFAULT_PORT = 5000
DEFAULT_MUNICIPALITY_NAME = "藤沢市（デモ）"
DEFAULT_MUNICIPALITY_NAME_EN = "Fujisawa City (demo)"
DEFAULT_MUNICIPALITY_CODE = "142051"
DEFAULT_DESK_PHONE = "0466-25-1111"
DEFAULT_QUIET_HOURS = "21:00-08:00"
DEFAULT_CLOSED_DAYS = "12/29-01/03"  # the city offices' year-end closure (年末年始)


def _flag(environ, name, default):
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _int(environ, name, default):
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None


def _days(environ, name, default):
    value = _int(environ, name, default)
    if value < 0:
        raise ConfigError(f"{name} must be 0 or more days, got {value}")
    return value


def _at_least(environ, name, default, minimum):
    value = _int(environ, name, default)
    if value < minimum:
        raise ConfigError(f"{name} must be {minimum} or more, got {value}")
    return value


def _float(environ, name, default):
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None


def _seconds(environ, name, default):
    value = _float(environ, name, default)
    if not value > 0:
        raise ConfigError(f"{name} must be a number of seconds above 0, got {value!r}")
    return value


def _purge_time(environ):
    """DESK_PURGE_TIME: HH:MM, or `off` (the city runs `desk purge` itself)."""
    if (environ.get("DESK_PURGE_TIME") or "").strip().lower() == "off":
        return None
    return _clock(environ, "DESK_PURGE_TIME", "03:30")


def parse_news_digest(raw):
    """DESK_NEWS_DIGEST: `D HH:MM`, the day of the month (1 to 28) and the local time the
    digest of new classes goes out (`1 10:00`: the 1st at 10:00), or `off` -> None."""
    text = (raw or "").strip().lower()
    if text == "off":
        return None
    parts = text.split()
    try:
        day, at = int(parts[0]), time.fromisoformat(parts[1])
        if len(parts) != 2 or not 1 <= day <= 28:
            raise ValueError
    except (ValueError, IndexError):
        raise ConfigError("DESK_NEWS_DIGEST must be a day of the month (1-28) and a time, "
                          f"e.g. '1 10:00', or 'off'; got {raw!r}") from None
    return day, at


def _retention_periods(environ):
    periods = {}
    for name in sorted(environ):
        if name.startswith("DESK_RETAIN_") and environ[name].strip():
            periods[name] = _int(environ, name, None)
            if periods[name] < 0:
                raise ConfigError(f"{name} must be 0 or more, got {periods[name]}")
    return periods


def _clock(environ, name, default):
    raw = (environ.get(name) or default).strip()
    try:
        return time.fromisoformat(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a time as HH:MM, got {raw!r}") from None


def parse_hours(name, raw, *, example, may_be_off=False, across_midnight=False):
    """A span of local times from `HH:MM-HH:MM` (setting `name`): `21:00-08:00` ->
    (time(21), time(8)); `off` (or nothing) -> None where `may_be_off`. A span that
    starts after it ends runs across midnight, refused unless `across_midnight`."""
    text = (raw or "").strip().lower()
    if may_be_off and text in {"off", "none", ""}:
        return None
    try:
        start_raw, end_raw = text.split("-")
        hours = time.fromisoformat(start_raw.strip()), time.fromisoformat(end_raw.strip())
    except ValueError:
        shape = f"look like {example}" + (" or be 'off'" if may_be_off else "")
        raise ConfigError(f"{name} must {shape}, got {raw!r}") from None
    if not across_midnight and hours[0] >= hours[1]:
        raise ConfigError(f"{name} must start before it ends, got {raw!r}")
    return hours


def _month_day(name, raw, whole):
    try:
        month, day = (int(part) for part in raw.strip().split("/"))
        date(2000, month, day)  # a leap year: 02/29 is a day
    except ValueError:
        raise ConfigError(f"{name} must be days as MM/DD or spans as MM/DD-MM/DD, "
                          f"separated by commas (e.g. 12/29-01/03), or 'off'; got {whole!r}"
                          ) from None
    return month, day


def parse_closed_days(raw, name="DESK_PHONE_STAFF_CLOSED_DAYS"):
    """The days of every year the city offices are closed besides weekends and public
    holidays: `MM/DD` days and `MM/DD-MM/DD` spans, separated by commas; a span may run
    across the new year. `12/29-01/03` -> (((12, 29), (1, 3)),); `off` -> ()."""
    text = (raw or "").strip().lower()
    if text in {"off", "none", ""}:
        return ()
    spans = []
    for part in text.split(","):
        first, _dash, last = part.partition("-")
        first = _month_day(name, first, raw)
        spans.append((first, _month_day(name, last, raw) if last.strip() else first))
    return tuple(spans)


def parse_staff_number(raw):
    """The staff desk's number the phone line puts callers through to, in E.164; "" when
    unset (callers are told the desk's number instead)."""
    if not (raw or "").strip():
        return ""
    phone = parse_phone(raw)
    if phone is None:
        raise ConfigError(
            f"DESK_PHONE_STAFF_NUMBER must be a phone number such as 0466-25-1111, got {raw!r}")
    return phone.e164


def secret_key_from_instance(instance_path):
    """Read the signing key kept in instance/, creating it (mode 0600) the first time.

    Processes started together on an empty folder (a server's workers) end with one key:
    only the process that creates the file writes a key; the others read that one."""
    path = Path(instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _key_written_in(path)
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    return key


def _key_written_in(path, wait_seconds=5.0):
    """The key in `path`, which another process may have created an instant ago and not
    written yet."""
    deadline = monotonic() + wait_seconds
    while not (key := path.read_text().strip()):
        if monotonic() > deadline:
            raise ConfigError(f"{path} is empty: delete it and desk creates a new key "
                              "(everybody is logged out), or set DESK_SECRET_KEY")
        sleep(0.05)
    return key


def normalise_database_url(url):
    """Accept the common spellings of a PostgreSQL URL and use psycopg 3 for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def local_url(host, port):
    """The address of desk on this machine when DESK_PUBLIC_URL is not set: the host and
    port `desk serve` listens on (a wildcard host is reached through the loopback)."""
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def load_config(instance_path, environ=None):
    env = os.environ if environ is None else environ
    instance_path = Path(instance_path)
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'desk.sqlite3'}"
    port = _int(env, "DESK_PORT", DEFAULT_PORT)
    public_url = (env.get("DESK_PUBLIC_URL") or local_url("127.0.0.1", port)).rstrip("/")
    secure_cookies = public_url.startswith("https://")
    redis_url = env.get("DESK_REDIS_URL") or ""
    return {
        "SECRET_KEY": env.get("DESK_SECRET_KEY") or secret_key_from_instance(instance_path),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "DESK_PUBLIC_URL": public_url,
        "DESK_PORT": port,
        # unset: the public address is the one `desk serve` listens on (local_url)
        "DESK_PUBLIC_URL_SET": bool(env.get("DESK_PUBLIC_URL")),
        "DESK_TIMEZONE": env.get("DESK_TIMEZONE") or "Asia/Tokyo",
        "DESK_DEFAULT_LOCALE": env.get("DESK_DEFAULT_LOCALE") or "ja",
        "DESK_MUNICIPALITY_NAME": env.get("DESK_MUNICIPALITY_NAME") or DEFAULT_MUNICIPALITY_NAME,
        "DESK_MUNICIPALITY_NAME_EN": env.get("DESK_MUNICIPALITY_NAME_EN") or "",
        "DESK_MUNICIPALITY_CODE": env.get("DESK_MUNICIPALITY_CODE") or DEFAULT_MUNICIPALITY_CODE,
        "DESK_DESK_PHONE": env.get("DESK_DESK_PHONE") or DEFAULT_DESK_PHONE,
        "DESK_REDIS_URL": redis_url,
        "DESK_CELERY_BROKER_URL": env.get("DESK_CELERY_BROKER_URL") or "",
        "DESK_SMTP_URL": env.get("DESK_SMTP_URL") or "",
        "DESK_MAIL_FROM": env.get("DESK_MAIL_FROM") or "",
        "TWILIO_ACCOUNT_SID": env.get("TWILIO_ACCOUNT_SID") or "",
        "TWILIO_AUTH_TOKEN": env.get("TWILIO_AUTH_TOKEN") or "",
        "DESK_SMS_FROM": env.get("DESK_SMS_FROM") or "",
        "DESK_TWILIO_MESSAGING_SERVICE_SID": env.get("DESK_TWILIO_MESSAGING_SERVICE_SID") or "",
        "DESK_VOICE_FROM": env.get("DESK_VOICE_FROM") or "",
        "DESK_TWILIO_BASE_URL": env.get("DESK_TWILIO_BASE_URL") or "",
        "DESK_PHONE_VOICE": env.get("DESK_PHONE_VOICE") or "Polly.Mizuki",
        "DESK_PHONE_SPEECH_RATE": env.get("DESK_PHONE_SPEECH_RATE") or "85%",
        "DESK_PHONE_STAFF_NUMBER": parse_staff_number(env.get("DESK_PHONE_STAFF_NUMBER")),
        # when the staff desk answers calls on its open days (desk.phone.menu)
        "DESK_PHONE_STAFF_HOURS": parse_hours(
            "DESK_PHONE_STAFF_HOURS", env.get("DESK_PHONE_STAFF_HOURS") or "09:00-17:00",
            example="09:00-17:00"),
        "DESK_PHONE_STAFF_CLOSED_DAYS": parse_closed_days(
            env.get("DESK_PHONE_STAFF_CLOSED_DAYS", DEFAULT_CLOSED_DAYS)),
        "DESK_QUIET_HOURS": parse_hours(
            "DESK_QUIET_HOURS", env.get("DESK_QUIET_HOURS", DEFAULT_QUIET_HOURS),
            example="21:00-08:00", may_be_off=True, across_midnight=True),
        "DESK_SMS_RATE_PER_SECOND": _float(env, "DESK_SMS_RATE_PER_SECOND", 1.0),
        "DESK_PROXY_COUNT": _int(env, "DESK_PROXY_COUNT", 0),
        "DESK_BOOKING_CLOSES_MINUTES": _int(env, "DESK_BOOKING_CLOSES_MINUTES", 0),
        "DESK_REMINDER_TIME": _clock(env, "DESK_REMINDER_TIME", "10:00"),
        # a seat freed closer than this to the start is offered, not given (desk.events.offers)
        "DESK_OFFER_WINDOW_HOURS": _at_least(env, "DESK_OFFER_WINDOW_HOURS", 24, 0),
        "DESK_OFFER_MINUTES": _at_least(env, "DESK_OFFER_MINUTES", 120, 1),
        # the online survey after a class (desk.events.surveys): sent the day after at
        # this time (Japan time), answerable for this many days from then
        "DESK_SURVEY_TIME": _clock(env, "DESK_SURVEY_TIME", "10:00"),
        "DESK_SURVEY_DAYS": _days(env, "DESK_SURVEY_DAYS", 7),
        # the waiting lists of sessions started within this many hours are followed up
        # with the next matching class (desk.events.followups)
        "DESK_FOLLOWUP_HOURS": _at_least(env, "DESK_FOLLOWUP_HOURS", 24, 1),
        "DESK_KIOSK_IDLE_SECONDS": _int(env, "DESK_KIOSK_IDLE_SECONDS", 60),
        "DESK_SHIFT_REMINDER_TIME": _clock(env, "DESK_SHIFT_REMINDER_TIME", "17:00"),
        "DESK_SHIFT_WITHDRAW_HOURS": _int(env, "DESK_SHIFT_WITHDRAW_HOURS", 24),
        "DESK_SHIFT_TRAVEL_MINUTES": _int(env, "DESK_SHIFT_TRAVEL_MINUTES", 30),
        "DESK_STAFFING_LEADS": _int(env, "DESK_STAFFING_LEADS", 1),
        "DESK_STAFFING_PARTICIPANTS_PER_VOLUNTEER": _int(
            env, "DESK_STAFFING_PARTICIPANTS_PER_VOLUNTEER", 4),
        "DESK_STAFFING_DAYS": _int(env, "DESK_STAFFING_DAYS", 14),
        "DESK_ROSTER_DAYS_BEFORE": _days(env, "DESK_ROSTER_DAYS_BEFORE", 1),
        "DESK_ROSTER_DAYS_AFTER": _days(env, "DESK_ROSTER_DAYS_AFTER", 1),
        "DESK_CONSULT_DEFAULT_MINUTES": _int(env, "DESK_CONSULT_DEFAULT_MINUTES", 15),
        "DESK_CONSULT_NOTIFY_AHEAD": _int(env, "DESK_CONSULT_NOTIFY_AHEAD", 3),
        "DESK_LOGIN_MAX_FAILURES": _int(env, "DESK_LOGIN_MAX_FAILURES", 5),
        "DESK_LOGIN_LOCKOUT_MINUTES": _int(env, "DESK_LOGIN_LOCKOUT_MINUTES", 15),
        "DESK_PASSWORD_HASH_METHOD": "scrypt",
        "DESK_LOCK_TIMEOUT_SECONDS": _seconds(env, "DESK_LOCK_TIMEOUT_SECONDS", 5.0),
        "DESK_PURGE_TIME": _purge_time(env),
        # the digest of new classes (desk.events.news_digest): (day of month, time) or None
        "DESK_NEWS_DIGEST": parse_news_digest(env.get("DESK_NEWS_DIGEST") or "1 10:00"),
        # retention periods (desk/core/retention.py; each class has its default there)
        **_retention_periods(env),
        # Flask and extensions
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "SESSION_COOKIE_NAME": "desk_session",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": 8 * 60 * 60,
        "PREFERRED_URL_SCHEME": "https" if secure_cookies else "http",
        "WTF_CSRF_TIME_LIMIT": 8 * 60 * 60,
        "RATELIMIT_ENABLED": _flag(env, "DESK_RATELIMIT_ENABLED", True),
        "DESK_COMPRESS": _flag(env, "DESK_COMPRESS", True),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": False,
        "MAX_CONTENT_LENGTH": 1 * 1024 * 1024,
    }


# -- limits kept in memory while several processes run ------------------------------------


def serving_processes(environ, argv):
    """How many processes serve requests, as far as desk can tell, where desk is loaded
    through desk.wsgi: under gunicorn its worker count (`-w`/`--workers` on its command
    line, else in GUNICORN_CMD_ARGS, else WEB_CONCURRENCY, gunicorn's order; a count in
    a gunicorn configuration file is not seen); under another server WEB_CONCURRENCY,
    which hosting platforms set to the worker count; else 1. (`desk serve` is one
    process: its threads share one memory.)"""
    program = Path(argv[0]) if argv else Path()
    if "gunicorn" in (program.name, program.parent.name):
        for args in (argv[1:], shlex.split(environ.get("GUNICORN_CMD_ARGS", ""))):
            workers = _workers_option(args)
            if workers is not None:
                return workers
    try:
        return max(int(environ.get("WEB_CONCURRENCY") or 1), 1)
    except ValueError:
        return 1


def _workers_option(args):
    parser = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    parser.add_argument("-w", "--workers")
    try:
        workers = parser.parse_known_args(args)[0].workers
        return None if workers is None else int(workers)
    except (argparse.ArgumentError, ValueError):
        return None


def unshared_limit_warnings(config, processes):
    """What runs per process although several run, for lack of DESK_REDIS_URL: the
    request rate limits (kept in each process's memory) when `processes` serve
    requests, and the SMS rate cap when Celery workers send (each worker process paces
    on its own)."""
    if config["DESK_REDIS_URL"]:
        return []
    warnings = []
    if processes > 1 and config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        warnings.append(
            f"{processes} processes serve desk and each keeps its own rate limits in "
            "memory (logins, bookings, cancelling by code): a client gets up to "
            f"{processes} times each limit. Set DESK_REDIS_URL to share them "
            "(docs/deployment.md).")
    if config["DESK_CELERY_BROKER_URL"]:
        warnings.append(
            "Celery workers send messages and each worker process keeps its own SMS "
            "rate cap (DESK_SMS_RATE_PER_SECOND): together they may send faster. Set "
            "DESK_REDIS_URL to share it (docs/deployment.md).")
    return warnings
