"""Every page of every role on the demo data, one client at a time, against a bare page
served by the same server in the same run.

    python -m bench pages [--repeat 5] [--per-shape 1] [--threads 8]

1. The demo (`desk init --demo`'s data, anchored to today) is loaded into a throw-away
   schema; the bench's server (bench.server: the app as `desk serve` builds it, on
   waitress) serves it. A kiosk is set up for the venue of the next class (its setup
   code typed on /kiosk/setup, as staff would).
2. Each role logs in through the login page with its demo account and follows the links
   of its pages (bench.crawl, the crawl of the demo's dead-link test): anonymous from
   `/`, a volunteer from `/volunteer`, a coordinator from `/staff`, an admin from
   `/admin`, the consultation desk (a coordinator, its own screens under /consults/) from
   the reception and desk screens of today's consultation session, and the kiosk from its start page — plus the kiosk's
   steps (the checks its "next" buttons post) and its confirmation page after one
   booking. Reports and exports are among the links. Each endpoint is opened for
   `--per-shape` URLs per set of query keys.
3. Every page that answered 200 is then requested `--repeat` times, round after round,
   each request followed by one of `GET /bench/page` (bench.baseline: a small HTML page,
   no database, no template) so that the bare page is measured alongside. Prints p50 and
   p95 per page and their ratio to the bare page's p50, the ten slowest, and the server
   process's resident memory after the demo load, after the crawl and after each round.

The database is a throw-away schema on the PostgreSQL server named by
DESK_BENCH_DATABASE_URL (else DESK_TEST_DATABASE_URL); rate limiting is off.
"""

import argparse
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta

import requests
from sqlalchemy import select

from bench import baseline
from bench.booking import serving
from bench.crawl import START, Answer, crawl
from bench.database import base_url, bench_app, needs_postgres
from bench.server import SERVE_THREADS
from desk.cli import apply_migrations
from desk.core.timeutil import local_day_bounds, local_today, utcnow
from desk.demo.load import load_demo
from desk.demo.logins import read_demo_logins
from desk.events.models import EventSession, SessionKind, SessionStatus
from desk.extensions import db
from desk.kiosk import services as kiosk_services

SLOW_MS = 150  # the aim: no page's p50 above this, but the KPI dashboard and exports
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
SESSION_CHOICE = re.compile(r'name="session_id"[^>]*value="(\d+)"')
RESIDENT = {"name": "藤沢 花子", "name_kana": "フジサワ ハナコ", "phone": "090-3141-5926"}


@dataclass
class Page:
    role: str
    method: str
    url: str
    data: dict | None = None
    label: str = ""
    times: list = field(default_factory=list)

    @property
    def name(self):
        return self.label or self.url

    def percentile(self, percent):
        return _percentile(self.times, percent)


def _percentile(times, percent):
    if len(times) == 1:
        return times[0]
    return statistics.quantiles(times, n=100, method="inclusive")[percent - 1]


class Client:
    """One browser: a requests session with its cookies, on the bench's server."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.http = requests.Session()
        self.http.trust_env = False

    def request(self, method, url, data=None):
        return self.http.request(method, self.base + url, data=data, allow_redirects=False,
                                 timeout=120)

    def fetch(self, url):
        """bench.crawl's fetch."""
        response = self.request("GET", url)
        mimetype = response.headers.get("Content-Type", "").split(";")[0].strip()
        return Answer(response.status_code, response.headers.get("Content-Type", ""),
                      response.headers.get("Location"),
                      response.text if mimetype == "text/html" else None)

    def csrf(self, url):
        match = CSRF.search(self.request("GET", url).text)
        return match.group(1) or match.group(2)

    def post_form(self, url, values):
        return self.request("POST", url, {**values, "csrf_token": self.csrf(url)})


