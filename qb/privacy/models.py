"""The erasure journal's copy in the database: which erasures this database has seen.

The journal itself is a file outside the database (ERASURE_JOURNAL), so that it survives
restoring an older copy of the database; this table tells `flask privacy reapply` which of
the file's entries the restored database already carries.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db
from ..personal_data import NOT_PERSONAL


class ErasureEntry(db.Model):
    """One destruction or depersonalisation: what, of which rows, why, by whom. Never data."""

    __tablename__ = "erasure_journal"

    # A random id, the same in the file and here.
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, info=NOT_PERSONAL)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True, info=NOT_PERSONAL)
    action: Mapped[str] = mapped_column(sa.String(20), info=NOT_PERSONAL)  # destroy, ...
    reason: Mapped[str | None] = mapped_column(sa.String(20), info=NOT_PERSONAL)
    actor: Mapped[str] = mapped_column(sa.String(60), info=NOT_PERSONAL)
    # qb.mailbox.mailbox_pseudonym of the mailbox asked for: a keyed hash, not the address.
    person: Mapped[str | None] = mapped_column(sa.String(64), index=True, info=NOT_PERSONAL)
    # JSON: the subjects erased (["enquiry:12", ...]) and {table: [row ids]}: numbers only.
    subjects: Mapped[str] = mapped_column(sa.Text, info=NOT_PERSONAL)
    rows: Mapped[str] = mapped_column(sa.Text, info=NOT_PERSONAL)

    def __repr__(self):
        return f"<ErasureEntry {self.id} {self.action}>"
