"""Console pages of the request register and the breach register (responsible)."""

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext

from ..clock import utcnow
from ..extensions import db
from ..operators import audit
from ..operators.access import console_required, current_operator
from ..operators.exports import csv_response
from ..operators.models import RESPONSIBLE
from ..requests import services as requests
from ..requests.models import KINDS
from . import registers
from .forms import ENTERED_CHANNELS, BreachForm, CloseForm, EmptyForm, PersonForm, RequestForm
from .models import BreachIncident
from .views import bp


@bp.route("/requests", methods=["GET", "POST"])
@console_required(RESPONSIBLE)
def requests_page():
    """Open requests, the earliest deadline (so the overdue ones) first; enter a new one."""
    form, problem = RequestForm(), None
    if form.validate_on_submit():
        try:
            registers.enter_request(form, current_operator())
        except requests.RequestError:
            db.session.rollback()
            problem = True
        else:
            db.session.commit()
            return redirect(url_for("console.requests_page"), code=303)
    status = 400 if form.is_submitted() else 200
    return render_template(
        "console/requests.html",
        rows=requests.open_requests(),
        now=utcnow(),
        form=form,
        close_form=CloseForm(),
        kinds=KINDS,
        channels=ENTERED_CHANNELS,
        problem=problem,
    ), status


@bp.post("/requests/<int:request_id>/close")
@console_required(RESPONSIBLE)
def close_request(request_id):
    """Close a request with what was done, or refuse it with a reason."""
    return _change_request(registers.close_request, request_id, CloseForm())


@bp.post("/requests/<int:request_id>/person")
@console_required(RESPONSIBLE)
def link_request(request_id):
    """Link a request to the person it is about, by their e-mail address."""
    return _change_request(registers.link_request, request_id, PersonForm())


def _change_request(change, request_id, form):
    """Apply `change` with the posted form; a bad form or a refused change is a 400."""
    if not form.validate_on_submit():
        abort(400)
    try:
        change(request_id, form, current_operator())
    except requests.RequestError:
        db.session.rollback()
        abort(400)
    db.session.commit()
    return redirect(url_for("console.requests_page"), code=303)


@bp.route("/breaches", methods=["GET", "POST"])
@console_required(RESPONSIBLE)
def breaches():
    """Incidents with their notice deadline (one working day); record a new one."""
    form, problem = BreachForm(), None
    if form.validate_on_submit():
        if registers.record_breach(form, current_operator()) is not None:
            db.session.commit()
            return redirect(url_for("console.breaches"), code=303)
        problem = True
    status = 400 if form.is_submitted() else 200
    return render_template(
        "console/breaches.html",
        rows=registers.breaches(),
        form=form,
        problem=problem,
        now=utcnow(),
        button=EmptyForm(),
    ), status


@bp.post("/breaches/<int:incident_id>/notified")
@console_required(RESPONSIBLE)
def breach_notified(incident_id):
    incident = db.session.get(BreachIncident, incident_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    incident.notified_at = utcnow()
    audit.record(
        "breach",
        operator=current_operator(),
        record_ids=[f"breach:{incident.id}"],
        detail="notified",
    )
    db.session.commit()
    return redirect(url_for("console.breaches"), code=303)


@bp.get("/breaches/<int:incident_id>/affected.csv")
@console_required(RESPONSIBLE)
def breach_export(incident_id):
    """Names and phone numbers of the people affected, for the notice to the authorised body."""
    incident = db.session.get(BreachIncident, incident_id) or abort(404)
    rows = registers.affected_people(incident)
    audit.record(
        "export",
        operator=current_operator(),
        rows=len(rows),
        record_ids=[f"breach:{incident.id}"],
        detail="breach notice",
    )
    db.session.commit()
    header = [gettext("Source"), gettext("Name"), gettext("Phone")]
    return csv_response(f"breach-{incident.id}-affected.csv", header, rows)
