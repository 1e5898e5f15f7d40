"""Cookie consent in real Chromium, every other host aborted: nothing leaves before consent."""

import pytest

from qb.i18n import split_language
from tests.browser.conftest import TEST_DOMAIN, serving, start_watch
from tests.browser.consent_helpers import (
    GTAG_JS,
    HOST,
    TAG_JS,
    banner,
    click_and_reload,
    console_errors,
)
from tests.site import ALL_PAGES, ANALYTICS_SETTINGS, PAGES

pytestmark = pytest.mark.browser

VENDOR_COOKIES = ["_ga", "_ga_TEST12345", "_gid", "_gat_UA1", "_ym_uid", "_ym_d", "_ym_isad"]


@pytest.mark.parametrize("path", ALL_PAGES, ids=[f"{split_language(p)[0]}:{p}" for p in ALL_PAGES])
def test_no_third_party_request_before_consent(analytics_tab, analytics_server, path):
    page, watch = analytics_tab.fresh()  # no cookie: a first visit
    response = page.goto(analytics_server + path, wait_until="networkidle")
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
        page.locator("main form.consent-panel").get_by_label(
            "Разрешить сервис Яндекс Метрика"
        ).check()
        with page.expect_navigation():
            page.get_by_role("button", name="Сохранить мой выбор").click()
        assert page.get_by_text("Яндекс Метрика: разрешено").is_visible()
        assert page.locator("script[src*='analytics.js']").count() == 1
        page.goto(analytics_server + "/ru/", wait_until="networkidle")
        assert not banner(page).is_visible()
        assert watch.foreign_requests == []
    finally:
        context.close()


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
    tmp_path = tmp_path_factory.mktemp("webvisor")
    settings = {**ANALYTICS_SETTINGS, "METRICA_WEBVISOR": True}
    with serving(tmp_path, f"wv.{TEST_DOMAIN}", **settings) as base_url:
        yield base_url


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
