"""Every mail extends one layout pair; HTML parts stand alone; times are Kazakhstan's."""

from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.dates import format_date
from flask_babel import force_locale
from jinja2 import nodes

from qb.contact import services as contact_services
from qb.contact.services import new_submission_key, submit_enquiry
from qb.extensions import db
from qb.i18n import local_datetime
from qb.outbox.models import OutboxMessage

EMAIL = Path(__file__).resolve().parent.parent / "templates" / "email"
LAYOUTS = {".txt": "email/layout.txt", ".html": "email/layout.html"}
OPERATOR = "Qauipsizbolashaq@yandex.ru"
# What a visitor typed: none of it may reach the acknowledgement.
TYPED = {
    "name": "Зарина Тоқтарқызы",
    "email": "zarina.typed@example.kz",
    "phone": "+77019876543",
    "message": "Менің сұрағым <b>жуан</b> https://phish.example/x",
}
TYPED_PIECES = ["Зарина", "Тоқтар", "zarina", "9876543", "сұрағым", "жуан", "phish"]
SITE = "https://qauipsizbolashaq.kz"
POLICY = {"kk": f"{SITE}/politika", "ru": f"{SITE}/ru/politika", "en": f"{SITE}/en/politika"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
# 19:30 UTC on 28 November is 00:30 on 29 November in Almaty (UTC+5).
LATE_UTC = datetime(2026, 11, 28, 19, 30)
NEXT_DAY = date(2026, 11, 29)


LEGAL_NAMES = {
    "kk": "«Қауіпсіз Болашақ» ЖШС",
    "ru": "ТОО «Қауіпсіз Болашақ»",
    "en": "Qauipsiz Bolashaq LLP",
}


@pytest.fixture
def app(make_app):
    app = make_app(
        OPERATOR_ADDRESS="050000, Алматы қ., Абай даңғылы, 1", OPERATOR_LEGAL_NAMES=LEGAL_NAMES
    )
    with app.app_context():
        db.create_all()
    return app


def mails(app, lang, newsletter=False):
    """{kind: outbox row} of one enquiry submitted in `lang`."""
    with app.test_request_context(f"/{lang}/contact"):
        submit_enquiry(key=new_submission_key(), language=lang, newsletter=newsletter, **TYPED)
        rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()))
        found = {}
        for row in rows:
            found.setdefault(row.kind, row)
        return found


