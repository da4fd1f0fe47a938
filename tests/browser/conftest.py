"""Browser tests: a live desk on loopback, looked at by headless Chromium.

- `live_server` (session scope): an app on its own fresh SQLite file, built by the
  real migrations, filled by tests/browser/seed.py through the services, served by a
  threaded WSGI server on 127.0.0.1 and a free port. CSRF protection is on, as in
  production. The tests run once, not once per database: what they check is the HTML.
- `browser` (session scope): the Debian package's Chromium (/usr/bin/chromium) driven
  by Playwright; never a downloaded browser. When Playwright or Chromium is missing the
  tests are skipped with the reason, unless DESK_REQUIRE_BROWSER=1, which makes that a
  failure (CI sets it).
- `browsing`: browser contexts per (role, locale), logged in through the real login
  form, each with one page that records CSP violations, console errors and script
  errors. The page is reused from test to test (each test starts by going to its URL,
  which replaces the document); what it recorded is cleared first.
"""

import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import url_for

from desk import create_app
from desk.extensions import db
from tests.browser.kiosk_device import bind_kiosk
from tests.browser.seed import ACCOUNTS, PASSWORD, seed
from tests.conftest import test_config

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--metrics-recording-only",
]
DESKTOP = {"width": 1280, "height": 800}
BROWSER_LOCALE = "ja-JP"  # a resident's browser in Japan: Accept-Language ja-JP

# Runs in every page before the page's own code. Scripts that Playwright injects through
# the DevTools protocol are not subject to the page's CSP, so this listener (unlike an
# inline script in a template) is allowed.
CSP_RECORDER = """
window.__deskCspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__deskCspViolations.push(
    event.effectiveDirective + " refused " + (event.blockedURI || "inline code") +
    " at " + (event.sourceFile || document.location.href) + ":" + event.lineNumber);
});
"""


def _required():
    return os.environ.get("DESK_REQUIRE_BROWSER", "") in {"1", "true", "yes"}


def browser_unavailable(reason):
    """Skip (printing the reason), or fail when DESK_REQUIRE_BROWSER=1."""
    if _required():
        pytest.fail(f"DESK_REQUIRE_BROWSER=1 but the browser tests cannot run: {reason}")
    pytest.skip(f"browser tests skipped: {reason} (set DESK_REQUIRE_BROWSER=1 to fail instead)")


@dataclass
class LiveServer:
    app: object
    url: str
    ids: dict

    def url_for(self, endpoint, **values):
        with self.app.test_request_context():
            path = url_for(endpoint, **values)
        return self.url + path


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    from werkzeug.serving import make_server

    from desk.cli import apply_migrations

    database = tmp_path_factory.mktemp("browser-db") / "desk-browser.sqlite3"
    config = test_config(tmp_path_factory.mktemp("browser-instance"), f"sqlite:///{database}")
    config["WTF_CSRF_ENABLED"] = True
    app = create_app(config)
    with app.app_context():
        apply_migrations()
        ids = seed()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    request_log = logging.getLogger("werkzeug")
    request_log_level = request_log.level
    request_log.setLevel(logging.WARNING)  # one line per request would bury failures
    thread = threading.Thread(target=server.serve_forever, name="desk-live-server",
                              daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}", ids=ids)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        request_log.setLevel(request_log_level)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def playwright_driver():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        browser_unavailable(f"Playwright for Python is not installed ({error})")
    try:
        import axe_playwright_python  # noqa: F401
    except ImportError as error:
        browser_unavailable(f"axe-playwright-python is not installed ({error})")
    if not CHROMIUM.exists():
        browser_unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver):
    from playwright.sync_api import Error

    try:
        browser = playwright_driver.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    except Error as error:
        browser_unavailable(f"{CHROMIUM} does not start: {error}")
    yield browser
    browser.close()


@dataclass
class Probe:
    """A page that remembers what went wrong while it loaded."""

    page: object
    console_errors: list = field(default_factory=list)
    page_errors: list = field(default_factory=list)

    def __post_init__(self):
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))

    def _on_console(self, message):
        if message.type == "error":
            self.console_errors.append((message.text, message.location.get("url", "")))

    def reset(self):
        """Ready for the next test: nothing recorded, the desktop viewport."""
        self.console_errors.clear()
        self.page_errors.clear()
        if self.page.viewport_size != DESKTOP:
            self.page.set_viewport_size(DESKTOP)

    def goto(self, url):
        response = self.page.goto(url, wait_until="load")
        assert response is not None, url
        return response

    def csp_violations(self):
        recorded = self.page.evaluate("window.__deskCspViolations || []")
        logged = [text for text, _url in self.console_errors
                  if "Content Security Policy" in text or "Content-Security-Policy" in text]
        return recorded + logged

    def problems(self, expected_status=200):
        """CSP violations, script errors and console errors, except the browser's own
        request for /favicon.ico (desk has none) and, on an error page, the report of
        the page's own status."""
        found = [f"CSP: {text}" for text in self.csp_violations()]
        found += [f"script error: {text}" for text in self.page_errors]
        for text, url in self.console_errors:
            if "Content Security Policy" in text or url.endswith("/favicon.ico"):
                continue
            if expected_status != 200 and f"status of {expected_status}" in text:
                continue
            found.append(f"console error: {text} ({url})")
        return found


class Browsing:
    """Browser contexts per (role, locale), each logged in once through the login form,
    and one page in each, reused by the tests."""

    def __init__(self, browser, server):
        self.browser = browser
        self.server = server
        self._contexts = {}
        self._probes = {}

    def new_context(self, *, locale="ja", **options):
        options.setdefault("viewport", DESKTOP)
        context = self.browser.new_context(locale=BROWSER_LOCALE,
                                           base_url=self.server.url, **options)
        context.set_default_timeout(15_000)
        context.add_init_script(CSP_RECORDER)
        if locale != "ja":
            context.add_cookies([{"name": "desk_locale", "value": locale,
                                  "url": self.server.url}])
        return context

    def context(self, role, locale):
        key = (role, locale)
        if key not in self._contexts:
            context = self.new_context(locale=locale)
            if role == "kiosk":
                bind_kiosk(context, self.server)
            elif role != "anonymous":
                self.log_in(context, role)
            self._contexts[key] = context
        return self._contexts[key]

    def log_in(self, context, role):
        email, _name = ACCOUNTS[role]
        page = context.new_page()
        page.goto(self.server.url_for("auth.login"))
        page.fill("#email", email)
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.click('main form[method="post"] button[type="submit"]')
        assert "/login" not in page.url, f"logging in as {role} failed: {page.url}"
        page.close()

    def open(self, role, locale="ja"):
        """The page of (role, locale), cleared for a new test; a new one if a test
        closed it."""
        key = (role, locale)
        probe = self._probes.get(key)
        if probe is None or probe.page.is_closed():
            probe = self._probes[key] = Probe(self.context(role, locale).new_page())
        else:
            probe.reset()
        return probe

    def close(self):
        for context in self._contexts.values():
            context.close()


@pytest.fixture(scope="session")
def browsing(browser, live_server):
    browsing = Browsing(browser, live_server)
    yield browsing
    browsing.close()


@pytest.fixture
def open_page(browsing):
    """open_page(role, locale) -> a Probe on the page of that role and locale, with
    nothing recorded yet. Go to a URL (or set the content) before looking at it."""
    return browsing.open
