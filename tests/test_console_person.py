"""The person page: everything held, and block, depersonalise, destroy and correct through
the privacy engine, each confirmed after saying what it changes, each in the audit log."""

import re

import sqlalchemy as sa

from qb.contact.models import Enquiry
from qb.extensions import db
from qb.mailbox import mailbox_key, mailbox_pseudonym
from qb.operators.models import AuditEntry

from .console_helpers import post, signed_in_client
from .factories import ENQUIRY, new_enquiry

EMAIL = ENQUIRY["email"]


def audit_of(app, action):
    with app.app_context():
        return db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == action))


def test_the_person_page_shows_everything_and_logs_the_view(console_app):
    new_enquiry(console_app)
    new_enquiry(console_app, email=EMAIL.upper())
    client, _ = signed_in_client(console_app, "responsible")
    page = post(client, "/console/person", {"email": EMAIL}, "/console/person")
    assert page.status_code == 200
    assert "enquiry:1" in page.text and "enquiry:2" in page.text
    entry = audit_of(console_app, "view")
    with console_app.app_context():
        assert entry.person == mailbox_pseudonym(mailbox_key(EMAIL))
    assert EMAIL not in f"{entry.detail} {entry.record_ids}"


def test_destroy_says_what_it_will_change_then_does_it(console_app):
    new_enquiry(console_app)
    new_enquiry(console_app)
    client, _ = signed_in_client(console_app, "responsible")
    data = {"email": EMAIL, "action": "destroy"}
    confirm = post(client, "/console/person/action", data, "/console/person")
    assert confirm.status_code == 200
    assert re.search(r"> enquiry</th>\s*<td><span[^>]*>[^<]*</span> 2<", confirm.text)
    with console_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Enquiry.id))) == 2  # not yet
    done = post(client, "/console/person/action", {**data, "confirmed": "yes"}, "/console/person")
    assert done.status_code == 200
    with console_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Enquiry.id))) == 0
    entry = audit_of(console_app, "destroy")
    assert entry.rows >= 2 and "enquiry:1" in entry.record_ids


def test_block_one_record_depersonalise_and_correct(console_app):
    new_enquiry(console_app)
    new_enquiry(console_app)
    client, _ = signed_in_client(console_app, "responsible")
    base = {"email": EMAIL, "confirmed": "yes"}
    post(client, "/console/person/action", {**base, "action": "block", "subject": "enquiry:1"})
    corrected = post(
        client,
        "/console/person/correct",
        {
            "email": EMAIL,
            "subject": "enquiry:2",
            "name": "Асел Нұрланқызы",
            "phone": "8 701 765 43 21",
        },
    )
    assert corrected.status_code == 200
    not_a_phone = {"email": EMAIL, "subject": "enquiry:2", "phone": "12"}
    assert post(client, "/console/person/correct", not_a_phone).status_code == 400
    with console_app.app_context():
        first, second = db.session.get(Enquiry, 1), db.session.get(Enquiry, 2)
        assert first.blocked_at is not None and second.blocked_at is None
        assert second.name == "Асел Нұрланқызы" and second.phone == "+77017654321"
    assert audit_of(console_app, "correct").detail == "name phone"
    post(client, "/console/person/action", {**base, "action": "depersonalise"})
    with console_app.app_context():
        rows = db.session.scalars(sa.select(Enquiry)).all()
        assert len(rows) == 2 and all(EMAIL not in (r.email or "") for r in rows)
    assert audit_of(console_app, "depersonalise").rows >= 2


def test_staff_may_not_open_the_person_page(console_app):
    client, _ = signed_in_client(console_app)
    assert post(client, "/console/person", {"email": EMAIL}).status_code == 403


def test_the_audit_log_filters_by_the_person(console_app):
    new_enquiry(console_app)
    new_enquiry(console_app, email="other@example.kz")
    client, _ = signed_in_client(console_app, "responsible")
    client.get("/console/enquiries/1")
    client.get("/console/enquiries/2")
    with console_app.app_context():
        pseudonym = mailbox_pseudonym(mailbox_key(EMAIL))
    page = client.get(f"/console/audit?person={pseudonym}")
    assert page.text.count("enquiry:1") == 1 and "enquiry:2" not in page.text
    assert "enquiry:2" in client.get("/console/audit?person=" + EMAIL).text  # not a filter
