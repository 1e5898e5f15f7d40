"""Helpers for the newsletter tests: the form, the links in mails, subscribers made the way
the site makes them (a request, then its confirmation link)."""

import re

import sqlalchemy as sa

from qb.consent.models import ConsentRecord
from qb.extensions import db
from qb.newsletter import services
from qb.newsletter.models import FORM_METHOD, Subscriber
from qb.outbox.models import OutboxMessage

# Without a rate limit or a minimum fill time, unless a test is about them.
SETTINGS = {
    "RATELIMIT_ENABLED": False,
    "NEWSLETTER_MIN_FILL_SECONDS": 0,
    "CONTACT_MIN_FILL_SECONDS": 0,
}
CONFIRM_LINK = re.compile(r"https?://[^\s<>\"]+/newsletter/confirm/[A-Za-z0-9_-]+")
UNSUBSCRIBE_LINK = re.compile(r"https?://[^\s<>\"]+/newsletter/unsubscribe/[A-Za-z0-9._-]+")


def hidden_fields(html):
    fields = dict(re.findall(r'name="(csrf_token|form_token)" value="([^"]*)"', html))
    assert set(fields) == {"csrf_token", "form_token"}, "the form lacks its hidden fields"
    return fields


def subscribe(client, path="/newsletter", **fields):
    """Open the form and POST it (e-mail, the consent ticked), changed by `fields`."""
    page = client.get(path)
    assert page.status_code == 200
    data = {**hidden_fields(page.text), "email": "asel@example.kz", "consent": "yes", **fields}
    return client.post(path, data={k: v for k, v in data.items() if v is not None})


def path_of(url):
    return "/" + url.split("/", 3)[3]


def text_part(message):
    return message.get_body(("plain",)).get_content()


def html_part(message):
    return message.get_body(("html",)).get_content()


def queued_link(app, subscriber_id, pattern=CONFIRM_LINK):
    """The newest link of `pattern` in a subscriber's queued (or sent, if bodies are kept) mail."""
    with app.app_context():
        bodies = db.session.scalars(
            sa.select(OutboxMessage.body_text)
            .where(OutboxMessage.ref == f"subscriber:{subscriber_id}")
            .order_by(OutboxMessage.id.desc())
        )
        for body in bodies:
            if body and (found := pattern.search(body)):
                return found.group(0)
    raise AssertionError(f"no link for subscriber {subscriber_id}")


def new_subscriber(app, email, language="kk", name=None, confirm=True):
    """A subscription asked for through the service (and confirmed by its link); its id."""
    with app.app_context():
        services.subscribe(email=email, name=name, language=language)
        subscriber_id = services.find_by_address(email)
    if confirm:
        token = queued_link(app, subscriber_id).rsplit("/", 1)[1]
        with app.app_context():
            assert services.confirm(token) is services.Link.DONE
    return subscriber_id


def subscribers(app):
    with app.app_context():
        return list(db.session.scalars(sa.select(Subscriber).order_by(Subscriber.id)))


def newsletter_consents(app):
    with app.app_context():
        query = sa.select(ConsentRecord).filter_by(purpose="newsletter")
        return list(db.session.scalars(query.order_by(ConsentRecord.id)))


def outbox_rows(app, **filters):
    with app.app_context():
        query = sa.select(OutboxMessage).filter_by(**filters).order_by(OutboxMessage.id)
        return list(db.session.scalars(query))


__all__ = ["FORM_METHOD"]
