"""Destroying enquiries with their mails: past retention, or on request (Law 94-V Art. 18, 19)."""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from ..clock import utcnow
from ..consent.models import EXPIRED, WITHDRAWN
from ..database import batch_transaction
from ..extensions import db
from ..privacy.services import CLI, RETENTION, destroy
from .models import Enquiry
from .services import same_mailbox, subject

log = logging.getLogger(__name__)

# Enquiries destroyed per transaction: SQLite has one writer, and the form must not wait long.
BATCH = 200


class RetentionError(ValueError):
    """ENQUIRY_RETENTION_DAYS is not a whole number of days of at least 1."""


class UnknownEnquiries(LookupError):
    """Some ids asked for name no stored enquiry; nothing was destroyed."""

    def __init__(self, ids):
        super().__init__(ids)
        self.ids = ids


@dataclass
class Purged:
    """What a purge destroyed (or, in a dry run, would destroy): ids and counts only."""

    enquiry_ids: list[int] = field(default_factory=list)
    mails: int = 0
    consents: int = 0


def retention_days():
    """ENQUIRY_RETENTION_DAYS as a number, refusing values that would destroy too much."""
    value = current_app.config["ENQUIRY_RETENTION_DAYS"]
    days = None
    # int("365") from a config file is fine; True, 1.5 or "a year" are mistakes.
    if isinstance(value, int | str) and not isinstance(value, bool):
        try:
            days = int(value)
        except ValueError:
            pass
    if days is None or days < 1:
        raise RetentionError(
            f"ENQUIRY_RETENTION_DAYS must be a whole number of days, at least 1 (got {value!r})"
        )
    return days


def purge_expired(*, dry_run=False):
    """Destroy every enquiry older than the retention period, commit, and say what went.

    An enquiry's mails go with it, sent or not: a copy still waiting in the outbox must not be
    delivered after the period the visitor agreed to. Its consent records stay as proof of
    consent, with the link to the enquiry cleared and the time of destruction set. A dry run
    does the same work and rolls it back, so its counts are exactly what a real run would do.
    """
    now = utcnow()
    cutoff = now - timedelta(days=retention_days())
    ids = list(
        db.session.scalars(
            # A blocked enquiry is frozen (Law 94-V Art. 1): kept until it is unblocked.
            sa.select(Enquiry.id)
            .where(Enquiry.created_at < cutoff, Enquiry.blocked_at.is_(None))
            .order_by(Enquiry.id)
        )
    )
    purged = _destroy_all(ids, EXPIRED, RETENTION, dry_run)
    if purged.enquiry_ids and not dry_run:
        log.info(
            "retention: destroyed %s enquiries (%s mails); %s consent records kept without them",
            len(purged.enquiry_ids),
            purged.mails,
            purged.consents,
        )
    return purged


def forget(ids=(), email=None, *, dry_run=False, actor=CLI):
    """Destroy the enquiries `ids` and those from `email`'s mailbox on request, and commit.

    The same destruction as the purge (a withdrawal of consent or a deletion request ends the
    processing early), the consent records marked WITHDRAWN. If any of `ids` names no stored
    enquiry, nothing is destroyed: UnknownEnquiries says which, so the request can be checked.
    """
    wanted = set(ids)
    if wanted:
        found = set(db.session.scalars(sa.select(Enquiry.id).where(Enquiry.id.in_(wanted))))
        if unknown := sorted(wanted - found):
            raise UnknownEnquiries(unknown)
    if email is not None:
        wanted.update(same_mailbox(email))
    forgotten = _destroy_all(sorted(wanted), WITHDRAWN, actor, dry_run)
    if forgotten.enquiry_ids and not dry_run:
        log.info(
            "on request: destroyed enquiries %s (%s mails); %s consent records kept without them",
            " ".join(map(str, forgotten.enquiry_ids)),
            forgotten.mails,
            forgotten.consents,
        )
    return forgotten


def _destroy_all(ids, reason, actor, dry_run):
    """Destroy `ids` in batches, each committed (or, in a dry run, rolled back).

    The privacy engine destroys each batch as it destroys any person's data, and journals
    it, so the destruction is made again if an older backup is ever restored.
    """
    purged = Purged()
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        with batch_transaction(dry_run=dry_run):
            _destroy(batch, reason, actor, purged)
    return purged


def _destroy(batch, reason, actor, purged):
    counts = destroy(subjects=[subject(i) for i in batch], reason=reason, actor=actor)
    purged.mails += counts.get("outbox_message", 0)
    purged.consents += counts.get("consent_record", 0)
    # Only the rows this run deleted are reported: a purge running at the same time took the rest.
    purged.enquiry_ids.extend(sorted(counts.ids.get("enquiry", [])))
