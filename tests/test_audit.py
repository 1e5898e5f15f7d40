"""The audit log: entries in the action's transaction, a hash chain, `flask audit verify`."""

import sqlalchemy as sa

from qb.extensions import db
from qb.operators import audit
from qb.operators.models import AuditEntry

from .console_helpers import signed_in_client
from .factories import ENQUIRY, new_enquiry


def entries(app):
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))


def test_each_entry_carries_the_hash_of_the_one_before(console_app):
    with console_app.app_context():
        for action in ("view", "search", "export"):
            audit.record(action, operator=1, rows=3)
        db.session.commit()
        rows = list(db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))
        assert rows[0].prev_hash == audit.GENESIS
        assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
        assert audit.verify() == (3, None, "")
    result = console_app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "3 entries" in result.output


def test_verify_reports_the_first_broken_link(console_app):
    with console_app.app_context():
        for _ in range(5):
            audit.record("view", operator=1)
        db.session.commit()
        db.session.execute(sa.text("UPDATE audit_entry SET rows = 500 WHERE id = 3"))
        db.session.execute(sa.text("UPDATE audit_entry SET detail = 'x' WHERE id = 4"))
        db.session.commit()
    result = console_app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "entry 3" in result.output
    with console_app.app_context():
        db.session.execute(sa.text("UPDATE audit_entry SET rows = NULL WHERE id = 3"))
        db.session.execute(sa.text("DELETE FROM audit_entry WHERE id = 4"))
        db.session.commit()
    result = console_app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "entry 5" in result.output and "missing" in result.output


def test_an_entry_left_uncommitted_goes_with_its_action(console_app):
    with console_app.app_context():
        audit.record("change", operator=1)
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 0


def test_views_searches_and_exports_are_logged_without_personal_data(console_app):
    for _ in range(3):
        new_enquiry(console_app)
    client, operator_id = signed_in_client(console_app, "responsible")
    client.get("/console/enquiries/")
    client.get(f"/console/enquiries/?q={ENQUIRY['email']}")
    client.get("/console/enquiries/1")
    export = client.get("/console/enquiries/export.csv")
    assert export.status_code == 200
    logged = entries(console_app)
    by_action = {e.action: e for e in logged}
    assert by_action["export"].rows == 3 and by_action["search"].rows == 3
    assert by_action["view"].record_ids == "enquiry:1" and len(by_action["view"].person) == 64
    assert all(e.operator_id == operator_id for e in logged if e.action != "operator-created")
    text = " ".join(f"{e.record_ids} {e.detail} {e.person}" for e in logged)
    for value in (ENQUIRY["email"], ENQUIRY["name"], ENQUIRY["phone"]):
        assert value not in text


def test_the_log_exports_as_csv_for_the_authorised_body(console_app):
    client, _ = signed_in_client(console_app, "admin")
    response = client.get("/console/audit.csv")
    assert response.mimetype == "text/csv"
    lines = response.text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("id,at_utc,operator_id,action") and len(lines) >= 3
    assert entries(console_app)[-1].detail == "audit log"


def test_log_pages_offer_an_older_page_only_when_there_is_one(console_app):
    with console_app.app_context():
        for action in ("view", "search", "export", "view"):
            audit.record(action, operator=1)
        db.session.commit()
        first, older = audit.page(size=2)
        assert [e.id for e in first] == [4, 3] and older == 3
        last, older = audit.page(before_id=older, size=2)
        assert [e.id for e in last] == [2, 1] and older is None
        views, older = audit.page(action="view", size=2)
        assert [e.id for e in views] == [4, 1] and older is None
