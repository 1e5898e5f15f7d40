"""Console pages for admin and responsible: operators and the audit log."""

from flask import abort, current_app, redirect, render_template, request, url_for

from ..extensions import db
from ..operators import audit, services
from ..operators.access import console_required, current_operator
from ..operators.exports import csv_response
from ..operators.models import ADMIN, OVERSEERS, Operator
from .forms import EmptyForm, RoleForm
from .views import bp


@bp.get("/operators")
@console_required(ADMIN)
def operators():
    """Every operator, with their role and state; role and state change here."""
    rows = services.all_operators()
    return render_template(
        "console/operators.html", operators=rows, role_form=RoleForm(), form=EmptyForm()
    )


def _operator(operator_id):
    operator = db.session.get(Operator, operator_id)
    if operator is None:
        abort(404)
    return operator


@bp.post("/operators/<int:operator_id>/role")
@console_required(ADMIN)
def operator_role(operator_id):
    operator, form = _operator(operator_id), RoleForm()
    if not form.validate_on_submit():
        abort(400)
    services.set_role(operator, form.role.data, by=current_operator())
    db.session.commit()
    return redirect(url_for("console.operators"), code=303)


@bp.post("/operators/<int:operator_id>/active")
@console_required(ADMIN)
def operator_active(operator_id):
    operator = _operator(operator_id)
    if not EmptyForm().validate_on_submit() or operator.id == current_operator().id:
        abort(400)
    verb = services.enable if not operator.active else services.disable
    verb(operator, by=current_operator())
    db.session.commit()
    return redirect(url_for("console.operators"), code=303)


@bp.get("/audit")
@console_required(*OVERSEERS)
def audit_log():
    """The audit log, newest first, filtered by action, operator or record."""
    action = request.args.get("action") if request.args.get("action") in audit.ACTIONS else None
    operator_id = request.args.get("operator", type=int)
    before = request.args.get("before", type=int)
    person = _pseudonym(request.args.get("person"))
    size = int(current_app.config["CONSOLE_PAGE_SIZE"])
    rows, older = audit.page(
        action=action, operator_id=operator_id, person=person, before_id=before, size=size
    )
    names = {op.id: op.email for op in services.all_operators()}
    return render_template(
        "console/audit.html",
        rows=rows,
        names=names,
        actions=audit.ACTIONS,
        action=action,
        operator_id=operator_id,
        older=older,
    )


def _pseudonym(value):
    """A person filter: a mailbox pseudonym (64 hex digits), never an address."""
    value = (value or "").strip().lower()
    if len(value) == 64 and all(c in "0123456789abcdef" for c in value):
        return value
    return None


@bp.get("/audit.csv")
@console_required(*OVERSEERS)
def audit_export():
    """The whole audit log as CSV (for the authorised body, Art. 25(2)(3-1)); logged."""
    rows = audit.entries(int(current_app.config["CONSOLE_EXPORT_MAX_ROWS"]))
    audit.record("export", operator=current_operator(), rows=len(rows), detail="audit log")
    db.session.commit()
    header = [
        "id",
        "at_utc",
        "operator_id",
        "action",
        "person",
        "record_ids",
        "rows",
        "detail",
        "prev_hash",
        "hash",
    ]
    cells = (
        [
            e.id,
            e.at.isoformat(),
            e.operator_id,
            e.action,
            e.person,
            e.record_ids,
            e.rows,
            e.detail,
            e.prev_hash,
            e.hash,
        ]
        for e in rows
    )
    return csv_response("audit-log.csv", header, cells)
