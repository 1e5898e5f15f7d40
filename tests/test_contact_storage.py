"""What a valid enquiry stores (and nothing more), in one transaction, with clean logs."""

import logging
import re

import pytest
import sqlalchemy as sa

from qb.consent.services import text_digest, text_version
from qb.extensions import db

from .contact_helpers import (
    KAZAKH_NAME,
    SETTINGS,
    VALID,
    consents,
    enquiries,
    hidden_fields,
    open_form,
    outbox,
    send,
)


@pytest.fixture
def app(make_app):
    return make_app(**SETTINGS, tables=True)


def test_a_valid_enquiry_is_stored_with_its_consent_and_two_mails(app, client):
    page = client.get("/ru/contact").text
    response = client.post(
        "/ru/contact", data={**hidden_fields(page), **VALID, "newsletter": "yes"}
    )

    assert response.status_code == 303
    assert response.headers["Location"] == "/ru/contact/thanks"
    [enquiry] = enquiries(app)
    assert (enquiry.name, enquiry.email, enquiry.phone) == (
        KAZAKH_NAME,
        VALID["email"],
        "+77011234567",
    )
    assert enquiry.message == VALID["message"]
    assert enquiry.language == "ru" and enquiry.status == "new"

    shown = re.search(r'id="enquiry-consent-text">(.*?)</div>', page, re.S).group(1)
    shown_newsletter = re.search(r'id="newsletter-consent-text">(.*?)</div>', page, re.S).group(1)
    # The third record is the news-and-offers subscription's own copy (tests/test_newsletter_*).
    given, newsletter, _subscription = consents(app)
    assert (given.purpose, given.status, given.method) == ("enquiry", "given", "contact-form")
    assert given.text_sha256 == text_digest(shown)
    assert (newsletter.purpose, newsletter.status) == ("newsletter", "pending")
    assert newsletter.text_sha256 == text_digest(shown_newsletter)
    with app.app_context():
        versions = {purpose: text_version(purpose) for purpose in ("enquiry", "newsletter")}
    for record in (given, newsletter):
        assert record.subject == f"enquiry:{enquiry.id}"
        assert record.language == "ru" and record.policy_revision == 1
        assert record.text_version == versions[record.purpose]
        assert record.created_at is not None

    operator, visitor, _confirmation_request = outbox(app)
    assert operator.idempotency_key == f"enquiry:{enquiry.id}:operator"
    assert operator.recipient == "Qauipsizbolashaq@yandex.ru"
    assert (operator.reply_to, operator.reply_to_name) == (VALID["email"], KAZAKH_NAME)
    assert visitor.idempotency_key == f"enquiry:{enquiry.id}:visitor"
    assert (visitor.recipient, visitor.recipient_name) == (VALID["email"], None)
    assert {operator.ref, visitor.ref} == {f"enquiry:{enquiry.id}"}
    for mail in (operator, visitor):
        assert KAZAKH_NAME not in mail.subject and VALID["email"] not in mail.subject


def test_the_newsletter_box_is_optional_and_separate(app, client):
    assert send(client).status_code == 303
    assert [c.purpose for c in consents(app)] == ["enquiry"]
    assert "Біз Сізге ешқандай жарнама жібермейміз." in outbox(app)[1].body_text


def test_nothing_about_the_visitor_beyond_the_form_is_stored(app):
    client = app.test_client()
    headers = {"User-Agent": "Mozilla/5.0 TestAgent/9.9"}
    data = {**open_form(client), **VALID}
    client.post(
        "/contact", data=data, headers=headers, environ_base={"REMOTE_ADDR": "203.0.113.77"}
    )
    with app.app_context():
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("enquiry")}
        columns |= {c["name"] for c in sa.inspect(db.engine).get_columns("consent_record")}
        dump = repr(
            [
                db.session.execute(sa.text(f"select * from {t}")).all()
                for t in ("enquiry", "consent_record", "outbox_message")
            ]
        )
    assert not {c for c in columns if "ip" in c.split("_") or "agent" in c or "address" in c}
    assert "203.0.113.77" not in dump and "TestAgent" not in dump


# --- One transaction, and logs ---------------------------------------------------------


def test_if_a_mail_cannot_be_queued_nothing_is_stored(app, client, monkeypatch):
    from qb.contact import services
    from qb.outbox.services import queue_mail

    calls = []

    def second_fails(**fields):
        calls.append(fields["kind"])
        if len(calls) == 2:
            raise RuntimeError("outbox unavailable")
        return queue_mail(**fields)

    monkeypatch.setattr(services, "queue_mail", second_fails)
    response = send(client)
    assert response.status_code == 500
    assert enquiries(app) == [] and consents(app) == [] and outbox(app) == []


def test_logs_carry_ids_and_never_personal_data(app, client, caplog):
    caplog.set_level(logging.DEBUG)
    assert send(client, newsletter="yes").status_code == 303
    enquiry = enquiries(app)[0]
    assert f"enquiry {enquiry.id}" in caplog.text
    for secret in (
        KAZAKH_NAME,
        "Әсел",
        VALID["email"],
        "asel",
        "7011234567",
        "701 123",
        VALID["message"][:20],
    ):
        assert secret not in caplog.text
