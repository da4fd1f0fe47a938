"""The kiosk's weight: bytes a kiosk browser downloads at each step of a booking, for
the first resident on an empty cache (cold) and for the next resident (warm).

The bench loads the demo data, sets up a kiosk at the venue whose start screen lists
the most classes, binds a browser to it through the setup page and serves the
application as `desk serve` does (waitress, bench.server). Then two residents book, one
after the other, as Chromium would with JavaScript on: each page with its style sheets,
scripts and images (and what the style sheets load), each step's check, the booking
and its confirmation, then "Finish" (the reset). The browser sends
`Accept-Encoding: gzip, br` (`--accept-encoding`) and keeps an HTTP cache that follows Cache-Control (fresh
while max-age lasts, `no-store` never kept), revalidating with ETag / Last-Modified.
Counted: every response's status line, headers and body as they arrive (compressed
bodies as compressed).

    python -m bench kiosk [--accept-encoding "gzip, br"] [--threads 8] [--verbose]

With DESK_BENCH_DATABASE_URL (or DESK_TEST_DATABASE_URL) it works in a throw-away
PostgreSQL schema, as the other benches do; otherwise in a throw-away SQLite file (the
bytes do not depend on the database).
"""

import argparse
import gzip
import http.client
import json
import re
import sys
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urljoin, urlsplit

import brotli
from sqlalchemy import select

from bench.booking import serving
from bench.database import bench_app
from bench.server import SERVE_THREADS
from desk.cli import apply_migrations
from desk.core.timeutil import utcnow
from desk.demo.load import load_demo
from desk.events.models import Venue
from desk.extensions import db
from desk.kiosk import queries
from desk.kiosk import services as kiosk_services

COLD_TARGET = 60 * 1024  # bytes per step, empty cache
WARM_TARGET = 15 * 1024  # bytes per step, the next resident
ACCEPT_ENCODING = "gzip, br"
RESIDENTS = [
    {"name": "佐藤 恵子", "name_kana": "さとう けいこ", "phone": "090-4127-8830"},
    {"name": "鈴木 茂", "name_kana": "すずき しげる", "phone": "0466-25-4471"},
]
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def prepare(app):
    """Migrations, the demo, and a kiosk at the venue whose start screen lists the most
    classes; returns (venue id, setup code)."""
    with app.app_context():
        apply_migrations()
        load_demo()
        now = utcnow()
        venues = db.session.scalars(select(Venue).order_by(Venue.id)).all()
        venue = max(venues, key=lambda each: sum(
            len(group.sessions) for group in queries.kiosk_sessions(each, now=now)))
        _device, code = kiosk_services.create_kiosk(
            {"venue_id": venue.id, "name": "入口のタブレット"}, actor="bench", now=now)
        db.session.commit()
        venue_id = venue.id
        db.engine.dispose()
        return venue_id, code


class Links(HTMLParser):
    """What a page makes the browser load, and its forms' fields."""

    def __init__(self):
        super().__init__()
        self.assets = []
        self.fields = {}
        self.sessions = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").split():
            self.assets.append(attrs["href"])
        elif tag in ("script", "img") and attrs.get("src") \
                and not attrs["src"].startswith("data:"):
            self.assets.append(attrs["src"])
        elif tag == "input" and attrs.get("name"):
            if attrs["name"] == "session_id":
                self.sessions.append(attrs["value"])
            elif attrs.get("type") == "hidden":
                self.fields[attrs["name"]] = attrs.get("value") or ""


@dataclass
class Exchange:
    method: str
    path: str
    status: int
    size: int
    encoding: str


@dataclass
class Cached:
    body: bytes
    fresh_until: float
    validators: dict


