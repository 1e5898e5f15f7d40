"""The contact page: the form, its consent text and the thanks page in every language."""

import re

import pytest

from .contact_helpers import (
    SETTINGS,
    hidden_fields,
)


@pytest.fixture
def app(make_app):
    return make_app(**SETTINGS, tables=True)


@pytest.mark.parametrize("path", ["/contact", "/ru/contact", "/en/contact"])
def test_the_form_is_on_the_contact_page_in_every_language(client, path):
    html = client.get(path).text
    assert 'href="mailto:Qauipsizbolashaq@yandex.ru"' in html  # the details stay above it
    assert html.index("mailto:") < html.index("<form")
    for name in ("name", "email", "phone", "message", "consent", "newsletter"):
        assert f'name="{name}"' in html
    assert 'autocomplete="name"' in html and 'autocomplete="email"' in html
    assert 'autocomplete="tel"' in html
    for box in ("enquiry-consent", "newsletter-consent"):
        tag = re.search(rf'<input type="checkbox" id="{box}"[^>]*>', html).group(0)
        assert "checked" not in tag
    label = re.search(r'<label for="enquiry-consent">(.*?)</label>', html, re.S).group(1)
    politika = path.replace("contact", "politika")
    assert f'href="{politika}"' in label


def test_the_phone_format_is_shown_before_the_input(client):
    html = client.get("/en/contact").text
    hint = html.index('id="phone-hint"')
    assert "+7 701 123 45 67" in html[hint : html.index('id="phone"')]
    assert re.search(r'id="phone"[^>]*aria-describedby="phone-hint"', html, re.S)


@pytest.mark.parametrize(
    ("path", "provider", "country", "home"),
    [
        ("/contact", "«Яндекс» ЖШҚ", "Ресей", "Қазақстан"),
        ("/ru/contact", "ООО «Яндекс»", "Россия", "Казахстан"),
        ("/en/contact", "Yandex LLC", "Russia", "Kazakhstan"),
    ],
)
def test_the_consent_text_has_what_the_law_asks(make_app, path, provider, country, home):
    app = make_app(
        **SETTINGS,
        OPERATOR_NAME="ТОО «Qauipsiz Bolashaq»",
        OPERATOR_BIN="123456789012",
        ENQUIRY_RETENTION_DAYS=400,
        tables=True,
    )
    html = app.test_client().get(path).text
    text = re.search(r'id="enquiry-consent-text">(.*?)</div>', html, re.S).group(1)
    for part in (
        "Qauipsiz Bolashaq",
        "123456789012",
        "400",
        provider,
        country,
        home,
        "Qauipsizbolashaq@yandex.ru",
    ):
        assert part in text, part


def test_without_a_bin_the_clause_is_left_out(client):
    text = re.search(r'id="enquiry-consent-text">(.*?)</div>', client.get("/en/contact").text, re.S)
    assert "BIN" not in text.group(1)
    assert "Qauipsiz Bolashaq processes my personal data" in text.group(1)


def test_every_visit_gets_its_own_form_token_and_nonce(client):
    first, second = client.get("/en/contact"), client.get("/en/contact")
    assert hidden_fields(first.text)["form_token"] != hidden_fields(second.text)["form_token"]
    for response in (first, second):
        nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
        assert "qbnonce" not in response.text
        assert all(n == nonce.group(1) for n in re.findall(r'nonce="([^"]+)"', response.text))


def test_the_thanks_page_is_localised(client):
    assert "Спасибо за сообщение" in client.get("/ru/contact/thanks").text
    assert "Хабарламаңызға рақмет" in client.get("/contact/thanks").text
