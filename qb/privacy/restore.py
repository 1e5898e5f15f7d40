"""After a restore: make again every erasure the restored database does not carry.

A backup taken before a person's data was destroyed still holds it. The erasure journal
file, outside the database, lists every erasure; the restored database's own copy of the
journal (erasure_journal) ends where the backup was taken. `reapply` makes each erasure
of the file that the database lacks again, oldest first, only on rows created before it
(a row made since the restore with a reused id is spared), and records it in the table,
so running it twice changes nothing the second time. Blocks and unblocks are journaled and
made again the same way, so a restore neither lifts a block nor revives a lifted one.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from ..consent.models import WITHDRAWN
from ..database import batch_transaction
from . import journal
from .services import _block, _depersonalise, _destroy

log = logging.getLogger(__name__)


@dataclass
class Reapplied:
    """One journal entry made again: its id, time, action and what it changed."""

    id: str
    at: str
    action: str
    counts: dict


def _remake_block(entry, until, blocked=True):
    return _block(
        None, entry["subjects"], actor=entry["actor"], blocked=blocked, until=until, entry=entry
    )


def _remake_depersonalise(entry, until):
    return _depersonalise(None, entry["subjects"], actor=entry["actor"], until=until, entry=entry)


def _remake_destroy(entry, until):
    reason = entry["reason"] or WITHDRAWN
    return _destroy(
        None, entry["subjects"], reason=reason, actor=entry["actor"], until=until, entry=entry
    )


# Each journaled action and how it is made again; an action not listed is never guessed at.
_REMAKE = {
    journal.BLOCK: _remake_block,
    journal.UNBLOCK: lambda entry, until: _remake_block(entry, until, blocked=False),
    journal.DEPERSONALISE: _remake_depersonalise,
    journal.DESTROY: _remake_destroy,
}


def reapply(*, since=None, dry_run=False):
    """Make again the journal's erasures missing from this database (or, with `since`, every
    erasure after that UTC moment); commit each. A dry run changes nothing."""
    known = journal.known_ids()
    entries = journal.read()
    if since is None:
        todo = [entry for entry in entries if entry["id"] not in known]
    else:
        todo = [entry for entry in entries if datetime.fromisoformat(entry["at"]) > since]
    done = []
    for entry in todo:
        remake = _REMAKE.get(entry["action"])
        if remake is None:
            log.error("erasure journal: entry %s has an unknown action; left out", entry["id"])
            continue
        with batch_transaction(dry_run=dry_run):
            counts = remake(entry, datetime.fromisoformat(entry["at"]))
            if entry["id"] not in known:
                journal.add_to_table(entry)
        done.append(Reapplied(entry["id"], entry["at"], entry["action"], dict(counts)))
    return done
