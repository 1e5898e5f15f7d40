"""Database setup: SQLite pragmas for concurrent workers; PostgreSQL needs nothing extra."""

from contextlib import contextmanager

from sqlalchemy import event

from .config import ROOT
from .extensions import db, migrate


def init_app(app):
    """Bind Flask-SQLAlchemy and Flask-Migrate; tune SQLite connections as they open."""
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        busy_ms = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])
        event.listen(engine, "connect", _sqlite_pragmas(busy_ms))


def _sqlite_pragmas(busy_ms):
    def on_connect(dbapi_conn, _record):
        cursor = dbapi_conn.cursor()
        # WAL lets readers and the single writer proceed together; the busy timeout makes a
        # second writer wait instead of failing at once with "database is locked".
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.close()

    return on_connect


def only_this_dialect(dialect):
    """An Alembic include_object that leaves out of the comparison an index the models make
    on another database only (Index.ddl_if(dialect=...): PostgreSQL's trigram indexes)."""

    def include(obj, _name, type_, _reflected, _compare_to):
        ddl_if = getattr(obj, "_ddl_if", None)
        if type_ == "index" and ddl_if is not None and ddl_if.dialect:
            wanted = ddl_if.dialect
            return dialect in ((wanted,) if isinstance(wanted, str) else wanted)
        return True

    return include


@contextmanager
def batch_transaction(*, dry_run=False):
    """One batch of a bulk job in its own transaction: committed at the end of the block, or
    rolled back when the block raises or the job is a dry run (which then changes nothing)."""
    try:
        yield db.session
    except BaseException:
        db.session.rollback()
        raise
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
