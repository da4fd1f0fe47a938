"""The phone line under load: simultaneous calls running the whole booking flow through
the signed voice webhooks, on PostgreSQL, against the production server.

Each simulated caller (a resident on their own landline) rings, chooses "book", "the
soonest with seats", a class, one or two people, and confirms: six webhook requests,
each signed as Twilio signs them, each answered with TwiML naming the next. The same
callers, in the same run, post as many requests to a bare TwiML endpoint (bench.baseline:
no database) on the same server. It prints p50 / p95 webhook latency for both and their
ratio (Twilio gives up on a webhook after 15 s; the aim is a p95 within 2x the bare
endpoint's), and checks that every call ended booked or waitlisted and that no class is
oversold.

    python -m bench phone [--calls 50] [--sessions 8] [--capacity 4] [--threads 8]
"""

import argparse
import http.client
import re
import sys
import threading
import time
from datetime import time as clock
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from bench import baseline
from bench.booking import Phase, serving
from bench.database import base_url, bench_app, needs_postgres
from bench.server import SERVE_THREADS
from desk.cli import apply_migrations
from desk.core.timeutil import local_datetime, local_today, utcnow
from desk.events import services
from desk.events.models import Booking, BookingStatus, EventSession
from desk.extensions import db
from desk.people import services as people_services

AUTH_TOKEN = "bench-auth-token"
PUBLIC_URL = "https://desk.example.jp"
ACTOR = "bench"
ACTION = re.compile(r'action="([^"]+)"')
DONE = ("予約が できました。", "キャンセル待ちの")
TAKEN = "席が なくなりました"
MAX_KEYS = 8


def number(index):
    return f"0466-5{index // 10000 % 10}-{index % 10000:04d}"


def prepare(app, calls, session_count, capacity):
    """Migrations, `session_count` classes of `capacity` seats, one resident per call."""
    with app.app_context():
        apply_migrations()
        now = utcnow()
        venue = services.create_venue({
            "name": "辻堂市民センター", "name_kana": "ツジドウシミンセンター",
            "short_name": "辻堂", "address": "神奈川県藤沢市辻堂1-1", "phone": "0466-36-1111",
            "default_capacity": capacity}, actor=ACTOR)
        program = services.create_program({
            "title": "はじめてのスマホ", "title_kana": "ハジメテノスマホ", "topic": "basics",
            "level": "beginner", "device": "any", "default_duration_minutes": 90}, actor=ACTOR)
        first_day = local_today(now) + timedelta(days=7)
        ids = []
        for index in range(session_count):
            begins = local_datetime(first_day + timedelta(days=index), clock(10))
            ids.append(services.create_session({
                "kind": "class", "program_id": program.id, "venue_id": venue.id,
                "capacity": capacity, "start_dt": begins,
                "end_dt": begins + timedelta(minutes=90)}, actor=ACTOR, now=now).id)
        for index in range(calls):
            people_services.create_person(
                {"name": "辻 花子", "name_kana": "つじ はなこ", "phone": number(index),
                 "consent": True}, channel="phone_desk", consent_method="phone_staff",
                actor=ACTOR, now=now)
        db.session.commit()
        db.engine.dispose()
        return ids


def _post(connection, path, params):
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL + path, params)
    started = time.perf_counter()
    connection.request("POST", path, urlencode(params),
                       {"Content-Type": "application/x-www-form-urlencoded",
                        "X-Twilio-Signature": signature})
    response = connection.getresponse()
    body = response.read().decode()
    return response.status, body, time.perf_counter() - started


