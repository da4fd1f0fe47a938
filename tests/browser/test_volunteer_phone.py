"""The volunteer's pages on a phone (390 x 844 CSS pixels, an iPhone 12 to 15): the next
shift is the first thing seen without scrolling, the menu is folded away (a <details>,
no script) and still opens, the profile page is a few screens long, not a dozen."""

import pytest

from tests.browser.axe_check import describe, run_axe

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# the profile page measured 4,736 px before its lists were folded, about 2,400 after
PROFILE_MAX_HEIGHT = 3 * PHONE["height"]

BOTTOM = "(selector) => document.querySelector(selector).getBoundingClientRect().bottom"


@pytest.fixture(params=["ja", "en"])
def phone(request, browsing):
    context = browsing.new_context(locale=request.param, viewport=PHONE, is_mobile=True,
                                   has_touch=True, device_scale_factor=3)
    browsing.log_in(context, "volunteer")
    page = context.new_page()
    yield page
    context.close()


def test_the_next_shift_is_on_the_first_screen(phone, live_server):
    phone.goto(live_server.url_for("volunteer.home"))
    first_shift = phone.locator("#next-heading ~ .me-list .me-card h3").first
    assert first_shift.is_visible()
    assert phone.evaluate(BOTTOM, "#next-heading ~ .me-list .me-card h3") <= PHONE["height"]
    header = phone.evaluate(BOTTOM, "header.site-header")
    assert header <= PHONE["height"] / 5, f"the header takes {header}px"
    # the menu is folded, its toggle opens it; the profile is named once on the screen
    menu = phone.locator("header .main-nav")
    assert not menu.is_visible()
    profile_links = phone.locator("a[href$='/volunteer/profile']")
    assert profile_links.count() == 1 and not profile_links.first.is_visible()
    phone.click(".main-menu__toggle")
    assert menu.is_visible() and profile_links.first.is_visible()
    violations = run_axe(phone)
    assert not violations, describe(violations)


def test_the_profile_page_is_a_few_screens_long(phone, live_server):
    phone.goto(live_server.url_for("volunteer.profile"))
    height = phone.evaluate("document.documentElement.scrollHeight")
    assert height <= PROFILE_MAX_HEIGHT, f"the profile page is {height}px tall"
    assert phone.locator("h1").count() == 1
    violations = run_axe(phone)
    assert not violations, describe(violations)


def test_the_menu_is_open_on_a_wide_screen(open_page, live_server):
    probe = open_page("volunteer")
    probe.goto(live_server.url_for("volunteer.home"))
    assert probe.page.locator("header .main-nav").is_visible()
    assert not probe.page.locator(".main-menu__toggle").is_visible()
