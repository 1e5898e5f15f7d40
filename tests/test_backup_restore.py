"""`flask backup` and the restore drill: a restored backup never brings an erased person back."""

import os
import shutil
import sqlite3
import stat
from datetime import timedelta

import pytest

from qb.backup import STAMP
from qb.clock import utcnow
from qb.extensions import db

from .contact_helpers import SETTINGS, enquiries
from .factories import new_enquiry
from .site import SQLITE_FILE


@pytest.fixture
def app(make_app, tmp_path):
    return make_app(**SETTINGS, BACKUP_DIR=str(tmp_path / "backups"), tables=True)


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def backups(tmp_path):
    return sorted((tmp_path / "backups").glob("qb-*.sqlite3"))


def emails_in(path):
    with sqlite3.connect(path) as conn:
        return sorted(row[0] for row in conn.execute("select email from enquiry"))


def test_backup_is_a_private_consistent_copy(app, tmp_path):
    new_enquiry(app, email="asel@example.kz")
    result = run(app, "backup")
    assert result.exit_code == 0, result.output
    [copy] = backups(tmp_path)
    assert f"backup written: {copy}" in result.output
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert emails_in(copy) == ["asel@example.kz"]
    with sqlite3.connect(copy) as conn:  # one self-contained file
        assert conn.execute("pragma journal_mode").fetchone()[0] == "delete"
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert "asel" not in result.output  # no personal data in the output


def test_backups_past_the_keep_days_are_deleted(app, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    now = utcnow()
    old = folder / f"qb-{(now - timedelta(days=8)).strftime(STAMP)}Z.sqlite3"
    recent = folder / f"qb-{(now - timedelta(days=6)).strftime(STAMP)}Z.sqlite3"
    other = folder / "notes.txt"
    for path in (old, recent, other):
        path.write_text("x")
    result = run(app, "backup")
    assert result.exit_code == 0, result.output
    assert "1 backup(s) older than 7 days deleted" in result.output
    assert not old.exists() and recent.exists() and other.exists()
    assert len(backups(tmp_path)) == 2


@pytest.mark.parametrize("days", [0, 8, 400, "7"])
def test_keep_days_stay_within_the_shortest_retention(make_app, tmp_path, days):
    app = make_app(BACKUP_DIR=str(tmp_path / "b"), BACKUP_KEEP_DAYS=days, tables=True)
    result = run(app, "backup")
    assert result.exit_code == 1
    assert "BACKUP_KEEP_DAYS must be a whole number of days from 1 to 7" in result.output
    assert not (tmp_path / "b").exists()


def test_postgresql_is_pointed_to_pg_dump(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://qb@127.0.0.1:1/qb")
    result = run(app, "backup")
    assert result.exit_code == 1
    assert "back it up with pg_dump" in result.output
    assert 'docs/deployment.md ("Backups")' in result.output


def restore(app, copy, tmp_path):
    """The documented restore: the site stopped, the backup copied over the database file."""
    with app.app_context():
        db.engine.dispose()
    database = tmp_path / SQLITE_FILE
    for leftover in (f"{database}-wal", f"{database}-shm"):
        if os.path.exists(leftover):
            os.unlink(leftover)
    shutil.copyfile(copy, database)


def test_restore_drill_keeps_an_erased_person_erased(app, tmp_path):
    new_enquiry(app, email="asel@example.kz")
    new_enquiry(app, email="bolat@example.kz")
    assert run(app, "backup").exit_code == 0
    [copy] = backups(tmp_path)
    forgotten = run(app, "contact", "forget", "--email", "Asel@Example.kz")
    assert forgotten.exit_code == 0, forgotten.output
    assert [e.email for e in enquiries(app)] == ["bolat@example.kz"]

    restore(app, copy, tmp_path)
    assert sorted(e.email for e in enquiries(app)) == ["asel@example.kz", "bolat@example.kz"]
    reapplied = run(app, "privacy", "reapply")
    assert reapplied.exit_code == 0, reapplied.output
    assert [e.email for e in enquiries(app)] == ["bolat@example.kz"]
    assert "asel" not in reapplied.output
