"""The links in mail: a confirmation that a scanner's GET cannot use, and the one-click
unsubscribe of RFC 8058, driven as a mail client and a browser send them."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from qb.clock import utcnow
from qb.consent.models import WITHDRAWN
from qb.extensions import db
from qb.newsletter.mails import unsubscribe_url
from qb.newsletter.models import Subscriber
from qb.outbox.models import BULK

from .newsletter_helpers import (
    SETTINGS,
    UNSUBSCRIBE_LINK,
    new_subscriber,
    newsletter_consents,
    outbox_rows,
    path_of,
    queued_link,
    subscribers,
)
from .outbox_helpers import queue


@pytest.fixture
def app(make_app):
    return make_app(**SETTINGS, tables=True)


def confirm_path(app, email="asel@example.kz", language="ru"):
    subscriber_id = new_subscriber(app, email, language, confirm=False)
    return subscriber_id, path_of(queued_link(app, subscriber_id))


def test_opening_the_confirmation_link_changes_nothing_and_the_button_confirms(app):
    subscriber_id, path = confirm_path(app)
    assert path.startswith("/ru/newsletter/confirm/")
    client = app.test_client()
    for _scanner in range(3):  # link scanners open it, some more than once
        page = client.get(path)
        assert page.status_code == 200
        assert "Подтвердите подписку" in page.text and 'method="post"' in page.text
        assert page.headers["Cache-Control"] == "no-store"
    assert [s.status for s in subscribers(app)] == ["pending"]
    assert len(newsletter_consents(app)) == 1

    done = client.post(path)
    assert done.status_code == 200 and "Подписка подтверждена" in done.text
    [subscriber] = subscribers(app)
    assert subscriber.status == "confirmed"

    again = client.post(path)  # a scanner that submits forms, or a second click
    assert again.status_code == 200 and "Подписка уже подтверждена" in again.text
    assert "Подписка уже подтверждена" in client.get(path).text
    assert [c.method for c in newsletter_consents(app)] == ["newsletter-form", "double-opt-in"]
    assert set(c.subject for c in newsletter_consents(app)) == {f"subscriber:{subscriber_id}"}


def test_an_expired_link_confirms_nothing_and_says_so(app):
    _id, path = confirm_path(app, language="en")
    with app.app_context():
        db.session.execute(
            sa.update(Subscriber).values(confirm_expires_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    client = app.test_client()
    assert "This link has expired" in client.get(path).text
    response = client.post(path)
    assert response.status_code == 200 and "This link has expired" in response.text
    assert [s.status for s in subscribers(app)] == ["pending"]


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unknown_confirmation_link_gets_a_localised_404(app, method):
    _id, path = confirm_path(app, language="en")
    wrong = path[:-3] + ("aaa" if not path.endswith("aaa") else "bbb")
    response = getattr(app.test_client(), method)(wrong.replace("/en/", "/"))
    assert response.status_code == 404
    assert "Бұл сілтеме жарамсыз" in response.text
    assert [s.status for s in subscribers(app)] == ["pending"]


def campaign_copy(app, subscriber_id):
    """A campaign copy waiting in the outbox for the subscriber, as campaigns queue them."""
    [copy] = queue(
        app,
        kind="newsletter",
        key=f"newsletter:test:{subscriber_id}",
        ref=f"subscriber:{subscriber_id}",
        priority=BULK,
    )
    return copy


def one_click_path(app, subscriber_id, lang="en"):
    with app.test_request_context():
        return path_of(unsubscribe_url(subscriber_id, lang))


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_the_one_click_post_unsubscribes_at_once_and_destroys_the_data(app, encoding):
    subscriber_id = new_subscriber(app, "leaver@example.kz", "en", name="Bolat")
    other = new_subscriber(app, "stayer@example.kz", "en")
    campaign_copy(app, subscriber_id)
    path = one_click_path(app, subscriber_id)
    # A mail client's POST: no cookie, no CSRF token, the RFC 8058 body only.
    client = app.test_client(use_cookies=False)
    body = {"List-Unsubscribe": "One-Click"}
    if encoding == "multipart":
        response = client.post(path, data=body, content_type="multipart/form-data")
    else:
        response = client.post(path, data=body)
    assert response.status_code == 200 and "Location" not in response.headers
    assert "You have unsubscribed" in response.text
    assert "Set-Cookie" not in response.headers

    assert [s.id for s in subscribers(app)] == [other]
    assert [m.ref for m in outbox_rows(app)] == [f"subscriber:{other}"]  # its confirmation
    mine = [c for c in newsletter_consents(app) if c.subject != f"subscriber:{other}"]
    assert [(c.status, c.method) for c in mine] == [
        ("pending", "newsletter-form"),
        ("given", "double-opt-in"),
        (WITHDRAWN, "unsubscribe-link"),
    ]
    assert all(c.subject is None and c.destroyed_reason == WITHDRAWN for c in mine)
    with app.app_context():
        dump = repr(db.session.execute(sa.text("select * from newsletter_subscriber")).all())
    assert "leaver" not in dump and "Bolat" not in dump

    # Idempotent: the same POST again, by a retrying client, is still a 200.
    again = client.post(path, data=body)
    assert again.status_code == 200 and "You are not subscribed" in again.text


def test_opening_the_unsubscribe_link_only_shows_the_button(app):
    subscriber_id = new_subscriber(app, "reader@example.kz", "kk")
    path = one_click_path(app, subscriber_id, "kk")
    client = app.test_client()
    page = client.get(path)
    assert page.status_code == 200
    assert 'name="List-Unsubscribe" value="One-Click"' in page.text
    assert "Жазылымнан бас тарту" in page.text
    client.head(path)
    assert [s.id for s in subscribers(app)] == [subscriber_id]


@pytest.mark.parametrize("tamper", ["id", "mac", "garbage"])
def test_a_tampered_unsubscribe_link_changes_nothing(app, tamper):
    first = new_subscriber(app, "one@example.kz", "ru")
    second = new_subscriber(app, "two@example.kz", "ru")
    path = one_click_path(app, first, "ru")
    token = path.rsplit("/", 1)[1]
    forged = {
        "id": f"{second}.{token.split('.', 1)[1]}",  # another subscriber's id, the first's MAC
        "mac": token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        "garbage": "not-a-token",
    }[tamper]
    forged_path = path.replace(token, forged)
    client = app.test_client(use_cookies=False)
    page = client.get(forged_path)
    assert page.status_code == 404 and "Ссылка недействительна" in page.text
    posted = client.post(forged_path, data={"List-Unsubscribe": "One-Click"})
    assert posted.status_code == 200 and "Ссылка недействительна" in posted.text
    assert [s.id for s in subscribers(app)] == [first, second]


def test_every_campaign_link_in_a_mail_is_the_subscribers_own(app):
    subscriber_id = new_subscriber(app, "own@example.kz", "en")
    with app.test_request_context():
        url = unsubscribe_url(subscriber_id, "en")
    assert UNSUBSCRIBE_LINK.fullmatch(url)
    assert "own@example.kz" not in url
    token = url.rsplit("/", 1)[1]
    assert len(token.split(".", 1)[1]) >= 43  # a full SHA-256 MAC: 256 bits


def test_subscribe_confirm_and_one_click_on_postgresql(make_app, postgres_uri):
    from .newsletter_helpers import subscribe

    app = make_app(**SETTINGS, SQLALCHEMY_DATABASE_URI=postgres_uri)
    client = app.test_client()
    assert subscribe(client, "/ru/newsletter", email="pg@example.kz").status_code == 303
    assert subscribe(client, "/ru/newsletter", email="PG+1@example.kz").status_code == 303
    [subscriber] = subscribers(app)
    path = path_of(queued_link(app, subscriber.id))
    assert client.post(path).status_code == 200
    assert subscribers(app)[0].status == "confirmed"
    campaign_copy(app, subscriber.id)
    one_click = one_click_path(app, subscriber.id, "ru")
    posted = app.test_client(use_cookies=False).post(
        one_click, data={"List-Unsubscribe": "One-Click"}
    )
    assert posted.status_code == 200 and "Вы отписались" in posted.text
    assert subscribers(app) == [] and outbox_rows(app) == []
    assert {c.destroyed_reason for c in newsletter_consents(app)} == {WITHDRAWN}
