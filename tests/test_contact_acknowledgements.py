"""Acknowledgements: no visitor text in them, at most ACK_LIMIT_PER_ADDRESS per mailbox a day."""

import logging
import uuid
from datetime import UTC, timedelta

import pytest
import sqlalchemy as sa
from babel.dates import format_date

from qb.clock import utcnow
from qb.contact.models import Enquiry
from qb.contact.services import new_submission_key
from qb.extensions import db

from .contact_helpers import SETTINGS, VALID, aged_token, enquiries, open_form, outbox, send
from .factories import new_enquiry

OPERATOR = "Qauipsizbolashaq@yandex.ru"


@pytest.fixture
def app(make_app):
    return make_app(**SETTINGS, tables=True)


def acknowledged(app):
    """The recipients of every acknowledgement queued, in order."""
    return [m.recipient for m in outbox(app) if m.kind == "contact-acknowledgement"]


def notified(app):
    return [m for m in outbox(app) if m.recipient == OPERATOR]


def test_the_fourth_enquiry_in_a_day_is_stored_and_notified_but_not_acknowledged(app, caplog):
    caplog.set_level(logging.DEBUG)
    client = app.test_client()
    responses = [send(client, "/en/contact", email="target@example.kz") for _ in range(5)]
    assert {(r.status_code, r.headers["Location"]) for r in responses} == {
        (303, "/en/contact/thanks")
    }
    assert acknowledged(app) == ["target@example.kz"] * 3
    assert len(enquiries(app)) == 5 and len(notified(app)) == 5
    assert "address limit reached" in caplog.text and "target" not in caplog.text
    # Another address is not affected.
    assert send(client, email="other@example.kz").status_code == 303
    assert acknowledged(app)[-1] == "other@example.kz"


@pytest.mark.parametrize(
    ("spellings", "other"),
    [
        (["asel@example.kz", "ASEL@example.kz", "Asel@Example.KZ"], "asel2@example.kz"),
        (["asel@example.kz", "asel+1@example.kz", "Asel+news@example.kz"], "asel@example.com"),
        (["a.sel@gmail.com", "as.el@googlemail.com", "a.s.e.l+x@gmail.com"], "asel@gmail.co"),
        (["a.sel@yandex.ru", "a-sel@ya.ru", "A.Sel@yandex.kz"], "asel@yandex.ru"),
        (["a_b@example.kz", "a_b@example.kz", "a_b@example.kz"], "axb@example.kz"),
        (["a%b@example.kz", "a%b@example.kz", "a%b@example.kz"], "a%bc@example.kz"),
    ],
)
def test_spellings_of_one_mailbox_share_its_limit(app, spellings, other):
    for address in spellings:
        new_enquiry(app, email=address)
    assert len(acknowledged(app)) == 3
    new_enquiry(app, email=spellings[-1])
    assert len(acknowledged(app)) == 3  # the same mailbox: no fourth acknowledgement
    new_enquiry(app, email=other)
    assert len(acknowledged(app)) == 4  # a different mailbox (SQL wildcards match nothing)
    assert len(enquiries(app)) == 5
    assert len({e.mailbox_key for e in enquiries(app)}) == 2


def test_enquiries_older_than_a_day_no_longer_count(app):
    for _ in range(3):
        new_enquiry(app, email="target@example.kz")
    assert len(acknowledged(app)) == 3
    with app.app_context():
        earlier = utcnow() - timedelta(hours=25)
        db.session.execute(sa.update(Enquiry).values(created_at=earlier))
        db.session.commit()
    new_enquiry(app, email="target@example.kz")
    assert len(acknowledged(app)) == 4


def test_a_limit_of_zero_sends_no_acknowledgement_and_the_visitor_sees_the_usual_thanks(make_app):
    app = make_app(**SETTINGS, ACK_LIMIT_PER_ADDRESS=0, tables=True)
    client = app.test_client()
    response = send(client, "/ru/contact")
    assert response.headers["Location"] == "/ru/contact/thanks"
    assert acknowledged(app) == [] and len(notified(app)) == 1
    assert len(enquiries(app)) == 1
    # A promise the page makes only when acknowledgements are sent.
    promise = "мы также отправляем подтверждение получения"
    assert promise not in client.get("/ru/contact/thanks").text
    assert promise in make_app(**SETTINGS).test_client().get("/ru/contact/thanks").text


