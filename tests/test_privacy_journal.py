"""The erasure journal and `flask privacy reapply`: destruction survives restoring a backup."""

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from qb.contact.models import Enquiry
from qb.extensions import db
from qb.mailbox import mailbox_key
from qb.newsletter.models import Subscriber
from qb.outbox.models import OutboxMessage
from qb.privacy import services as privacy
from qb.privacy.models import ErasureEntry

from .contact_helpers import SETTINGS
from .factories import new_enquiry
from .site import SQLITE_FILE

ASEL = mailbox_key("asel@example.kz")


@pytest.fixture
def app(make_app):
    return make_app(**SETTINGS, tables=True)


def entries(app):
    path = Path(app.config["ERASURE_JOURNAL"])
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def rows(app, model, *where):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def backup(app, target):
    """A consistent copy of the live SQLite database (the backup API, as sqlite3 .backup)."""
    source = sqlite3.connect(Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")))
    copy = sqlite3.connect(target)
    with copy:
        source.backup(copy)
    copy.close()
    source.close()


def restore(app, copy):
    """Put the copy back in place of the database, as a restore does (the site stopped)."""
    with app.app_context():
        db.engine.dispose()
    live = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    for extra in ("-wal", "-shm"):
        Path(f"{live}{extra}").unlink(missing_ok=True)
    shutil.copyfile(copy, live)


def reapply(app, *args):
    return app.test_cli_runner().invoke(args=["privacy", "reapply", *args])


def test_a_destroyed_person_stays_destroyed_after_an_older_backup_is_restored(app, tmp_path):
    mine = new_enquiry(app, email="asel@example.kz", newsletter=True)
    kept = new_enquiry(app, email="bolat@example.kz")
    copy = tmp_path / f"backup-{SQLITE_FILE}"
    backup(app, copy)
    result = app.test_cli_runner().invoke(args=["contact", "forget", "--email", "asel@example.kz"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        privacy.destroy(ASEL, actor="cli")
        db.session.commit()
    assert [e["actor"] for e in entries(app)] == ["cli", "cli"]
    assert rows(app, Enquiry) == 1 and rows(app, Subscriber) == 0

    restore(app, copy)
    assert rows(app, Enquiry) == 2 and rows(app, Subscriber) == 1  # the backup had them
    newer = new_enquiry(app, email="dana@example.kz")  # may reuse a destroyed id
    result = reapply(app, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would reapply 2 journal entries" in result.output
    assert rows(app, Enquiry) == 3
    result = reapply(app)
    assert result.exit_code == 0, result.output
    assert "reapplied 2 journal entries" in result.output and "enquiry: 1" in result.output
    with app.app_context():
        left = set(db.session.scalars(sa.select(Enquiry.id)))
        assert mine not in left and left == {kept, newer}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Subscriber)) == 0
        refs = set(db.session.scalars(sa.select(OutboxMessage.ref)))
        assert refs == {f"enquiry:{kept}", f"enquiry:{newer}"}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ErasureEntry)) == 2
    # Idempotent: the database now carries both entries.
    again = reapply(app)
    assert again.exit_code == 0 and "reapplied 0 journal entries" in again.output
    assert len(entries(app)) == 2  # reapplying writes no new line


def test_since_reapplies_every_entry_after_that_time(app):
    new_enquiry(app, email="asel@example.kz")
    with app.app_context():
        privacy.destroy(ASEL, actor="cli")
        db.session.commit()
    result = reapply(app, "--since", "2000-01-01T00:00:00+05:00")
    assert result.exit_code == 0, result.output
    assert "nothing left" in result.output and "reapplied 1 journal entries" in result.output
    assert "reapplied 0" in reapply(app, "--since", "2999-01-01").output
    bad = reapply(app, "--since", "yesterday")
    assert bad.exit_code == 2 and "a UTC time such as" in bad.output


def test_a_rolled_back_erasure_leaves_no_line(app):
    new_enquiry(app, email="asel@example.kz")
    dry = app.test_cli_runner().invoke(
        args=["contact", "forget", "--dry-run", "--email", "asel@example.kz"]
    )
    assert dry.exit_code == 0, dry.output
    with app.app_context():
        privacy.destroy(ASEL, actor="cli")
        db.session.rollback()
    assert entries(app) == [] and rows(app, Enquiry) == 1
    assert rows(app, ErasureEntry) == 0


def test_the_journal_holds_no_personal_data(app):
    new_enquiry(app, email="asel@example.kz", name="Әсел Нұрланқызы")
    with app.app_context():
        privacy.depersonalise(ASEL, actor="operator:7")
        db.session.commit()
    text = Path(app.config["ERASURE_JOURNAL"]).read_text()
    assert "asel" not in text.lower() and "Әсел" not in text
    (entry,) = entries(app)
    assert set(entry) == {"id", "at", "action", "reason", "actor", "person", "subjects", "rows"}
    assert entry["rows"] == {"enquiry": [1]} and entry["subjects"] == ["enquiry:1"]


def test_a_block_made_after_the_backup_survives_the_restore(app, tmp_path):
    mine = new_enquiry(app, email="asel@example.kz")
    other = new_enquiry(app, email="dana@example.kz")
    copy = tmp_path / f"backup-{SQLITE_FILE}"
    with app.app_context():
        privacy.block(mailbox_key("dana@example.kz"), actor="cli")  # before the backup
        db.session.commit()
    backup(app, copy)
    with app.app_context():
        privacy.block(ASEL, actor="cli")
        privacy.unblock(mailbox_key("dana@example.kz"), actor="cli")
        db.session.commit()
    assert [e["action"] for e in entries(app)] == ["block", "block", "unblock"]
    assert all("asel" not in json.dumps(e) for e in entries(app))

    restore(app, copy)
    with app.app_context():
        assert not privacy.is_blocked(ASEL)  # the backup predates the block
        assert privacy.is_blocked(mailbox_key("dana@example.kz"))
    result = reapply(app)
    assert result.exit_code == 0, result.output
    assert "reapplied 2 journal entries" in result.output
    with app.app_context():
        assert privacy.is_blocked(ASEL)
        assert not privacy.is_blocked(mailbox_key("dana@example.kz"))
        blocked = set(
            db.session.scalars(sa.select(Enquiry.id).where(Enquiry.blocked_at.is_not(None)))
        )
        assert blocked == {mine} and other not in blocked
    # A new enquiry from the blocked mailbox after the restore: its mail is held as before.
    later = new_enquiry(app, email="Asel@Example.kz")
    with app.app_context():
        held = db.session.scalars(
            sa.select(OutboxMessage.blocked_at).where(OutboxMessage.ref == f"enquiry:{later}")
        ).all()
        assert held and all(when is not None for when in held)


def test_an_unknown_action_or_a_stray_line_is_left_out_not_guessed_at(app):
    mine = new_enquiry(app, email="asel@example.kz")
    path = Path(app.config["ERASURE_JOURNAL"])
    path.parent.mkdir(parents=True, exist_ok=True)
    stray = {
        "id": "f" * 32,
        "at": "2026-01-01T00:00:00.000000+00:00",
        "action": "shred",
        "reason": None,
        "actor": "cli",
        "person": None,
        "subjects": [f"enquiry:{mine}"],
        "rows": {"enquiry": [mine]},
    }
    path.write_text(json.dumps(stray) + "\n[]\n" + json.dumps({"id": "x"}) + "\n")
    result = reapply(app)
    assert result.exit_code == 0, result.output
    assert "reapplied 0 journal entries" in result.output
    assert rows(app, Enquiry) == 1 and rows(app, ErasureEntry) == 0
