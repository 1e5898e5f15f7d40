"""Finding enquiries for the console: filters, literal search, keyset pages, the export.

Pages are keyset pages (`id < before`, newest first) on the (status, id) index, so the
500th page costs what the first does. A search with an @ finds every spelling of one
mailbox through the mailbox_key index; any other text is matched literally (% and _ are
text) in names and messages: on PostgreSQL through trigram indexes, on SQLite by a scan.
"""

from datetime import timedelta

import sqlalchemy as sa

from ..clock import utcnow
from ..extensions import db
from ..mailbox import mailbox_key
from .models import Enquiry

NEW, HANDLED, BLOCKED = "new", "handled", "blocked"
FILTERS = (NEW, HANDLED, BLOCKED)
SEARCH_MAX = 200


def escape_like(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def query(status=None, search=""):
    """The select of enquiries matching the filter and the search, newest first."""
    select = sa.select(Enquiry).order_by(Enquiry.id.desc())
    if status == BLOCKED:  # processing suspended by the privacy engine (blocked_at)
        select = select.where(Enquiry.blocked_at.is_not(None))
    elif status in FILTERS:
        select = select.where(Enquiry.status == status, Enquiry.blocked_at.is_(None))
    search = (search or "").strip()[:SEARCH_MAX]
    if "@" in search:
        select = select.where(Enquiry.mailbox_key == mailbox_key(search))
    elif search:
        pattern = f"%{escape_like(search)}%"
        select = select.where(
            sa.or_(
                Enquiry.message.ilike(pattern, escape="\\"),
                Enquiry.name.ilike(pattern, escape="\\"),
            )
        )
    return select


def search_kind(search):
    search = (search or "").strip()
    return "address" if "@" in search else ("text" if search else "")


def page(status=None, search="", before=None, size=50):
    """(enquiries on this page, the `before` of the next older page or None)."""
    select = query(status, search)
    if before:
        select = select.where(Enquiry.id < before)
    rows = list(db.session.scalars(select.limit(size + 1)))
    older = rows[size - 1].id if len(rows) > size else None
    return rows[:size], older


def get(enquiry_id):
    return db.session.get(Enquiry, enquiry_id)


def mark_handled(enquiry):
    """The enquiry is answered; the caller commits (with its audit entry)."""
    enquiry.status = HANDLED


def export_rows(status=None, search="", limit=100_000):
    return list(db.session.scalars(query(status, search).limit(limit)))


def weekly_counts(weeks=26, now=None):
    """[(Monday of the week, enquiries received that week)] for the last `weeks` weeks."""
    now = now or utcnow()
    monday = (now - _days(now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    start = monday - _days(7 * (weeks - 1))
    created = db.session.scalars(sa.select(Enquiry.created_at).where(Enquiry.created_at >= start))
    counts = [0] * weeks
    for moment in created:
        counts[min((moment - start).days // 7, weeks - 1)] += 1
    return [(start + _days(7 * i), counts[i]) for i in range(weeks)]


def _days(n):
    return timedelta(days=n)