def test_the_limit_on_postgresql(make_app, postgres_uri):
    postgres_app = make_app(**SETTINGS, SQLALCHEMY_DATABASE_URI=postgres_uri)
    for address in ("a.sel@gmail.com", "asel@googlemail.com", "ASEL+1@gmail.com", "asel@gmail.com"):
        new_enquiry(postgres_app, email=address)
    assert len(acknowledged(postgres_app)) == 3
    assert len(notified(postgres_app)) == 4


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("en", "The visitor was sent no copy of this enquiry"),
        ("ru", "Пользователю не отправлена копия этого обращения"),
        ("kk", "Қолданушыға осы өтініштің көшірмесі жіберілмеді"),
    ],
)
def test_the_operator_is_told_when_the_visitor_got_no_acknowledgement(make_app, language, note):
    app = make_app(**SETTINGS, OPERATOR_LANGUAGE=language, tables=True)
    for _ in range(4):
        new_enquiry(app, email="target@example.kz")
    mails = notified(app)
    assert len(mails) == 4 and len(acknowledged(app)) == 3
    for mail in mails[:3]:
        assert note not in mail.body_text and note not in mail.body_html
    assert note in mails[3].body_text and f"<p>{note}" in mails[3].body_html
    assert "ACK_LIMIT_PER_ADDRESS" in mails[3].body_text


# --- What an acknowledgement says ---------------------------------------------------------

POSTAL_ADDRESS = "050000, Алматы қ., Абай даңғылы, 1"
ACKNOWLEDGEMENT = {
    "en": ("We have received your message", "You can withdraw your consent"),
    "ru": ("Мы получили Ваше сообщение", "Вы можете в любой момент отозвать согласие"),
    "kk": ("Хабарламаңызды алдық", "Келісіміңізді қайтарып алу"),
}
PREFIX = {"en": "/en", "ru": "/ru", "kk": ""}
BRITISH = {"en": "en_GB"}  # "29 November 2026", never "November 29, 2026"


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_acknowledgement_says_when_and_how_to_reach_us_in_the_visitors_language(make_app, lang):
    app = make_app(**SETTINGS, OPERATOR_ADDRESS=POSTAL_ADDRESS, tables=True)
    new_enquiry(app, language=lang)
    [enquiry] = enquiries(app)
    [mail] = [m for m in outbox(app) if m.kind == "contact-acknowledgement"]
    subject, withdrawal = ACKNOWLEDGEMENT[lang]
    # Kazakhstan time is UTC+5 all year; the enquiry is stored in UTC.
    almaty = enquiry.created_at.replace(tzinfo=UTC) + timedelta(hours=5)
    clock = f"{almaty:%H:%M}"  # 24 hours in every language, English as in Britain
    assert mail.subject == subject and mail.recipient_name is None
    for body in (mail.body_text, mail.body_html):
        assert format_date(almaty, "long", locale=BRITISH.get(lang, lang)) in body
        assert clock in body
        assert POSTAL_ADDRESS in body and OPERATOR in body
        assert f"https://qauipsizbolashaq.kz{PREFIX[lang]}/politika" in body
        assert withdrawal in body
    assert f'href="https://qauipsizbolashaq.kz{PREFIX[lang]}/politika"' in mail.body_html
    assert f'href="mailto:{OPERATOR}"' in mail.body_html
    if almaty.hour != enquiry.created_at.hour:
        assert f"{enquiry.created_at:%H:%M}" not in mail.body_text  # not UTC


# --- The relay attack, as it was reported -------------------------------------------------

