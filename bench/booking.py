"""Booking throughput over HTTP against the production server, on PostgreSQL or SQLite.

Many concurrent clients book seats across many sessions through the public JSON API
(`POST /api/v1/sessions/{id}/bookings`: each request matches or creates the person,
locks the session, books or waitlists, plans the messages and writes the audit log, in
one transaction). The same clients then hit a baseline endpoint (one row inserted in one
transaction, bench.baseline) on the same app, server and database, in the same run. It
prints requests per second and p50 / p95 latency for both, and their ratio.

    python -m bench booking [--clients 32] [--requests 3000] [--sessions 100] [--threads 8]
                            [--rounds 3]

The database is a throw-away schema on the PostgreSQL server named by
DESK_BENCH_DATABASE_URL (else DESK_TEST_DATABASE_URL), or, when neither is set, an
SQLite file in a temporary folder (`make run`'s default database); rate limiting is off
(DESK_RATELIMIT_ENABLED=0); the server is waitress, as `desk serve` runs it.
"""

import argparse
import http.client
import itertools
import json
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import time as clock
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from bench import baseline
from bench.database import bench_app
from bench.server import SERVE_THREADS
from desk.cli import apply_migrations
from desk.core.timeutil import local_datetime, local_today, utcnow
from desk.events import services
from desk.events.models import Booking, BookingStatus, EventSession
from desk.extensions import db

ROOT = Path(__file__).resolve().parent.parent
CAPACITY = 20
WARM_UP = 40
ACTOR = "bench"
NAMES = [
    ("佐藤 恵子", "サトウ ケイコ"), ("鈴木 茂", "スズキ シゲル"), ("高橋 和子", "タカハシ カズコ"),
    ("田中 正雄", "タナカ マサオ"), ("伊藤 節子", "イトウ セツコ"), ("渡辺 清", "ワタナベ キヨシ"),
    ("山本 幸子", "ヤマモト サチコ"), ("中村 勇", "ナカムラ イサム"), ("小林 トシ子", "コバヤシ トシコ"),
    ("加藤 進", "カトウ ススム"),
]


@dataclass
class Phase:
    name: str
    statuses: list = field(default_factory=list)
    latencies: list = field(default_factory=list)
    bodies: list = field(default_factory=list)
    seconds: float = 0.0

    def add(self, other):
        """Another round of the same endpoint."""
        self.statuses += other.statuses
        self.latencies += other.latencies
        self.bodies += other.bodies
        self.seconds += other.seconds

    @property
    def errors(self):
        return [(status, body) for status, body in zip(self.statuses, self.bodies, strict=True)
                if status not in (200, 201)]

    @property
    def per_second(self):
        return len(self.statuses) / self.seconds

    def percentile(self, percent):
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[percent - 1]


def person(index):
    name, kana = NAMES[index % len(NAMES)]
    return {"name": name, "kana": kana,
            "phone": f"090-{2000 + index // 10000:04d}-{index % 10000:04d}", "consent": True}


def booking_requests(session_ids, first, count):
    return [(f"/api/v1/sessions/{session_ids[index % len(session_ids)]}/bookings",
             json.dumps({**person(index), "seats": 2 if index % 10 == 0 else 1}).encode())
            for index in range(first, first + count)]


def baseline_requests(first, count):
    return [(baseline.PATH, json.dumps(person(index)).encode())
            for index in range(first, first + count)]


def hammer(port, name, requests, clients):
    """Send `requests` from `clients` threads (each on its own keep-alive connection),
    all released at once; returns the Phase with every answer and latency."""
    phase = Phase(name, [None] * len(requests), [None] * len(requests), [None] * len(requests))
    counter = itertools.count()
    barrier = threading.Barrier(clients + 1)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        barrier.wait()
        while (index := next(counter)) < len(requests):
            path, body = requests[index]
            started = time.perf_counter()
            connection.request("POST", path, body, headers)
            response = connection.getresponse()
            answer = response.read()
            phase.latencies[index] = time.perf_counter() - started
            phase.statuses[index] = response.status
            phase.bodies[index] = answer
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    phase.seconds = time.perf_counter() - started
    return phase


