"""Helpers for the outbox tests: an app with the outbox table, and queueing messages."""

import json
import os

import sqlalchemy as sa

from qb.extensions import db
from qb.outbox.models import OutboxMessage
from qb.outbox.services import queue_mail

KAZAKH = "әғқңөұүһі ӘҒҚҢӨҰҮҺІ"


def with_outbox_table(app):
    """Create only the outbox table (the migration itself is checked by test_database)."""
    with app.app_context():
        OutboxMessage.__table__.create(db.engine, checkfirst=True)
    return app


def queue(app, count=1, start=1, **fields):
    """Queue and commit `count` messages; returns their ids."""
    ids = []
    with app.app_context():
        for n in range(start, start + count):
            values = {
                "kind": "test",
                "key": f"test:{n}",
                "to": f"person{n}@example.kz",
                "to_name": f"Әсем {n}",
                "subject": f"Өтініш №{n}: {KAZAKH}",
                "text": f"Сәлем! {KAZAKH}\nNo. {n}",
                "html": f"<p>Сәлем! {KAZAKH}</p><p>No. {n}</p>",
                "ref": f"enquiry:{n}",
            }
            message = queue_mail(**{**values, **fields})
            db.session.commit()
            ids.append(message.id)
    return ids


def rows(app):
    """Every outbox row as a plain mapping, by id."""
    with app.app_context():
        result = db.session.execute(sa.select(OutboxMessage.__table__).order_by("id"))
        return [dict(row) for row in result.mappings()]


def row(app, message_id):
    return next(r for r in rows(app) if r["id"] == message_id)


def send(app, *args):
    """Run `flask outbox send` and return its output."""
    result = app.test_cli_runner().invoke(args=["outbox", "send", *args])
    assert result.exit_code == 0, result.output
    return result.output


def cli_env(tmp_path, sink, **extra):
    """Settings for `flask --app qb` in a child process, through QB_* variables."""
    settings = {
        "SECRET_KEY": "x" * 40,
        "OPERATOR_NAME": "Qauipsiz Bolashaq LLP",
        "OPERATOR_BIN": "123456789012",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite3'}",
        **sink.settings(),
        "OUTBOX_BATCH_SIZE": 5,
        "OUTBOX_EML_DIR": str(tmp_path / "mail"),
        # Production settings otherwise; the mail commands count no rate limit.
        "RATELIMIT_ENABLED": False,
        **extra,
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("QB_")}
    env["QB_CONFIG_FILE"] = ""  # the settings above only, not a local instance/config.py
    env.update({f"QB_{k}": json.dumps(v) for k, v in settings.items()})
    return env
