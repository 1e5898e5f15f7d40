"""One word per concept: no variant the glossary rules out, wherever a visitor reads it.

The operator's own Kazakh policy text is the one exception (it sets the Kazakh terms).
"""

import re
from html import unescape

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract as extract_jinja2

from qb.contact.services import new_submission_key, submit_enquiry
from qb.extensions import db
from qb.i18n import LANGUAGES, split_language
from qb.outbox.models import OutboxMessage
from qb.terminology import CONTENT, INTERFACE, MAIL, PAGE, POLICY, POLICY_TITLES, find_variants

from .contact_helpers import SETTINGS, hidden_fields
from .site import ALL_PAGES, ANALYTICS_SETTINGS, ROOT, localized
from .site import CONTENT as CONTENT_DIR

TEMPLATES = ROOT / "templates"
KEYWORDS = ("_", "gettext", "ngettext")


def described(findings, where):
    return "\n".join(f"{where}:{f.line}: «{f.found}»; write {f.use}" for f in findings)


@pytest.mark.parametrize(
    ("lang", "scope", "text", "caught"),
    [
        ("kk", CONTENT, "Толығырақ [құпиялылық саясатынан](/politika) оқыңыз.", True),
        ("kk", CONTENT, "Дербес деректеріңізге қатысты сұрақтар", True),
        ("kk", CONTENT, "«Дербес деректер және оларды қорғау туралы» Заңы", False),
        ("kk", PAGE, "Жеке деректер саясаты", True),
        ("kk", PAGE, "Жеке деректерді өңдеуге қатысты саясат", False),
        ("kk", CONTENT, "бізге төмендегі нысан арқылы жазыңыз", True),
        ("kk", CONTENT, "Біздің маман нысаныңызға келіп, тексереді.", False),
        ("kk", INTERFACE, "Нысан тым жылдам жіберілді.", True),
        ("kk", INTERFACE, "Хаттар операторның пошта жәшігінен жіберіледі.", True),
        ("kk", INTERFACE, "Қатаң қажет.", True),
        ("kk", MAIL, "Келісіміңізді кері қайтарып алу үшін", True),
        ("kk", MAIL, "сізге жауап береміз", True),
        ("kk", PAGE, "сізге жауап береміз", False),
        ("ru", CONTENT, "читайте в [политике конфиденциальности](/politika)", True),
        ("ru", POLICY, "Политика в отношении обработки персональных данных", True),
        ("ru", POLICY, "любой посетитель веб-сайта", False),
        ("ru", PAGE, "Чтобы ответить посетителю", True),
        ("ru", MAIL, "Мы получили ваше сообщение", True),
        ("ru", MAIL, "Мы получили Ваше сообщение и ответим Вам", False),
        ("ru", INTERFACE, "182 дн.", True),
        ("en", PAGE, "Read our Privacy Policy.", True),
        ("en", POLICY, "Personal Data Processing Policy", True),
        ("en", PAGE, "Read our Personal data policy.", False),
    ],
)
def test_the_rules_catch_what_they_are_for(lang, scope, text, caught):
    assert bool(find_variants(text, lang, scope)) == caught


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_catalogue_translation_uses_a_ruled_out_variant(lang):
    path = ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with open(path, "rb") as fh:
        catalogue = read_po(fh, locale=lang)
    problems = []
    for message in catalogue:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            problems += find_variants(string or "", lang, INTERFACE)
    assert not problems, described(problems, path.relative_to(ROOT))


def test_no_template_uses_a_ruled_out_variant():
    problems = []
    for path in sorted(TEMPLATES.rglob("*")):
        if path.is_dir() or CONTENT_DIR in path.parents:
            continue
        text = path.read_text(encoding="utf-8")
        for lang in LANGUAGES:
            problems.append(described(find_variants(text, lang, INTERFACE), path.name))
    assert not "".join(problems), "\n".join(p for p in problems if p)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_content_file_uses_a_ruled_out_variant(lang):
    problems = []
    for path in sorted((CONTENT_DIR / lang).rglob("*")):
        if path.suffix == ".md":
            scope = CONTENT
        elif path.name == "politika.txt" and lang != "kk":  # the Kazakh text is the operator's
            scope = POLICY
        else:
            continue
        found = find_variants(path.read_text(encoding="utf-8"), lang, scope)
        problems.append(described(found, path.relative_to(ROOT)))
    assert not "".join(problems), "\n".join(p for p in problems if p)


def visible_text(html, policy=False):
    """What a reader of the page sees (and search results show); the policy text only if asked."""
    if not policy:
        html = re.sub(r'<div class="policy-text">.*?</div>', " ", html, flags=re.S)
    description = re.findall(r'<meta name="description" content="([^"]*)"', html)
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", unescape(" ".join([text, *description])))


def page_problems(client, path, response=None):
    if response is None:
        response = client.get(path)
        assert response.status_code == (404 if "no-such-page" in path else 200), path
    lang = split_language(path)[0]
    return described(find_variants(visible_text(response.text), lang, PAGE), path)


