"""Dispatch throughput: due SMS sent through the real `twilio` client to a local fake
Twilio server, against that server's own ceiling, the two measured in alternating rounds
of the same run; then short runs under a messages-per-second cap, checking at the
server that no one-second window ever holds more than the cap.

    python -m bench dispatch [--rounds 3] [--messages 4000] [--dispatchers 4] [--cap 20]
                             [--cap-seconds 6] [--ceiling-requests 4000]

1. The fake server (a threaded HTTP server on 127.0.0.1, in a process of its own)
   answers `POST /2010-04-01/Accounts/{sid}/Messages.json` with 201 and a message
   resource, as Twilio does, and notes when each request arrived and for which number.
2. `--rounds` rounds, each of a ceiling and a dispatch, so that both see the same load
   of a shared machine; the median of the rounds' ratios is the figure.
   Ceiling: as many clients as dispatchers, each with its own real twilio Client (as
   desk builds it: desk.notify.channels.twilio_client), call `messages.create` straight
   at the server as fast as it answers.
   Dispatch: `--messages` due SMS in the outbox (one class; the text rendered for real
   by desk.events.messages), `--dispatchers` dispatchers (desk.notify.dispatch) claim,
   render, send through desk's Twilio SMS backend (DESK_TWILIO_BASE_URL points it at
   the fake server; each dispatcher keeps a few sends in flight) and record, with no
   rate cap. Dispatchers and ceiling clients are processes on PostgreSQL (as Celery's
   prefork workers), threads of one process on SQLite (as `desk serve`); `--workers`
   chooses. Checks that every message arrived exactly once and was recorded as sent
   with the provider's sid.
3. Cap: `--cap` x `--cap-seconds` more messages with DESK_SMS_RATE_PER_SECOND=`--cap`,
   sent by dispatcher threads of one process (one shared pace); and, when
   DESK_BENCH_REDIS_URL (else DESK_TEST_REDIS_URL) is set, by dispatcher processes
   sharing the pace in Redis. The server's arrival times must never hold more than
   `--cap` in any one-second window.

The database is a throw-away PostgreSQL schema when DESK_BENCH_DATABASE_URL (else
DESK_TEST_DATABASE_URL) is set, otherwise a temporary SQLite file.
"""

import argparse
import json
import multiprocessing
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager, nullcontext
from datetime import time as clock
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

from sqlalchemy import func, insert, select

from bench.database import ThrowAwaySchema, base_url
from desk import create_app
from desk.cli import apply_migrations
from desk.core.timeutil import local_datetime, local_today, utcnow
from desk.events import notices, services
from desk.events.notices import BookingTemplate
from desk.extensions import db
from desk.notify import dispatch
from desk.notify.channels import twilio_client
from desk.notify.models import MessageChannel, MessageState, OutboxMessage, RecipientKind
from desk.people import services as people_services

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "bench-token"
SENDER = "DESKBENCH"
MESSAGES_PATH = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
FORK = multiprocessing.get_context("fork")


# -- the fake Twilio server ---------------------------------------------------------------

