"""At most ACK_LIMIT_PER_ADDRESS acknowledgements to one address a day; enquiries still arrive."""

import logging
from datetime import timedelta

import pytest
import sqlalchemy as sa

from qb.contact.models import Enquiry, utcnow
from qb.contact.services import mailbox_key
from qb.extensions import db

from .contact_helpers import SETTINGS, enquiries, outbox, postgres_site, send, with_tables

OPERATOR = "Qauipsizbolashaq@yandex.ru"


@pytest.fixture
def app(make_app):
    return with_tables(make_app(**SETTINGS))


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
        (["a.sel@gmail.com", "as.el@gmail.com", "a.s.e.l+x@gmail.com"], "asel@gmail.co"),
        (["a_b@example.kz", "a_b@example.kz", "a_b@example.kz"], "axb@example.kz"),
        (["a%b@example.kz", "a%b@example.kz", "a%b@example.kz"], "a%bc@example.kz"),
    ],
)
def test_spellings_of_one_mailbox_share_its_limit(app, spellings, other):
    client = app.test_client()
    for address in spellings:
        assert send(client, email=address).status_code == 303
    assert len(acknowledged(app)) == 3
    assert send(client, email=spellings[-1]).status_code == 303
    assert len(acknowledged(app)) == 3  # the same mailbox: no fourth copy
    assert send(client, email=other).status_code == 303
    assert len(acknowledged(app)) == 4  # a different mailbox (SQL wildcards match nothing)
    assert len(enquiries(app)) == 5


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("Asel@Example.KZ", "asel@example.kz"),
        ("asel+tag+more@example.kz", "asel@example.kz"),
        ("A.Sel@gmail.com", "asel@gmail.com"),
        ("a.sel@yandex.kz", "a.sel@yandex.kz"),
        ('"a@b"@example.kz', '"a@b"@example.kz'),
    ],
)
def test_mailbox_keys(address, key):
    assert mailbox_key(address) == key


def test_enquiries_older_than_a_day_no_longer_count(app):
    client = app.test_client()
    for _ in range(3):
        send(client, email="target@example.kz")
    with app.app_context():
        earlier = utcnow() - timedelta(hours=25)
        db.session.execute(sa.update(Enquiry).values(created_at=earlier))
        db.session.commit()
    assert send(client, email="target@example.kz").status_code == 303
    assert len(acknowledged(app)) == 4


def test_a_limit_of_zero_sends_no_acknowledgement_and_the_visitor_sees_the_usual_thanks(make_app):
    app = with_tables(make_app(**SETTINGS, ACK_LIMIT_PER_ADDRESS=0))
    client = app.test_client()
    response = send(client, "/ru/contact")
    assert response.headers["Location"] == "/ru/contact/thanks"
    assert acknowledged(app) == [] and len(notified(app)) == 1
    assert len(enquiries(app)) == 1
    copy = "мы также отправляем копию"  # a promise the page makes only when copies are sent
    assert copy not in client.get("/ru/contact/thanks").text
    assert copy in with_tables(make_app(**SETTINGS)).test_client().get("/ru/contact/thanks").text


@pytest.fixture
def postgres_app(make_app, postgres_uri):
    with postgres_site(make_app, postgres_uri) as app:
        yield app


def test_the_limit_on_postgresql(postgres_app):
    client = postgres_app.test_client()
    for address in ("a.sel@gmail.com", "asel@gmail.com", "ASEL+1@gmail.com", "asel@gmail.com"):
        assert send(client, email=address).status_code == 303
    assert len(acknowledged(postgres_app)) == 3
    assert len(notified(postgres_app)) == 4


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("en", "The visitor was sent no copy of this enquiry"),
        ("ru", "Посетителю не отправлена копия этого обращения"),
        ("kk", "Келушіге осы өтініштің көшірмесі жіберілмеді"),
    ],
)
def test_the_operator_is_told_when_the_visitor_got_no_acknowledgement(make_app, language, note):
    app = with_tables(make_app(**SETTINGS, OPERATOR_LANGUAGE=language))
    client = app.test_client()
    for _ in range(4):
        assert send(client, email="target@example.kz").status_code == 303
    mails = notified(app)
    assert len(mails) == 4 and len(acknowledged(app)) == 3
    for mail in mails[:3]:
        assert note not in mail.body_text and note not in mail.body_html
    assert note in mails[3].body_text and f"<p>{note}" in mails[3].body_html
    assert "ACK_LIMIT_PER_ADDRESS" in mails[3].body_text