def prepare(app):
    """The demo, and what the crawl needs beyond it: the kiosk's venue and setup code,
    and today's consultation session (None on a day without one)."""
    with app.app_context():
        apply_migrations()
        now = utcnow()
        summary = load_demo(today=None, now=now)
        upcoming = db.session.scalars(
            select(EventSession).where(EventSession.kind == SessionKind.CLASS,
                                       EventSession.status == SessionStatus.SCHEDULED,
                                       EventSession.start_dt > now + timedelta(hours=2))
            .order_by(EventSession.start_dt).limit(1)).one()
        _kiosk, code = kiosk_services.create_kiosk(
            {"venue_id": upcoming.venue_id, "name": "入口のタブレット"}, actor="bench", now=now)
        start, end = local_day_bounds(local_today(now), local_today(now))
        consultation = db.session.scalar(
            select(EventSession).where(EventSession.kind == SessionKind.CONSULTATION,
                                       EventSession.status != SessionStatus.CANCELLED,
                                       EventSession.start_dt >= start,
                                       EventSession.start_dt < end)
            .order_by(EventSession.start_dt).limit(1))
        db.session.commit()
        consultation_id = consultation.id if consultation is not None else None
        venue_id = upcoming.venue_id
        db.session.remove()
        db.engine.dispose()
    return summary, venue_id, code, consultation_id


def log_in(client, email, password):
    response = client.post_form("/login", {"email": email, "password": password})
    if response.status_code != 302:
        raise SystemExit(f"logging in as {email} failed: {response.status_code}")


def kiosk_steps(client, venue_id):
    """The kiosk's POSTs as a resident goes through it: the check of each step, then one
    booking (not timed) whose confirmation page is timed."""
    start = f"/kiosk/{venue_id}"
    page = client.request("GET", start).text
    csrf_match = CSRF.search(page)
    token = csrf_match.group(1) or csrf_match.group(2)
    session_id = SESSION_CHOICE.search(page).group(1)
    steps = {1: {"session_id": session_id},
             2: {"name": RESIDENT["name"], "name_kana": RESIDENT["name_kana"]},
             3: {"phone": RESIDENT["phone"]}}
    pages = [Page("kiosk", "POST", f"{start}/check",
                  {"csrf_token": token, "step": str(step), **values},
                  label=f"POST {start}/check (step {step})")
             for step, values in steps.items()]
    booked = client.request("POST", f"{start}/book", {
        "csrf_token": token, "session_id": session_id, **RESIDENT, "seats": "1",
        "consent": "yes", "district_id": "", "age_band": "", "submission": "bench-kiosk"})
    if booked.status_code != 303:
        raise SystemExit(f"the kiosk's booking failed: {booked.status_code}")
    done = booked.headers["Location"].removeprefix(client.base)
    pages.append(Page("kiosk", "GET", done, label=f"{start}/done/<token>"))
    return pages


def discover(app, port, venue_id, code, consultation_id, per_shape):
    """Log each role in and crawl its pages: ({role: Client}, [Page], [problems])."""
    logins = {}
    for role, email, password in read_demo_logins(app.instance_path):
        logins.setdefault(role, (email, password))  # each role's first account
    starts = {role: [url] for role, url in START.items()}
    if consultation_id is not None:
        starts["desk"] = [f"/consults/{consultation_id}/reception",
                          f"/consults/{consultation_id}/desk"]
    starts["kiosk"] = [f"/kiosk/{venue_id}"]
    adapter = app.url_map.bind("localhost")
    clients, pages, problems = {}, [], []
    for role, urls in starts.items():
        client = clients[role] = Client(port)
        if role == "kiosk":
            response = client.post_form("/kiosk/setup", {"code": code})
            if response.status_code != 303:
                raise SystemExit(f"setting up the kiosk failed: {response.status_code}")
        elif role == "desk":
            log_in(client, *logins["coordinator"])
        elif role != "anonymous":
            log_in(client, *logins[role])
        seen = set()
        within = ("/consults/",) if role == "desk" else ("/",)  # the rest: as coordinator
        for visit in crawl(urls, client.fetch, adapter, per_shape=per_shape, within=within):
            if visit.answer.status >= 400:
                problems.append(f"{visit.answer.status} {visit.url} as {role} "
                                f"(linked from {visit.referrer})")
            elif visit.answer.status == 200 and visit.url not in seen:
                seen.add(visit.url)
                pages.append(Page(role, "GET", visit.url))
        if role == "kiosk":
            pages += kiosk_steps(client, venue_id)
    return clients, pages, problems


