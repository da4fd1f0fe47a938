"""What the dispatcher's tests share: a fake channel that counts every hand-over per
message (and can append it to a file before answering, for the crash tests), fresh
databases whose connections really run side by side, and quick ways to queue many
messages."""

import contextlib
import threading
from collections import Counter
from datetime import date, time, timedelta
from itertools import count

from sqlalchemy import delete, insert

from desk.core.timeutil import local_datetime
from desk.events import services as event_services
from desk.events.notices import BookingTemplate
from desk.extensions import db
from desk.notify.channels.base import SendResult
from desk.notify.dispatch import EXTENSION_KEY, Channels, dispatch_due
from desk.notify.models import (
    MessageChannel,
    MessageState,
    OptOut,
    OutboxMessage,
    RecipientKind,
)
from desk.people import services as people_services
from tests.conftest import live_database_app

_numbers = count(1)


def fake_render(message):
    return f"{message.template} #{message.id}"


class FakeBackend:
    """Counts `send` per message id. `script` maps a message id to the exceptions its
    next tries raise (one per try, then success); `state` is what a success returns;
    `log_path`, when set, gets one line per hand-over BEFORE `send` returns, so a
    process killed right after still leaves the record of what the provider got."""

    def __init__(self, *, state="sent", log_path=None, can_look_up=True, on_send=None):
        self.sends = Counter()
        self.contents = {}
        self.script = {}
        self.state = state
        self.log_path = log_path
        self.can_look_up = can_look_up
        self.on_send = on_send
        self._lock = threading.Lock()

    def send(self, message, content):
        message_id = message.id
        if self.on_send is not None:
            self.on_send("before_send", message_id)
        with self._lock:
            planned = self.script.get(message_id)
            if planned:
                raise planned.pop(0)
            self.sends[message_id] += 1
            self.contents[message_id] = content
            if self.log_path is not None:
                with open(self.log_path, "a") as log:
                    log.write(f"{message_id}\n")
        if self.on_send is not None:
            self.on_send("after_send", message_id)
        return SendResult(provider_id=f"FAKE{message_id}", state=self.state)

    def logged_sends(self):
        with open(self.log_path) as log:
            return Counter(int(line) for line in log if line.strip())

    def __getattr__(self, name):
        if name == "lookup" and self.can_look_up:
            return self._lookup
        raise AttributeError(name)

    def _lookup(self, message):
        """What a provider's message list would say: found, or nothing known."""
        sent = self.logged_sends() if self.log_path is not None else self.sends
        if sent.get(message.id):
            return SendResult(provider_id=f"FAKE{message.id}", state="sent")
        return None


def install(app, backend, render=fake_render):
    app.extensions[EXTENSION_KEY] = Channels(render=render,
                                             backend_for=lambda message, app: backend)
    return backend


def uninstall(app):
    app.extensions.pop(EXTENSION_KEY, None)


def fresh_app(kind, tmp_path_factory, **config):
    """(app, cleanup): an empty, migrated database of `kind` with real commits."""
    settings = {"DESK_SMS_RATE_PER_SECOND": 0, **config}  # no cap unless a test sets one
    stack = contextlib.ExitStack()
    app = stack.enter_context(
        live_database_app(kind, tmp_path_factory, connections=10, **settings))
    return app, stack.close


def make_session(*, day=date(2026, 12, 3), start=time(10)):
    """A class (with its venue and program), committed."""
    number = next(_numbers)
    venue = event_services.create_venue({
        "name": f"湘南台市民センター{number}", "name_kana": "ショウナンダイシミンセンター",
        "short_name": "湘南台", "address": "神奈川県藤沢市湘南台1-8",
        "default_capacity": 20}, actor="test")
    program = event_services.create_program({
        "title": "はじめてのスマホ", "title_kana": "ハジメテノスマホ",
        "title_en": "Smartphone basics", "topic": "basics", "level": "beginner",
        "device": "any", "default_duration_minutes": 90}, actor="test")
    session = event_services.create_session({
        "kind": "class", "capacity": 12, "venue_id": venue.id, "program_id": program.id,
        "start_dt": local_datetime(day, start),
        "end_dt": local_datetime(day, start) + timedelta(minutes=90)},
        actor="test", now=local_datetime(day, start) - timedelta(days=30))
    db.session.commit()
    return session


def make_person():
    number = next(_numbers)
    person = people_services.create_person(
        {"name": "佐藤 恵子", "name_kana": "さとう けいこ",
         "phone": f"090-{5000 + number // 10000:04d}-{number % 10000:04d}", "consent": True},
        channel="phone_desk", consent_method="phone_staff", actor="test",
        now=local_datetime(date(2026, 11, 1), time(10)))
    db.session.commit()
    return person


def queue_messages(count_, *, person, due, session=None, channel=MessageChannel.SMS,
                   template=BookingTemplate.REMINDER):
    """Insert `count_` queued messages in one statement and commit; returns their ids."""
    rows = [{
        "recipient_kind": RecipientKind.PERSON, "person_id": person.id, "channel": channel,
        "address": f"+8190{60000000 + index:08d}" if channel != MessageChannel.EMAIL
        else f"person{index}@example.jp",
        "template": template, "locale": "ja", "due_dt": due, "topic": "booking",
        "not_after": session.start_dt if session else None, "state": MessageState.QUEUED,
        "attempts": 0, "created_dt": due, "updated_dt": due,
    } for index in range(count_)]
    ids = list(db.session.scalars(insert(OutboxMessage).returning(OutboxMessage.id), rows))
    db.session.commit()
    return ids


def run_dispatchers(app, count, *, now):
    """`count` dispatchers (threads, each in its own application context with its own
    connection) start at once and run until nothing is due; returns how many messages
    each handled. Any error in any of them fails the test."""
    barrier = threading.Barrier(count)
    handled = [0] * count
    errors = []

    def work(index):
        try:
            with app.app_context():
                barrier.wait()
                handled[index] = dispatch_due(now=now).total()
                db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return handled


def clear_outbox():
    db.session.rollback()
    db.session.execute(delete(OutboxMessage))
    db.session.execute(delete(OptOut))
    db.session.commit()


def states(ids):
    """{id: MessageState} as committed."""
    db.session.rollback()
    rows = db.session.execute(
        OutboxMessage.__table__.select().where(OutboxMessage.id.in_(ids))).mappings()
    return {row["id"]: MessageState(row["state"]) for row in rows}
