"""Cookie consent in real Chromium, every other host aborted: nothing leaves before consent."""

import threading

import pytest
from werkzeug.serving import make_server

from qb import create_app
from qb.extensions import db
from qb.i18n import split_language
from tests.browser.conftest import TEST_DOMAIN, start_watch
from tests.conftest import ALL_PAGES, ANALYTICS_SETTINGS, PAGES, test_settings

pytestmark = pytest.mark.browser

HOST = f"www.{TEST_DOMAIN}"
TAG_JS = "https://mc.yandex.ru/metrika/tag.js?id=12345678"
GTAG_JS = "https://www.googletagmanager.com/gtag/js?id=G-TEST12345"
VENDOR_COOKIES = ["_ga", "_ga_TEST12345", "_gid", "_gat_UA1", "_ym_uid", "_ym_d", "_ym_isad"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture
def site(page, analytics_server):
    """(page, watch, base URL) for the site with both vendors offered."""
    return page, start_watch(page, {HOST}), analytics_server


def console_errors(watch):
    # Chromium ignores (and reports) COOP on plain http outside localhost: a test artefact.
    return [e for e in watch.console_errors if "Cross-Origin-Opener-Policy" not in e.text]


def settle(page):
    page.wait_for_load_state("networkidle")


def click_and_reload(page, name):
    """Press a consent button; the server answers 303 back to the page, which reloads."""
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).first.click()
    settle(page)


def banner(page):
    return page.locator("section.consent-banner")


def axe_violations(page, axe_source):
    page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


@pytest.mark.parametrize("path", ALL_PAGES, ids=[f"{split_language(p)[0]}:{p}" for p in ALL_PAGES])
def test_no_third_party_request_before_consent(site, path):
    page, watch, base = site
    response = page.goto(base + path, wait_until="networkidle")
    assert response.status == 200
    assert banner(page).is_visible()
    assert watch.foreign_requests == []
    assert console_errors(watch) == []
    assert page.evaluate("typeof window.dataLayer + typeof window.ym") == "undefinedundefined"


def test_accept_all_loads_both_vendors_with_private_settings(site):
    page, watch, base = site
    page.goto(base + "/en/about", wait_until="networkidle")
    click_and_reload(page, "Accept all")

    assert page.url == base + "/en/about"
    assert not banner(page).is_visible()
    assert sorted(watch.foreign_requests) == sorted([TAG_JS, GTAG_JS])
    data_layer = page.evaluate("Array.from(window.dataLayer, entry => Array.from(entry))")
    default, update = data_layer[0], data_layer[1]
    assert default[:2] == ["consent", "default"]
    assert set(default[2].values()) == {"denied"}
    assert set(default[2]) == {
        "ad_storage", "ad_user_data", "ad_personalization", "analytics_storage",
    }  # fmt: skip
    assert update == ["consent", "update", {"analytics_storage": "granted"}]
    config = next(entry for entry in data_layer if entry[0] == "config")
    assert config[2] == {"allow_google_signals": False, "allow_ad_personalization_signals": False}
    init = page.evaluate("Array.from(window.ym.a[0])")
    assert init[:2] == [12345678, "init"] and init[2]["webvisor"] is False
    assert page.locator("noscript").count() == 0


def test_reject_all_loads_nothing_here_or_on_the_next_page(site):
    page, watch, base = site
    page.goto(base + "/ru/services", wait_until="networkidle")
    click_and_reload(page, "Отклонить все")

    assert not banner(page).is_visible()
    page.goto(base + "/ru/offers", wait_until="networkidle")
    assert watch.foreign_requests == []
    assert page.evaluate("typeof window.dataLayer + typeof window.ym") == "undefinedundefined"


@pytest.mark.parametrize(
    ("label", "expected"),
    [("Allow Yandex Metrica", [TAG_JS]), ("Allow Google Analytics 4", [GTAG_JS])],
)
def test_accepting_one_vendor_loads_only_that_vendor(site, label, expected):
    page, watch, base = site
    page.goto(base + "/en/", wait_until="networkidle")
    page.get_by_role("button", name="Settings").click()
    page.locator("#consent-panel").get_by_label(label).check()
    click_and_reload(page, "Save my choice")

    assert watch.foreign_requests == expected
    page.goto(base + "/en/contact", wait_until="networkidle")
    assert watch.foreign_requests == expected * 2


