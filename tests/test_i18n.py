"""Languages in URLs: Kazakh by default, Russian and English behind prefixes."""

import re

import pytest

from qb.i18n import split_language

from .site import PAGES, localized


@pytest.mark.parametrize(
    ("url", "lang"), [("/", "kk"), ("/ru/", "ru"), ("/en/", "en"), ("/en/about", "en")]
)
def test_html_lang_follows_the_prefix(client, url, lang):
    response = client.get(url)
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.text


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_every_page_has_alternates_canonical_and_a_switcher(client, path, lang):
    html = client.get(localized(path, lang)).text
    site = "https://qauipsizbolashaq.kz"
    assert f'<link rel="canonical" href="{site}{localized(path, lang)}">' in html
    for other in ("kk", "ru", "en"):
        assert f'hreflang="{other}" href="{site}{localized(path, other)}"' in html
        assert f'href="{localized(path, other)}" hreflang="{other}" lang="{other}"' in html
    assert f'hreflang="x-default" href="{site}{path}"' in html
    assert html.count('aria-current="true"') == 1


def test_texts_are_translated(client):
    assert "Басты бет" in client.get("/").text
    assert "Главная" in client.get("/ru/").text
    assert ">Home<" in client.get("/en/").text


def test_links_inside_a_page_stay_in_its_language(client):
    html = client.get("/ru/about").text
    hrefs = re.findall(r'href="(/[^"]*)"', html)
    inner = [h for h in hrefs if not h.startswith("/static/")]
    # Every internal link points into /ru/, except the switcher's links to the other two.
    others = [h for h in inner if not h.startswith("/ru/")]
    assert sorted(others) == ["/about", "/en/about"]


@pytest.mark.parametrize(
    "url",
    [
        "/kk/",
        "/kk/about",
        "/xx/about",
        "/RU/about",
        "/ru-RU/about",
        "/en/en/about",
        "/%D1%80%D1%83/",
    ],
)
def test_unknown_language_prefixes_are_not_found(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Traceback" not in response.text


def test_prefix_without_slash_redirects_to_the_language_home(client):
    response = client.get("/ru")
    assert response.status_code in (301, 308)
    assert response.headers["Location"].endswith("/ru/")


@pytest.mark.parametrize(
    "header", ["", "xx", "*", "kk;q=abc", "ru-RU,ru;q=0.9", "\x00\x01", "en;" * 500]
)
def test_accept_language_never_changes_or_breaks_the_page(client, header):
    response = client.get("/about", headers={"Accept-Language": header})
    assert response.status_code == 200
    assert '<html lang="kk">' in response.text


def test_query_parameters_do_not_choose_the_language(client):
    response = client.get("/about?lang=xx&locale=../../etc")
    assert response.status_code == 200
    assert '<html lang="kk">' in response.text


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", ("kk", "/")),
        ("/about", ("kk", "/about")),
        ("/ru/", ("ru", "/")),
        ("/ru", ("ru", "/")),
        ("/en/offers/x", ("en", "/offers/x")),
        ("/xx/about", ("kk", "/xx/about")),
    ],
)
def test_split_language(path, expected):
    assert split_language(path) == expected
