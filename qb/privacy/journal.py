"""The erasure journal: each destruction and depersonalisation, in a file and a table.

An entry holds when, what (destroy or depersonalise), why, by whom, the subjects and row ids
erased and the mailbox pseudonym asked for: numbers and keyed hashes, never the data. It is
added to the database in the caller's transaction (ErasureEntry) and, once that transaction
commits, appended to the file ERASURE_JOURNAL and flushed to disk (fsync); a rolled-back
transaction (a dry run) leaves no line. The file lives outside the database, so after an
older copy of the database is restored, `flask privacy reapply` finds there every erasure
the copy does not carry and makes it again (qb/privacy/restore.py).
"""

import json
import logging
import os
import uuid
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from ..extensions import db
from .models import ErasureEntry

log = logging.getLogger(__name__)
PENDING = "qb_erasure_journal"  # session.info key: entries waiting for the commit
DESTROY = "destroy"
DEPERSONALISE = "depersonalise"
# Blocks are not erasures, but a restore must not lift one either (nor revive a lifted one).
BLOCK = "block"
UNBLOCK = "unblock"


def journal_path(app=None):
    """The journal file: ERASURE_JOURNAL, or erasure-journal.jsonl in the instance folder."""
    app = app or current_app
    configured = app.config.get("ERASURE_JOURNAL")
    return Path(configured) if configured else Path(app.instance_path) / "erasure-journal.jsonl"


def record(action, *, at, reason, actor, person, subjects, rows, holds=()):
    """Journal one erasure (or block) in the caller's transaction; the file line follows its
    commit. `holds` are the outbox hold values a block sets: subjects and mailbox pseudonyms."""
    entry = {
        "id": uuid.uuid4().hex,
        "at": at.isoformat(timespec="microseconds"),
        "action": action,
        "reason": reason,
        "actor": actor,
        "person": person,
        "subjects": sorted(subjects),
        "rows": {table: sorted(ids) for table, ids in sorted(rows.items())},
    }
    if holds:
        entry["holds"] = sorted(set(holds))
    add_to_table(entry)
    db.session.info.setdefault(PENDING, []).append((journal_path(), entry))
    return entry


def add_to_table(entry):
    """The database's copy of an entry (also for entries reapplied after a restore)."""
    db.session.add(
        ErasureEntry(
            id=entry["id"],
            at=datetime.fromisoformat(entry["at"]),
            action=entry["action"],
            reason=entry["reason"],
            actor=entry["actor"],
            person=entry["person"],
            subjects=json.dumps(entry["subjects"]),
            rows=json.dumps(entry["rows"], sort_keys=True),
        )
    )


def known_ids():
    """The ids of the entries this database carries."""
    return set(db.session.scalars(sa.select(ErasureEntry.id)))


def newest_in_database():
    """When the newest entry this database carries was made (UTC), or None."""
    return db.session.scalar(sa.select(sa.func.max(ErasureEntry.at)))


def append(path, entry):
    """Append one entry as a JSON line and flush it to disk before returning."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(entry, sort_keys=True, ensure_ascii=True) + "\n").encode("ascii")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def read(path=None):
    """Every entry of the journal file, oldest first (a torn last line is left out)."""
    path = path or journal_path()
    if not path.exists():
        return []
    entries = []
    for number, line in enumerate(path.read_text(encoding="ascii").splitlines(), 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            entry = None
        if isinstance(entry, dict) and isinstance(entry.get("at"), str):
            entries.append(entry)
        else:
            log.error("erasure journal: line %s is not an entry; left out", number)
    return sorted(entries, key=lambda entry: entry["at"])


@sa.event.listens_for(Session, "after_commit")
def _write_committed(session):
    for path, entry in session.info.pop(PENDING, ()):
        try:
            append(path, entry)
        except OSError as error:
            # The erasure is committed and its table copy too; only the file lacks it.
            log.error(
                "erasure journal: entry %s not written to the file (%s)",
                entry["id"],
                type(error).__name__,
            )


@sa.event.listens_for(Session, "after_rollback")
def _drop_rolled_back(session):
    session.info.pop(PENDING, None)