@dataclass
class Browser:
    """A browser tab with cookies and an HTTP cache; `log` collects what went over the
    wire since it was last emptied."""

    port: int
    accept_encoding: str = ACCEPT_ENCODING
    cookies: dict = field(default_factory=dict)
    cache: dict = field(default_factory=dict)
    log: list = field(default_factory=list)

    def __post_init__(self):
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def _send(self, method, path, body=None, headers=None):
        headers = {"Accept-Encoding": self.accept_encoding, "Host": f"127.0.0.1:{self.port}",
                   **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.connection.request(method, path, body, headers)
        response = self.connection.getresponse()
        body = response.read()
        head = f"HTTP/1.1 {response.status} {response.reason}\r\n{response.msg}"
        encoding = response.getheader("Content-Encoding", "")
        self.log.append(Exchange(method, path, response.status,
                                 len(head.encode()) + len(body), encoding))
        for value in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response, body

    def fetch(self, path, *, method="GET", form=None, site="same-origin"):
        """A navigation or a form post, following redirects, and what the page links to,
        as a browser loads them; returns the final path and the page's links and fields."""
        navigate = {"Sec-Fetch-Site": site, "Sec-Fetch-Mode": "navigate"}
        if form is None:
            response, data = self._send(method, path, None, navigate)
        else:
            response, data = self._send(method, path, urlencode(form), {
                **navigate, "Content-Type": "application/x-www-form-urlencoded"})
        while response.status in (301, 302, 303, 307, 308):
            path = _local(urljoin(path, response.getheader("Location")))
            response, data = self._send("GET", path, None, navigate)
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}")
        links = Links()
        links.feed(_decode(data, response.getheader("Content-Encoding", "")))
        for asset in links.assets:
            self.asset(urljoin(path, asset))
        return path, links

    def asset(self, url):
        """A style sheet, script or image, through the cache."""
        path = _local(url)
        cached = self.cache.get(path)
        if cached is not None and cached.fresh_until > time.monotonic():
            return cached.body
        headers = {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "no-cors"}
        if cached is not None:
            headers.update(cached.validators)
        response, data = self._send("GET", path, None, headers)
        if response.status == 304 and cached is not None:
            body = cached.body
        else:
            body = _decode(data, response.getheader("Content-Encoding", "")).encode()
        self._store(path, response, body)
        if path.endswith(".css") or ".css?" in path:
            for found in CSS_URL.findall(body.decode()):
                if not found.startswith("data:"):
                    self.asset(urljoin(path, found))

    def _store(self, path, response, body):
        control = {part.strip().split("=")[0].lower(): part.strip().partition("=")[2]
                   for part in (response.getheader("Cache-Control") or "").split(",")
                   if part.strip()}
        if "no-store" in control:
            self.cache.pop(path, None)
            return
        max_age = 0 if "no-cache" in control else int(control.get("max-age") or 0)
        validators = {}
        if response.getheader("ETag"):
            validators["If-None-Match"] = response.getheader("ETag")
        if response.getheader("Last-Modified"):
            validators["If-Modified-Since"] = response.getheader("Last-Modified")
        previous = self.cache.get(path)
        if response.status == 304 and previous is not None:
            validators = validators or previous.validators
        self.cache[path] = Cached(body, time.monotonic() + max_age, validators)

    def check(self, venue_id, form, step):
        """kiosk.js's "next": one step's fields, posted for a JSON answer."""
        data = {"csrf_token": form["csrf_token"], "step": str(step)}
        data.update({name: form[name] for name in STEP_FIELDS[step]})
        response, body = self._send(
            "POST", f"/kiosk/{venue_id}/check", urlencode(data),
            {"Content-Type": "application/x-www-form-urlencoded",
             "Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors"})
        answer = json.loads(_decode(body, response.getheader("Content-Encoding", "")))
        if response.status != 200 or answer["errors"]:
            raise SystemExit(f"step {step} was refused: {response.status} {answer}")

    def take_log(self):
        log, self.log = self.log, []
        return log


STEP_FIELDS = {1: ("session_id",), 2: ("name", "name_kana"), 3: ("phone",)}
STEPS = ("1 choose a class", "2 name and reading", "3 phone number",
         "4 check, book, confirmation")