class FakeTwilio(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.arrivals = []  # (monotonic time, To)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def take(self):
        with self.lock:
            arrivals, self.arrivals = self.arrivals, []
        return arrivals


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as api.twilio.com

    def setup(self):
        super().setup()
        # headers and body go out in two writes: without this, Nagle's algorithm and the
        # client's delayed ACK add 40 ms to every answer
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_POST(self):  # noqa: N802 (the http.server hook's name)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path != MESSAGES_PATH:
            self._answer(404, {"code": 20404, "message": "not found", "status": 404})
            return
        form = {key: values[0] for key, values in parse_qs(body.decode()).items()}
        with self.server.lock:
            self.server.arrivals.append((time.monotonic(), form.get("To", "")))
        sid = "SM" + uuid.uuid4().hex
        self._answer(201, {
            "sid": sid, "account_sid": ACCOUNT_SID, "to": form.get("To"),
            "from": form.get("From"), "body": form.get("Body"), "status": "queued",
            "num_segments": "1", "direction": "outbound-api", "api_version": "2010-04-01",
            "date_created": time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime()),
            "uri": f"{MESSAGES_PATH[:-5]}/{sid}.json"})

    def _answer(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def _serve(pipe):
    """The fake server's own process: answers requests, and hands its arrivals over
    whenever the parent asks (so that it never competes with desk for a CPU lock)."""
    server = FakeTwilio()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    pipe.send(server.url)
    while pipe.recv() == "take":
        pipe.send(server.take())
    server.shutdown()


class RemoteTwilio:
    def __init__(self, pipe, url):
        self.pipe, self.url = pipe, url

    def take(self):
        self.pipe.send("take")
        return self.pipe.recv()


@contextmanager
def fake_twilio():
    parent, child = FORK.Pipe()
    process = FORK.Process(target=_serve, args=(child,), daemon=True)
    process.start()
    try:
        yield RemoteTwilio(parent, parent.recv())
    finally:
        parent.send("stop")
        process.join(10)


# -- the runs -----------------------------------------------------------------------------

def run_threads(count, work):
    """Run work(index) in `count` threads started together; returns the seconds taken."""
    barrier = threading.Barrier(count + 1)
    errors = []

    def body(index):
        barrier.wait()
        try:
            work(index)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=body, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"a worker failed: {errors[0]!r}")
    return time.perf_counter() - started


def run_processes(count, work):
    """Run work(index) in `count` forked processes started together (as Celery's
    prefork workers would); returns the seconds taken."""
    start = FORK.Event()

    def body(index):
        start.wait()
        work(index)

    processes = [FORK.Process(target=body, args=(index,)) for index in range(count)]
    for process in processes:
        process.start()
    started = time.perf_counter()
    start.set()
    for process in processes:
        process.join()
    seconds = time.perf_counter() - started
    failed = [process.exitcode for process in processes if process.exitcode]
    if failed:
        raise SystemExit(f"a worker process failed: exit codes {failed}")
    return seconds


def ceiling(server, workers, requests, processes):
    """What the fake server takes from the real twilio client, without desk."""
    share = requests // workers

    def hammer(index):
        send_straight(twilio_client.build_client(client_config(server)), index, share)

    seconds = (run_processes if processes else run_threads)(workers, hammer)
    received = len(server.take())
    return received / seconds, received


def prepare(app):
    """A class next month with one booking: the messages' content is rendered from it."""
    with app.app_context():
        apply_migrations()
        now = utcnow()
        day = local_today(now) + timedelta(days=30)
        venue = services.create_venue({
            "name": "湘南台市民センター", "name_kana": "ショウナンダイシミンセンター",
            "short_name": "湘南台C", "address": "神奈川県藤沢市湘南台1-8",
            "default_capacity": 20}, actor="bench")
        program = services.create_program({
            "title": "はじめてのスマホ", "title_kana": "ハジメテノスマホ",
            "title_en": "Smartphone basics", "topic": "basics", "level": "beginner",
            "device": "any", "default_duration_minutes": 90}, actor="bench")
        session = services.create_session({
            "kind": "class", "capacity": 20, "venue_id": venue.id, "program_id": program.id,
            "start_dt": local_datetime(day, clock(10)),
            "end_dt": local_datetime(day, clock(11, 30))}, actor="bench", now=now)
        person = people_services.create_person(
            {"name": "佐藤 恵子", "name_kana": "さとう けいこ", "phone": "090-1234-5678",
             "consent": True}, channel="phone_desk", consent_method="phone_staff",
            actor="bench", now=now)
        booking = services.book_seat(session, person, channel="phone_desk", actor="bench",
                                     now=now).booking
        db.session.commit()
        return booking.id