def test_withdrawal_deletes_cookies_and_storage_and_stops_requests(site):
    page, watch, base = site
    context = page.context
    page.goto(base + "/en/cookies", wait_until="networkidle")
    click_and_reload(page, "Accept all")
    assert len(watch.foreign_requests) == 2
    # What the vendors' scripts would have stored, on the host and on the parent domain.
    context.add_cookies(
        [{"name": n, "value": "1", "url": base + "/"} for n in VENDOR_COOKIES]
        + [
            {"name": n, "value": "2", "domain": f".{TEST_DOMAIN}", "path": "/"}
            for n in VENDOR_COOKIES
        ]
    )
    page.evaluate(
        """() => {
            localStorage.setItem('_ym_uid', '1');
            localStorage.setItem('_ym12345678_lsid', '2');
            sessionStorage.setItem('_ym_x', '3');
            localStorage.setItem('keep', '4');
        }"""
    )
    watch.foreign_requests.clear()

    page.locator("main form.consent-panel").get_by_role("button", name="Reject all").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Google Analytics 4: refused").is_visible()

    names = sorted(c["name"] for c in context.cookies())
    assert names == ["qb_consent"]
    storage = page.evaluate("[Object.keys(localStorage), Object.keys(sessionStorage)]")
    assert storage == [["keep"], []]
    page.goto(base + "/en/about", wait_until="networkidle")
    assert watch.foreign_requests == []


def test_without_javascript_the_banner_works_and_nothing_is_loaded(browser, analytics_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    watch = start_watch(page, {HOST})
    try:
        page.goto(analytics_server + "/ru/about", wait_until="networkidle")
        with page.expect_navigation():
            page.get_by_role("button", name="Настройки", exact=True).click()
        assert page.url == analytics_server + "/ru/cookies#consent-settings"
        page.locator("main form.consent-panel").get_by_label("Разрешить Яндекс Метрика").check()
        with page.expect_navigation():
            page.get_by_role("button", name="Сохранить мой выбор").click()
        assert page.get_by_text("Яндекс Метрика: разрешено").is_visible()
        assert page.locator("script[src*='analytics.js']").count() == 1
        page.goto(analytics_server + "/ru/", wait_until="networkidle")
        assert not banner(page).is_visible()
        assert watch.foreign_requests == []
    finally:
        context.close()


def test_the_banner_works_with_the_keyboard_alone(site):
    page, watch, base = site
    page.goto(base + "/en/about", wait_until="networkidle")
    assert banner(page).evaluate("el => getComputedStyle(el).position") == "static"

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Accept all"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Settings"
    page.keyboard.press("Enter")
    assert page.locator("#consent-panel").is_visible()
    assert page.evaluate("document.activeElement.id") == "banner-ga"
    page.keyboard.press("Escape")  # closes the settings and returns to their button
    assert not page.locator("#consent-panel").is_visible()
    assert page.evaluate("document.activeElement.textContent") == "Settings"
    page.keyboard.press("Space")
    page.keyboard.press("Space")  # ticks Google Analytics
    for _ in range(2):
        page.keyboard.press("Tab")  # past Yandex Metrica to the save button
    assert page.evaluate("document.activeElement.textContent") == "Save my choice"
    box = page.locator(":focus").bounding_box()
    assert box["height"] >= 24 and box["width"] >= 24
    with page.expect_navigation():
        page.keyboard.press("Enter")
    settle(page)
    assert watch.foreign_requests == [GTAG_JS]


def test_the_banner_and_its_settings_pass_axe(site, axe_source):
    page, _watch, base = site
    page.goto(base + "/ru/about", wait_until="networkidle")
    assert axe_violations(page, axe_source) == []
    page.get_by_role("button", name="Настройки").click()
    assert page.locator("#consent-panel").is_visible()
    assert axe_violations(page, axe_source) == []
    page.goto(base + "/cookies", wait_until="networkidle")
    assert axe_violations(page, axe_source) == []


def test_the_cookie_page_lists_every_cookie_chromium_receives(site):
    page, _watch, base = site
    for path in PAGES:  # cookies do not depend on the language
        # Waiting until the network is idle: a tab that navigates away mid-download leaves
        # the development server's file handle to the garbage collector (a ResourceWarning).
        page.goto(base + path, wait_until="networkidle")
    click_and_reload(page, "Барлығын қабылдау")
    page.goto(base + "/en/contact", wait_until="networkidle")

    received = {cookie["name"] for cookie in page.context.cookies()}
    page.goto(base + "/en/cookies", wait_until="networkidle")
    listed = set(page.locator(".cookie-table code").all_inner_texts())
    assert "qb_consent" in received
    assert received <= listed, f"not on the cookie page: {received - listed}"


def test_the_banner_reflows_at_320_css_pixels(site):
    page, _watch, base = site
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(base + "/", wait_until="networkidle")
    page.get_by_role("button", name="Баптаулар").click()
    assert page.locator("#consent-panel").is_visible()
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1]


