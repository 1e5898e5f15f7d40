"""The operator console: sign-in, the menu built from the pages features announce, operators,
the audit log, the person page with the policy's actions, the request and breach registers."""

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l

from ..console_pages import ConsolePage, add_console_page, console_pages
from ..operators.access import current_operator
from ..operators.models import ADMIN, OVERSEERS, RESPONSIBLE, ROLES, STAFF
from ..requests.labels import CHANNEL_LABELS, KIND_LABELS, STATUS_LABELS, label
from . import admin, person_pages, register_pages  # noqa: F401 - they register views on bp
from .audit_names import AUDIT_ACTION_NAMES
from .views import bp

STATE_NAMES = {
    "new": _l("new"),
    "handled": _l("handled"),
    "blocked": _l("blocked"),
    "pending": _l("not confirmed"),
    "confirmed": _l("confirmed"),
}
ACTION_NAMES = {
    "block": _l("Block"),
    "unblock": _l("Unblock"),
    "depersonalise": _l("Depersonalise"),
    "destroy": _l("Destroy"),
    "correct": _l("Correct"),
}
ACTION_EFFECTS = {
    "block": _l(
        "Processing is suspended: no mail is sent to or about these records, no campaign "
        "or export includes them, until they are unblocked."
    ),
    "unblock": _l("Processing resumes; mail held meanwhile is sent."),
    "depersonalise": _l(
        "Names, addresses, phone numbers and messages are erased for good; dates, languages "
        "and states stay for statistics. No mail goes to an erased address."
    ),
    "destroy": _l(
        "The records are deleted with all mail about them, queued mail bodies included; the "
        "consent records stay as proof but no longer name anyone."
    ),
}
ROLE_NAMES = {
    ADMIN: _l("administrator"),
    RESPONSIBLE: _l("responsible for personal data"),
    STAFF: _l("staff"),
}


def init_app(app):
    """Register /console/… and announce the console's own pages."""
    app.register_blueprint(bp)

    context = {  # built once: the helpers console templates call
        "role_name": lambda role: ROLE_NAMES.get(role, role),
        "menu": lambda: console_pages(app, current_operator().role),
        "state_name": lambda state: STATE_NAMES.get(state, state),
        "console_endpoints": lambda: app.view_functions.keys(),
        "action_name": lambda action: ACTION_NAMES.get(action, action),
        "state_choices": lambda states: [(s, STATE_NAMES.get(s, s)) for s in states],
        "named_choices": lambda values, names: [(v, label(names, v)) for v in values],
        "request_kind": lambda kind: label(KIND_LABELS, kind),
        "request_channel": lambda channel: label(CHANNEL_LABELS, channel),
        "request_status": lambda status: label(STATUS_LABELS, status),
        "KIND_LABELS": KIND_LABELS,
        "CHANNEL_LABELS": CHANNEL_LABELS,
        "AUDIT_ACTION_NAMES": AUDIT_ACTION_NAMES,
        "audit_action": lambda action: label(AUDIT_ACTION_NAMES, action),
        "role_choices": lambda: [(role, ROLE_NAMES[role]) for role in ROLES],
        "action_effect": lambda action: ACTION_EFFECTS.get(action, ""),
    }

    @app.context_processor
    def console_context():
        if not has_request_context() or not request.path.startswith("/console"):
            return {}
        return context

    add_console_page(app, ConsolePage("console.requests_page", _l("Requests"), (RESPONSIBLE,), 20))
    add_console_page(app, ConsolePage("console.person", _l("Person"), (RESPONSIBLE,), 15))
    add_console_page(app, ConsolePage("console.breaches", _l("Breaches"), (RESPONSIBLE,), 80))
    add_console_page(app, ConsolePage("console.operators", _l("Operators"), (ADMIN,), 90))
    add_console_page(app, ConsolePage("console.audit_log", _l("Audit log"), OVERSEERS, 95))
