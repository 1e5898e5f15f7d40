"""A "my data" session: everything held for the mailbox, the downloads, corrections and
withdrawals (each with a confirmation, a receipt and an entry in the request register), and
its end by logout or by time."""

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from qb.clock import utcnow
from qb.contact.models import Enquiry
from qb.extensions import db
from qb.newsletter.models import Subscriber
from qb.requests.models import DataRequest
from qb.rights.models import RightsSession

from .factories import ENQUIRY, new_enquiry
from .newsletter_helpers import new_subscriber
from .rights_helpers import SESSION_COOKIE, SETTINGS, csrf_of, outbox, sessions, start

KNOWN = "asel@example.kz"


@pytest.fixture
def app(make_app):
    return make_app(**SETTINGS, tables=True)


def enquiries(app):
    with app.app_context():
        return list(db.session.scalars(sa.select(Enquiry).order_by(Enquiry.id)))


def register(app):
    with app.app_context():
        return list(db.session.scalars(sa.select(DataRequest).order_by(DataRequest.id)))


def test_the_page_shows_everything_held_for_every_spelling(app):
    first = new_enquiry(app, email=KNOWN, message="Бірінші хабарлама", language="en")
    second = new_enquiry(app, email="Asel+work@example.kz", message="Second message", phone=None)
    other = new_enquiry(app, email="bolat@example.kz", message="Not hers")
    new_subscriber(app, "asel@example.kz", "kk", name="Әсел")
    client = app.test_client()
    page = start(app, client, KNOWN, "/en/my-data")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = page.text
    for shown in ("Бірінші хабарлама", "Second message", ENQUIRY["name"], "+77011234567"):
        assert shown in html
    assert f"Enquiry No. {first}" in html and f"Enquiry No. {second}" in html
    assert "Not hers" not in html and f"Enquiry No. {other}" not in html
    assert "Subscription No." in html
    assert "Consents" in html and "I, the person named in this form, consent" in html
    assert "Mails we sent about you" in html
    kinds = [(r.kind, r.channel, r.status) for r in register(app)]
    assert kinds == [("access", "self-service", "done")]


