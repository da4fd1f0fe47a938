"""A booking's cost in one process, counted as well as timed: the same requests as bench
booking (new residents booking through `POST /api/v1/sessions/{id}/bookings`, and the
baseline's one-row insert), sent through Flask's test client with no server and one at a
time. It prints, for both and as ratios: the Python function calls per request (counted
by cProfile: a count, so the same on a busy machine as on a quiet one, and what a change
of the code moves), the CPU time per request (`time.process_time`, without the
profiler), and the SQL statements per request.

    python -m bench calls [--requests 500] [--sessions 100]

Throughput over HTTP is bench booking's figure; this one tells whether a change made a
booking cheaper when the machine is too busy for bench booking to say.
"""

import argparse
import cProfile
import pstats
import sys
import time

from sqlalchemy import event

from bench import baseline
from bench.booking import baseline_requests, booking_requests, prepare
from bench.database import bench_app
from desk.extensions import db

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


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench calls",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500,
                        help="requests per endpoint and per measure")
    parser.add_argument("--sessions", type=int, default=100, help="sessions booked into")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse(argv)
    with bench_app() as bench:
        app = bench.app
        app.register_blueprint(baseline.bp)
        session_ids = prepare(app, args.sessions)
        client = app.test_client()
        send(client, booking_requests(session_ids, 0, WARM_UP) + baseline_requests(0, WARM_UP))
        count = args.requests
        batches = iter(range(WARM_UP, WARM_UP + 3 * count, count))
        figures = {}
        for name, measure in (("calls", calls_per_request), ("cpu", cpu_per_request),
                              ("statements", None)):
            first = next(batches)
            requests = {"baseline": baseline_requests(first, count),
                        "booking": booking_requests(session_ids, first, count)}
            for endpoint, batch in requests.items():
                figures[name, endpoint] = (measure(client, batch) if measure else
                                           statements_per_request(app, client, batch))
        with app.app_context():
            db.engine.dispose()
    print(f"bench calls: {bench.database}, Flask test client, one request at a time, "
          f"{count} requests per endpoint and measure")
    print(f"  {'':<34}{'baseline':>10}{'booking':>10}{'ratio':>8}")
    for name, label, scale, digits in (
            ("calls", "Python calls per request", 1, 0),
            ("cpu", "CPU ms per request", 1000, 2),
            ("statements", "SQL statements per request", 1, 1)):
        base, book = figures[name, "baseline"] * scale, figures[name, "booking"] * scale
        print(f"  {label:<34}{base:>10.{digits}f}{book:>10.{digits}f}{base / book:>8.2f}")
    print("  (ratio: baseline / booking, as bench booking's throughput ratio)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