@pytest.mark.parametrize("path", ["/", "/ru/", "/en/"])
def test_the_three_choices_have_the_same_size_and_style(site, path):
    page, _watch, base = site
    page.goto(base + path, wait_until="networkidle")
    looks = page.evaluate(
        """() => [...document.querySelectorAll('.consent-banner .consent-actions button')]
            .map(b => {
                const s = getComputedStyle(b), r = b.getBoundingClientRect();
                return [Math.round(r.width), Math.round(r.height), s.backgroundColor, s.color,
                        s.fontSize, s.fontWeight, s.borderTopWidth, s.borderTopColor];
            })"""
    )
    assert len(looks) == 3
    assert looks[0] == looks[1] == looks[2]
    assert looks[0][1] >= 24


def test_gpc_means_no_banner_and_no_request(browser, analytics_server):
    context = browser.new_context(extra_http_headers={"Sec-GPC": "1"})
    page = context.new_page()
    watch = start_watch(page, {HOST})
    try:
        page.goto(analytics_server + "/en/about", wait_until="networkidle")
        assert not banner(page).is_visible()
        page.goto(analytics_server + "/en/cookies", wait_until="networkidle")
        assert page.get_by_text("Global Privacy Control signal").first.is_visible()
        assert [c["name"] for c in context.cookies()] == ["qb_consent"]
        assert watch.foreign_requests == []
    finally:
        context.close()


@pytest.fixture(scope="module")
def webvisor_server(tmp_path_factory):
    """The site with Metrica's session replay turned on, at http://wv.qb.test:<port>."""
    server = make_server("127.0.0.1", 0, None, threaded=True)
    base_url = f"http://wv.{TEST_DOMAIN}:{server.port}"
    settings = test_settings(
        tmp_path_factory.mktemp("webvisor"),
        SITE_URL=base_url,
        TRUSTED_HOSTS=[f"wv.{TEST_DOMAIN}"],
        METRICA_WEBVISOR=True,
        **ANALYTICS_SETTINGS,
    )
    server.app = create_app(settings)
    with server.app.app_context():
        db.create_all()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base_url
    server.shutdown()
    server.server_close()
    thread.join()


def test_with_webvisor_no_form_field_is_recorded(page, webvisor_server):
    watch = start_watch(page, {f"wv.{TEST_DOMAIN}"})
    page.goto(webvisor_server + "/en/", wait_until="networkidle")
    click_and_reload(page, "Accept all")
    page.goto(webvisor_server + "/en/contact", wait_until="networkidle")

    assert TAG_JS in watch.foreign_requests
    assert page.evaluate("window.ym.a[0][2].webvisor") is True
    unmarked = page.evaluate(
        """() => [...document.querySelectorAll('input, textarea, select')]
            .filter(field => !field.classList.contains('ym-disable-keys'))
            .map(field => field.outerHTML)"""
    )
    assert page.locator("input, textarea").count() > 0
    assert unmarked == []