def run_calls(port, calls):
    """Every call at once, each on its own connection; returns (phone Phase, bare Phase,
    the last TwiML of each call)."""
    phone, bare = Phase("phone line webhooks (whole booking)"), Phase("bare TwiML endpoint")
    endings = [None] * calls
    barrier = threading.Barrier(calls + 1)
    lock = threading.Lock()

    def caller(index):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        sid = f"CA{index:032x}"
        keys = ["1", "1", str(index % 4 + 1), str(index % 2 + 1), "1"]
        barrier.wait()
        status, body, seconds = _post(connection, "/phone/voice/incoming",
                                      {"CallSid": sid, "From": "+81" + number(index)[1:]
                                       .replace("-", "")})
        answers = [(status, body, seconds)]
        for key in keys:
            match = ACTION.search(body)
            if status != 200 or match is None:
                break
            status, body, seconds = _post(connection, urlsplit(match.group(1)).path,
                                          {"CallSid": sid, "Digits": key})
            answers.append((status, body, seconds))
            if TAKEN in body and len(keys) < MAX_KEYS:
                keys.append("1")  # the seat went meanwhile: join the waiting list
        plain = [_post(connection, baseline.TWIML_PATH, {"CallSid": sid, "Digits": key})
                 for key in ["", *keys]]  # as many requests as the call made
        connection.close()
        endings[index] = body
        with lock:
            for target, results in ((phone, answers), (bare, plain)):
                for result in results:
                    target.statuses.append(result[0])
                    target.bodies.append(result[1])
                    target.latencies.append(result[2])

    threads = [threading.Thread(target=caller, args=(index,)) for index in range(calls)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    phone.seconds = bare.seconds = time.perf_counter() - started
    return phone, bare, endings


def check(app, session_ids, endings):
    """Every call ended booked or waitlisted; no class over capacity. Returns (booked,
    waitlisted)."""
    unfinished = [index for index, body in enumerate(endings)
                  if not body or not any(done in body for done in DONE)]
    with app.app_context():
        over = db.session.execute(
            select(EventSession.id).join(Booking, Booking.session_id == EventSession.id)
            .where(EventSession.id.in_(session_ids), Booking.status == BookingStatus.BOOKED)
            .group_by(EventSession.id, EventSession.capacity)
            .having(func.sum(Booking.seats) > EventSession.capacity)).all()
        counts = dict(db.session.execute(
            select(Booking.status, func.count(Booking.id))
            .where(Booking.session_id.in_(session_ids)).group_by(Booking.status)).all())
        db.engine.dispose()
    if over:
        raise SystemExit(f"capacity exceeded at sessions {[found[0] for found in over]}")
    if unfinished:
        raise SystemExit(f"calls that did not end booked or waitlisted: {unfinished[:10]}; "
                         f"the first ended with {endings[unfinished[0]]!r}")
    return counts.get(BookingStatus.BOOKED, 0), counts.get(BookingStatus.WAITLISTED, 0)


def row(phase):
    """Latencies only: the two endpoints run interleaved, in one stretch of time."""
    return (f"  {phase.name:<38}{len(phase.statuses):>9}{phase.percentile(50) * 1000:>10.1f}"
            f"{phase.percentile(95) * 1000:>10.1f}{len(phase.errors):>8}")


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench phone",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=50, help="simultaneous calls")
    parser.add_argument("--sessions", type=int, default=8, help="classes to book")
    parser.add_argument("--capacity", type=int, default=4, help="seats per class")
    parser.add_argument("--threads", type=int, default=SERVE_THREADS,
                        help="waitress threads (default: as `desk serve`)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse(argv)
    if base_url() is None:
        return needs_postgres("phone")
    with bench_app(TWILIO_AUTH_TOKEN=AUTH_TOKEN, DESK_PUBLIC_URL=PUBLIC_URL) as bench:
        app, environ = bench.app, bench.environ
        session_ids = prepare(app, args.calls, args.sessions, args.capacity)
        with serving(environ, args.threads) as port:
            phone, bare, endings = run_calls(port, args.calls)
        booked, waitlisted = check(app, session_ids, endings)
        print(f"bench phone: {bench.database}, waitress {args.threads} "
              f"threads, {args.calls} simultaneous calls, {args.sessions} classes of "
              f"{args.capacity} seats")
        print(f"  {'endpoint':<38}{'requests':>9}{'p50 ms':>10}{'p95 ms':>10}{'errors':>8}")
        print(row(bare))
        print(row(phone))
        print(f"  bookings: {booked} booked, {waitlisted} waitlisted; no class over capacity")
        print(f"  ratio p95 phone line / bare TwiML: "
              f"{phone.percentile(95) / bare.percentile(95):.2f} (aim: within 2)")
        for status, body in (bare.errors + phone.errors)[:5]:
            print(f"  error {status}: {body[:200]!r}")
    return 1 if bare.errors or phone.errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