def measure(clients, pages, repeat, bare, memory, probe):
    """`repeat` rounds over every page, each request followed by the bare page; the
    server's RSS noted after each round."""
    for number in range(1, repeat + 1):
        for page in pages:
            client = clients[page.role]
            started = time.perf_counter()
            response = client.request(page.method, page.url, page.data)
            page.times.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise SystemExit(f"{page.method} {page.url} as {page.role} answered "
                                 f"{response.status_code} while timed")
            started = time.perf_counter()
            client.request("GET", baseline.PAGE_PATH)
            bare.append(time.perf_counter() - started)
        memory[f"after timing round {number} of {repeat}"] = rss_mib(probe)


def rss_mib(client):
    return client.request("GET", baseline.MEMORY_PATH).json()["rss_kib"] / 1024


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench pages",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="requests per page")
    parser.add_argument("--per-shape", type=int, default=1,
                        help="URLs crawled per endpoint and set of query keys")
    parser.add_argument("--threads", type=int, default=SERVE_THREADS,
                        help="waitress threads (default: as `desk serve`)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse(argv)
    if base_url() is None:
        return needs_postgres("pages")
    with bench_app() as bench:
        app, environ = bench.app, bench.environ
        summary, venue_id, code, consultation_id = prepare(app)
        with serving(environ, args.threads) as port:
            probe = Client(port)
            for _warm in range(20):
                probe.request("GET", baseline.PAGE_PATH)
            memory = {"after the demo load (serving, warmed up)": rss_mib(probe)}
            clients, pages, problems = discover(app, port, venue_id, code, consultation_id,
                                                args.per_shape)
            memory["after the crawl"] = rss_mib(probe)
            bare = []
            measure(clients, pages, args.repeat, bare, memory, probe)
        bare_p50 = _percentile(bare, 50)
        print(f"bench pages: {bench.database}, waitress {args.threads} "
              f"threads, one client; {len(pages)} pages ({args.per_shape} per endpoint and "
              f"query keys), each requested {args.repeat} times")
        print(f"  demo: {summary}")
        print(f"  {'role':<12}{'page':<66}{'p50 ms':>9}{'p95 ms':>9}{'x bare':>8}")
        for page in pages:
            print(f"  {page.role:<12}{page.name[:65]:<66}{page.percentile(50) * 1000:>9.1f}"
                  f"{page.percentile(95) * 1000:>9.1f}{page.percentile(50) / bare_p50:>8.1f}")
        print(f"  {'bare page':<12}{baseline.PAGE_PATH:<66}{bare_p50 * 1000:>9.1f}"
              f"{_percentile(bare, 95) * 1000:>9.1f}{1:>8.1f}")
        print("  the ten slowest (p50):")
        for page in sorted(pages, key=lambda page: -page.percentile(50))[:10]:
            print(f"  {page.role:<12}{page.name[:65]:<66}{page.percentile(50) * 1000:>9.1f}"
                  f"{page.percentile(95) * 1000:>9.1f}{page.percentile(50) / bare_p50:>8.1f}")
        slow = [page for page in pages if page.percentile(50) * 1000 > SLOW_MS]
        print(f"  pages with a p50 above {SLOW_MS} ms: {len(slow)} of {len(pages)}; "
              f"median page {statistics.median(p.percentile(50) for p in pages) * 1000:.1f} ms"
              f" = {statistics.median(p.percentile(50) for p in pages) / bare_p50:.1f}x bare")
        for when, mib in memory.items():
            print(f"  server RSS {when}: {mib:.0f} MiB")
        for problem in problems:
            print(f"  ERROR {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
