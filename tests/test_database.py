"""The database: migrations create it on SQLite and PostgreSQL; SQLite is tuned for workers."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from qb.config import ROOT
from qb.database import only_this_dialect
from qb.extensions import db

HEAD = ScriptDirectory(str(ROOT / "migrations")).get_current_head()


def upgrade(app):
    """Run `flask db upgrade`; what it printed."""
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    return result.output


def check(app):
    """`flask db check` passes, and the models and the migrated database differ in nothing."""
    result = app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
    with app.app_context(), db.engine.connect() as conn:
        opts = {"include_object": only_this_dialect(conn.dialect.name)}
        assert compare_metadata(MigrationContext.configure(conn, opts=opts), db.metadata) == []


def schema(app):
    """The version and every table, index and trigger as SQLite stores their definitions."""
    with app.app_context():
        version = db.session.execute(sa.text("select version_num from alembic_version")).scalar()
        found = db.session.execute(
            sa.text("select type, name, sql from sqlite_master order by name")
        )
        return version, found.all()


def test_upgrade_creates_the_sqlite_file(make_app, tmp_path):
    app = make_app()
    assert not (tmp_path / "test.sqlite3").exists()
    assert f"-> {HEAD}" in upgrade(app)
    assert (tmp_path / "test.sqlite3").exists()
    version, tables = schema(app)
    assert version == HEAD
    assert {"enquiry", "consent_record", "outbox_message", "cookie_consent"} <= {
        name for kind, name, _sql in tables if kind == "table"
    }


def test_upgrade_twice_changes_nothing(make_app):
    app = make_app()
    upgrade(app)
    before = schema(app)
    assert "Running upgrade" not in upgrade(app)
    assert schema(app) == before


def test_models_match_the_migrations(make_app):
    app = make_app()
    upgrade(app)
    check(app)


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(make_app):
    app = make_app()
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_postgresql_through_one_setting(make_app, empty_postgres_uri):
    app = make_app(SQLALCHEMY_DATABASE_URI=empty_postgres_uri)
    assert f"-> {HEAD}" in upgrade(app)
    with app.app_context():
        assert db.engine.dialect.name == "postgresql"
        version = db.session.execute(sa.text("select version_num from alembic_version")).scalar()
        assert version == HEAD
    check(app)
    assert app.test_client().get("/en/").status_code == 200


def test_statement_parameters_stay_out_of_error_messages(make_app):
    app = make_app()
    with app.app_context(), pytest.raises(sa.exc.DBAPIError) as caught:
        db.session.execute(
            sa.text("insert into no_such_table values (:secret)"), {"secret": "Айгүл"}
        )
    assert "Айгүл" not in str(caught.value)
