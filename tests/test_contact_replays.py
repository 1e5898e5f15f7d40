"""CSRF, bots and replays: a form is stored at most once, and only when a person sent it."""

import logging

import pytest

from .contact_helpers import (
    KAZAKH_NAME,
    SETTINGS,
    VALID,
    aged_token,
    consents,
    double_click,
    enquiries,
    hidden_fields,
    open_form,
    outbox,
    send,
)


@pytest.fixture
def app(make_app):
    return make_app(**SETTINGS, tables=True)


def test_without_a_csrf_token_nothing_is_stored_and_the_input_is_kept(app, client):
    response = send(client, "/ru/contact", csrf_token=None)
    assert response.status_code == 400
    assert "Срок действия формы истёк" in response.text
    assert 'value="asel@example.kz"' in response.text
    assert enquiries(app) == [] and outbox(app) == []
    resend = client.post("/ru/contact", data={**hidden_fields(response.text), **VALID})
    assert resend.status_code == 303


def test_a_forged_csrf_token_is_refused(app, client):
    assert send(client, csrf_token="forged").status_code == 400
    assert enquiries(app) == []


def test_a_filled_honeypot_looks_like_success_and_stores_nothing(app, client, caplog):
    caplog.set_level(logging.DEBUG)
    response = send(client, "/en/contact", website="http://spam.example")
    assert response.status_code == 303
    assert response.headers["Location"] == "/en/contact/thanks"
    assert enquiries(app) == [] and outbox(app) == []
    assert "honeypot" in caplog.text
    assert "asel" not in caplog.text and "spam.example" not in caplog.text


def test_a_form_sent_too_fast_is_refused_kindly_and_keeps_the_input(make_app):
    app = make_app(RATELIMIT_ENABLED=False, CONTACT_MIN_FILL_SECONDS=3, tables=True)
    client = app.test_client()
    fast = send(client, "/en/contact")
    assert fast.status_code == 422
    assert "That was very quick" in fast.text
    assert VALID["message"] in fast.text and enquiries(app) == []

    fields = hidden_fields(fast.text)
    key = fields["form_token"].split(".")[0]
    fields["form_token"] = aged_token(app, key, seconds=10)
    assert client.post("/en/contact", data={**fields, **VALID}).status_code == 303
    assert len(enquiries(app)) == 1


def test_a_forged_form_token_is_refused(app, client):
    response = send(client, "/en/contact", form_token="abc.def.ghi")
    assert response.status_code == 400
    assert "This form has expired" in response.text
    assert enquiries(app) == []


def test_a_replayed_post_creates_one_enquiry(app, client):
    data = {**open_form(client), **VALID}
    first = client.post("/contact", data=data)
    second = client.post("/contact", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(enquiries(app)) == 1
    assert len(outbox(app)) == 2


def test_a_double_click_sent_concurrently_creates_one_enquiry(app):
    assert double_click(app) == [303] * 6
    assert len(enquiries(app)) == 1 and len(consents(app)) == 1 and len(outbox(app)) == 2


# --- PostgreSQL: the unique submission key under concurrency ---------------------------


@pytest.fixture
def postgres_app(make_app, postgres_uri):
    return make_app(**SETTINGS, SQLALCHEMY_DATABASE_URI=postgres_uri)


def test_a_double_click_on_postgresql_creates_one_enquiry(postgres_app):
    assert double_click(postgres_app, "/ru/contact", newsletter="yes") == [303] * 6
    [enquiry] = enquiries(postgres_app)
    assert enquiry.name == KAZAKH_NAME  # Kazakh letters round-trip through PostgreSQL
    # The ticked box also made one subscription: its consent record and confirmation request.
    assert len(consents(postgres_app)) == 3 and len(outbox(postgres_app)) == 3
