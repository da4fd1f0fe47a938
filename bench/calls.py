"""A booking's and a dispatched message's cost in one process, counted as well as timed.

Booking: the same requests as bench booking (new residents booking through
`POST /api/v1/sessions/{id}/bookings`, and the baseline's one-row insert), sent through
Flask's test client with no server and one at a time. It prints, for both and as ratios:
the Python function calls per request (counted by cProfile: a count, so the same on a
busy machine as on a quiet one, and what a change of the code moves), the CPU time per
request (`time.process_time`, without the profiler; the two endpoints alternate in
`--rounds` rounds, and the ratio is the median of the rounds': the speed of a shared
machine's CPU moves from minute to minute), and the SQL statements per request.

Dispatch: as bench dispatch, due SMS sent by desk's Twilio backend through the real
twilio client to a fake Twilio server (its own process), here by one dispatcher
(`desk.notify.dispatch.dispatch_due`, with its sending threads); against the same
client sending straight to the server (bench dispatch's ceiling). It prints the CPU
time per message of this whole process for both, in alternating rounds, and their
median ratio; and the Python calls per message in the dispatcher's own thread (claim,
load, render, record; the sends, in their threads, are not counted).

    python -m bench calls [--requests 500] [--messages 1000] [--rounds 5] [--sessions 100]

Throughput is bench booking's and bench dispatch's figure; this one tells whether a
change made a booking or a message cheaper when the machine is too busy for those to
say.
"""

import argparse
import cProfile
import pstats
import statistics
import sys
import time

from sqlalchemy import event

from bench import baseline
from bench import dispatch as dispatch_bench
from bench.booking import baseline_requests, booking_requests, prepare
from bench.database import bench_app
from desk.extensions import db
from desk.notify import dispatch
from desk.notify.channels import twilio_client

WARM_UP = 50
HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


def send(client, requests):
    for path, body in requests:
        response = client.post(path, data=body, headers=HEADERS)
        if response.status_code not in (200, 201):
            raise SystemExit(f"{path} answered {response.status_code}: {response.data[:200]!r}")


def calls_per_request(client, requests):
    profile = cProfile.Profile()
    profile.enable()
    send(client, requests)
    profile.disable()
    return pstats.Stats(profile).total_calls / len(requests)


def cpu_per_request(client, requests):
    started = time.process_time()
    send(client, requests)
    return (time.process_time() - started) / len(requests)


def statements_per_request(app, client, requests):
    seen = []

    def count(*_args):
        seen.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        send(client, requests)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen) / len(requests)


def dispatch_figures(messages, rounds):
    """CPU seconds per message of desk's dispatcher and of the twilio client straight
    to the server (medians of alternating rounds), the median of the rounds' ratios,
    calls per message in the dispatcher's thread; and the database's name."""
    share = -(-messages // rounds)
    with dispatch_bench.dispatch_app(pool_size=4) as (app, server, database):
        booking_id = dispatch_bench.prepare(app)
        client = twilio_client.build_client(dispatch_bench.client_config(server))
        first = 0

        def dispatched(count, profile=None, exact=True):
            nonlocal first
            dispatch_bench.queue(app, booking_id, count, first)
            first += count
            with app.app_context():
                started = time.process_time()
                if profile is not None:
                    profile.enable()
                dispatch.dispatch_due()
                if profile is not None:
                    profile.disable()
                spent = time.process_time() - started
                db.session.remove()
            received = len(server.take())
            if received != count and exact:
                raise SystemExit(f"the fake server received {received} of {count} messages")
            return spent / count

        def straight(count):
            started = time.process_time()
            dispatch_bench.send_straight(client, 0, count)
            spent = time.process_time() - started
            server.take()
            return spent / count

        dispatched(100, exact=False)  # and the booking's own messages, due too
        straight(100)
        profile = cProfile.Profile()
        dispatched(messages, profile)
        calls = pstats.Stats(profile).total_calls / messages
        measured = [(straight(share), dispatched(share)) for _round in range(rounds)]
    return (statistics.median(top for top, _desk in measured),
            statistics.median(desk for _top, desk in measured),
            statistics.median(top / desk for top, desk in measured), calls, database)


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench calls",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500,
                        help="requests per endpoint and per measure")
    parser.add_argument("--messages", type=int, default=1000,
                        help="dispatched messages per measure")
    parser.add_argument("--rounds", type=int, default=5,
                        help="alternate the two sides' CPU time this many times")
    parser.add_argument("--sessions", type=int, default=100, help="sessions booked into")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse(argv)
    count = args.requests
    share = -(-count // args.rounds)
    with bench_app() as bench:
        app = bench.app
        app.register_blueprint(baseline.bp)
        session_ids = prepare(app, args.sessions)
        client = app.test_client()
        send(client, booking_requests(session_ids, 0, WARM_UP) + baseline_requests(0, WARM_UP))
        first = WARM_UP

        def batches(size):
            nonlocal first
            first += size
            return (baseline_requests(first - size, size),
                    booking_requests(session_ids, first - size, size))

        figures = {}
        base, book = batches(count)
        figures["calls"] = (calls_per_request(client, base), calls_per_request(client, book))
        base, book = batches(count)
        figures["statements"] = (statements_per_request(app, client, base),
                                 statements_per_request(app, client, book))
        rounds = []
        for _round in range(args.rounds):
            base, book = batches(share)
            rounds.append((cpu_per_request(client, base), cpu_per_request(client, book)))
        figures["cpu"] = (statistics.median(base for base, _book in rounds),
                          statistics.median(book for _base, book in rounds))
        cpu_ratio = statistics.median(base / book for base, book in rounds)
        with app.app_context():
            db.engine.dispose()
    print(f"bench calls: {bench.database}, Flask test client, one request at a time, "
          f"{count} requests per endpoint and measure; CPU time in {args.rounds} rounds")
    print(f"  {'':<34}{'baseline':>10}{'booking':>10}{'ratio':>8}")
    for name, label, scale, digits in (
            ("calls", "Python calls per request", 1, 0),
            ("cpu", "CPU ms per request (median)", 1000, 2),
            ("statements", "SQL statements per request", 1, 1)):
        base, book = (value * scale for value in figures[name])
        ratio = cpu_ratio if name == "cpu" else base / book
        print(f"  {label:<34}{base:>10.{digits}f}{book:>10.{digits}f}{ratio:>8.2f}")
    print("  (ratio: baseline / booking, as bench booking's throughput ratio; for the CPU "
          "time, the median of the rounds' ratios)")
    top, desk, ratio, calls, database = dispatch_figures(args.messages, args.rounds)
    print(f"bench calls: dispatch on {database}, one dispatcher and its sending threads, "
          f"{args.messages} SMS per measure; CPU time in {args.rounds} rounds")
    print(f"  {'':<34}{'client':>10}{'desk':>10}{'ratio':>8}")
    print(f"  {'CPU ms per message (median)':<34}{top * 1000:>10.2f}{desk * 1000:>10.2f}"
          f"{ratio:>8.2f}")
    print(f"  {'Python calls per message':<34}{'':>10}{calls:>10.0f}"
          "   (the dispatcher's thread)")
    print("  (client: the twilio client sending straight to the server, bench dispatch's "
          "ceiling; ratio: client / desk)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
