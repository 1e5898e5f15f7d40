"""Helpers for the contact form tests: an app with its tables, opening and sending the form."""

import re
import threading
import time

import sqlalchemy as sa
from itsdangerous import TimestampSigner

from qb.consent.models import ConsentRecord
from qb.contact.forms import TOKEN_SALT
from qb.contact.models import Enquiry
from qb.extensions import db
from qb.outbox.models import OutboxMessage

KAZAKH_NAME = "Әсел Нұрланқызы Ұлықбекова"
VALID = {
    "name": KAZAKH_NAME,
    "email": "asel@example.kz",
    "phone": "+7 701 123 45 67",
    "message": "Сәлеметсіз бе! Еңбек қауіпсіздігі курсы туралы білгім келеді: әғқңөұүһі.",
    "consent": "yes",
}
# Without a rate limit or a minimum fill time, unless a test is about them.
SETTINGS = {"RATELIMIT_ENABLED": False, "CONTACT_MIN_FILL_SECONDS": 0}


def with_tables(app):
    """Create every table (the migrations are checked by test_database).

    make_app(tables=True) does the same for less: it copies an empty database.
    """
    with app.app_context():
        db.create_all()
    return app


def hidden_fields(html):
    """The CSRF token and form token of a rendered contact form."""
    fields = dict(re.findall(r'name="(csrf_token|form_token)" value="([^"]*)"', html))
    assert set(fields) == {"csrf_token", "form_token"}, "the form lacks its hidden fields"
    return fields


def open_form(client, path="/contact"):
    """GET the contact page; its hidden fields."""
    response = client.get(path)
    assert response.status_code == 200
    return hidden_fields(response.text)


def send(client, path="/contact", **fields):
    """Open the form and POST it with VALID data, changed by `fields` (None leaves one out)."""
    data = {**open_form(client, path), **VALID, **fields}
    return client.post(path, data={k: v for k, v in data.items() if v is not None})


def double_click(app, path="/contact", times=6, **fields):
    """Open the form once, then POST it from `times` threads at once; their status codes."""
    client = app.test_client()
    data = {**open_form(client, path), **VALID, **fields}
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    statuses, start = [], threading.Barrier(times)

    def click():
        twin = app.test_client()
        twin.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
        start.wait()
        statuses.append(twin.post(path, data=data).status_code)

    threads = [threading.Thread(target=click) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def aged_token(app, key, seconds):
    """A form token as if the form had been served `seconds` ago."""

    class Earlier(TimestampSigner):
        def get_timestamp(self):
            return int(time.time() - seconds)

    with app.app_context():
        return Earlier(app.secret_key, salt=TOKEN_SALT).sign(key).decode("ascii")


def enquiries(app):
    with app.app_context():
        return list(db.session.scalars(sa.select(Enquiry).order_by(Enquiry.id)))


def consents(app):
    with app.app_context():
        return list(db.session.scalars(sa.select(ConsentRecord).order_by(ConsentRecord.id)))


def outbox(app):
    with app.app_context():
        return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))
