"""Offers with an `Until:` day leave the home page, the list and the sitemap by themselves
once that day has passed in Kazakhstan, without a restart; their page then says so."""

import re
import shutil
from datetime import datetime

import pytest

import qb.clock
import qb.content
from qb.i18n import LANGUAGES

from .site import CONTENT, PAGES, localized

SLUG = "winter-first-aid"
OFFER = {
    "kk": ("Қысқы алғашқы көмек курсы", "Қыс мезгіліне арналған алғашқы көмек курсы"),
    "ru": ("Зимний курс первой помощи", "Курс первой помощи, рассчитанный на зимний сезон"),
    "en": ("Winter first-aid course", "A first-aid course for the winter season"),
}
UNTIL = "2026-12-31"
# The last minute of 31 December in Almaty (UTC+5), and the first of 1 January.
LAST_MINUTE = datetime(2026, 12, 31, 18, 59)
NEXT_DAY = datetime(2026, 12, 31, 19, 0)
ENDED = {
    "kk": "Бұл ұсыныстың мерзімі аяқталды.",
    "ru": "Срок действия этого предложения истёк.",
    "en": "This offer has ended.",
}
UNTIL_SHOWN = {
    "kk": "Соңғы күні: 2026 ж. 31 желтоқсан",
    "ru": "Действует до 31 декабря 2026",
    "en": "Valid until 31 December 2026",
}


def offer_file(lang, until=UNTIL):
    title, description = OFFER[lang]
    return (
        f"Title: {title}\n"
        f"Description: {description}: практика, жаттығулар, practice and exercises.\n"
        "Date: 2026-12-01\n"
        "Kind: special\n"
        f"Until: {until}\n\n"
        "Text.\n"
    )


@pytest.fixture
def content(tmp_path, monkeypatch):
    """The site's content with one more offer, which ends on UNTIL."""
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    for lang in LANGUAGES:
        (folder / lang / "offers" / f"{SLUG}.md").write_text(offer_file(lang), encoding="utf-8")
    monkeypatch.setattr(qb.content, "CONTENT_DIR", folder)
    return folder


@pytest.fixture
def clock(monkeypatch):
    """Set the time (UTC) the site sees."""

    def set_time(moment):
        monkeypatch.setattr(qb.clock, "utcnow", lambda: moment)

    return set_time


def text(response):
    """The page with Babel's narrow and no-break spaces read as spaces."""
    return re.sub("[\u00a0\u202f]", " ", response.text)


def listed(client, path):
    return f"/offers/{SLUG}" in client.get(path).text


def sitemap(client):
    return re.findall(r"<loc>([^<]+)</loc>", client.get("/sitemap.xml").text)


def test_an_offer_leaves_by_itself_when_its_last_day_has_passed(make_app, content, clock):
    app = make_app()
    assert app.config["PAGE_CACHE"]  # as in production: pages are rendered once and kept
    client = app.test_client()

    clock(LAST_MINUTE)
    for lang in LANGUAGES:
        assert listed(client, localized("/", lang)) and listed(client, localized("/offers", lang))
        page = text(client.get(localized(f"/offers/{SLUG}", lang)))
        assert ENDED[lang] not in page and UNTIL_SHOWN[lang] in page
        assert 'class="cta"' in page
    assert f"https://qauipsizbolashaq.kz/ru/offers/{SLUG}" in sitemap(client)

    clock(NEXT_DAY)  # midnight in Almaty; the same process, its cache full
    for lang in LANGUAGES:
        assert not listed(client, localized("/", lang))
        assert not listed(client, localized("/offers", lang))
        response = client.get(localized(f"/offers/{SLUG}", lang))
        assert response.status_code == 200
        assert ENDED[lang] in text(response) and UNTIL_SHOWN[lang] in text(response)
        assert 'class="cta"' not in response.text
    assert not any(SLUG in loc for loc in sitemap(client))
    assert len(sitemap(client)) == len(PAGES) * len(LANGUAGES)


def test_the_days_gone_by_leave_the_page_cache(make_app, content, clock):
    app = make_app()
    client = app.test_client()
    clock(LAST_MINUTE)
    client.get("/")
    client.get("/about")
    clock(NEXT_DAY)
    client.get("/")
    keys = list(app.extensions["qb_page_cache"])
    assert ("/", "day:2026-12-31") not in keys and ("/", "day:2027-01-01") in keys
    assert ("/about",) in keys  # a page without offers has no day


def test_an_offer_that_has_ended_is_never_listed(make_app, content, clock):
    for lang in LANGUAGES:
        path = content / lang / "offers" / f"{SLUG}.md"
        path.write_text(offer_file(lang, until="2026-11-30"), encoding="utf-8")
    clock(LAST_MINUTE)
    client = make_app().test_client()
    assert not listed(client, "/en/") and not listed(client, "/en/offers")
    assert ENDED["en"] in client.get(f"/en/offers/{SLUG}").text
    assert not any(SLUG in loc for loc in sitemap(client))


def test_offers_without_until_stay(make_app, clock):
    clock(datetime(2036, 1, 1))
    client = make_app().test_client()
    html = client.get("/en/offers").text
    assert "first-aid-group-training" in html and "Valid until" not in html
