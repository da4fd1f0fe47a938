"""The kiosk in headless Chromium, driven by touch: a complete booking by taps, axe on
every step in Japanese and English, the idle reset that leaves nothing behind, a double
tap that books once, the form without JavaScript, touch targets and text size, reflow
at 320 px, the furigana switch. Screenshots of each step go to artifacts/kiosk/
(ignored by git)."""

import re
from datetime import time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from desk.core.db import write_intent
from desk.core.timeutil import local_datetime, local_today, utcnow
from desk.events import services
from desk.events.models import Booking, BookingChannel, BookingStatus
from desk.extensions import db
from desk.people.models import Person
from tests.browser.axe_check import describe, run_axe
from tests.browser.conftest import Probe
from tests.browser.kiosk_device import bind_kiosk

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "kiosk"
TABLET = {"width": 1024, "height": 768}
SHORT_IDLE = 16  # seconds; the countdown is then 4 seconds
STEP_TITLES = {1: "class", 2: "name", 3: "phone", 4: "check"}


@pytest.fixture(scope="module")
def kiosk_class(live_server):
    """A class of its own for these tests, tomorrow at 08:00 at the seeded venue (the
    first the kiosk lists), with plenty of seats."""
    app = live_server.app
    with app.app_context(), write_intent():
        day = local_today() + timedelta(days=1)
        session = services.create_session({
            "kind": "class", "program_id": live_server.ids["program"],
            "venue_id": live_server.ids["venue"], "capacity": 30,
            "start_dt": local_datetime(day, time(8)), "end_dt": local_datetime(day, time(9))},
            actor="browser-test", now=utcnow())
        db.session.commit()
        return session.id


@pytest.fixture
def kiosk(browsing, live_server):
    """kiosk(locale="en", **context options) -> a Probe on a page of a new touch-screen
    context bound as a kiosk at the seeded venue; closed after the test."""
    contexts = []

    def factory(locale="en", **options):
        options.setdefault("viewport", TABLET)
        options.setdefault("has_touch", True)
        context = browsing.new_context(locale=locale, **options)
        contexts.append(context)
        bind_kiosk(context, live_server)
        return Probe(context.new_page())

    yield factory
    for context in contexts:
        context.close()


@pytest.fixture
def short_idle(live_server, monkeypatch):
    monkeypatch.setitem(live_server.app.config, "DESK_KIOSK_IDLE_SECONDS", SHORT_IDLE)


def _start_url(live_server):
    return live_server.url_for("kiosk.start", venue_id=live_server.ids["venue"])


def _step(page, number):
    return page.locator(f'[data-step="{number}"]')


def _assert_axe_clean(page, label):
    violations = run_axe(page)
    assert not violations, f"axe on {label}:\n{describe(violations)}"


