"""In the browser: text enlarged to 200 % without sideways scrolling, the CSP header and
no CSP violations, the locale switch, the skip link, and a check that the checks
themselves can fail."""

import pytest

from desk.core.security import CONTENT_SECURITY_POLICY
from tests.browser.axe_check import describe, run_axe

pytestmark = pytest.mark.browser

# (endpoint, role, URL arguments as keys of the seeded ids, query)
KEY_PAGES = [
    ("public.schedule", "anonymous", {}, {}),
    ("public.session", "anonymous", {"session_id": "session.outreach"}, {}),
    ("auth.login", "anonymous", {}, {}),
    ("staff.sessions", "coordinator", {}, {}),
    ("staff.sessions", "coordinator", {}, {"view": "month"}),
    ("staff.session_new", "coordinator", {}, {}),
    ("staff.series_new", "coordinator", {}, {}),
    ("people.duplicates", "coordinator", {}, {}),
]
KEY_PAGE_IDS = [f"{endpoint}{'-' + '-'.join(query.values()) if query else ''}"
                for endpoint, _role, _args, query in KEY_PAGES]

SIDEWAYS = """() => {
  const root = document.documentElement;
  return {
    viewport: root.clientWidth,
    document: root.scrollWidth,
    body: document.body.scrollWidth,
    // the widest element that sticks out of the viewport, to say what to fix
    culprit: [...document.body.querySelectorAll("*")]
      .filter((element) => element.getBoundingClientRect().right > root.clientWidth + 1)
      .filter((element) => !element.closest(".table-wrap"))
      .map((element) => element.tagName.toLowerCase() + "." + element.className)[0] || null,
  };
}"""
FONT_SIZE = "() => parseFloat(getComputedStyle(document.querySelector('main p, main label')).fontSize)"


def _url(live_server, endpoint, args, query):
    ids = live_server.ids
    return live_server.url_for(endpoint, **{name: ids[key] for name, key in args.items()},
                               **query)


def _log_in_context(browsing, role, **options):
    context = browsing.new_context(**options)
    if role != "anonymous":
        browsing.log_in(context, role)
    return context


def _assert_no_sideways_scrolling(page, what):
    widths = page.evaluate(SIDEWAYS)
    assert widths["document"] <= widths["viewport"] and widths["body"] <= widths["viewport"], (
        f"{what}: the page scrolls sideways ({widths})")


@pytest.mark.parametrize("zoom", [2, 4], ids=["200%", "400%"])
@pytest.mark.parametrize(("endpoint", "role", "args", "query"), KEY_PAGES, ids=KEY_PAGE_IDS)
def test_zoomed_page_does_not_scroll_sideways(browsing, live_server, endpoint, role, args,
                                              query, zoom):
    """Browser zoom (Ctrl +) in a 1280 x 800 window: at 200 % Chromium lays the page out
    in a 640 x 400 CSS-pixel viewport with two device pixels per CSS pixel, which is
    exactly this context; everything, text included, is twice as large. 400 % (320 CSS
    pixels) is WCAG 1.4.10 Reflow. Wide data tables may scroll inside their own region
    (allowed for tables), never the page; axe checks the zoomed page too."""
    context = _log_in_context(browsing, role, device_scale_factor=zoom,
                              viewport={"width": 1280 // zoom, "height": 800 // zoom})
    try:
        page = context.new_page()
        page.goto(_url(live_server, endpoint, args, query))
        assert page.evaluate("[innerWidth, devicePixelRatio]") == [1280 // zoom, zoom]
        _assert_no_sideways_scrolling(page, f"{endpoint} at {zoom * 100} % zoom")
        violations = run_axe(page)
        assert not violations, f"{endpoint} at {zoom * 100} % zoom:\n{describe(violations)}"
    finally:
        context.close()


@pytest.mark.parametrize(("endpoint", "role", "args", "query"), KEY_PAGES, ids=KEY_PAGE_IDS)
def test_text_enlarged_to_200_percent_grows_and_does_not_scroll_sideways(
        browsing, live_server, endpoint, role, args, query):
    """Text-only enlargement, as a senior sets it in the browser (Settings > Appearance >
    Font size): the default font size goes from 16 px to 32 px through the DevTools
    protocol (Page.setFontSizes), in a 1280 px wide window. The text must really grow
    (the stylesheet sizes text in rem/em, never in px) and the page must still fit."""
    context = _log_in_context(browsing, role)
    try:
        page = context.new_page()
        url = _url(live_server, endpoint, args, query)
        page.goto(url)
        normal = page.evaluate(FONT_SIZE)
        devtools = context.new_cdp_session(page)
        devtools.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})
        page.goto(url)
        enlarged = page.evaluate(FONT_SIZE)
        assert enlarged >= 2 * normal - 0.5, f"{endpoint}: text grew from {normal} to {enlarged}px"
        _assert_no_sideways_scrolling(page, f"{endpoint} with 200 % text")
    finally:
        context.close()


@pytest.mark.parametrize(("endpoint", "role", "args", "query"), KEY_PAGES, ids=KEY_PAGE_IDS)
def test_page_has_csp_header_and_no_csp_violation(open_page, live_server, endpoint, role,
                                                  args, query):
    probe = open_page(role)
    response = probe.goto(_url(live_server, endpoint, args, query))
    policy = response.headers.get("content-security-policy")
    assert policy == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert probe.problems() == []


def test_csp_violation_is_detected(open_page, live_server):
    """The check above can fail: a style attribute put into the page is refused by the
    CSP, and the probe reports it."""
    probe = open_page("anonymous")
    probe.goto(live_server.url_for("public.schedule"))
    probe.page.evaluate("""() => document.querySelector("main").insertAdjacentHTML(
        "beforeend", '<p style="color: red">inline style</p>')""")
    probe.page.wait_for_function("window.__deskCspViolations.length > 0")
    assert any("style-src" in problem for problem in probe.problems())


def test_axe_finds_violations_on_a_broken_page(open_page):
    """The accessibility check can fail too: axe reports what is wrong with bad HTML."""
    probe = open_page("anonymous")
    probe.page.set_content('<html><body><img src="photo.png"><input type="text">'
                           '<a href="/x"></a></body></html>')
    found = {violation["id"] for violation in run_axe(probe.page)}
    assert {"html-has-lang", "image-alt", "label", "link-name"} <= found


def test_locale_switch_changes_the_language(browsing, live_server):
    context = browsing.new_context()
    try:
        page = context.new_page()
        page.goto(live_server.url_for("public.venues"))
        assert page.locator("html").get_attribute("lang") == "ja"
        with page.expect_navigation():
            page.click('header nav a[hreflang="en"]')
        assert page.url == live_server.url_for("public.venues")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("h1").inner_text() == "Venues"
        cookies = {cookie["name"]: cookie["value"] for cookie in context.cookies()}
        assert cookies["desk_locale"] == "en"
        with page.expect_navigation():
            page.click('header nav a[hreflang="ja"]')
        assert page.locator("html").get_attribute("lang") == "ja"
    finally:
        context.close()


@pytest.mark.parametrize("role", ["anonymous", "coordinator"])
def test_skip_link_comes_first_and_moves_to_the_main_content(open_page, live_server, role):
    probe = open_page(role)
    probe.goto(live_server.url_for("public.schedule"))
    page = probe.page
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.className, "
                            "document.activeElement.getBoundingClientRect().top >= 0]")
    assert focused == ["skip-link", True]  # visible when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