@pytest.mark.parametrize("analytics", [False, True], ids=["plain", "analytics"])
def test_no_page_shows_a_ruled_out_variant_in_any_language(make_app, analytics):
    app = make_app(**SETTINGS, **(ANALYTICS_SETTINGS if analytics else {}), tables=True)
    client = app.test_client()
    problems = [page_problems(client, path) for path in ALL_PAGES]
    for lang in LANGUAGES:
        problems.append(page_problems(client, localized("/no-such-page", lang)))
        for path in ("/contact/thanks", "/newsletter", "/newsletter/thanks"):
            problems.append(page_problems(client, localized(path, lang)))
        # The form sent back with an error on every field shows every field's message.
        contact = localized("/contact", lang)
        bad = {"name": "R2D2", "email": "nope", "phone": "12", "message": "", "consent": "no"}
        answer = client.post(contact, data={**hidden_fields(client.get(contact).text), **bad})
        assert answer.status_code == 422
        problems.append(page_problems(client, contact, answer))
    assert not "".join(problems), "\n".join(p for p in problems if p)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_mail_uses_a_ruled_out_variant(make_app, lang):
    app = make_app(**SETTINGS, OPERATOR_LANGUAGE=lang, tables=True)
    with app.test_request_context(localized("/contact", lang)):
        submit_enquiry(
            key=new_submission_key(),
            name="Әсел Нұрланқызы",
            email="asel@example.kz",
            phone="",
            message="Сәлеметсіз бе!",
            language=lang,
            newsletter=True,
        )
        mails = db.session.scalars(sa.select(OutboxMessage)).all()
    # The operator's notice, the acknowledgement, and the newsletter's confirmation request.
    assert {"contact-operator", "contact-acknowledgement"} < {mail.kind for mail in mails}
    problems = []
    for mail in mails:
        for part in (mail.subject, mail.body_text, visible_text(mail.body_html)):
            problems.append(described(find_variants(part, lang, MAIL), mail.kind))
    assert not "".join(problems), "\n".join(p for p in problems if p)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_mail_template_reads_as_a_letter_to_one_person(lang):
    """Every string a mail template shows, campaigns' frames included, as translated."""
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalogue = read_po(fh, locale=lang)
    problems, checked = [], 0
    for path in sorted((TEMPLATES / "email").glob("*.html")):
        with open(path, "rb") as fh:
            for _line, _function, message, _comments in extract_jinja2(fh, KEYWORDS, [], {}):
                msgid = message if isinstance(message, str) else message[0]
                translated = catalogue.get(msgid)
                strings = translated.string if translated else ""
                for string in strings if isinstance(strings, tuple) else (strings,):
                    checked += 1
                    problems.append(described(find_variants(string, lang, MAIL), path.name))
    assert checked > 20
    assert not "".join(problems), "\n".join(p for p in problems if p)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_footer_title_and_policy_page_name_the_policy_by_its_title(client, lang):
    title = POLICY_TITLES[lang]
    about = client.get(localized("/about", lang)).text
    footer = about.split('<footer class="site-footer">', 1)[1]
    assert f'href="{localized("/politika", lang)}">{title}</a>' in footer
    policy = client.get(localized("/politika", lang)).text
    assert f"<title>{title} ·" in policy
    assert f"<h1>{title}</h1>" in policy


# The slips a Kazakh or Russian reader noticed, each where it was, fixed for good.
SLIPS = [
    ("/cookies", None, "Сайт жұмысы үшін міндетті", "Қатаң қажет"),
    ("/contact", "enquiry", "өтінішімнің көшірмесі сол елге беріледі", "сонда беріледі"),
    ("/contact", "enquiry", "операторының жеке деректерімді", "операторның"),
    ("/ru/cookies", "analytics", "Разрешить сервис Яндекс Метрика", "Разрешить Яндекс Метрика"),
    (
        "/ru/politika",
        None,
        "от пользователей веб-сайта Оператора http://",
        "пользователей веб-сайта http",
    ),
    ("/en/offers", None, "9 November 2026", "November 9, 2026"),
]


@pytest.mark.parametrize(("path", "setup", "right", "wrong"), SLIPS)
def test_slips_stay_fixed(make_app, path, setup, right, wrong):
    extra = ANALYTICS_SETTINGS if setup == "analytics" else {}
    html = make_app(**SETTINGS, **extra, tables=True).test_client().get(path).text
    text = visible_text(html, policy=True)
    assert right in text and wrong not in text


def test_the_name_error_asks_for_surname_and_first_name_in_russian(make_app):
    client = make_app(**SETTINGS, tables=True).test_client()
    fields = hidden_fields(client.get("/ru/contact").text)
    data = {**fields, "name": "R2D2", "email": "a@example.kz", "message": "Текст", "consent": "yes"}
    answer = client.post("/ru/contact", data=data)
    assert "Укажите фамилию и имя буквами" in answer.text


def test_letters_to_one_person_say_vy_with_a_capital(make_app):
    app = make_app(**SETTINGS, tables=True)
    with app.test_request_context("/ru/contact"):
        submit_enquiry(
            key=new_submission_key(),
            name="Асель",
            email="asel@example.kz",
            phone="",
            message="Здравствуйте",
            language="ru",
            newsletter=False,
        )
        [mail] = db.session.scalars(
            sa.select(OutboxMessage).filter_by(kind="contact-acknowledgement")
        ).all()
    assert mail.subject == "Мы получили Ваше сообщение"
    assert "Мы получили Ваше сообщение и ответим Вам по электронной почте." in mail.body_text
