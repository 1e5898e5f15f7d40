"""Subscribing: the form, one confirmation mail per mailbox a day, the same answer for every
address, and the contact form's box handed over through a signal."""

import random

import pytest

from qb.consent.models import GIVEN, PENDING
from qb.consent.services import consent_text, text_digest

from .contact_helpers import send as send_enquiry
from .newsletter_helpers import (
    CONFIRM_LINK,
    SETTINGS,
    new_subscriber,
    newsletter_consents,
    outbox_rows,
    subscribe,
    subscribers,
    text_part,
)
from .outbox_helpers import send as deliver


@pytest.fixture
def site(make_app, smtp_server):
    """(app, SMTP sink): the site with its tables, mailing a real aiosmtpd server."""
    return make_app(**SETTINGS, **smtp_server.settings(), tables=True), smtp_server


@pytest.mark.parametrize(
    ("path", "heading", "box"),
    [
        ("/newsletter", "Жаңа өнімдер мен қызметтер және арнайы ұсыныстар", "келісемін"),
        ("/ru/newsletter", "Уведомления о новых продуктах", "Даю согласие"),
        ("/en/newsletter", "News and offers", "I agree to receive news and offers"),
    ],
)
def test_the_form_shows_the_consent_text_beside_an_unticked_box(site, path, heading, box):
    app, _sink = site
    html = app.test_client().get(path).text
    assert heading in html and box in html
    lang = path.split("/")[1] if path.count("/") == 2 else "kk"
    with app.test_request_context(path):
        assert str(consent_text("newsletter", lang)) in html
    checkbox = html[
        html.index('id="newsletter-consent"') - 80 : html.index("newsletter-consent-text")
    ]
    assert "checked" not in checkbox and "required" in checkbox
    for field in ('name="email"', 'name="name"', 'name="website"', 'name="csrf_token"'):
        assert field in html


def test_a_request_mails_one_confirmation_link_in_the_page_language_and_nothing_typed(site):
    app, sink = site
    client = app.test_client()
    response = subscribe(client, "/ru/newsletter", email="Asel.N@Example.kz", name="Әсел")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/ru/newsletter/thanks")
    assert "Проверьте электронную почту" in client.get(response.headers["Location"]).text

    deliver(app)
    [mail] = sink.wait_for(1)
    assert mail.rcpt_tos == ["Asel.N@example.kz"]
    message = mail.message
    assert "Подтвердите подписку" in message["Subject"]
    assert message["To"].addresses[0].display_name == ""  # no name, even in To
    body = text_part(message) + message.get_body(("html",)).get_content()
    assert "Әсел" not in body and "Asel" not in body.replace("Asel.N@example.kz", "")
    links = set(CONFIRM_LINK.findall(body))
    assert len(links) == 1 and "/ru/newsletter/confirm/" in links.pop()
    assert message["List-Unsubscribe"] is None  # not a campaign

    [subscriber] = subscribers(app)
    assert (subscriber.status, subscriber.language, subscriber.name) == ("pending", "ru", "Әсел")
    token = CONFIRM_LINK.search(body).group(0).rsplit("/", 1)[1]
    assert len(token) >= 32 and token not in subscriber.confirm_token_hash  # stored as a hash
    [record] = newsletter_consents(app)
    assert (record.status, record.method, record.subject) == (
        PENDING,
        "newsletter-form",
        f"subscriber:{subscriber.id}",
    )
    with app.test_request_context("/ru/newsletter"):
        assert record.text_sha256 == text_digest(consent_text("newsletter", "ru"))


def test_every_address_gets_the_same_answer_and_a_mailbox_one_mail_a_day(site):
    app, sink = site
    confirmed = new_subscriber(app, "confirmed@example.kz", "en")
    deliver(app)
    sink.wait_for(1)
    client = app.test_client()
    answers = [
        subscribe(client, "/en/newsletter", email=email)
        for email in (
            "new.person@gmail.com",
            "NewPerson+promo@googlemail.com",  # the same Gmail mailbox, spelt otherwise
            "newperson@gmail.com",
            "confirmed@example.kz",
            "Confirmed+x@Example.kz",
        )
    ]
    assert {(r.status_code, r.headers["Location"]) for r in answers} == {
        (303, "/en/newsletter/thanks")
    }
    deliver(app)
    mails = sink.wait_for(2)
    assert [m.rcpt_tos for m in mails] == [["confirmed@example.kz"], ["new.person@gmail.com"]]
    assert len(outbox_rows(app, kind="newsletter-confirmation")) == 2
    assert [s.id for s in subscribers(app) if s.status == "confirmed"] == [confirmed]
    assert len(subscribers(app)) == 2


