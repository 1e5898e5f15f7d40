"""Every page in every language, opened in real Chromium: clean, local-only, accessible."""

from dataclasses import dataclass

import pytest

from qb.i18n import LANGUAGES, split_language
from tests.browser.conftest import Tab
from tests.site import ALL_PAGES, FORM_PAGES, localized

pytestmark = pytest.mark.browser

MISSING_PAGES = [localized("/no-such-page", lang) for lang in LANGUAGES]
PAGES = [(path, 200) for path in ALL_PAGES] + [(path, 404) for path in MISSING_PAGES]
PAGE_IDS = [f"{split_language(path)[0]}:{path}" for path, _status in PAGES]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
NARROW_VIEWPORT = {"width": 320, "height": 640}  # WCAG 1.4.10 Reflow


def unexpected_errors(watch, document_url, status):
    """Console errors, except Chromium's own report of an expected 404 for the document."""
    return [
        error
        for error in watch.console_errors
        if not (status == 404 and error.url == document_url and "status of 404" in error.text)
    ]


def describe_violations(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        lines.extend(f"  at {' '.join(node['target'])}" for node in violation["nodes"])
    return "\n".join(lines)


@dataclass
class Visit:
    """One page opened in the module's tab, and what it answered."""

    tab: Tab
    url: str
    status: int
    expected: int


@pytest.fixture(scope="module", params=PAGES, ids=PAGE_IDS)
def visit(request, tab, live_server):
    """Each page opened once, for the three checks below in turn (tests are grouped by page)."""
    path, expected = request.param
    page, _watch = tab.fresh()
    url = live_server + path
    response = page.goto(url, wait_until="networkidle")
    return Visit(tab, url, response.status, expected)


def test_page_loads_without_errors_or_foreign_requests(visit):
    assert visit.status == visit.expected
    assert unexpected_errors(visit.tab.watch, visit.url, visit.expected) == []
    assert visit.tab.watch.foreign_requests == []


def test_page_has_no_wcag_violations(visit, axe_source):
    assert visit.status == visit.expected
    page = visit.tab.page

    page.evaluate(axe_source)  # not add_script_tag: the site's CSP blocks inline scripts
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )

    violations = result["violations"]
    assert not violations, "axe-core found:\n" + describe_violations(violations)


def test_page_reflows_at_320_css_pixels(visit):
    page = visit.tab.page
    page.set_viewport_size(NARROW_VIEWPORT)
    try:
        assert page.reload().status == visit.expected  # laid out at 320 pixels from the start
        overflow = page.evaluate(
            """() => {
                const width = window.innerWidth;
                const wide = [...document.querySelectorAll("body *")]
                    .filter(el => el.getBoundingClientRect().right > width)
                    .map(el => el.tagName.toLowerCase() + "." + (el.getAttribute("class") || ""));
                return {scrollWidth: document.documentElement.scrollWidth, width, wide};
            }"""
        )
    finally:
        page.set_viewport_size(visit.tab.viewport)

    assert overflow["width"] == NARROW_VIEWPORT["width"]
    assert overflow["scrollWidth"] <= overflow["width"], f"too wide: {overflow['wide']}"


@pytest.mark.parametrize(
    ("start", "language_name", "target"),
    [
        ("/about", "Русский", "/ru/about"),
        ("/ru/offers", "English", "/en/offers"),
        ("/en/politika", "Қазақша", "/politika"),
        ("/en/", "Қазақша", "/"),
    ],
    ids=["kk-to-ru", "ru-to-en", "en-to-kk", "en-home-to-kk"],
)
def test_language_switcher_keeps_the_page(page, live_server, start, language_name, target):
    page.goto(live_server + start)

    page.locator("nav.languages").get_by_role("link", name=language_name).click()

    page.wait_for_url(live_server + target)
    lang = split_language(target)[0]
    assert page.locator("html").get_attribute("lang") == lang


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, live_server):
    page.goto(live_server + "/ru/about")

    page.keyboard.press("Tab")
    skip_link = page.locator(":focus")
    assert skip_link.get_attribute("class") == "skip-link"
    assert skip_link.get_attribute("href") == "#main"
    box = skip_link.bounding_box()
    assert box is not None and box["y"] >= 0, "the focused skip link must be on screen"

    page.keyboard.press("Enter")

    page.wait_for_function("document.activeElement.id === 'main'")


def test_every_tab_stop_shows_a_focus_outline(page, live_server):
    page.goto(live_server + "/offers")

    stops = []
    for _ in range(100):
        page.keyboard.press("Tab")
        stop = page.evaluate(
            """() => {
                const el = document.activeElement;
                const style = getComputedStyle(el);
                return {
                    element: el.outerHTML.slice(0, 80),
                    outline: style.outlineStyle,
                    width: parseFloat(style.outlineWidth),
                };
            }"""
        )
        if stop["element"].startswith("<body") or (stops and stop == stops[0]):
            break  # focus left the page or came round again
        stops.append(stop)

    assert len(stops) > 10, "expected the skip link, navigation, content and footer links"
    unmarked = [s["element"] for s in stops if s["outline"] == "none" or s["width"] < 2]
    assert unmarked == []


def test_no_page_stores_anything_in_the_browser(page, live_server):
    """No page stores anything in the browser, except the form pages' session cookie.

    A form's CSRF token lives in the session, so /contact and /newsletter (and only they) set
    the session cookie: for this browser session only, invisible to scripts, never sent
    cross-site.
    """
    contact_pages = [path for path in ALL_PAGES if path.endswith(FORM_PAGES)]
    for path in ALL_PAGES:
        if path not in contact_pages:
            page.goto(live_server + path)
    stored = page.evaluate("[document.cookie, localStorage.length, sessionStorage.length]")
    assert page.context.cookies() == []
    assert stored == ["", 0, 0]

    for path in contact_pages:
        page.goto(live_server + path)
    [cookie] = page.context.cookies()
    assert cookie["name"] == "__Host-session"
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Lax"
    assert cookie["expires"] == -1  # gone when the browser closes
    stored = page.evaluate("[document.cookie, localStorage.length, sessionStorage.length]")
    assert stored == ["", 0, 0]
