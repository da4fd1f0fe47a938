"""axe-core on every page, in Japanese and in English, and on the main forms in their
error state. The page list is generated from app.url_map (see pages.py)."""

import tempfile

import pytest

from desk import create_app
from tests.browser.axe_check import describe, run_axe
from tests.browser.pages import FORMS, NOT_PAGE_SUFFIXES, NOT_PAGES, PAGES
from tests.conftest import test_config

pytestmark = pytest.mark.browser

LOCALES = ("ja", "en")


def html_get_rules(app):
    """The rules that answer GET with an HTML page."""
    return sorted((rule for rule in app.url_map.iter_rules()
                   if "GET" in rule.methods and not rule.rule.startswith(NOT_PAGES)
                   and not rule.rule.endswith(NOT_PAGE_SUFFIXES)),
                  key=lambda rule: (rule.endpoint, rule.rule))


def _collection_app():
    with tempfile.TemporaryDirectory() as instance:
        return create_app(test_config(instance, "sqlite://"))


def pytest_generate_tests(metafunc):
    if "page_case" not in metafunc.fixturenames:
        return
    cases, ids = [], []
    for rule in html_get_rules(_collection_app()):
        visits = PAGES.get(rule.endpoint)
        if not visits:
            cases.append((rule.endpoint, None))
            ids.append(f"{rule.endpoint}[UNMAPPED]")
            continue
        for visit in visits:
            cases.append((rule.endpoint, visit))
            ids.append(f"{rule.endpoint}[{visit.label}]")
    metafunc.parametrize("page_case", cases, ids=ids)


def test_page_list_has_no_stale_entries():
    endpoints = {rule.endpoint for rule in html_get_rules(_collection_app())}
    stale = sorted(set(PAGES) - endpoints)
    assert not stale, f"tests/browser/pages.py lists pages that no longer exist: {stale}"


# Boxes that scroll sideways (table wrappers) must be reachable and named, so that
# keyboard users can scroll them at any zoom; axe only sees the ones scrolling right now.
UNREACHABLE_SCROLL_BOXES = """() => [...document.querySelectorAll("body *")]
  .filter((element) => ["auto", "scroll"].includes(getComputedStyle(element).overflowX))
  .filter((element) => !element.matches("textarea, select, input"))
  .filter((element) => element.tabIndex < 0 || !element.getAttribute("role")
          || !(element.getAttribute("aria-labelledby") || element.getAttribute("aria-label")))
  .map((element) => element.outerHTML.slice(0, 120))"""


def _check_clean(probe, url, locale, expected_status=200):
    assert probe.page.locator("html").get_attribute("lang") == locale, url
    problems = probe.problems(expected_status)
    assert not problems, f"{url}:\n" + "\n".join(problems)
    unreachable = probe.page.evaluate(UNREACHABLE_SCROLL_BOXES)
    assert not unreachable, f"{url}: scrolling boxes without tabindex, role and name: " \
        f"{unreachable}"


def _assert_no_violations(probe, label):
    violations = run_axe(probe.page)
    if violations:
        report = describe(violations)
        print(f"axe violations on {label} ({probe.page.url}):\n{report}")
        pytest.fail(f"{len(violations)} axe violation(s) on {label}:\n{report}", pytrace=False)


@pytest.mark.parametrize("locale", LOCALES)
def test_page_has_no_axe_violations(request, page_case, locale):
    endpoint, visit = page_case
    if visit is None:
        pytest.fail(f"{endpoint} answers GET with HTML but is not in the axe page list: "
                    f"add it to PAGES in tests/browser/pages.py with the role that can see it "
                    f"and concrete URL arguments", pytrace=False)
    live_server = request.getfixturevalue("live_server")
    open_page = request.getfixturevalue("open_page")
    url = live_server.url_for(endpoint, **visit.url_values(live_server.ids))
    probe = open_page(visit.role, locale)
    response = probe.goto(url)
    assert response.status == 200, f"{url} as {visit.role}: {response.status}"
    assert response.headers["content-type"].startswith("text/html"), url
    if visit.redirects_to:
        assert probe.page.url == live_server.url_for(visit.redirects_to), probe.page.url
    else:
        assert probe.page.url == url, f"{url} went on to {probe.page.url}"
    _check_clean(probe, url, locale)
    _assert_no_violations(probe, f"{endpoint} [{visit.label}] in {locale}")


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("form", FORMS, ids=[form.name for form in FORMS])
def test_form_error_state_has_no_axe_violations(live_server, open_page, form, locale):
    url = live_server.url_for(form.endpoint, **{name: live_server.ids[key]
                                                 for name, key in form.args.items()})
    probe = open_page(form.role, locale)
    probe.goto(url)
    page = probe.page
    for selector, value in form.fill.items():
        if value is True:
            page.check(selector)
        else:
            page.fill(selector, value)
    with page.expect_navigation():
        page.click('main form[method="post"] button[type="submit"] >> nth=0')
    assert page.locator(".error-summary").count() == 1, f"{form.name}: no error summary"
    assert page.locator('[aria-invalid="true"]').count() >= 1, f"{form.name}: no invalid field"
    # every link of the error summary leads to a control, and following it focuses it
    targets = page.eval_on_selector_all(".error-summary a",
                                        "links => links.map(link => link.hash.slice(1))")
    assert targets, f"{form.name}: the error summary links to no field"
    for target in targets:
        assert page.locator(f'[id="{target}"]').count() == 1, f"{form.name}: no #{target}"
    page.click(".error-summary a >> nth=0")
    assert page.evaluate("document.activeElement.id") == targets[0], form.name
    _check_clean(probe, url, locale)
    _assert_no_violations(probe, f"{form.name} with errors in {locale}")


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(("role", "path", "status"), [
    ("anonymous", "/sessions/2147483000", 404),
    ("volunteer", "/staff/sessions", 403),
    ("anonymous", "/no-such-page", 404),
])
def test_error_page_has_no_axe_violations(live_server, open_page, role, path, status, locale):
    probe = open_page(role, locale)
    response = probe.goto(live_server.url + path)
    assert response.status == status
    _check_clean(probe, path, locale, expected_status=status)
    _assert_no_violations(probe, f"the {status} page in {locale}")
