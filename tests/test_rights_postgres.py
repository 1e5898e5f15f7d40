"""The "my data" journey on PostgreSQL: link, session, exports, correction, withdrawal, a
second click on a used link, and the migration that makes the two tables."""

import json

import pytest

from .factories import new_enquiry
from .newsletter_helpers import new_subscriber
from .rights_helpers import SETTINGS, csrf_of, last_link, links, sessions, start

KNOWN = "asel@example.kz"


@pytest.fixture
def app(make_app, postgres_uri):
    return make_app(**SETTINGS, SQLALCHEMY_DATABASE_URI=postgres_uri)


def test_the_journey_on_postgresql(app):
    enquiry_id = new_enquiry(app, email=KNOWN)
    subscriber_id = new_subscriber(app, "Asel+news@example.kz", "en")
    client = app.test_client()
    page = start(app, client, KNOWN, "/en/my-data")
    assert page.status_code == 200 and f"Enquiry No. {enquiry_id}" in page.text
    again = client.get(last_link(app))  # a scanner, or the person once more
    assert "This link has already been used" in again.text and len(sessions(app)) == 1

    data = json.loads(client.get("/en/my-data/data.json").text)
    assert [e["id"] for e in data["enquiries"]] == [enquiry_id]
    assert [s["id"] for s in data["subscriptions"]] == [subscriber_id]

    path = f"/en/my-data/correct/enquiry:{enquiry_id}"
    token = csrf_of(client.get(path).text)
    done = client.post(path, data={"csrf_token": token, "name": "Asel Bekova", "phone": ""})
    assert "Your data has been corrected" in done.text

    for subject in (f"enquiry:{enquiry_id}", f"subscriber:{subscriber_id}"):
        confirm = client.get(f"/en/my-data/withdraw/{subject}")
        assert "What will be destroyed at once" in confirm.text
        client.post(f"/en/my-data/withdraw/{subject}", data={"csrf_token": csrf_of(confirm.text)})
    data = json.loads(client.get("/en/my-data/data.json").text)
    assert data["enquiries"] == [] and data["subscriptions"] == []
    assert [link.used_at is not None for link in links(app)] == [True]