def queue(app, booking_id, count, first):
    with app.app_context():
        booking_row = db.session.execute(select(OutboxMessage.person_id,
                                                OutboxMessage.not_after)
                                         .where(OutboxMessage.topic == notices.TOPIC,
                                                OutboxMessage.topic_id == booking_id)
                                         .limit(1)).one()
        due = utcnow() - timedelta(minutes=1)
        rows = [{
            "recipient_kind": RecipientKind.PERSON, "person_id": booking_row.person_id,
            "channel": MessageChannel.SMS, "address": f"+8190{first + index:08d}",
            "template": BookingTemplate.REMINDER, "locale": "ja", "due_dt": due,
            "topic": notices.TOPIC, "topic_id": booking_id, "not_after": booking_row.not_after,
            "state": MessageState.QUEUED, "attempts": 0, "created_dt": due,
            "updated_dt": due} for index in range(count)]
        db.session.execute(insert(OutboxMessage), rows)
        db.session.commit()
        return {row["address"] for row in rows}


def run_dispatchers(app, count, *, processes):
    """`count` dispatchers in as many processes (each with its own connections), or as
    threads of this process (sharing its rate pace)."""
    def work(index):
        with app.app_context():
            if processes:
                db.engine.dispose(close=False)
            dispatch.dispatch_due()
            db.session.remove()

    if processes:
        with app.app_context():
            db.engine.dispose()
        return run_processes(count, work)
    return run_threads(count, work)


def capped_run(app, booking_id, server, args, first, *, processes):
    """(messages, seconds, busiest second, problems) of a run under the cap."""
    count = int(args.cap * args.cap_seconds)
    addresses = queue(app, booking_id, count, first)
    seconds = run_dispatchers(app, args.dispatchers, processes=processes)
    arrivals = server.take()
    problems = check(app, [to for _at, to in arrivals], addresses)
    most = busiest_second([at for at, _to in arrivals])
    if most > args.cap:
        problems.append(f"{most} messages in one second, over the cap of {args.cap:g}")
    return count, seconds, most, problems


def check(app, server_numbers, addresses):
    """Each address received once at the server and recorded sent with its sid."""
    received = {}
    for number in server_numbers:
        received[number] = received.get(number, 0) + 1
    twice = [number for number, times in received.items() if times > 1]
    missing = addresses - set(received)
    with app.app_context():
        recorded = db.session.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.address.in_(addresses), OutboxMessage.state == MessageState.SENT,
            OutboxMessage.provider_id.like("SM%")))
    problems = []
    if twice:
        problems.append(f"{len(twice)} numbers received more than once")
    if missing:
        problems.append(f"{len(missing)} messages never arrived")
    if recorded != len(addresses):
        problems.append(f"{recorded} of {len(addresses)} recorded as sent")
    return problems


def busiest_second(times):
    times = sorted(times)
    most, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench dispatch",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3,
                        help="ceiling and dispatch rounds, alternating")
    parser.add_argument("--messages", type=int, default=4000,
                        help="due SMS sent in each dispatch round")
    parser.add_argument("--dispatchers", type=int, default=4, help="dispatcher threads")
    parser.add_argument("--cap", type=float, default=20.0,
                        help="DESK_SMS_RATE_PER_SECOND of the capped run")
    parser.add_argument("--cap-seconds", type=float, default=6.0,
                        help="how long the capped run lasts at the cap")
    parser.add_argument("--ceiling-requests", type=int, default=4000,
                        help="requests of each ceiling round")
    parser.add_argument("--workers", choices=("processes", "threads"), default=None,
                        help="dispatchers (and ceiling clients) as processes, as Celery runs "
                        "them (default on PostgreSQL), or threads of one process, as "
                        "`desk serve` does (default on SQLite)")
    return parser.parse_args(argv)


