"""The contact feature's console pages: the enquiry list, one enquiry, its export, a chart.

Each view wears console_required and writes its audit entry in its own transaction.
"""

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext

from ..charts import weekly_chart
from ..extensions import db
from ..i18n import local_datetime
from ..operators import audit
from ..operators.access import console_required, current_operator
from ..operators.exports import csv_response
from ..operators.models import RESPONSIBLE, STAFF
from . import enquiry_list
from .forms import HandledForm

bp = Blueprint("contact_console", __name__, url_prefix="/console/enquiries")
READERS = (STAFF, RESPONSIBLE)


def _filters():
    status = request.args.get("status")
    return (status if status in enquiry_list.FILTERS else None), request.args.get("q", "")


@bp.get("/")
@console_required(*READERS)
def enquiries():
    """Enquiries, newest first: filter by state, search, page by page."""
    status, search = _filters()
    size = int(current_app.config["CONSOLE_PAGE_SIZE"])
    before = request.args.get("before", type=int)
    rows, older = enquiry_list.page(status, search, before, size)
    kind = enquiry_list.search_kind(search)
    audit.record(
        "search" if kind else "view",
        operator=current_operator(),
        rows=len(rows),
        record_ids=[f"enquiry:{row.id}" for row in rows][:40],
        detail=_detail(status, kind),
    )
    db.session.commit()
    return render_template(
        "contact/console_list.html",
        rows=rows,
        older=older,
        status=status,
        search=search,
        filters=enquiry_list.FILTERS,
    )


def _detail(status, kind):
    return " ".join(
        part for part in (f"status={status}" if status else "", kind and f"by={kind}") if part
    )


@bp.get("/<int:enquiry_id>")
@console_required(*READERS)
def enquiry(enquiry_id):
    """One enquiry, the visitor's text shown as text (escaped, direction isolated)."""
    found = enquiry_list.get(enquiry_id) or abort(404)
    _record_one("view", found)
    db.session.commit()
    return render_template("contact/console_enquiry.html", enquiry=found, form=HandledForm())


@bp.post("/<int:enquiry_id>/handled")
@console_required(*READERS)
def handled(enquiry_id):
    """Mark the enquiry answered."""
    found = enquiry_list.get(enquiry_id) or abort(404)
    if not HandledForm().validate_on_submit():
        abort(400)
    enquiry_list.mark_handled(found)
    _record_one("handled", found)
    db.session.commit()
    return redirect(url_for("contact_console.enquiry", enquiry_id=found.id), code=303)


def _record_one(action, enquiry):
    audit.record(
        action,
        operator=current_operator(),
        record_ids=[f"enquiry:{enquiry.id}"],
        rows=1,
        person_pseudonym=audit.person_pseudonym(enquiry.mailbox_key),
    )


@bp.get("/export.csv")
@console_required(RESPONSIBLE)
def export():
    """The enquiries of the current filter and search as CSV; the log says how many."""
    status, search = _filters()
    limit = int(current_app.config["CONSOLE_EXPORT_MAX_ROWS"])
    rows = enquiry_list.export_rows(status, search, limit)
    audit.record(
        "export",
        operator=current_operator(),
        rows=len(rows),
        detail=_detail(status, enquiry_list.search_kind(search)) or "all",
    )
    db.session.commit()
    header = [
        gettext("No."),
        gettext("Received"),
        gettext("Name"),
        gettext("E-mail address"),
        gettext("Phone"),
        gettext("Language"),
        gettext("State"),
        gettext("Message"),
    ]
    cells = (
        [
            r.id,
            local_datetime(r.created_at),
            r.name,
            r.email,
            r.phone,
            r.language,
            r.status,
            r.message,
        ]
        for r in rows
    )
    return csv_response("enquiries.csv", header, cells)


@bp.get("/chart")
@console_required(STAFF, RESPONSIBLE)
def chart():
    """Enquiries per week, drawn on the server, with the same figures as a table."""
    return weekly_chart(
        enquiry_list.weekly_counts(),
        title=gettext("Enquiries per week"),
        description=gettext("Enquiries received in each of the last 26 weeks."),
        column=gettext("Enquiries"),
    )