def _snap(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _tap_kana(page, keys):
    """Tap the kana keys: ゛ ゜ 小 are the marks, a space the space key."""
    actions = {"゛": "dakuten", "゜": "handakuten", "小": "small", " ": "space", "ー": "long"}
    for key in keys:
        if key in actions:
            page.locator(f'[data-kana-action="{actions[key]}"]').tap()
        else:
            page.locator(f'[data-kana="{key}"]').tap()


def _tap_digits(page, digits, keypad="phone"):
    for digit in digits:
        page.locator(f'[data-keypad="{keypad}"] [data-digit="{digit}"]').tap()


def _next(page, number):
    _step(page, number).locator("[data-next]").tap()
    page.locator(f'[data-step="{number + 1}"]').wait_for(state="visible")


def _fill_steps(page, session_id, *, name, kana_keys, phone):
    """Steps 1 to 3 by touch; the kanji name through the device's own input method."""
    page.locator(f'label[for="session-{session_id}"]').tap()
    _next(page, 1)
    page.locator("#name").tap()
    page.locator("#name").fill(name)
    page.locator("#name_kana").tap()
    _tap_kana(page, kana_keys)
    _next(page, 2)
    _tap_digits(page, phone)
    _next(page, 3)


def _bookings_of(live_server, phone_e164):
    """The bookings, detached as read (the app context's end rolls back, which would
    expire them)."""
    with live_server.app.app_context():
        bookings = db.session.scalars(
            select(Booking).join(Person, Booking.person_id == Person.id)
            .where(Person.phone == phone_e164)).unique().all()
        db.session.expunge_all()
        return bookings


def _assert_clean(probe, expected_status=200):
    problems = probe.problems(expected_status)
    assert not problems, "\n".join(problems)


# -- a whole booking by touch -----------------------------------------------------------------

@pytest.mark.parametrize(("locale", "phone", "national"), [
    ("ja", "08011112222", "080-1111-2222"),
    ("en", "07033334444", "070-3333-4444"),
])
def test_kiosk_booking_by_touch(kiosk, live_server, kiosk_class, locale, phone, national):
    probe = kiosk(locale)
    page = probe.page
    probe.goto(_start_url(live_server))
    assert page.locator("html").get_attribute("lang") == locale
    for number in (2, 3, 4):
        assert _step(page, number).is_hidden()  # one question per screen
    _assert_axe_clean(page, f"step 1 in {locale}")
    _snap(page, f"{locale}-1-{STEP_TITLES[1]}")

    page.locator(f'label[for="session-{kiosk_class}"]').tap()
    _next(page, 1)
    assert page.evaluate("document.activeElement.id") == "step-2-title"
    _assert_axe_clean(page, f"step 2 in {locale}")
    page.locator("#name").tap()
    page.locator("#name").fill("鈴木 茂")
    page.locator("#name_kana").tap()
    _tap_kana(page, "すす゛き しけ゛る")
    assert page.locator("#name_kana").input_value() == "すずき\u3000しげる"
    _snap(page, f"{locale}-2-{STEP_TITLES[2]}")
    _next(page, 2)

    _assert_axe_clean(page, f"step 3 in {locale}")
    _tap_digits(page, phone + "9")
    page.locator('[data-keypad="phone"] [data-keypad-action="delete"]').tap()
    assert page.locator("#phone").input_value() == national  # grouped as it was typed
    _snap(page, f"{locale}-3-{STEP_TITLES[3]}")
    _next(page, 3)

    # step 4: everything read back, the phone number in groups
    summary = _step(page, 4).locator(".kiosk-summary")
    assert page.locator('[data-summary-of="phone"]').inner_text() == national
    assert "鈴木 茂" in summary.inner_text() and "すずき" in summary.inner_text()
    page.locator('label[for="consent-0"]').tap()
    page.locator('label[for="seats-1"]').tap()
    page.locator('label[for="age_band-3"]').tap()
    _assert_axe_clean(page, f"step 4 in {locale}")
    _snap(page, f"{locale}-4-{STEP_TITLES[4]}")
    with page.expect_navigation():
        page.locator("[data-confirm]").tap()

    assert re.fullmatch(rf"{re.escape(live_server.url)}/kiosk/\d+/done/[\w-]+", page.url)
    for typed in ("鈴木", "すずき", phone, national):
        assert typed not in page.url and typed not in page.content()
    (booking,) = _bookings_of(live_server, "+81" + phone[1:])
    assert booking.status == BookingStatus.BOOKED and booking.channel == BookingChannel.KIOSK
    assert booking.seats == 2 and booking.session_id == kiosk_class
    code = page.locator(".booking-code-panel__code").inner_text().replace("\n", "")
    assert code == booking.display_code
    assert page.locator(".kiosk-qr__image").get_attribute("src").startswith(
        "data:image/svg+xml")
    _assert_axe_clean(page, f"the confirmation in {locale}")
    _snap(page, f"{locale}-5-done")
    page.emulate_media(media="print")
    _snap(page, f"{locale}-6-slip")
    assert page.locator(".kiosk-header").is_hidden() and page.locator(".kiosk-nav").is_hidden()
    page.emulate_media(media="screen")
    _assert_clean(probe)


# -- privacy: the idle reset ------------------------------------------------------------------

def test_inactivity_reset_clears_everything(kiosk, live_server, kiosk_class, short_idle):
    probe = kiosk("en")
    page = probe.page
    start = _start_url(live_server)
    probe.goto(start)
    history_before = page.evaluate("history.length")
    _fill_steps(page, kiosk_class, name="高橋 和子", kana_keys="たかはし かす゛こ",
                phone="08055556666")
    # something a browser extension or an old page might have left behind
    page.evaluate("localStorage.setItem('left', 'over'); sessionStorage.setItem('left', 'over')")
    dialog = page.locator("[data-idle-dialog]")
    # the kiosk goes back to the start on its own, after a visible countdown
    with page.expect_navigation(timeout=SHORT_IDLE * 1000 + 5000):
        dialog.wait_for(state="visible", timeout=SHORT_IDLE * 1000)
        assert page.locator("[data-countdown]").inner_text() in {"1", "2", "3", "4"}
        _snap(page, "en-7-idle-countdown")
    page.wait_for_load_state()
    assert page.url == start
    assert page.evaluate("history.length") == history_before  # location.replace
    for field in ("#name", "#name_kana", "#phone"):
        assert page.locator(field).input_value() == ""
    assert page.locator('input[name="session_id"]:checked').count() == 0
    assert page.evaluate("[localStorage.length, sessionStorage.length]") == [0, 0]
    assert _step(page, 1).is_visible() and _step(page, 2).is_hidden()
    content = page.content()
    for typed in ("高橋", "たかはし", "08055556666", "080-5555-6666"):
        assert typed not in content and typed not in page.url
    assert _bookings_of(live_server, "+818055556666") == []
    _assert_clean(probe)


def test_continue_keeps_the_answers(kiosk, live_server, kiosk_class, short_idle):
    probe = kiosk("en")
    page = probe.page
    probe.goto(_start_url(live_server))
    page.locator(f'label[for="session-{kiosk_class}"]').tap()
    _next(page, 1)
    page.locator("#name").fill("伊藤 節子")
    dialog = page.locator("[data-idle-dialog]")
    dialog.wait_for(state="visible", timeout=SHORT_IDLE * 1000)
    _assert_axe_clean(page, "the idle countdown")
    page.locator("[data-continue]").tap()
    assert dialog.is_hidden()
    assert page.locator("#name").input_value() == "伊藤 節子"
    assert _step(page, 2).is_visible()


def test_confirmation_goes_back_to_the_start(kiosk, live_server, kiosk_class, short_idle):
    probe = kiosk("ja")
    page = probe.page
    start = _start_url(live_server)
    probe.goto(start)
    history_before = page.evaluate("history.length")
    _fill_steps(page, kiosk_class, name="田中 正雄", kana_keys="たなか まさお",
                phone="07077778888")
    page.locator('label[for="consent-1"]').tap()
    with page.expect_navigation():
        page.locator("[data-confirm]").tap()
    assert "/done/" in page.url
    with page.expect_navigation(timeout=SHORT_IDLE * 1000 + 5000):
        pass  # after the idle time, with its countdown
    page.wait_for_load_state()
    assert page.url == start
    # the booking's POST added one entry; the confirmation was replaced by the start
    assert page.evaluate("history.length") == history_before + 1
    assert "done" not in page.url
    _assert_clean(probe)


# -- a slow network and a double tap ----------------------------------------------------------

# what the kiosk shows at each tap, written to the console (Playwright's own calls wait
# for the navigation that the first tap starts, so they cannot look meanwhile)
TAP_RECORDER = """() => document.addEventListener("touchstart", () => console.log("kiosk-state " +
  JSON.stringify([document.querySelector("[data-confirm]").disabled,
                  !document.querySelector("[data-waiting]").hidden,
                  document.body.classList.contains("is-busy")])), {capture: true})"""


def test_double_tap_on_confirm_books_once(kiosk, live_server, kiosk_class):
    """The booking's POST is held back (a slow network): the kiosk shows that it is
    waiting, and the second tap sends nothing."""
    probe = kiosk("en")
    page = probe.page
    probe.goto(_start_url(live_server))
    _fill_steps(page, kiosk_class, name="小林 和夫", kana_keys="こはや゛し かす゛お",
                phone="09099990000")
    page.locator('label[for="consent-0"]').tap()
    states, held = [], []
    page.on("console", lambda message: states.append(message.text)
            if message.text.startswith("kiosk-state") else None)
    page.route("**/book", lambda route: held.append(route))
    page.evaluate(TAP_RECORDER)
    confirm = page.locator("[data-confirm]")
    confirm.scroll_into_view_if_needed()
    box = confirm.bounding_box()
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.touchscreen.tap(*centre)
    page.touchscreen.tap(*centre)
    page.wait_for_timeout(500)
    assert states == ["kiosk-state [false,false,false]", "kiosk-state [true,true,true]"]
    assert len(held) == 1, [route.request.url for route in held]
    with page.expect_navigation():
        held[0].continue_()
    assert "/done/" in page.url
    (booking,) = _bookings_of(live_server, "+819099990000")
    assert booking.status == BookingStatus.BOOKED
    _assert_clean(probe)


# -- the form without JavaScript --------------------------------------------------------------

def test_kiosk_works_without_javascript(kiosk, live_server, kiosk_class):
    """kiosk.js (at its versioned address) replaced by an empty script (the browser's own
    JavaScript stays on, so that axe and the CSP check can run)."""
    probe = kiosk("en")
    page = probe.page
    page.route(re.compile(r"/kiosk/kiosk\.js(\?|$)"), lambda route: route.fulfill(
        status=200, content_type="text/javascript", body="/* no kiosk.js */"))
    probe.goto(_start_url(live_server))
    for number in (1, 2, 3, 4):
        assert _step(page, number).is_visible()  # every step on one page
    assert page.locator("[data-kana-keyboard]").is_hidden()
    assert page.locator("[data-next]").count() == 3 and page.locator("[data-next]:visible").count() == 0
    _assert_in_view(page, page.locator("[data-confirm]"))  # at the top of the long form
    with page.expect_navigation():
        page.locator("[data-confirm]").click()
    assert page.locator(".kiosk-error-summary").is_visible()
    assert page.locator('[aria-invalid="true"]').count() >= 4
    _assert_axe_clean(page, "the form with its errors, without JavaScript")
    _snap(page, "en-9-errors-without-javascript")
    page.locator(f'label[for="session-{kiosk_class}"]').click()
    page.fill("#name", "阿部 正")
    page.fill("#name_kana", "あべ ただし")
    page.fill("#phone", "0466-25-0099")
    page.locator('label[for="consent-0"]').click()
    with page.expect_navigation():
        page.locator("[data-confirm]").click()
    assert "/done/" in page.url
    assert len(_bookings_of(live_server, "+81466250099")) == 1
    _assert_clean(probe, expected_status=422)


def test_step_errors_are_tied_to_their_fields_and_announced(kiosk, live_server, kiosk_class):
    probe = kiosk("ja")
    page = probe.page
    probe.goto(_start_url(live_server))
    _step(page, 1).locator("[data-next]").tap()  # no class chosen
    error = page.locator("#session_id-error")
    error.wait_for(state="visible")
    assert error.get_attribute("role") == "alert"
    page.locator(f'label[for="session-{kiosk_class}"]').tap()
    _next(page, 1)
    page.locator("#name").fill("佐藤 恵子")
    page.locator("#name_kana").fill("sato")
    _step(page, 2).locator("[data-next]").tap()
    page.locator("#name_kana-error").wait_for(state="visible")
    assert page.locator("#name_kana").get_attribute("aria-invalid") == "true"
    assert "name_kana-error" in page.locator("#name_kana").get_attribute("aria-describedby")
    assert _step(page, 2).is_visible() and _step(page, 3).is_hidden()
    _assert_axe_clean(page, "step 2 with an error")
    page.locator("#name_kana").fill("さとう けいこ")
    _next(page, 2)
    _tap_digits(page, "12")
    _step(page, 3).locator("[data-next]").tap()
    page.locator("#phone-error").wait_for(state="visible")
    assert "12" in page.locator("#phone-error").inner_text()
    _snap(page, "ja-10-phone-error")
    _assert_clean(probe)


# -- made for seniors: target size, text size, reflow, furigana -------------------------------

TARGETS = """() => [...document.querySelectorAll(
    'main button, main a, main label.class-card, main label.kiosk-choice, main input.kiosk-input, header .kiosk-tool')]
  .filter((element) => element.offsetParent !== null)
  .map((element) => {
    const box = element.getBoundingClientRect();
    return [element.outerHTML.slice(0, 80), Math.round(box.width), Math.round(box.height)];
  })"""


def test_touch_targets_and_text_are_large(kiosk, live_server, kiosk_class):
    probe = kiosk("ja")
    page = probe.page
    probe.goto(_start_url(live_server))
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 24
    small = []
    for number in (1, 2, 3, 4):
        if number > 1:
            page.evaluate(f"""document.querySelectorAll('[data-step]').forEach(
                (step) => {{ step.hidden = step.dataset.step !== '{number}'; }})""")
        small += [target for target in page.evaluate(TARGETS)
                  if target[1] < 60 or target[2] < 60]
    assert not small, f"touch targets smaller than 60 x 60 px: {small}"


def test_kiosk_reflows_at_320_px(kiosk, live_server, kiosk_class):
    probe = kiosk("ja", viewport={"width": 320, "height": 640})
    page = probe.page
    probe.goto(_start_url(live_server))
    for number in (1, 2, 3, 4):
        page.evaluate(f"""document.querySelectorAll('[data-step]').forEach(
            (step) => {{ step.hidden = step.dataset.step !== '{number}'; }})""")
        widths = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert widths[0] <= widths[1], f"step {number} scrolls sideways at 320 px: {widths}"


def test_furigana_switch(kiosk, live_server):
    probe = kiosk("ja")
    page = probe.page
    probe.goto(_start_url(live_server))
    switch = page.locator("button[data-furigana-toggle]")
    reading = page.locator(".kiosk-header__place rt")
    assert switch.get_attribute("aria-pressed") == "false" and reading.is_hidden()
    switch.tap()
    assert switch.get_attribute("aria-pressed") == "true"
    assert reading.is_visible() and reading.inner_text() == "しょうなんだいしみん"
    assert page.locator("[data-furigana-field]").input_value() == "1"
    _assert_axe_clean(page, "the start with furigana")
    _snap(page, "ja-0-furigana")
    switch.tap()
    assert reading.is_hidden()
    _assert_clean(probe)


# -- the screen of the kiosk: 1080 x 1920, portrait --------------------------------------------

PORTRAIT = {"width": 1080, "height": 1920}
# what is under the middle of an element: the element itself, or something covering it
COVERED = """(element) => {
  const box = element.getBoundingClientRect();
  const top = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
  return element.contains(top) ? null : (top ? top.outerHTML.slice(0, 80) : "nothing");
}"""


def _assert_in_view(page, locator):
    box = locator.bounding_box()
    size = page.viewport_size
    assert box is not None and locator.is_visible(), "the button is not shown"
    assert 0 <= box["y"] and box["y"] + box["height"] <= size["height"], (box, size)
    assert 0 <= box["x"] and box["x"] + box["width"] <= size["width"], (box, size)
    assert locator.evaluate(COVERED) is None


def _action(page, number):
    return page.locator("[data-confirm]") if number == 4 \
        else _step(page, number).locator("[data-next]")


@pytest.mark.parametrize(("viewport", "zoom"), [(PORTRAIT, 1), ({"width": 540, "height": 960}, 2)],
                         ids=["1080x1920", "200%"])
def test_each_steps_button_stays_on_the_screen(kiosk, live_server, kiosk_class, viewport, zoom):
    """However long the list of classes or the step, its button is in view without
    scrolling, in a bar at the bottom of the screen; what the bar would cover scrolls
    clear of it."""
    probe = kiosk("ja", viewport=viewport, device_scale_factor=zoom)
    page = probe.page
    probe.goto(_start_url(live_server))
    page.locator(f'label[for="session-{kiosk_class}"]').tap()
    _assert_in_view(page, _action(page, 1))
    _next(page, 1)
    page.locator("#name").fill("佐藤 恵子")
    page.locator("#name_kana").tap()
    _tap_kana(page, "さとう")
    _assert_in_view(page, _action(page, 2))
    _next(page, 2)
    _tap_digits(page, "0466251111")
    _assert_in_view(page, _action(page, 3))
    _next(page, 3)
    _assert_in_view(page, _action(page, 4))
    # the last choice, scrolled to, is not hidden under the bar
    last = page.locator("label.kiosk-choice").last
    last.evaluate("(element) => element.scrollIntoView({block: 'end'})")
    assert last.evaluate(COVERED) is None
    _assert_in_view(page, _action(page, 4))
    _assert_axe_clean(page, f"step 4 at {viewport['width']} px")
    _assert_clean(probe)


def test_keys_use_the_screen(kiosk, live_server, kiosk_class):
    """Number keys across the screen, 150 px high and more; kana keys as large as the width allows: the
    gojūon table spans the keyboard, each key square."""
    probe = kiosk("ja", viewport=PORTRAIT)
    page = probe.page
    probe.goto(_start_url(live_server))
    page.locator(f'label[for="session-{kiosk_class}"]').tap()
    _next(page, 1)
    boxes = [key.bounding_box() for key in page.locator(".kana-key[data-kana]").all()]
    assert len(boxes) == 46
    assert min(box["width"] for box in boxes) >= 85 and min(box["height"] for box in boxes) >= 85
    table = page.locator(".kana-keyboard__table").bounding_box()
    assert max(box["x"] + box["width"] for box in boxes) - min(box["x"] for box in boxes) \
        >= 0.95 * table["width"]
    tools = [key.bounding_box() for key in page.locator(".kana-key--tool").all()]
    assert min(box["height"] for box in tools) >= 85 and min(box["width"] for box in tools) >= 100
    page.locator("#name").fill("佐藤 恵子")
    page.locator("#name_kana").fill("さとう けいこ")
    _next(page, 2)
    keys = [key.bounding_box() for key in page.locator('[data-keypad="phone"] button').all()]
    assert len(keys) == 12
    assert min(box["width"] for box in keys) >= 300 and min(box["height"] for box in keys) >= 150
    # the pad spans the screen rather than leaving a third of it empty beside it
    pad = page.locator('[data-keypad="phone"]').bounding_box()
    assert pad["width"] >= 0.9 * PORTRAIT["width"]
    _assert_clean(probe)


GROUPED_AS_TYPED = ("09012345678", "0466251111", "0312345678", "0452001234", "0499221234",
                    "0120123456", "08001234567", "05012345678")


def test_phone_number_is_grouped_as_it_is_typed(kiosk, live_server, kiosk_class):
    """Every digit typed regroups the number as phonenumbers does (its as-you-type
    formatter, the same metadata the server reads back with)."""
    import phonenumbers

    probe = kiosk("ja", viewport=PORTRAIT)
    page = probe.page
    probe.goto(_start_url(live_server))
    _fill_steps_to_phone(page, kiosk_class)
    phone = page.locator("#phone")
    _tap_digits(page, "04662")
    assert phone.input_value() == "0466-2"
    _tap_digits(page, "51111")
    assert phone.input_value() == "0466-25-1111"
    page.locator('[data-keypad="phone"] [data-keypad-action="delete"]').tap()
    assert phone.input_value() == "0466-25-111"
    for number in GROUPED_AS_TYPED:
        formatter = phonenumbers.AsYouTypeFormatter("JP")
        for typed in range(1, len(number) + 1):
            expected = formatter.input_digit(number[typed - 1])
            phone.fill(number[:typed])  # the device's own keyboard groups as well
            assert phone.input_value() == expected, number[:typed]
    _next(page, 3)  # the server reads it the same way
    assert page.locator('[data-summary-of="phone"]').inner_text() == "050-1234-5678"
    _assert_clean(probe)


def _fill_steps_to_phone(page, session_id):
    page.locator(f'label[for="session-{session_id}"]').tap()
    _next(page, 1)
    page.locator("#name").fill("佐藤 恵子")
    page.locator("#name_kana").fill("さとう けいこ")
    _next(page, 2)


def test_kana_keyboard_target_follows_the_furigana_switch(kiosk, live_server, kiosk_class):
    """The label of the field the keys type into: readings only with furigana on, as
    ruby, never spelled out in brackets."""
    probe = kiosk("ja", viewport=PORTRAIT)
    page = probe.page
    probe.goto(_start_url(live_server))
    page.locator(f'label[for="session-{kiosk_class}"]').tap()
    _next(page, 1)
    target = page.locator("[data-kana-target-label]")
    assert target.inner_text() == "名前の読み方（かな）"
    page.locator("#name").tap()
    assert target.inner_text() == "お名前"
    page.locator("button[data-furigana-toggle]").tap()
    assert target.locator("ruby rt").first.is_visible()
    assert target.locator("ruby rt").first.inner_text() == "なまえ"
    _assert_clean(probe)
