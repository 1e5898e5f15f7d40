"""The contact page: the form, its consent text and the thanks page in every language."""

import re
from html import unescape

import pytest

from qb.consent.services import text_version

from .contact_helpers import (
    SETTINGS,
    hidden_fields,
)
from .site import localized


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


LEGAL_NAMES = {
    "kk": "«Қауіпсіз Болашақ» ЖШС",
    "ru": "ТОО «Қауіпсіз Болашақ»",
    "en": "Qauipsiz Bolashaq LLP",
}
# What Law 94-V Art. 8(4) asks every consent text to state, as a lawyer writes it in each
# language: the operator by its registered name in the right case with its BIN, the recipient
# and its country, publication, withdrawal, and which terms apply where the policy is general.
STATUTORY = {
    "kk": [
        "Мен, осы формада аты-жөні көрсетілген тұлға, «Қауіпсіз Болашақ» ЖШС (БСН 123456789012) "
        "операторының ",
        "жеке деректерімді төмендегі шарттармен өңдеуіне келісім беремін.",
        "Оператордың мекенжайы: 050000, Алматы қ., Абай даңғылы, 1.",
        "Үшінші тұлғаларға беру:",
        "Оператордың «Яндекс» ЖШҚ серверлеріндегі пошта жәшіг",
        "Трансшекаралық беру: иә. Бұл пошта жәшігі Ресей аумағында орналасқан",
        "сол елге беріледі. Сайттың өз дерекқоры Қазақстан аумағында орналасқан.",
        "Жалпыға қолжетімді дереккөздерде тарату: жоқ.",
        "Келісімді қайтарып алу:",
        "Qauipsizbolashaq@yandex.ru мекенжайына жазу арқылы қайтарып ала аламын",
        "«Жеке деректерді өңдеуге қатысты саясат» құжатының жалпы ережелерін нақтылайды.",
    ],
    "ru": [
        "Я, лицо, указанное в этой форме, даю согласие оператору ТОО «Қауіпсіз Болашақ» "
        "(БИН 123456789012) на обработку моих персональных данных",
        "Адрес оператора: 050000, Алматы қ., Абай даңғылы, 1.",
        "Передача третьим лицам:",
        "почтов",
        "размещённ",
        "у ООО «Яндекс».",
        "Трансграничная передача: осуществляется.",
        "(страна: Россия)",
        "База данных самого сайта находится в Казахстане.",
        "Распространение в общедоступных источниках: не осуществляется.",
        "Отзыв согласия:",
        "отозвать это согласие, написав на Qauipsizbolashaq@yandex.ru",
        "уточняют общие положения Политики обработки персональных данных.",
    ],
    "en": [
        "I, the person named in this form, consent to the operator Qauipsiz Bolashaq LLP "
        "(BIN 123456789012) processing my personal data",
        "The operator's address: 050000, Алматы қ., Абай даңғылы, 1.",
        "Transfer to third parties:",
        "hosted by Yandex LLC.",
        "Cross-border transfer: yes. That mailbox is in Russia",
        "The site's own database is in Kazakhstan.",
        "Publication in publicly available sources: none.",
        "Withdrawal:",
        "by writing to Qauipsizbolashaq@yandex.ru",
        "they are more specific than the general terms of the Personal data policy.",
    ],
}
ENQUIRY_ITEMS = {
    "kk": [
        "Жеке деректер: аты-жөнім, электрондық пошта мекенжайым, телефон нөмірім",
        "Өңдеу мақсаты: өтінішіме жауап беру.",
        "400 күн сақталады, содан кейін жойылады",
        "өтінішімнің көшірмесі сол елге беріледі",
        "содан кейін деректерім жойылады.",
    ],
    "ru": [
        "Персональные данные: мои фамилия и имя, адрес электронной почты, номер телефона",
        "Цель обработки: ответ на моё обращение.",
        "хранятся 400 дней со дня получения обращения, затем уничтожаются",
        "копия моего обращения передаётся в эту страну",
        "после этого мои данные уничтожаются.",
    ],
    "en": [
        "Personal data: my full name, e-mail address, phone number",
        "Purpose of processing: to answer my enquiry.",
        "kept for 400 days from the day my enquiry arrives and are then destroyed",
        "a copy of my enquiry is transferred to that country",
        "my data are then destroyed.",
    ],
}
NEWSLETTER_ITEMS = {
    "kk": [
        "Жеке деректер: аты-жөнім және электрондық пошта мекенжайым.",
        "жаңа өнімдер мен қызметтер және арнайы ұсыныстар туралы ескертпелер жіберу",
        "мекенжайымды растамайынша, ештеңе жіберілмейді",
        "жазылымнан бас тартқанға немесе оны қайтарып алғанға дейін",
        "аты-жөнім мен электрондық пошта мекенжайым сол елге беріледі",
        "әр хатта жазылымнан бас тарту сілтемесі бар",
    ],
    "ru": [
        "Персональные данные: мои фамилия, имя и адрес электронной почты.",
        "уведомлений о новых продуктах, услугах и специальных предложениях",
        "Пока я не подтвержу адрес по ссылке из письма-подтверждения",
        "до моего отказа от подписки или его отзыва",
        "мои фамилия, имя и адрес электронной почты передаются в эту страну",
        "в каждом письме есть ссылка, чтобы отписаться",
    ],
    "en": [
        "Personal data: my full name and e-mail address.",
        "e-mails about new products, services and special offers",
        "Nothing is sent until I confirm my address",
        "until I unsubscribe or withdraw it",
        "my name and e-mail address are transferred to that country",
        "every e-mail has a link to unsubscribe",
    ],
}


