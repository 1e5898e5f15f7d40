"""`flask --app qb backup`: a consistent copy of the SQLite database, and rotation.

SQLite's online backup API copies the live database page by page while the site keeps
running (WAL included), into BACKUP_DIR as qb-<UTC time>.sqlite3. Backups older than
BACKUP_KEEP_DAYS are deleted in the same run, and that period may not exceed the shortest
retention period of the data itself: destroying data must reach its copies within it.
PostgreSQL is backed up with pg_dump instead (docs/deployment.md, "Backups").
"""

import os
import re
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from .clock import utcnow

NAME = re.compile(r"^qb-(\d{8}T\d{6})Z\.sqlite3$")
STAMP = "%Y%m%dT%H%M%S"
# Settings whose periods bound how long a backup may keep what they destroy.
RETENTION_SETTINGS = ("ENQUIRY_RETENTION_DAYS", "NEWSLETTER_CONFIRM_DAYS")


class BackupError(click.ClickException):
    """A backup that must not or cannot be made; the message says what to do."""


def keep_days(config):
    """BACKUP_KEEP_DAYS, checked: a whole number of days from 1 to the shortest retention."""
    days = config["BACKUP_KEEP_DAYS"]
    bound = min(int(config[name]) for name in RETENTION_SETTINGS)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= bound:
        names = " and ".join(RETENTION_SETTINGS)
        raise BackupError(
            f"BACKUP_KEEP_DAYS must be a whole number of days from 1 to {bound} (the shortest "
            f"of {names}): a backup may not keep destroyed data longer than that"
        )
    return days


def sqlite_path(uri):
    """The database file of an SQLite URI; BackupError for any other database."""
    url = make_url(uri)
    if url.get_backend_name() != "sqlite":
        raise BackupError(
            f"The database is {url.get_backend_name()}, not SQLite: back it up with pg_dump "
            'as docs/deployment.md ("Backups") shows; this command copies SQLite only'
        )
    if not url.database or url.database == ":memory:":
        raise BackupError("The SQLite database is in memory: there is no file to back up")
    return Path(url.database)


def backup_sqlite(source, folder, now):
    """Copy the database at `source` into `folder` with the online backup API; the new path."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = folder / f"qb-{now.strftime(STAMP)}Z.sqlite3"
    partial = target.with_suffix(".partial")
    src = sqlite3.connect(source)
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
            # A single self-contained file, not in WAL mode.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()
    os.replace(partial, target)
    return target


def rotate(folder, now, days):
    """Delete the backups in `folder` made more than `days` days before `now`; their names."""
    deleted = []
    limit = now - timedelta(days=days)
    for path in sorted(folder.glob("qb-*.sqlite3")):
        match = NAME.match(path.name)
        if match and _parse(match.group(1)) < limit:
            path.unlink()
            deleted.append(path.name)
    return deleted


def _parse(stamp):
    return datetime.strptime(stamp, STAMP)


@click.command("backup")
@with_appcontext
def backup_command():
    """Back the SQLite database up into BACKUP_DIR; delete backups past BACKUP_KEEP_DAYS."""
    config = current_app.config
    days = keep_days(config)
    source = sqlite_path(config["SQLALCHEMY_DATABASE_URI"])
    if not source.is_file():
        raise BackupError(f"No database file at {source}: nothing to back up")
    folder = Path(config["BACKUP_DIR"])
    now = utcnow()
    target = backup_sqlite(source, folder, now)
    click.echo(f"backup written: {target} ({target.stat().st_size} bytes)")
    deleted = rotate(folder, now, days)
    click.echo(f"{len(deleted)} backup(s) older than {days} days deleted")
    for name in deleted:
        click.echo(f"  deleted {name}")


def init_app(app):
    app.cli.add_command(backup_command)