ATTACK_TEXT = "Free prize: https://phish.example/x"
ATTACK_NAME = "Prize Winner"
VICTIM = {
    "yandex": [
        "ivan.petrov@yandex.ru",
        "ivan-petrov@yandex.ru",
        "ivan.petrov@ya.ru",
        "ivan.petrov@yandex.kz",
    ],
    "gmail": ["ivanpetrov@gmail.com", "ivanpetrov@googlemail.com"],
}
SPELLINGS = [*VICTIM["yandex"], *VICTIM["gmail"]]
# What was typed into the form, in whole and in pieces (the phone is the one VALID gives).
SUBMITTED = [ATTACK_TEXT, "Free prize", "phish", "Winner", "Prize", "701 123", "7011234567"]


@pytest.fixture
def production_like(make_app, redis_uri, smtp_server):
    """Production settings behind one proxy: real Redis rate limits, form timing, real SMTP."""
    return make_app(
        **smtp_server.settings(),
        PROXY_COUNT=1,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=redis_uri,
        RATELIMIT_KEY_PREFIX=f"qb-attack-{uuid.uuid4().hex}",  # no counts of other tests
        CONTACT_RATE_LIMIT="5 per minute; 20 per hour",
        CONTACT_MIN_FILL_SECONDS=3,
        tables=True,
    )


def attack(app, n, client_address):
    """One submission as the attacker sent it, through the proxy, from `client_address`."""
    client = app.test_client()
    data = {
        **open_form(client, "/ru/contact"),
        **VALID,
        "name": ATTACK_NAME,
        "email": SPELLINGS[n % len(SPELLINGS)],
        "message": ATTACK_TEXT,
        # Filled in at a human pace: the token says the form was served a minute ago.
        "form_token": aged_token(app, new_submission_key(), 60),
    }
    return client.post(
        "/ru/contact",
        data=data,
        environ_base={"REMOTE_ADDR": "127.0.0.1"},  # the proxy
        headers={"X-Forwarded-For": client_address},
    )


def mail_texts(message):
    """Every header (but To, which must name the victim) and every decoded part, as text."""
    texts = []
    for part in message.walk():
        texts += [f"{name}: {value}" for name, value in part.items() if name.lower() != "to"]
        if not part.is_multipart():
            texts.append(part.get_content())
    return texts


def test_nineteen_attack_submissions_relay_no_attacker_text_and_respect_the_cap(
    production_like, smtp_server
):
    app = production_like
    clients = [f"198.51.100.{n}" for n in (7, 23, 42, 99)]
    statuses = [attack(app, n, clients[n % len(clients)]).status_code for n in range(19)]
    assert statuses == [303] * 19
    # The limiter is really on and counts the forwarded client: a sixth post from one is refused.
    assert attack(app, 0, clients[0]).status_code == 429

    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert f"sent {19 + 2 * 3}, deferred 0, failed 0" in result.output
    received = smtp_server.wait_for(19 + 2 * 3)
    assert len(smtp_server.messages) == len(received)  # everything was sent in that one pass
    assert {m.status for m in outbox(app)} == {"sent"}

    assert len(enquiries(app)) == 19
    to_operator = [r for r in received if r.rcpt_tos == [OPERATOR]]
    assert len(to_operator) == 19
    # The operator gets everything, the attacker's text included.
    assert all(ATTACK_TEXT in "\n".join(mail_texts(r.message)) for r in to_operator)

    acknowledgements = [r for r in received if r.rcpt_tos != [OPERATOR]]
    for mailbox, spellings in VICTIM.items():
        reached = [r for r in acknowledgements if r.rcpt_tos[0] in spellings]
        assert len(reached) == app.config["ACK_LIMIT_PER_ADDRESS"], mailbox
    for r in acknowledgements:
        assert r.message["To"] == r.rcpt_tos[0]  # the bare address: no display name
        for text in mail_texts(r.message):
            for submitted in SUBMITTED:
                assert submitted.lower() not in text.lower(), (submitted, text)
            assert "ivan" not in text.lower()  # not even the address, outside To
        raw = r.raw.decode("ascii", "replace").lower()
        assert not [submitted for submitted in SUBMITTED if submitted.lower() in raw]
