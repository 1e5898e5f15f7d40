"""Cookie consent as pages show it: banner, loader, CSP, vendor ids, cache, cookie page."""

import re

import pytest

from .consent_helpers import (
    CONSENT_ID,
    GA_HOSTS,
    choice_cookie,
    csp_hosts,
    has_banner,
    third_party_hosts,
)
from .site import ALL_PAGES, ANALYTICS_SETTINGS, FORM_PAGES

YM_HOSTS = {
    "script-src": {"https://mc.yandex.ru", "https://yastatic.net"},
    "img-src": {"https://mc.yandex.ru", "https://mc.yandex.kz", "https://mc.yandex.com"},
    "connect-src": {"https://mc.yandex.ru", "https://mc.yandex.kz", "https://mc.yandex.com"},
}
VENDOR_WORDS = re.compile(r"google|metri|метрик|mc\.yandex|yastatic|tag\.js", re.I)


def test_without_ids_nothing_is_offered_named_or_loaded(make_app):
    client = make_app().test_client()
    for path in ALL_PAGES:
        if path.endswith("/politika"):
            continue  # the policy text itself describes both services
        response = client.get(path, headers={"Sec-GPC": "1"})
        assert response.status_code == 200, path
        assert not has_banner(response.text), path
        assert not VENDOR_WORDS.search(response.text), path
        assert third_party_hosts(response) == set(), path
        assert set_cookie_names(response) <= allowed_cookies(path), path


def set_cookie_names(response):
    return {header.split("=", 1)[0] for header in response.headers.getlist("Set-Cookie")}


def allowed_cookies(path):
    """Strictly necessary cookies a page may set before any choice: the contact form's session."""
    return {"__Host-session"} if path.endswith(FORM_PAGES) else set()


@pytest.mark.parametrize("lang_prefix", ["", "/ru", "/en"])
def test_without_ids_the_cookie_page_says_no_analytics_is_used(make_app, lang_prefix):
    html = make_app().test_client().get(f"{lang_prefix}/cookies").text
    expected = {
        "": "веб-аналитиканы да",
        "/ru": "не использует ни веб-аналитику",
        "/en": "no web analytics and no analytics cookie",
    }[lang_prefix]
    assert expected in html
    assert "qb_consent" not in html and "__Host-consent" not in html


@pytest.mark.parametrize("path", ALL_PAGES)
def test_every_page_asks_first_and_loads_nothing(consent_app, path):
    response = consent_app.test_client().get(path)
    html = response.text
    assert response.status_code == 200
    body = html.split("<body>", 1)[1].lstrip()
    assert body.startswith('<section class="consent-banner"'), "banner right after <body>"
    assert body.index("consent-banner") < body.index('class="skip-link"')
    for value in ("all", "none", "settings"):
        assert f'class="consent-button" type="submit" name="choice" value="{value}"' in html
    assert "analytics.js" not in html
    assert "<noscript" not in html
    assert third_party_hosts(response) == set()
    assert set_cookie_names(response) <= allowed_cookies(path)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("", ("Барлығын қабылдау", "Барлығынан бас тарту", "Баптаулар", "АҚШ", "Ресей")),
        ("/ru", ("Принять все", "Отклонить все", "Настройки", "США", "Россия")),
        ("/en", ("Accept all", "Reject all", "Settings", "USA", "Russia")),
    ],
)
def test_banner_speaks_the_page_language_and_names_the_countries(consent_app, lang, words):
    html = consent_app.test_client().get(f"{lang}/about").text
    for word in words:
        assert word in html


def test_no_toggle_is_ticked_in_the_banner(consent_app):
    html = consent_app.test_client().get("/en/").text
    banner = html.split('id="consent-panel"', 1)[1].split("</form>", 1)[0]
    assert banner.count('type="checkbox"') == 2
    assert "checked" not in banner


