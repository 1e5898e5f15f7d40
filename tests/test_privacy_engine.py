"""The privacy engine on SQLite and PostgreSQL: export, destroy, depersonalise, block,
correct, each from the personal-data declaration; the consent-text archive."""

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from qb.consent.services import archived_text, consent_text, text_digest
from qb.contact.models import Enquiry
from qb.extensions import db
from qb.mailbox import mailbox_key, mailbox_pseudonym
from qb.newsletter.models import Subscriber
from qb.outbox.models import OutboxMessage
from qb.outbox.sender import claim
from qb.outbox.services import hold, mailbox_hold, queue_many
from qb.privacy import services as privacy

from .contact_helpers import SETTINGS, consents
from .factories import new_enquiry
from .newsletter_helpers import new_subscriber

ASEL = mailbox_key("asel@gmail.com")


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, make_app):
    if request.param == "sqlite":
        return make_app(**SETTINGS, tables=True)
    uri = request.getfixturevalue("postgres_uri")
    return make_app(**SETTINGS, SQLALCHEMY_DATABASE_URI=uri)


def people(app):
    """Asel (two spellings, news box ticked on one, then confirmed) and Bolat; their ids."""
    mine = [
        new_enquiry(app, email="a.sel@gmail.com", newsletter=True),
        new_enquiry(app, email="ASEL+x@gmail.com", phone=None),
    ]
    subscriber = new_subscriber(app, "asel@gmail.com", name="Әсел")
    other = new_enquiry(app, email="bolat@example.kz", newsletter=True)
    return mine, subscriber, other


def count(app, model, *where):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def last_entry(app):
    return json.loads(Path(app.config["ERASURE_JOURNAL"]).read_text().splitlines()[-1])


def call(app, verb, *args, **kwargs):
    with app.app_context():
        result = verb(*args, **kwargs)
        db.session.commit()
        return result


def test_the_export_holds_everything_about_one_mailbox_and_nothing_else(app):
    mine, subscriber, other = people(app)
    data = call(app, privacy.person_data, ASEL)
    assert data["schema"] == "qb.person/1" and data["blocked"] is False
    assert [e["id"] for e in data["enquiries"]] == mine
    assert data["enquiries"][0]["email"] == "a.sel@gmail.com"
    assert data["enquiries"][1]["phone"] is None
    assert set(data["enquiries"][0]) == {
        "id", "created_at", "name", "email", "phone", "message", "language", "status",
    }  # fmt: skip
    assert [s["id"] for s in data["subscriptions"]] == [subscriber]
    assert data["subscriptions"][0]["status"] == "confirmed"
    subjects = {f"enquiry:{i}" for i in mine} | {f"subscriber:{subscriber}"}
    assert {c["subject"] for c in data["consents"]} == subjects
    with app.test_request_context("/"):
        shown = str(consent_text("enquiry", "kk"))
    enquiry_consents = [c for c in data["consents"] if c["purpose"] == "enquiry"]
    assert enquiry_consents and all(c["text"] == shown for c in enquiry_consents)
    assert {t["ref"] for t in data["transfers"]} == subjects
    to_operator = [t for t in data["transfers"] if t["to"] == "operator"]
    assert to_operator and all(t["country"] == "RU" and t["provider"] for t in to_operator)
    assert "bolat" not in json.dumps(data, ensure_ascii=False)
    assert f"enquiry:{other}" not in json.dumps(data)
    assert call(app, privacy.holds_anything, ASEL) is True
    assert call(app, privacy.holds_anything, mailbox_key("nobody@example.kz")) is False


def test_destroy_leaves_nothing_declared_and_keeps_consents_unlinked(app):
    mine, subscriber, other = people(app)
    counts = call(app, privacy.destroy, ASEL, reason="withdrawn", actor="cli")
    assert counts["enquiry"] == 2 and counts["newsletter_subscriber"] == 1
    assert counts.ids["enquiry"] == mine and counts["outbox_message"] >= 5
    assert "enquiry: 2" in str(counts)
    assert call(app, privacy.holds_anything, ASEL) is False
    assert call(app, privacy.person_data, ASEL)["consents"] == []
    assert count(app, OutboxMessage, OutboxMessage.ref.like("subscriber:%")) == 1  # Bolat's
    proofs = [c for c in consents(app) if c.subject is None]
    assert len(proofs) == counts["consent_record"] >= 4
    assert {c.destroyed_reason for c in proofs} == {"withdrawn"}
    assert count(app, Enquiry) == 1 and count(app, Enquiry, Enquiry.id == other) == 1
    # The journal names rows and a pseudonym, never the address.
    line = last_entry(app)
    assert line["action"] == "destroy" and line["rows"]["enquiry"] == mine
    with app.app_context():
        assert line["person"] == mailbox_pseudonym(ASEL)
    assert "asel" not in json.dumps(line).lower()
    # Again: nothing more to destroy, nothing journaled.
    assert call(app, privacy.destroy, ASEL, actor="cli") == {}


def test_depersonalise_keeps_statistics_and_no_identity(app):
    mine, subscriber, _other = people(app)
    counts = call(app, privacy.depersonalise, ASEL, actor="operator:1")
    assert counts["enquiry"] == 2 and counts["newsletter_subscriber"] == 1
    assert count(app, Enquiry) == 3 and count(app, Subscriber) == 2
    with app.app_context():
        rows = db.session.scalars(sa.select(Enquiry).where(Enquiry.id.in_(mine))).all()
        assert {(r.name, r.email, r.mailbox_key, r.phone, r.message) for r in rows} == {
            ("", "", "", None, "")
        }
        assert all(r.language == "kk" and r.created_at for r in rows)
        sub = db.session.get(Subscriber, subscriber)
        assert sub.email == "" and sub.mailbox_key == f"depersonalised:{subscriber}"
        mail = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.ref == f"enquiry:{mine[0]}")
        ).all()
        assert mail and all(m.body_text is None and m.blocked_at for m in mail)
        assert {m.recipient for m in mail} == {"depersonalised.invalid"}
    assert call(app, privacy.holds_anything, ASEL) is False
    line = last_entry(app)
    assert line["action"] == "depersonalise" and line["actor"] == "operator:1"


