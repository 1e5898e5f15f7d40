"""The breach register (Law 94-V Art. 25(2)(8)): incidents, and the notice to the authorised
body due one working day after detection."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db
from ..personal_data import NOT_PERSONAL


class BreachIncident(db.Model):
    """One security incident involving personal data. Describes what happened and what was
    done; names no affected person (their list is exported when the notice is written)."""

    __tablename__ = "breach_incident"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True, info=NOT_PERSONAL)
    detected_at: Mapped[datetime] = mapped_column(index=True, info=NOT_PERSONAL)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, info=NOT_PERSONAL)
    recorded_by: Mapped[int] = mapped_column(info=NOT_PERSONAL)  # operator id
    # What happened and what was done, in general terms: the form asks for no names, and the
    # affected people are listed only in the export made for the notice.
    description: Mapped[str] = mapped_column(sa.Text, info=NOT_PERSONAL)
    measures: Mapped[str] = mapped_column(sa.Text, default="", info=NOT_PERSONAL)
    # The end of the first working day after detection, in Kazakhstan (stored UTC).
    notice_due_at: Mapped[datetime] = mapped_column(info=NOT_PERSONAL)
    notified_at: Mapped[datetime | None] = mapped_column(info=NOT_PERSONAL)
