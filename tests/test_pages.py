"""The public pages and the content files maintainers edit."""

import re
from datetime import date

import pytest

from qb.content import read_document
from qb.i18n import LANGUAGES

from .site import ALL_PAGES, CONTENT, OFFER_SLUGS


@pytest.mark.parametrize("url", ALL_PAGES)
def test_every_page_answers(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.text.count("<h1>") == 1
    assert '<meta name="description" content="' in response.text


def content_files(lang):
    return sorted(p.relative_to(CONTENT / lang) for p in (CONTENT / lang).rglob("*.md"))


def test_every_language_has_the_same_content_files():
    assert content_files("kk") == content_files("ru") == content_files("en")
    assert len(OFFER_SLUGS) >= 1


@pytest.mark.parametrize("lang", LANGUAGES)
def test_content_files_are_well_formed(lang):
    for relative in content_files(lang):
        doc = read_document(CONTENT / lang / relative, lang)
        assert 0 < len(doc.title) <= 70, relative
        assert 50 <= len(doc.description) <= 160, relative
        assert "<h1" not in doc.html, f"{relative}: the template adds the only <h1>"
        assert "<script" not in doc.html and "style=" not in doc.html, relative
        if relative.parts[0] == "offers":
            date.fromisoformat(doc.meta["date"])
            assert doc.meta["kind"] in {"product", "service", "special"}, relative


def test_offers_agree_across_languages():
    for slug in OFFER_SLUGS:
        metas = [
            read_document(CONTENT / lang / "offers" / f"{slug}.md", lang).meta for lang in LANGUAGES
        ]
        assert len({(m["date"], m["kind"]) for m in metas}) == 1, slug


def test_home_lists_the_offers_newest_first(client):
    html = client.get("/en/").text
    listed = re.findall(r'href="/en/offers/([a-z0-9-]+)"', html)
    dates = {
        slug: read_document(CONTENT / "en" / "offers" / f"{slug}.md", "en").meta["date"]
        for slug in OFFER_SLUGS
    }
    assert listed == sorted(OFFER_SLUGS, key=lambda s: dates[s], reverse=True)


@pytest.mark.parametrize(
    "slug",
    ["no-such-offer", "..", "%2e%2e", "..%2Fpolitika", "offers", "OCCUPATIONAL-SAFETY-COURSE"],
)
def test_unknown_offers_are_not_found(client, slug):
    assert client.get(f"/offers/{slug}").status_code == 404
    assert client.get(f"/ru/offers/{slug}").status_code == 404


def test_content_links_get_the_page_language(client):
    html = client.get("/ru/about").text
    assert 'href="/ru/politika"' in html
    assert 'href="/politika"' not in html.split("<main")[1].split("</main>")[0]


def test_contact_page_names_the_operator_address(client):
    html = client.get("/en/contact").text
    assert 'href="mailto:Qauipsizbolashaq@yandex.ru"' in html


def test_cookie_page_says_no_analytics_cookie_is_used(client):
    html = client.get("/en/cookies").text
    assert "no analytics cookie" in html.lower() or "no cookies" in html.lower()


def test_robots_and_sitemap(client):
    robots = client.get("/robots.txt")
    assert robots.status_code == 200
    assert "Sitemap: https://qauipsizbolashaq.kz/sitemap.xml" in robots.text
    sitemap = client.get("/sitemap.xml")
    assert sitemap.mimetype == "application/xml"
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap.text)
    assert len(locs) == len(ALL_PAGES)
    assert "https://qauipsizbolashaq.kz/ru/offers/" + OFFER_SLUGS[0] in locs


def test_pages_are_rendered_once_but_carry_a_fresh_nonce(client):
    first = client.get("/en/about")
    second = client.get("/en/about")
    nonce = re.compile(r"'nonce-([^']+)'")
    n1 = nonce.search(first.headers["Content-Security-Policy"]).group(1)
    n2 = nonce.search(second.headers["Content-Security-Policy"]).group(1)
    assert n1 != n2
    assert first.text.replace(n1, "N") == second.text.replace(n2, "N")
