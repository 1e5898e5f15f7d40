"""The request register and the breach register in the console."""

from datetime import timedelta

import sqlalchemy as sa

from qb.clock import in_kazakhstan, utcnow
from qb.extensions import db
from qb.operators.models import AuditEntry
from qb.requests.models import DataRequest

from .console_helpers import post, signed_in_client
from .factories import new_enquiry


def test_a_request_by_letter_is_entered_linked_and_closed(console_app):
    client, _ = signed_in_client(console_app, "responsible")
    response = post(
        client,
        "/console/requests",
        {
            "kind": "deletion",
            "channel": "letter",
            "received": "2026-11-02T10:00",
            "identity_check": "signed letter",
            "email": "Asel@Example.kz",
        },
        "/console/requests",
    )
    assert response.status_code == 303
    page = client.get("/console/requests")
    assert "deletion" in page.text and "overdue" in page.text
    with console_app.app_context():
        request = db.session.scalar(sa.select(DataRequest))
        assert len(request.mailbox_pseudonym) == 64
        request_id = request.id
    refused = post(
        client,
        f"/console/requests/{request_id}/close",
        {"status": "refused", "outcome": "refused"},
        "/console/requests",
    )
    assert refused.status_code == 400  # a refusal needs its reason
    done = post(
        client,
        f"/console/requests/{request_id}/close",
        {"status": "done", "outcome": "destroyed"},
        "/console/requests",
    )
    assert done.status_code == 303
    assert "Ашық сұраулар жоқ" in client.get("/console/requests").text


def test_a_breach_gets_its_deadline_and_the_export_of_names_and_phones(console_app):
    new_enquiry(console_app, name="Асел Нурланқызы", phone="+77011234567", days_ago=1)
    client, _ = signed_in_client(console_app, "responsible")
    response = post(
        client,
        "/console/breaches",
        {"detected": "2030-01-01T10:00", "description": "x"},
        "/console/breaches",
    )
    assert response.status_code == 400  # in the future
    detected = (in_kazakhstan(utcnow()) + timedelta(seconds=-30)).strftime("%Y-%m-%dT%H:%M")
    response = post(
        client,
        "/console/breaches",
        {
            "detected": detected,
            "description": "Lost laptop",
            "measures": "Keys changed",
        },
        "/console/breaches",
    )
    assert response.status_code == 303, response.text
    page = client.get("/console/breaches")
    assert "Lost laptop" in page.text
    export = client.get("/console/breaches/1/affected.csv")
    assert "Асел Нурланқызы" in export.text and "+77011234567" in export.text
    with console_app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "export"))
        assert entry.rows == 1 and entry.detail == "breach notice"


def test_a_request_entered_without_an_address_is_linked_later_and_named_in_kazakh(console_app):
    client, _ = signed_in_client(console_app, "responsible")
    entered = post(
        client,
        "/console/requests",
        {"kind": "deletion", "channel": "phone", "identity_check": "called back"},
        "/console/requests",
    )
    assert entered.status_code == 303
    page = client.get("/console/requests").text
    # The register's codes read in the console's language, not as codes.
    assert "жеке деректерді жою" in page and "телефон қоңырауы" in page
    assert "Link request" not in page and "адамға байланыстыру" in page
    with console_app.app_context():
        request = db.session.scalar(sa.select(DataRequest))
        assert request.mailbox_pseudonym is None
        request_id = request.id
    bad = post(client, f"/console/requests/{request_id}/person", {"email": ""}, "/console/requests")
    assert bad.status_code == 400
    linked = post(
        client,
        f"/console/requests/{request_id}/person",
        {"email": "Asel+letters@Example.kz"},
        "/console/requests",
    )
    assert linked.status_code == 303
    with console_app.app_context():
        request = db.session.get(DataRequest, request_id)
        assert len(request.mailbox_pseudonym) == 64
        entry = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (entry.action, entry.person, entry.detail) == (
            "request",
            request.mailbox_pseudonym,
            "linked to a person",
        )
        assert "asel" not in (entry.record_ids or "").lower()
    assert "адамға байланыстыру" not in client.get("/console/requests").text