def prepare(app, session_count):
    """Migrations, the baseline's table, and `session_count` classes in the weeks ahead."""
    with app.app_context():
        apply_migrations()
        baseline.create_table()
        now = utcnow()
        venue = services.create_venue({
            "name": "湘南台市民センター", "name_kana": "ショウナンダイシミンセンター",
            "short_name": "湘南台", "address": "神奈川県藤沢市湘南台1-8",
            "phone": "0466-44-1111", "default_capacity": CAPACITY}, actor=ACTOR)
        program = services.create_program({
            "title": "はじめてのスマホ", "title_kana": "ハジメテノスマホ", "topic": "basics",
            "level": "beginner", "device": "any", "default_duration_minutes": 90}, actor=ACTOR)
        first_day = local_today(now) + timedelta(days=7)
        ids = []
        for number in range(session_count):
            day = first_day + timedelta(days=number // 3)
            start = (clock(10), clock(13, 30), clock(15, 30))[number % 3]
            begins = local_datetime(day, start)
            session = services.create_session({
                "kind": "class", "program_id": program.id, "venue_id": venue.id,
                "capacity": CAPACITY, "start_dt": begins,
                "end_dt": begins + timedelta(minutes=90)}, actor=ACTOR, now=now)
            ids.append(session.id)
        db.session.commit()
        return ids


@contextmanager
def serving(environ, threads):
    """The bench's server (bench.server) in a process of its own; yields its port."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.server", "--threads", str(threads)], cwd=ROOT,
        env=environ, stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"the bench server did not start: {line!r}")
        yield int(line.split()[1])
    finally:
        process.terminate()
        process.wait(timeout=30)


def check(app, session_ids, phase):
    """The invariants still hold after the run; returns (booked, waitlisted) answers."""
    answers = [json.loads(body) for status, body in zip(phase.statuses, phase.bodies,
                                                        strict=True) if status == 201]
    with app.app_context():
        over = db.session.execute(
            select(EventSession.id)
            .join(Booking, Booking.session_id == EventSession.id)
            .where(EventSession.id.in_(session_ids), Booking.status == BookingStatus.BOOKED)
            .group_by(EventSession.id, EventSession.capacity)
            .having(func.sum(Booking.seats) > EventSession.capacity)).all()
        stored = db.session.scalar(select(func.count(Booking.id))
                                   .where(Booking.session_id.in_(session_ids)))
        db.engine.dispose()
    if over:
        raise SystemExit(f"capacity exceeded at sessions {[row[0] for row in over]}")
    if stored != len(answers) + WARM_UP:
        raise SystemExit(f"{stored} bookings stored for {len(answers) + WARM_UP} answers")
    booked = sum(answer["status"] == "booked" for answer in answers)
    return booked, len(answers) - booked


def row(phase):
    return (f"  {phase.name:<34}{len(phase.statuses):>9}{phase.per_second:>10.1f}"
            f"{phase.percentile(50) * 1000:>10.1f}{phase.percentile(95) * 1000:>10.1f}"
            f"{len(phase.errors):>8}")


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench booking",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=32, help="concurrent HTTP clients")
    parser.add_argument("--requests", type=int, default=3000,
                        help="requests per endpoint (booking, baseline)")
    parser.add_argument("--sessions", type=int, default=100, help="sessions booked into")
    parser.add_argument("--threads", type=int, default=SERVE_THREADS,
                        help="waitress threads (default: as `desk serve`)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternate the two endpoints this many times, so that a busy "
                             "machine slows both alike")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse(argv)
    with bench_app() as bench:
        app, environ = bench.app, bench.environ
        session_ids = prepare(app, args.sessions)
        with serving(environ, args.threads) as port:
            warm = hammer(port, "warm-up", booking_requests(session_ids, 0, WARM_UP)
                          + baseline_requests(0, WARM_UP), min(args.clients, 8))
            if warm.errors:
                raise SystemExit(f"warm-up failed: {warm.errors[:3]}")
            base = Phase("baseline (1 row, 1 transaction)")
            booking = Phase("booking (POST .../bookings)")
            share = -(-args.requests // args.rounds)
            for first in range(WARM_UP, WARM_UP + args.requests, share):
                count = min(share, WARM_UP + args.requests - first)
                base.add(hammer(port, base.name, baseline_requests(first, count),
                                args.clients))
                booking.add(hammer(port, booking.name,
                                   booking_requests(session_ids, first, count), args.clients))
        booked, waitlisted = check(app, session_ids, booking)
        print(f"bench booking: {bench.database}, waitress "
              f"{args.threads} threads, {args.clients} clients, {args.sessions} sessions of "
              f"{CAPACITY} seats, {args.requests} requests per endpoint in {args.rounds} rounds")
        print(f"  {'endpoint':<34}{'requests':>9}{'req/s':>10}{'p50 ms':>10}{'p95 ms':>10}"
              f"{'errors':>8}")
        print(row(base))
        print(row(booking))
        print(f"  bookings: {booked} booked, {waitlisted} waitlisted; no session over capacity")
        print(f"  ratio booking / baseline throughput: {booking.per_second / base.per_second:.2f}")
        for status, body in (base.errors + booking.errors)[:5]:
            print(f"  error {status}: {body[:200]!r}")
    return 1 if base.errors or booking.errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