@pytest.mark.parametrize(
    ("ga", "ym", "expected"),
    [(0, 0, {}), (1, 0, GA_HOSTS), (0, 1, YM_HOSTS), (1, 1, "both")],
    ids=["none", "ga", "ym", "both"],
)
def test_csp_allows_exactly_the_consented_vendors(consent_app, ga, ym, expected):
    client = consent_app.test_client()
    client.set_cookie("qb_consent", choice_cookie(ga, ym))
    response = client.get("/en/services")
    if expected == "both":
        expected = {key: GA_HOSTS[key] | YM_HOSTS[key] for key in GA_HOSTS}
    hosts = csp_hosts(response)
    for directive in ("script-src", "img-src", "connect-src"):
        assert hosts[directive] == set(expected.get(directive, set())), directive
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    html = response.text
    assert not has_banner(html)
    assert "<noscript" not in html
    assert ("analytics.js" in html) == bool(ga or ym)
    assert ('data-ga="G-TEST12345"' in html) == bool(ga)
    assert ('data-ym="12345678"' in html) == bool(ym)


def test_webvisor_setting_widens_metrica_only(make_app):
    app = make_app(**ANALYTICS_SETTINGS, METRICA_WEBVISOR=True)
    client = app.test_client()
    client.set_cookie("qb_consent", choice_cookie(0, 1))
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "wss://mc.yandex.ru" in csp and "frame-src blob: https://mc.yandex.ru" in csp
    assert 'data-webvisor="1"' in response.text
    assert "_ym_visorc" in client.get("/cookies").text
    assert "frame-ancestors 'none'" in csp


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("GA_MEASUREMENT_ID", "UA-12345-1"),
        ("GA_MEASUREMENT_ID", "G-abc"),
        ("GA_MEASUREMENT_ID", "G-ABC123'; script-src *"),
        ("YANDEX_METRICA_ID", "12ab"),
        ("YANDEX_METRICA_ID", "-5"),
        ("YANDEX_METRICA_ID", ["1"]),
    ],
)
def test_a_malformed_id_stops_the_start(make_app, setting, value):
    with pytest.raises(RuntimeError, match=setting):
        make_app(**{setting: value})


def test_a_numeric_metrica_id_from_the_environment_is_accepted(make_app):
    app = make_app(YANDEX_METRICA_ID=12345678)
    assert app.extensions["qb_cookies"].keys == ("ym",)


def test_cached_pages_never_cross_consent_states(consent_app):
    plain, consented = consent_app.test_client(), consent_app.test_client()
    consented.set_cookie("qb_consent", choice_cookie(1, 1))
    for _ in range(2):  # the second round is served from the cache
        for path in ("/", "/ru/about", "/en/cookies"):
            first = consented.get(path).text
            second = plain.get(path).text
            assert "analytics.js" in first and not has_banner(first)
            assert "analytics.js" not in second and has_banner(second)
            assert CONSENT_ID not in first


def test_cookie_page_lists_our_cookies_and_the_vendors(consent_app):
    client = consent_app.test_client()
    html = client.get("/en/cookies").text
    for name in (
        "qb_consent",
        "__Host-session",
        "_ga",
        "_ga_TEST12345",
        "_ym_uid",
        "_ym_d",
        "_ym_isad",
    ):
        assert f"<code>{name}</code>" in html, name
    assert "182 days" in html
    assert "You have not made a choice yet" in html
    client.set_cookie("qb_consent", choice_cookie(1, 0))
    html = client.get("/en/cookies").text
    assert "Google Analytics 4: allowed" in html and "Yandex Metrica: refused" in html
    assert 'id="page-ga" name="ga" value="1" checked' in html


def test_the_analytics_loader_sets_the_privacy_options():
    from .site import ROOT

    script = (ROOT / "static" / "js" / "analytics.js").read_text(encoding="utf-8")
    for option in (
        'ad_storage: "denied"',
        'ad_user_data: "denied"',
        'ad_personalization: "denied"',
        'analytics_storage: "denied"',
        "allow_google_signals: false",
        "allow_ad_personalization_signals: false",
        'webvisor: config.webvisor === "1"',
        "ym-disable-keys",
    ):
        assert option in script