def test_the_json_download_follows_the_documented_schema(app):
    new_enquiry(app, email=KNOWN)
    client = app.test_client()
    start(app, client, KNOWN)
    response = client.get("/my-data/data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="my-data-')
    data = json.loads(response.text)
    assert data["schema"] == "qb.person/1"
    [enquiry] = data["enquiries"]
    assert enquiry["message"] == ENQUIRY["message"] and enquiry["phone"] == "+77011234567"
    assert {c["purpose"] for c in data["consents"]} == {"enquiry"}
    assert all(c["text"] for c in data["consents"])
    assert [r.outcome for r in register(app)][-1] == "JSON export downloaded"


def test_the_html_download_is_one_readable_page(app):
    new_enquiry(app, email=KNOWN)
    client = app.test_client()
    start(app, client, KNOWN, "/ru/my-data")
    response = client.get("/ru/my-data/data.html")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert 'filename="my-data-' in response.headers["Content-Disposition"]
    html = response.text
    assert '<html lang="ru">' in html and "Мои данные" in html
    assert ENQUIRY["message"] in html and "<script" not in html and "stylesheet" not in html


def test_name_and_phone_are_corrected_as_the_form_checks_them(app):
    enquiry_id = new_enquiry(app, email=KNOWN)
    client = app.test_client()
    start(app, client, KNOWN, "/en/my-data")
    path = f"/en/my-data/correct/enquiry:{enquiry_id}"
    form = client.get(path)
    assert form.status_code == 200 and ENQUIRY["name"] in form.text
    token = csrf_of(form.text)
    bad = client.post(path, data={"csrf_token": token, "name": "http://spam", "phone": "12"})
    assert bad.status_code == 422 and "Nothing has been changed yet" in bad.text
    assert enquiries(app)[0].name == ENQUIRY["name"]
    done = client.post(
        path, data={"csrf_token": token, "name": "Әсел Бекова", "phone": "8 701 765 43 21"}
    )
    assert done.status_code == 200 and "Your data has been corrected" in done.text
    [enquiry] = enquiries(app)
    assert (enquiry.name, enquiry.phone) == ("Әсел Бекова", "+77017654321")
    [receipt] = outbox(app, kind="rights-receipt")
    assert receipt.recipient == KNOWN and receipt.ref is None
    assert "Әсел Бекова" not in receipt.body_text  # what changed, never the values
    assert register(app)[-1].kind == "correction"


def test_withdrawing_an_enquirys_consent_shows_what_goes_then_destroys_it(app):
    enquiry_id = new_enquiry(app, email=KNOWN)
    kept = new_enquiry(app, email=KNOWN, message="Keep this one")
    client = app.test_client()
    start(app, client, KNOWN, "/en/my-data")
    path = f"/en/my-data/withdraw/enquiry:{enquiry_id}"
    confirm = client.get(path)
    assert confirm.status_code == 200 and "What will be destroyed at once" in confirm.text
    assert "1 enquiry" in confirm.text and ENQUIRY["message"] in confirm.text
    assert len(enquiries(app)) == 2  # looking changes nothing
    done = client.post(path, data={"csrf_token": csrf_of(confirm.text)})
    assert done.status_code == 200 and "Your consent has been withdrawn" in done.text
    assert [e.id for e in enquiries(app)] == [kept]
    receipts = outbox(app, kind="rights-receipt")
    assert [m.recipient for m in receipts] == [KNOWN]
    assert "1 record was destroyed" not in receipts[0].body_text  # 4 rows: the enquiry and more
    assert "records were destroyed" in receipts[0].body_text
    assert register(app)[-1].kind == "withdrawal"
    assert client.get(path).status_code == 404  # gone: nothing left to withdraw


def test_withdrawing_the_newsletter_consent_unsubscribes(app):
    subscriber_id = new_subscriber(app, KNOWN, "ru")
    client = app.test_client()
    start(app, client, KNOWN, "/ru/my-data")
    path = f"/ru/my-data/withdraw/subscriber:{subscriber_id}"
    confirm = client.get(path)
    assert "Вы сразу отпишетесь" in confirm.text
    done = client.post(path, data={"csrf_token": csrf_of(confirm.text)})
    assert done.status_code == 200 and "Вы отписались" in done.text
    with app.app_context():
        assert db.session.get(Subscriber, subscriber_id) is None
    assert register(app)[-1].kind == "unsubscribe"


def test_another_persons_records_cannot_be_reached(app):
    new_enquiry(app, email=KNOWN)
    theirs = new_enquiry(app, email="bolat@example.kz")
    client = app.test_client()
    start(app, client, KNOWN)
    for path in (f"/my-data/withdraw/enquiry:{theirs}", f"/my-data/correct/enquiry:{theirs}"):
        assert client.get(path).status_code == 404
    assert client.get("/my-data/withdraw/offer:1").status_code == 404
    assert len(enquiries(app)) == 2


def test_a_session_past_its_time_or_logged_out_shows_nothing(app):
    new_enquiry(app, email=KNOWN)
    client = app.test_client()
    start(app, client, KNOWN, "/en/my-data")
    with app.app_context():
        db.session.execute(
            sa.update(RightsSession).values(expires_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    for path in ("/en/my-data/data", "/en/my-data/data.json", "/en/my-data/data.html"):
        ended = client.get(path)
        assert ended.status_code == 403 and "Your session has ended" in ended.text
        assert ENQUIRY["message"] not in ended.text

    start(app, client, KNOWN, "/en/my-data")
    page = client.get("/en/my-data/data")
    out = client.post("/en/my-data/logout", data={"csrf_token": csrf_of(page.text)})
    assert out.status_code == 200 and "You have logged out" in out.text
    assert client.get_cookie(SESSION_COOKIE) is None
    assert sessions(app) == []  # the expired one was purged when the new link was asked for
    assert client.get("/en/my-data/data").status_code == 403


def test_a_forged_session_cookie_opens_nothing(app):
    new_enquiry(app, email=KNOWN)
    client = app.test_client()
    client.set_cookie(SESSION_COOKIE, "A" * 43)
    assert client.get("/my-data/data").status_code == 403
