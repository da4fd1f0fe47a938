"""`desk serve` behind a reverse proxy: waitress reads the X-Forwarded-For entry the proxy
adds (DESK_PROXY_COUNT=1), so that every visitor has a rate-limit bucket of their own and
one visitor is still limited, whatever they forge to the left of the proxy's entry; with
DESK_PROXY_COUNT=0 the header is not believed at all.

Real parts on loopback: `desk serve` in a process of its own (on a file SQLite database,
rate limits in memory), a small forwarding proxy that appends its peer's address to
X-Forwarded-For as nginx's `$proxy_add_x_forwarded_for` does, and visitors connecting
from different loopback addresses (127.0.0.0/8)."""

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time as clock
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from desk import create_app
from desk.cli import apply_migrations
from desk.events.public_booking import CANCEL_RATE_LIMIT
from desk.extensions import db
from tests.conftest import test_config

pytestmark = pytest.mark.slow

LIMIT = int(CANCEL_RATE_LIMIT.split()[0])
DESK = Path(sys.executable).with_name("desk")
CANCEL = "/api/v1/bookings/12345678/cancel"
HOP_BY_HOP = {"connection", "content-length", "transfer-encoding", "keep-alive", "host",
              "date", "server"}


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def environment(tmp_path_factory):
    """The environment of the `desk serve` processes: a migrated SQLite file."""
    instance = tmp_path_factory.mktemp("instance")
    url = f"sqlite:///{instance / 'desk.sqlite3'}"
    app = create_app(test_config(instance, url))
    with app.app_context():
        apply_migrations()
        db.engine.dispose()
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("DESK_") and name != "DATABASE_URL"}
    env.update(DESK_INSTANCE_PATH=str(instance), DESK_SECRET_KEY="serve-test",
               DATABASE_URL=url)
    return env


@pytest.fixture(scope="module")
def serve(environment):
    """serve(proxy_count) -> the port of a running `desk serve` with that setting."""
    processes = []

    def start(proxy_count):
        port = _free_port()
        process = subprocess.Popen([DESK, "serve", "--port", str(port)],
                                   env={**environment, "DESK_PROXY_COUNT": str(proxy_count)},
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(process)
        _wait_until_up(port)
        return port

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=30)


def _wait_until_up(port):
    deadline = clock.monotonic() + 60
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            if clock.monotonic() > deadline:
                raise
        clock.sleep(0.2)


class Forwarding(BaseHTTPRequestHandler):
    """A reverse proxy in a few lines: the request goes on to desk with the peer's
    address appended to X-Forwarded-For."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {name: value for name, value in self.headers.items()
                   if name.lower() not in HOP_BY_HOP}
        forwarded = self.headers.get("X-Forwarded-For")
        peer = self.client_address[0]
        headers["X-Forwarded-For"] = f"{forwarded}, {peer}" if forwarded else peer
        headers["X-Forwarded-Proto"] = "https"
        upstream = http.client.HTTPConnection("127.0.0.1", self.server.upstream_port,
                                              timeout=30)
        upstream.request(self.command, self.path, body=body, headers=headers)
        response = upstream.getresponse()
        data = response.read()
        self.send_response(response.status)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def proxied(serve):
    """The port of a proxy in front of a `desk serve` with DESK_PROXY_COUNT=1."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Forwarding)
    server.upstream_port = serve(1)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def _cancel(port, visitor, forged=None):
    """A resident's cancellation by code, from the loopback address `visitor`."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30,
                                            source_address=(visitor, 0))
    headers = {"Content-Type": "application/json"}
    if forged:
        headers["X-Forwarded-For"] = forged
    connection.request("POST", CANCEL, body=json.dumps({"phone": "090-1234-5678"}),
                       headers=headers)
    response = connection.getresponse()
    response.read()
    return response.status


def test_each_visitor_behind_the_proxy_has_a_bucket_of_their_own(proxied):
    statuses = [_cancel(proxied, f"127.0.1.{number}") for number in range(1, LIMIT + 6)]
    assert statuses == [202] * (LIMIT + 5)


def test_one_visitor_behind_the_proxy_is_limited(proxied):
    statuses = [_cancel(proxied, "127.0.2.1") for _attempt in range(LIMIT + 1)]
    assert statuses == [202] * LIMIT + [429]


def test_what_a_visitor_forges_before_the_proxy_counts_for_nothing(proxied):
    statuses = [_cancel(proxied, "127.0.3.1", forged=f"198.51.100.{number}")
                for number in range(1, LIMIT + 2)]
    assert statuses == [202] * LIMIT + [429]


def test_without_proxies_forwarded_headers_are_not_believed(serve):
    port = serve(0)
    statuses = [_cancel(port, "127.0.4.1", forged=f"198.51.100.{number}")
                for number in range(1, LIMIT + 2)]
    assert statuses == [202] * LIMIT + [429]