def consent_texts(html):
    """The enquiry's and the newsletter's consent texts as the contact page shows them."""
    return [
        re.search(rf'id="{name}-consent-text">(.*?)</div>', html, re.S).group(1)
        for name in ("enquiry", "newsletter")
    ]


def legal_app(make_app, **overrides):
    settings = {
        **SETTINGS,
        "OPERATOR_LEGAL_NAMES": LEGAL_NAMES,
        "OPERATOR_BIN": "123456789012",
        "OPERATOR_ADDRESS": "050000, Алматы қ., Абай даңғылы, 1",
        "ENQUIRY_RETENTION_DAYS": 400,
    }
    return make_app(**{**settings, **overrides}, tables=True)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_both_consent_texts_state_what_the_law_asks(make_app, lang):
    html = legal_app(make_app).test_client().get(localized("/contact", lang)).text
    enquiry, newsletter = consent_texts(html)
    for text, own_items in ((enquiry, ENQUIRY_ITEMS), (newsletter, NEWSLETTER_ITEMS)):
        text = unescape(re.sub(r"\s+", " ", text))
        for item in STATUTORY[lang] + own_items[lang]:
            assert item in text, (lang, item)


@pytest.mark.parametrize(
    ("days", "words"),
    [(1, "1 день"), (2, "2 дня"), (5, "5 дней"), (21, "21 день"), (365, "365 дней")],
)
def test_the_period_is_written_out_with_the_right_plural(make_app, days, words):
    app = legal_app(make_app, ENQUIRY_RETENTION_DAYS=days)
    enquiry, _newsletter = consent_texts(app.test_client().get("/ru/contact").text)
    assert f"хранятся {words} со дня получения" in enquiry
    english, _newsletter = consent_texts(app.test_client().get("/en/contact").text)
    assert f"kept for {days} {'day' if days == 1 else 'days'} from the day" in english


def test_a_mailbox_at_home_is_no_cross_border_transfer(make_app):
    app = legal_app(make_app, OPERATOR_MAILBOX_COUNTRY="KZ")
    for lang, words in (
        ("kk", "Трансшекаралық беру: жоқ."),
        ("ru", "Трансграничная передача: не осуществляется."),
        ("en", "Cross-border transfer: none."),
    ):
        for text in consent_texts(app.test_client().get(localized("/contact", lang)).text):
            assert words in text and "аумағында орналасқан, сондықтан" not in text


def test_the_text_version_follows_the_wording_without_a_constant(make_app):
    def versions(**settings):
        with make_app(**settings).app_context():
            return text_version("enquiry"), text_version("newsletter")

    first, again, longer = versions(), versions(), versions(ENQUIRY_RETENTION_DAYS=400)
    assert first == again  # the same words, the same version, in any process
    assert longer[0] != first[0]  # the enquiry text states the period...
    assert longer[1] == first[1]  # ...the newsletter text does not
    renamed = versions(OPERATOR_LEGAL_NAMES={"ru": "ТОО «Другое»"})
    assert renamed[0] != first[0] and renamed[1] != first[1]  # a change in one language


def test_without_a_bin_the_clause_is_left_out(client):
    # Only debug and testing start without a BIN (test_config).
    enquiry, newsletter = consent_texts(client.get("/en/contact").text)
    for text in (enquiry, newsletter):
        assert "BIN" not in text
        assert "consent to the operator Qauipsiz Bolashaq processing my personal data" in text


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