@contextmanager
def dispatch_app(pool_size):
    """(app, server, database kind): the app sending SMS through its Twilio backend to
    a fake Twilio server of its own, with no rate cap and no quiet hours, on a
    throw-away PostgreSQL schema of base_url() or, without one, a temporary SQLite
    file."""
    url = base_url()
    database = ThrowAwaySchema(url) if url else nullcontext(None)
    with tempfile.TemporaryDirectory() as instance, database as schema_url, \
            fake_twilio() as server:
        database_url = schema_url or f"sqlite:///{Path(instance) / 'bench.sqlite3'}"
        app = create_app({
            "DESK_INSTANCE_PATH": instance, "ENVIRON": {}, "SQLALCHEMY_DATABASE_URI":
            database_url, "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "DESK_SMS_FROM": SENDER, "DESK_TWILIO_BASE_URL": server.url,
            "DESK_SMS_RATE_PER_SECOND": 0, "DESK_QUIET_HOURS": None,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": pool_size}})
        try:
            yield app, server, "PostgreSQL" if schema_url else "SQLite"
        finally:
            with app.app_context():
                db.engine.dispose()


def client_config(server):
    """The twilio client's settings, as desk's backend builds its client from them."""
    return {"TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "DESK_TWILIO_BASE_URL": server.url}


def send_straight(client, index, count):
    """`count` SMS by the twilio client straight to the server, without desk."""
    for number in range(count):
        client.messages.create(to=f"+8170{index:02d}{number:06d}", from_=SENDER,
                               body="スマホ講座のお知らせです。")


def main(argv=None):
    args = parse(argv)
    with dispatch_app(args.dispatchers + 2) as (app, server, kind):
        booking_id = prepare(app)
        workers = args.workers or ("processes" if kind == "PostgreSQL" else "threads")
        processes = workers == "processes"

        rounds, problems, first = [], [], 0
        for _round in range(args.rounds):
            top, _received = ceiling(server, args.dispatchers, args.ceiling_requests,
                                     processes)
            addresses = queue(app, booking_id, args.messages, first)
            first += args.messages
            seconds = run_dispatchers(app, args.dispatchers, processes=processes)
            problems += check(app, [to for _at, to in server.take()], addresses)
            rounds.append((top, args.messages / seconds, seconds))

        app.config["DESK_SMS_RATE_PER_SECOND"] = args.cap
        runs = [("threads of one process", capped_run(
            app, booking_id, server, args, first, processes=False))]
        redis_url = os.environ.get("DESK_BENCH_REDIS_URL") or os.environ.get(
            "DESK_TEST_REDIS_URL")
        if redis_url:
            app.config["DESK_REDIS_URL"] = redis_url
            runs.append(("processes sharing Redis", capped_run(
                app, booking_id, server, args, first + 100_000, processes=True)))

        print(f"bench dispatch: {kind}, {args.dispatchers} dispatcher {workers}, real "
              f"twilio client -> fake Twilio server (its own process) on loopback")
        print(f"  {args.rounds} rounds, each: the fake server's ceiling (twilio client, "
              f"{args.dispatchers} {workers}, {args.ceiling_requests} requests), then desk "
              f"dispatching {args.messages} due SMS (claim, render, send, record)")
        print("  round  ceiling msg/s  dispatch msg/s  seconds  ratio")
        for number, (top, rate, seconds) in enumerate(rounds, 1):
            print(f"  {number:5d}  {top:13,.0f}  {rate:14,.0f}  {seconds:7.1f}  "
                  f"{rate / top:5.2f}")
        print(f"  median ratio dispatch / ceiling: "
              f"{statistics.median(rate / top for top, rate, _seconds in rounds):.2f}")
        for label, (count, capped_seconds, most, capped_problems) in runs:
            print(f"  capped run, DESK_SMS_RATE_PER_SECOND={args.cap:g}, {args.dispatchers} "
                  f"{label}: {count} messages in {capped_seconds:.1f} s "
                  f"({count / capped_seconds:.1f}/s); busiest one-second window at the "
                  f"server: {most}")
            problems += capped_problems
        if not redis_url:
            print("  (set DESK_BENCH_REDIS_URL for a capped run across processes)")
        for problem in problems:
            print(f"  PROBLEM: {problem}")
        print("  every message received exactly once and recorded as sent; cap respected"
              if not problems else "  FAILED")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
