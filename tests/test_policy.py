"""The policy at /politika: the operator's Kazakh text word for word, translations, links."""

import hashlib
import re
from html import unescape
from urllib.parse import quote

import pytest

from qb.i18n import LANGUAGES
from qb.policy.services import current_revision, linkify, policy_lines

from .site import ALL_PAGES, CONTENT

# SHA-256 of the operator's policy text as delivered; the Kazakh file must stay exactly it.
OPERATOR_TEXT_SHA256 = "c5011c3941352ef3a5e25127038948888d788c0657c546793228f2944bbc3016"
OPERATOR_TEXT = CONTENT / "kk" / "politika.txt"


def normalised(text):
    return re.sub(r"\s+", " ", text).strip()


def rendered_paragraphs(html):
    """The text of the policy's title and paragraphs, in order, as a reader sees them."""
    title = re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)
    body = html.split('<div class="policy-text">', 1)[1].split("</div>", 1)[0]
    blocks = re.findall(r"<(?:h2|p)[^>]*>(.*?)</(?:h2|p)>", body, re.S)
    return [normalised(unescape(re.sub(r"<[^>]+>", "", b))) for b in [title, *blocks]]


def test_the_kazakh_text_is_the_operators_file_unchanged():
    assert hashlib.sha256(OPERATOR_TEXT.read_bytes()).hexdigest() == OPERATOR_TEXT_SHA256


def test_politika_shows_the_kazakh_text_word_for_word(client):
    response = client.get("/politika")
    assert response.status_code == 200
    expected = [
        normalised(p) for p in OPERATOR_TEXT.read_text(encoding="utf-8").splitlines() if p.strip()
    ]
    assert rendered_paragraphs(response.text) == expected


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_translations_follow_the_numbering_of_the_original(client, lang):
    number = re.compile(r"^(\d+(?:\.\d+)*)\.? ")

    def numbers(lines):
        return [m.group(1) if (m := number.match(line)) else None for line in lines]

    assert numbers(policy_lines(lang)) == numbers(policy_lines("kk"))
    html = client.get(f"/{lang}/politika").text
    assert rendered_paragraphs(html) == [normalised(p) for p in policy_lines(lang)]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_addresses_are_links_with_the_subject_the_policy_names(client, lang):
    prefix = "" if lang == "kk" else f"/{lang}"
    html = client.get(f"{prefix}/politika").text
    mailtos = re.findall(r'<p id="s([\d.]+)">[^\n]*?href="mailto:([^"]+)"', html)
    by_section = dict(mailtos)
    assert set(by_section) == {"4.2", "6.3", "6.4", "8.1"}
    assert by_section["8.1"] == "Qauipsizbolashaq@yandex.ru"
    lines = {line.split(" ", 1)[0].rstrip("."): line for line in policy_lines(lang)}
    for section in ("4.2", "6.3", "6.4"):
        subject = re.search(r"[«“]([^»”]+)[»”]", lines[section].split("@yandex.ru", 1)[1]).group(1)
        assert by_section[section] == f"Qauipsizbolashaq@yandex.ru?subject={quote(subject)}"
    assert '<a href="http://qauipsizbolashaq.kz/politika">' in html
    assert '<a href="http://qauipsizbolashaq.kz">' in html


def test_the_kazakh_subject_lines_are_the_policys_own():
    lines = {line.split(" ", 1)[0]: line for line in policy_lines("kk")}
    assert "subject=" + quote("Жеке деректерді жаңарту") in linkify(lines["6.3."])
    assert "subject=" + quote("Жеке деректерді өңдеуге келісімді қайтарып алу") in linkify(
        lines["6.4."]
    )


def test_linkify_escapes_everything_else():
    html = linkify('<b>x</b> a@b.kz «<i>"</i>» http://e.kz/?q=<s>.')
    assert "<b>" not in html and "<i>" not in html and "<s>" not in html
    assert '<a href="mailto:a@b.kz?subject=%3Ci%3E">a@b.kz</a>' in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_revision_and_effective_date_are_shown(client, lang):
    revision = current_revision()
    prefix = "" if lang == "kk" else f"/{lang}"
    html = client.get(f"{prefix}/politika").text
    shown = re.search(r"<p class=\"revision\">(.*?)</p>", html, re.S).group(1)
    assert str(revision.number) in shown
    assert str(revision.effective.year) in shown


@pytest.mark.parametrize("url", ALL_PAGES)
def test_every_footer_links_the_policy_and_the_cookie_page(client, url):
    html = client.get(url).text
    footer = html.split('<footer class="site-footer">', 1)[1]
    prefix = "/" + url.split("/")[1] if url.startswith(("/ru/", "/en/")) else ""
    assert f'href="{prefix}/politika"' in footer
    assert f'href="{prefix}/cookies"' in footer
