"""Another address for the person's records: proven by a link of its own, mailed to it and
opened in the same browser; only then do the enquiries and the subscription change."""

import pytest
import sqlalchemy as sa

from qb.contact.models import Enquiry
from qb.extensions import db
from qb.mailbox import mailbox_key
from qb.newsletter.models import Subscriber

from .factories import new_enquiry
from .newsletter_helpers import new_subscriber
from .rights_helpers import EMAIL_LINK, SETTINGS, csrf_of, last_link, mailed_links, outbox, start

OLD, NEW = "asel@example.kz", "asel.new@example.kz"


@pytest.fixture
def app(make_app):
    return make_app(**SETTINGS, tables=True)


def rows(app, model):
    with app.app_context():
        return list(db.session.scalars(sa.select(model).order_by(model.id)))


def ask_new_address(client, email):
    form = client.get("/en/my-data/new-email")
    assert form.status_code == 200
    return client.post(
        "/en/my-data/new-email", data={"csrf_token": csrf_of(form.text), "email": email}
    )


def test_the_new_address_is_used_only_once_its_link_is_opened(app):
    new_enquiry(app, email=OLD)
    new_subscriber(app, OLD, "en")
    client = app.test_client()
    start(app, client, OLD, "/en/my-data")
    sent = ask_new_address(client, NEW)
    assert sent.status_code == 200 and "Please check the new address" in sent.text
    [(to, link)] = mailed_links(app, EMAIL_LINK)
    assert to == NEW and link.startswith("/en/my-data/new-email/")
    assert [e.email for e in rows(app, Enquiry)] == [OLD]  # nothing changes yet

    page = client.get(link)
    assert page.status_code == 200 and "Confirm your new e-mail address" in page.text
    assert [e.email for e in rows(app, Enquiry)] == [OLD]
    done = client.post(link, data={"csrf_token": csrf_of(page.text)})
    assert done.status_code == 200 and "Your e-mail address has been changed" in done.text
    [enquiry] = rows(app, Enquiry)
    [subscriber] = rows(app, Subscriber)
    assert (enquiry.email, enquiry.mailbox_key) == (NEW, mailbox_key(NEW))
    assert (subscriber.email, subscriber.mailbox_key) == (NEW, mailbox_key(NEW))
    [receipt] = outbox(app, kind="rights-receipt")
    assert receipt.recipient == NEW
    again = client.post(link, data={"csrf_token": csrf_of(page.text)})
    assert "This link has already been used" in again.text


def test_a_new_address_link_works_only_in_the_browser_and_only_for_its_page(app):
    new_enquiry(app, email=OLD)
    client = app.test_client()
    start(app, client, OLD, "/en/my-data")
    ask_new_address(client, NEW)
    link = last_link(app, EMAIL_LINK)
    other = app.test_client()
    assert other.get(link).status_code == 403
    token = link.rsplit("/", 1)[1]
    assert client.get(f"/en/my-data/open/{token}").status_code == 404  # not an access link
    assert [e.email for e in rows(app, Enquiry)] == [OLD]


def test_a_bad_new_address_changes_nothing(app):
    new_enquiry(app, email=OLD)
    client = app.test_client()
    start(app, client, OLD, "/en/my-data")
    refused = ask_new_address(client, "not an address")
    assert refused.status_code == 422 and "Nothing has been changed yet" in refused.text
    assert mailed_links(app, EMAIL_LINK) == []