@pytest.mark.parametrize(
    ("fields", "field_id"),
    [
        ({"email": "not an address"}, "email"),
        ({"consent": None}, "newsletter-consent"),
        ({"consent": "on"}, "newsletter-consent"),  # a forged value is no consent
        ({"name": "Visit http://spam.example"}, "name"),
    ],
)
def test_invalid_input_is_shown_next_to_its_field_and_stores_nothing(site, fields, field_id):
    app, _sink = site
    response = subscribe(app.test_client(), "/en/newsletter", **fields)
    assert response.status_code == 422
    assert f'id="{field_id}-error"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert subscribers(app) == [] and outbox_rows(app) == []


def test_a_bot_filling_the_honeypot_is_told_nothing_and_nothing_is_stored(site, caplog):
    app, _sink = site
    response = subscribe(app.test_client(), website="http://spam.example")
    assert response.status_code == 303
    assert subscribers(app) == [] and outbox_rows(app) == []
    assert "honeypot" in caplog.text


def test_a_missing_csrf_token_keeps_the_input_and_stores_nothing(site):
    app, _sink = site
    client = app.test_client()
    response = subscribe(client, "/en/newsletter", csrf_token="forged", email="k@example.kz")
    assert response.status_code == 400
    assert 'value="k@example.kz"' in response.text
    assert subscribers(app) == []


def test_a_form_sent_too_fast_is_refused(make_app):
    app = make_app(RATELIMIT_ENABLED=False, NEWSLETTER_MIN_FILL_SECONDS=30, tables=True)
    response = subscribe(app.test_client(), "/en/newsletter")
    assert response.status_code == 422
    assert "very quick" in response.text
    assert subscribers(app) == []


def test_the_sixth_request_in_a_minute_from_one_client_gets_a_429(make_app, redis_uri):
    app = make_app(
        NEWSLETTER_MIN_FILL_SECONDS=0,
        NEWSLETTER_RATE_LIMIT="5 per minute",
        RATELIMIT_STORAGE_URI=redis_uri,
        tables=True,
    )
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.9.{random.randrange(256)}.{random.randrange(255)}"
    statuses = [
        subscribe(client, "/en/newsletter", email=f"p{n}@example.kz").status_code for n in range(6)
    ]
    assert statuses == [303] * 5 + [429]
    assert len(subscribers(app)) == 5


def test_the_contact_forms_box_becomes_a_pending_subscription_with_its_confirmation(site):
    app, sink = site
    client = app.test_client()
    assert send_enquiry(client, "/en/contact", newsletter="yes").status_code == 303
    assert send_enquiry(client, "/en/contact", email="plain@example.kz").status_code == 303

    [subscriber] = subscribers(app)
    assert (subscriber.email, subscriber.language, subscriber.status) == (
        "asel@example.kz",
        "en",
        "pending",
    )
    # The enquiry keeps its record; the subscription gets a copy of its own.
    enquiry, copy = newsletter_consents(app)
    assert (enquiry.status, enquiry.method, enquiry.subject) == (
        PENDING,
        "contact-form",
        "enquiry:1",
    )
    assert (copy.status, copy.method, copy.subject) == (
        PENDING,
        "contact-form",
        f"subscriber:{subscriber.id}",
    )
    assert copy.text_sha256 == enquiry.text_sha256 and copy.created_at == enquiry.created_at
    deliver(app)
    mails = sink.wait_for(5)  # two enquiries: notification and acknowledgement each; one request
    subjects = {m.message["Subject"] for m in mails if m.rcpt_tos == ["asel@example.kz"]}
    assert "Please confirm your subscription to news and offers" in subjects
    assert not any(
        m.rcpt_tos == ["plain@example.kz"] and "confirm" in m.message["Subject"] for m in mails
    )


def test_confirming_records_a_new_consent_by_double_opt_in(site):
    app, _sink = site
    subscriber_id = new_subscriber(app, "x@example.kz", "kk")
    records = newsletter_consents(app)
    assert [(r.status, r.method) for r in records] == [
        (PENDING, "newsletter-form"),
        (GIVEN, "double-opt-in"),
    ]
    assert {r.subject for r in records} == {f"subscriber:{subscriber_id}"}
    [subscriber] = subscribers(app)
    assert subscriber.status == "confirmed" and subscriber.confirmed_at is not None