class Document(HTMLParser):
    """What a standalone HTML mail must (not) have, collected while parsing."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.decl, self.lang, self.title, self.charset = None, None, "", None
        self.problems, self.open, self.in_title = [], [], False
        self.feed(html)
        self.close()

    def handle_decl(self, decl):
        self.decl = decl.lower()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "meta" and "charset" in attrs:
            self.charset = attrs["charset"].lower()
        if tag in ("script", "style", "link", "img", "iframe", "object", "embed", "form"):
            self.problems.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on") or name in ("style", "src", "srcset", "background"):
                self.problems.append(f"<{tag} {name}>")
            if name == "href" and not value.startswith(("https://", "mailto:")):
                self.problems.append(f"<{tag} href={value}>")
        if tag not in VOID:
            self.open.append(tag)
        self.in_title = tag == "title"

    def handle_endtag(self, tag):
        if not self.open or self.open.pop() != tag:
            self.problems.append(f"</{tag}> closes nothing open")
        self.in_title = False

    def handle_data(self, data):
        if self.in_title:
            self.title += data


def layout_part(node):
    """Whether a top-level node of a mail template is an extends, a block, or blank."""
    if isinstance(node, nodes.Output):
        return all(isinstance(n, nodes.TemplateData) and not n.data.strip() for n in node.nodes)
    return isinstance(node, nodes.Extends | nodes.Block)


def test_every_mail_template_extends_the_layout_of_its_kind(app):
    templates = sorted(p for p in EMAIL.iterdir() if p.stem != "layout")
    assert {p.name for p in templates} >= {
        "contact_operator.txt",
        "contact_operator.html",
        "contact_acknowledgement.txt",
        "contact_acknowledgement.html",
    }
    for path in templates:
        tree = app.jinja_env.parse(path.read_text(encoding="utf-8"))
        extends = [node.template.value for node in tree.find_all(nodes.Extends)]
        assert extends == [LAYOUTS[path.suffix]], path.name
        # Nothing but blocks around it: text outside a block would be dropped without a word.
        assert all(map(layout_part, tree.body)), path.name


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("operator_lang", ["kk", "en"])
def test_html_parts_are_standalone_documents_in_the_readers_language(make_app, lang, operator_lang):
    app = make_app(OPERATOR_LANGUAGE=operator_lang)
    with app.app_context():
        db.create_all()
    sent = mails(app, lang, newsletter=True)
    for kind, expected_lang in (
        ("contact-operator", operator_lang),
        ("contact-acknowledgement", lang),
    ):
        document = Document(sent[kind].body_html)
        assert document.decl == "doctype html", kind
        assert document.lang == expected_lang, kind
        assert document.charset == "utf-8" and document.title.strip(), kind
        assert document.problems == [] and document.open == [], (kind, document.problems)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_acknowledgement_ends_with_the_layouts_footer(app, lang):
    mail = mails(app, lang)["contact-acknowledgement"]
    signature = LEGAL_NAMES[lang]  # the operator signs with its registered name
    for body in (mail.body_text, mail.body_html):
        footer = body[body.rindex(signature) :]
        assert POLICY[lang] in footer and OPERATOR in footer
        assert "050000, Алматы қ., Абай даңғылы, 1" in footer
        assert body.count(POLICY[lang]) == (1 if body is mail.body_text else 2)
    assert f'<a href="{POLICY[lang]}">' in mail.body_html
    # Then the "my data" page, where every person sees and manages what is held.
    my_data = POLICY[lang].replace("/politika", "/my-data")
    assert f'<a href="{my_data}">' in mail.body_html
    assert mail.body_text.endswith(f"{my_data}\n")
    assert "<" not in mail.body_text  # the text part is text


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_acknowledgement_carries_nothing_the_visitor_typed(app, lang):
    sent = mails(app, lang, newsletter=True)
    operator, visitor = sent["contact-operator"], sent["contact-acknowledgement"]
    assert TYPED["message"] in operator.body_text  # the operator gets it all
    for body in (visitor.subject, visitor.body_text, visitor.body_html):
        for piece in TYPED_PIECES:
            assert piece.lower() not in body.lower(), piece


@pytest.mark.parametrize(
    ("lang", "day"),
    [("kk", "29 қараша"), ("ru", "29 ноября 2026"), ("en", "29 November 2026")],
)
def test_a_late_evening_in_utc_is_the_next_day_in_almaty(app, lang, day):
    with app.test_request_context(), force_locale(lang):
        shown = local_datetime(LATE_UTC)
    assert day in shown  # English dates are British
    assert "28" not in shown
    assert "00:30" in shown and "19:30" not in shown and "7:30" not in shown and "AM" not in shown


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_both_mails_date_a_late_enquiry_by_kazakhstan_time(make_app, monkeypatch, lang):
    app = make_app(OPERATOR_LANGUAGE=lang)
    with app.app_context():
        db.create_all()
    monkeypatch.setattr(contact_services, "utcnow", lambda: LATE_UTC)
    sent = mails(app, lang)
    locale = "en_GB" if lang == "en" else lang  # English dates are British
    next_day = format_date(NEXT_DAY, "long", locale=locale)
    stored_day = format_date(LATE_UTC.date(), "long", locale=locale)
    for mail in sent.values():
        for body in (mail.body_text, mail.body_html):
            assert next_day in body, mail.kind
            assert stored_day not in body, mail.kind
            assert "19:30" not in body and "UTC" not in body, mail.kind
