"""Destroying subscriptions nobody confirmed: past their link's expiry, with their mail."""

import logging
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..clock import utcnow
from ..consent.models import EXPIRED
from ..database import batch_transaction
from ..extensions import db
from ..privacy.services import RETENTION, destroy
from .mails import subject_of
from .models import PENDING, Subscriber

log = logging.getLogger(__name__)
BATCH = 200  # subscribers destroyed per transaction


@dataclass
class Purged:
    """What a purge destroyed (or, in a dry run, would destroy): ids and counts only."""

    subscriber_ids: list[int] = field(default_factory=list)
    mails: int = 0
    consents: int = 0


def purge_unconfirmed(*, dry_run=False):
    """Destroy every pending subscription whose confirmation link has expired; commit.

    Its mail goes with it; its consent records stay as proof, unlinked (reason expired).
    A dry run does the same work and rolls it back, so its counts are a real run's.
    """
    now = utcnow()
    ids = list(
        db.session.scalars(
            sa.select(Subscriber.id)
            .where(
                Subscriber.status == PENDING,
                Subscriber.confirm_expires_at <= now,
                Subscriber.blocked_at.is_(None),  # blocked: frozen until unblocked
            )
            .order_by(Subscriber.id)
        )
    )
    purged = Purged()
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        with batch_transaction(dry_run=dry_run):
            # Deleted first, and only if still pending: one confirmed meanwhile stays whole.
            deleted = sorted(
                db.session.scalars(
                    sa.delete(Subscriber)
                    .where(Subscriber.id.in_(batch), Subscriber.status == PENDING)
                    .returning(Subscriber.id)
                ).all()
            )
            # Their mail and consent records through the privacy engine, which journals it.
            subjects = [subject_of(i) for i in deleted]
            counts = destroy(subjects=subjects, reason=EXPIRED, actor=RETENTION)
            purged.mails += counts.get("outbox_message", 0)
            purged.consents += counts.get("consent_record", 0)
            purged.subscriber_ids.extend(deleted)
    if purged.subscriber_ids and not dry_run:
        log.info(
            "newsletter: destroyed %s unconfirmed subscriptions (%s mails); %s consent "
            "records kept without them",
            len(purged.subscriber_ids),
            purged.mails,
            purged.consents,
        )
    return purged
