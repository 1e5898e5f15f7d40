"""The newsletter's console pages: subscribers (search, states, keyset pages, export) and
subscribers over time."""

from itertools import accumulate

import sqlalchemy as sa
from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext

from ..charts import per_week, week_starts, weekly_chart
from ..clock import utcnow
from ..extensions import db
from ..i18n import local_datetime
from ..mailbox import mailbox_key
from ..operators import audit
from ..operators.access import console_required, current_operator
from ..operators.exports import csv_response
from ..operators.listing import keyset_page
from ..operators.models import RESPONSIBLE, STAFF
from .models import STATUSES, Subscriber

bp = Blueprint("newsletter_console", __name__, url_prefix="/console/subscribers")
READERS = (STAFF, RESPONSIBLE)
BLOCKED = "blocked"
FILTERS = (*STATUSES, BLOCKED)
WEEKS = 26


def _query():
    status = request.args.get("status")
    search = (request.args.get("q") or "").strip()[:200]
    select = sa.select(Subscriber).order_by(Subscriber.id.desc())
    if status == BLOCKED:  # processing suspended by the privacy engine
        select = select.where(Subscriber.blocked_at.is_not(None))
    elif status in STATUSES:
        select = select.where(Subscriber.status == status, Subscriber.blocked_at.is_(None))
    if search:
        select = select.where(Subscriber.mailbox_key == mailbox_key(search))
    return select, (status if status in FILTERS else None), search


@bp.get("/")
@console_required(*READERS)
def subscribers():
    """Subscribers, newest first; a search by address finds every spelling of it."""
    select, status, search = _query()
    size = int(current_app.config["CONSOLE_PAGE_SIZE"])
    before = request.args.get("before", type=int)
    rows, older = keyset_page(select, Subscriber.id, before, size)
    audit.record(
        "search" if search else "view",
        operator=current_operator(),
        rows=len(rows),
        record_ids=[f"subscriber:{r.id}" for r in rows][:40],
        detail=f"status={status}" if status else "",
    )
    db.session.commit()
    return render_template(
        "newsletter/console_list.html",
        rows=rows,
        older=older,
        status=status,
        search=search,
        statuses=FILTERS,
    )


@bp.get("/export.csv")
@console_required(RESPONSIBLE)
def export():
    select, status, _search = _query()
    limit = int(current_app.config["CONSOLE_EXPORT_MAX_ROWS"])
    rows = list(db.session.scalars(select.limit(limit)))
    audit.record(
        "export",
        operator=current_operator(),
        rows=len(rows),
        detail=f"subscribers status={status or 'all'}",
    )
    db.session.commit()
    header = [
        gettext("No."),
        gettext("Since"),
        gettext("Name"),
        gettext("E-mail address"),
        gettext("Language"),
        gettext("State"),
    ]
    cells = (
        [r.id, local_datetime(r.created_at), r.name, r.email, r.language, r.status] for r in rows
    )
    return csv_response("subscribers.csv", header, cells)


def weekly_totals(now=None):
    """[(Monday, subscribers held at the end of that week)] for the last WEEKS weeks."""
    starts = week_starts(WEEKS, now or utcnow())
    created = Subscriber.created_at
    earlier = db.session.scalar(sa.select(sa.func.count()).where(created < starts[0]))
    joined = per_week(starts, db.session.scalars(sa.select(created).where(created >= starts[0])))
    joined[0] += earlier
    return list(zip(starts, accumulate(joined), strict=True))


@bp.get("/chart")
@console_required(*READERS)
def chart():
    """Subscribers over time (those held now, by when they subscribed)."""
    return weekly_chart(
        weekly_totals(),
        title=gettext("Subscribers over time"),
        description=gettext("Subscribers at the end of each of the last 26 weeks."),
        column=gettext("Subscribers"),
    )