def test_a_blocked_person_gets_no_mail_no_campaign_and_no_export(app):
    mine, subscriber, other = people(app)
    counts = call(app, privacy.block, ASEL, actor="operator:1")
    assert counts["enquiry"] == 2 and counts["newsletter_subscriber"] == 1
    assert call(app, privacy.is_blocked, ASEL) is True
    assert call(app, privacy.is_blocked, mailbox_key("bolat@example.kz")) is False
    data = call(app, privacy.person_data, ASEL)
    assert data["blocked"] and data["enquiries"] == data["transfers"] == []
    full = call(app, privacy.person_data, ASEL, include_blocked=True)
    assert len(full["enquiries"]) == 2 and all(e["blocked"] for e in full["enquiries"])
    # No sender claims their mail; a new enquiry's mail to or about them is held too.
    later = new_enquiry(app, email="asel@gmail.com")
    with app.app_context():
        claimed = {row["ref"] for row in claim(app.config, ignore_backoff=True)}
    held = {f"enquiry:{i}" for i in [*mine, later]} | {f"subscriber:{subscriber}"}
    assert f"enquiry:{other}" in claimed and not claimed & held
    # A campaign leaves them out.
    result = app.test_cli_runner().invoke(
        args=["newsletter", "send", "first-aid-for-teams", "--yes", "--queue-only"]
    )
    assert result.exit_code == 0, result.output
    assert count(app, OutboxMessage, OutboxMessage.kind == "newsletter") == 0
    # Unblocked, they take part again and their held mail goes out.
    call(app, privacy.unblock, ASEL, actor="operator:1")
    assert call(app, privacy.is_blocked, ASEL) is False
    assert count(app, OutboxMessage, OutboxMessage.blocked_at.is_not(None)) == 0
    assert len(call(app, privacy.person_data, ASEL)["enquiries"]) == 3


def test_correct_changes_only_the_fields_given(app):
    mine, subscriber, _other = people(app)
    changed = call(app, privacy.correct, f"enquiry:{mine[0]}", name="Асель", actor="operator:1")
    assert changed == ["name"]
    assert call(app, privacy.correct, f"enquiry:{mine[0]}", name="Асель", actor="cli") == []
    assert call(app, privacy.person_data, ASEL)["enquiries"][0]["name"] == "Асель"
    with app.app_context(), pytest.raises(ValueError, match="no phone"):
        privacy.correct(f"subscriber:{subscriber}", phone="+77011234567", actor="cli")
    with app.app_context(), pytest.raises(LookupError):
        privacy.correct("enquiry:999", name="x", actor="cli")


def test_every_recorded_consent_finds_its_exact_text_in_the_archive(app):
    people(app)
    with app.test_request_context("/"):
        for record in db.session.scalars(sa.select(consent_record())):
            text, language, purpose, version = archived_text(record.text_sha256)
            assert text_digest(text) == record.text_sha256
            assert (language, purpose, version) == (
                record.language,
                record.purpose,
                record.text_version,
            )
        assert archived_text("0" * 64) is None


def consent_record():
    from qb.consent.models import ConsentRecord

    return ConsentRecord


def test_a_blocked_record_is_frozen_past_its_period_until_unblocked(app):
    blocked = new_enquiry(app, email="asel@gmail.com", days_ago=400)
    expired = new_enquiry(app, email="bolat@example.kz", days_ago=400)
    call(app, privacy.block, subjects=[f"enquiry:{blocked}"], actor="operator:1")
    assert call(app, privacy.is_blocked, ASEL) is True
    purge = app.test_cli_runner().invoke(args=["contact", "purge"])
    assert purge.exit_code == 0, purge.output
    assert f"destroyed 1 enquiries older than 365 days: {expired}" in purge.output
    assert count(app, Enquiry, Enquiry.id == blocked) == 1
    call(app, privacy.unblock, subjects=[f"enquiry:{blocked}"], actor="operator:1")
    purge = app.test_cli_runner().invoke(args=["contact", "purge"])
    assert f"destroyed 1 enquiries older than 365 days: {blocked}" in purge.output


def test_mail_queued_in_bulk_to_or_about_a_held_person_is_held(app):
    def message(n, to, ref=None):
        body = {"subject": "s", "text": "t", "html": "<p>t</p>"}
        return {"kind": "test", "key": f"bulk:{n}", "to": to, "ref": ref, **body}

    with app.app_context():
        hold([mailbox_hold(ASEL), "enquiry:7"])
        db.session.commit()
        added = queue_many(
            [
                message(1, "a.sel@gmail.com"),
                message(2, "bolat@example.kz", "enquiry:7"),
                message(3, "bolat@example.kz", "enquiry:8"),
            ]
        )
        db.session.commit()
        query = sa.select(OutboxMessage.idempotency_key, OutboxMessage.blocked_at.is_not(None))
        held = dict(db.session.execute(query).all())
    assert added == 3
    assert held == {"bulk:1": True, "bulk:2": True, "bulk:3": False}
