"""Finding enquiries for the console: filters, literal search, keyset pages, the export.

Pages are keyset pages (`id < before`, newest first) on the (status, id) index, so the
500th page costs what the first does. A search with an @ finds every spelling of one
mailbox through the mailbox_key index; any other text is matched literally (% and _ are
text) in names and messages: on PostgreSQL through trigram indexes, on SQLite by a scan.
"""

import sqlalchemy as sa

from ..charts import per_week, week_starts
from ..clock import utcnow
from ..extensions import db
from ..mailbox import mailbox_key
from ..operators.listing import keyset_page
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
    return keyset_page(query(status, search), Enquiry.id, before, size)


def get(enquiry_id):
    return db.session.get(Enquiry, enquiry_id)


def mark_handled(enquiry):
    """The enquiry is answered; the caller commits (with its audit entry)."""
    enquiry.status = HANDLED


def export_rows(status=None, search="", limit=100_000):
    return list(db.session.scalars(query(status, search).limit(limit)))


def weekly_counts(weeks=26, now=None):
    """[(Monday of the week, enquiries received that week)] for the last `weeks` weeks."""
    starts = week_starts(weeks, now or utcnow())
    created = db.session.scalars(
        sa.select(Enquiry.created_at).where(Enquiry.created_at >= starts[0])
    )
    return list(zip(starts, per_week(starts, created), strict=True))
