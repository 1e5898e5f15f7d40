"""The operator's commands: counts, an unsubscribe by e-mail, the CSV export, the daily purge
of unconfirmed subscriptions, and the contact form's old ticked boxes carried over."""

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from qb.clock import utcnow
from qb.extensions import db
from qb.mailbox import mailbox_key
from qb.newsletter.models import Subscriber

from .newsletter_helpers import (
    SETTINGS,
    new_subscriber,
    newsletter_consents,
    outbox_rows,
    subscribers,
)


@pytest.fixture
def app(make_app):
    return make_app(**SETTINGS, tables=True)


def run(app, *args):
    result = app.test_cli_runner().invoke(args=["newsletter", *args])
    return result


def test_subscribers_are_counted_by_status_and_language(app):
    for n, lang in enumerate(("kk", "kk", "ru", "en")):
        new_subscriber(app, f"c{n}@example.kz", lang)
    new_subscriber(app, "p@example.kz", "ru", confirm=False)
    output = run(app, "subscribers").output
    assert "status         kk     ru     en  total" in output
    assert "pending         0      1      0      1" in output
    assert "confirmed       2      1      1      4" in output
    assert "@" not in output


def test_an_unsubscribe_by_mail_finds_any_spelling_and_destroys_the_data(app):
    kept = new_subscriber(app, "stays@example.kz", "kk")
    new_subscriber(app, "a.sel@gmail.com", "ru", name="Әсел")
    result = run(app, "unsubscribe", "ASEL+news@googlemail.com")
    assert result.exit_code == 0 and "unsubscribed; their data is destroyed" in result.output
    assert "asel" not in result.output.lower()
    assert [s.id for s in subscribers(app)] == [kept]
    withdrawn = [c for c in newsletter_consents(app) if c.status == "withdrawn"]
    assert [(c.method, c.subject) for c in withdrawn] == [("operator", None)]
    assert "nothing to do" in run(app, "unsubscribe", "asel@gmail.com").output
    assert run(app, "unsubscribe", "not an address").exit_code == 2


def test_the_export_is_safe_to_open_in_a_spreadsheet(app, tmp_path):
    new_subscriber(app, "sheet@example.kz", "en", name="Anna")
    with app.app_context():
        db.session.execute(sa.update(Subscriber).values(name="=HYPERLINK(1)"))
        db.session.commit()
    result = run(app, "export", "-o", str(tmp_path / "s.csv"))
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO((tmp_path / "s.csv").read_text(encoding="utf-8"))))
    assert rows[0][:5] == ["id", "email", "name", "language", "status"]
    assert rows[1][1:5] == ["sheet@example.kz", "'=HYPERLINK(1)", "en", "confirmed"]


def test_the_purge_destroys_only_expired_unconfirmed_subscriptions(app):
    confirmed = new_subscriber(app, "yes@example.kz", "kk")
    fresh = new_subscriber(app, "fresh@example.kz", "kk", confirm=False)
    stale = new_subscriber(app, "stale@example.kz", "ru", confirm=False)
    with app.app_context():
        db.session.execute(
            sa.update(Subscriber)
            .where(Subscriber.id == stale)
            .values(confirm_expires_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
    assert (
        f"would destroy 1 unconfirmed subscriptions: {stale}"
        in run(app, "purge", "--dry-run").output
    )
    assert len(subscribers(app)) == 3
    result = run(app, "purge")
    assert f"destroyed 1 unconfirmed subscriptions: {stale}" in result.output
    assert "mails deleted: 1; consent records unlinked: 1" in result.output
    assert [s.id for s in subscribers(app)] == [confirmed, fresh]
    assert not outbox_rows(app, ref=f"subscriber:{stale}")
    [proof] = [c for c in newsletter_consents(app) if c.subject is None]
    assert (proof.status, proof.destroyed_reason) == ("pending", "expired")
    assert "destroyed 0" in run(app, "purge").output


def test_the_confirmation_days_setting_is_checked_at_start(make_app):
    with pytest.raises(ValueError, match="NEWSLETTER_CONFIRM_DAYS"):
        make_app(NEWSLETTER_CONFIRM_DAYS=0)


def old_enquiry(app, email, language, ticked):
    """An enquiry as stored before 0007 (raw rows: today's models have newer columns)."""
    with app.app_context():
        conn = db.session.connection()
        enquiry_id = conn.execute(
            sa.text(
                "INSERT INTO enquiry (submission_key, name, email, mailbox_key, phone, message,"
                " language, status, created_at) VALUES (:key, 'Әсел', :email, :mailbox, NULL,"
                " 'Сәлем', :lang, 'new', :now) RETURNING id"
            ),
            {
                "key": email,
                "email": email,
                "mailbox": mailbox_key(email),
                "lang": language,
                "now": utcnow(),
            },
        ).scalar_one()
        purposes = [("enquiry", "given")] + ([("newsletter", "pending")] if ticked else [])
        for purpose, status in purposes:
            conn.execute(
                sa.text(
                    "INSERT INTO consent_record (subject, purpose, status, text_version,"
                    " text_sha256, policy_revision, language, method, created_at) VALUES"
                    " (:subject, :purpose, :status, 1, :sha, 1, :lang, 'contact-form', :now)"
                ),
                {
                    "subject": f"enquiry:{enquiry_id}",
                    "purpose": purpose,
                    "status": status,
                    "sha": purpose[0] * 64,
                    "lang": language,
                    "now": utcnow(),
                },
            )
        db.session.commit()
    return enquiry_id


def test_the_upgrade_carries_old_ticked_boxes_over_and_the_command_mails_them(make_app):
    app = make_app(**SETTINGS)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "0006_consent_record"]).exit_code == 0
    first = old_enquiry(app, "OldBox@example.kz", "ru", ticked=True)
    again = old_enquiry(app, "oldbox+2@example.kz", "en", ticked=True)
    old_enquiry(app, "no.box@example.kz", "kk", ticked=False)
    upgrade = runner.invoke(args=["db", "upgrade"])
    assert upgrade.exit_code == 0, upgrade.output

    [subscriber] = subscribers(app)
    assert (subscriber.email, subscriber.language, subscriber.status) == (
        "oldbox+2@example.kz",  # the newest enquiry's address and language
        "en",
        "pending",
    )
    records = newsletter_consents(app)
    copies = [c for c in records if c.subject == f"subscriber:{subscriber.id}"]
    originals = [c for c in records if c.subject in (f"enquiry:{first}", f"enquiry:{again}")]
    assert len(copies) == 2 and len(originals) == 2
    assert all(c.status == "pending" and c.text_sha256 == "n" * 64 for c in copies)

    assert (
        "would mail 1 confirmation requests" in run(app, "send-confirmations", "--dry-run").output
    )
    assert outbox_rows(app, kind="newsletter-confirmation") == []
    assert (
        f"queued 1 confirmation requests: {subscriber.id}" in run(app, "send-confirmations").output
    )
    [request] = outbox_rows(app, kind="newsletter-confirmation")
    assert request.recipient == "oldbox+2@example.kz"
    assert "/en/newsletter/confirm/" in request.body_text
    assert "queued 0" in run(app, "send-confirmations").output