def _local(url):
    """The path and query of a URL on this server."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _decode(data, encoding):
    if encoding == "gzip":
        data = gzip.decompress(data)
    elif encoding == "br":
        data = brotli.decompress(data)
    return data.decode()


def resident(browser, venue_id, person, *, first):
    """One resident's booking; returns each step's exchanges."""
    steps = []
    # the first resident finds the start screen open; the next one arrives after "Finish"
    start = f"/kiosk/{venue_id}" if first else f"/kiosk/{venue_id}?reset=1"
    _path, links = browser.fetch(start, site="none" if first else "same-origin")
    form = {**links.fields, **person, "session_id": links.sessions[0], "seats": "1",
            "consent": "yes", "district_id": "", "age_band": ""}
    browser.check(venue_id, form, 1)
    steps.append(browser.take_log())
    for step in (2, 3):
        browser.check(venue_id, form, step)
        steps.append(browser.take_log())
    path, _links = browser.fetch(f"/kiosk/{venue_id}/book", method="POST", form=form)
    if "/done/" not in path:
        raise SystemExit(f"the booking did not reach its confirmation: ended at {path}")
    steps.append(browser.take_log())
    return steps


def _kb(size):
    return f"{size / 1024:.1f}"


def report(cold, warm, verbose):
    print(f"  {'step':<32}{'requests':>9}{'cold KB':>9}{'requests':>9}{'warm KB':>9}")
    worst_cold = worst_warm = 0
    for name, cold_step, warm_step in zip(STEPS, cold, warm, strict=True):
        cold_size = sum(each.size for each in cold_step)
        warm_size = sum(each.size for each in warm_step)
        worst_cold, worst_warm = max(worst_cold, cold_size), max(worst_warm, warm_size)
        print(f"  {name:<32}{len(cold_step):>9}{_kb(cold_size):>9}"
              f"{len(warm_step):>9}{_kb(warm_size):>9}")
    print(f"  {'whole booking':<32}{sum(map(len, cold)):>9}"
          f"{_kb(sum(e.size for step in cold for e in step)):>9}"
          f"{sum(map(len, warm)):>9}{_kb(sum(e.size for step in warm for e in step)):>9}")
    if verbose:
        for label, steps in (("cold", cold), ("warm", warm)):
            print(f"  {label}:")
            for name, step in zip(STEPS, steps, strict=True):
                for each in step:
                    print(f"    {name[:1]} {each.method:<5}{each.status:>4} "
                          f"{_kb(each.size):>7} KB {each.encoding or '-':<5} {each.path}")
    cold_ok, warm_ok = worst_cold <= COLD_TARGET, worst_warm <= WARM_TARGET
    print(f"  heaviest step cold: {_kb(worst_cold)} KB (aim: at most {_kb(COLD_TARGET)}) "
          f"{'ok' if cold_ok else 'OVER'}")
    print(f"  heaviest step warm: {_kb(worst_warm)} KB (aim: at most {_kb(WARM_TARGET)}) "
          f"{'ok' if warm_ok else 'OVER'}")
    return cold_ok and warm_ok


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench kiosk",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=SERVE_THREADS,
                        help="waitress threads (default: as `desk serve`)")
    parser.add_argument("--accept-encoding", default=ACCEPT_ENCODING,
                        help='what the browser accepts (default: "%(default)s"; '
                             '"identity": nothing compressed)')
    parser.add_argument("--verbose", action="store_true", help="list every request")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse(argv)
    with bench_app() as bench:
        app, environ = bench.app, bench.environ
        venue_id, code = prepare(app)
        with serving(environ, args.threads) as port:
            browser = Browser(port, args.accept_encoding)
            _path, setup = browser.fetch("/kiosk/setup", site="none")
            browser.fetch("/kiosk/setup", method="POST", form={**setup.fields, "code": code})
            browser.cache.clear()  # bound: the first resident starts on an empty cache
            browser.take_log()
            cold = resident(browser, venue_id, RESIDENTS[0], first=True)
            warm = resident(browser, venue_id, RESIDENTS[1], first=False)
        where = bench.database
        print(f"bench kiosk: {where}, waitress {args.threads} threads, the demo data; "
              f"Accept-Encoding: {args.accept_encoding}; bytes received (headers and body)")
        ok = report(cold, warm, args.verbose)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
