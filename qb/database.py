"""Database setup: SQLite pragmas for concurrent workers; PostgreSQL needs nothing extra."""

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
