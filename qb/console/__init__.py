"""The operator console: sign-in, the menu built from the pages features announce, operators,
the audit log, the person page with the policy's actions, the request and breach registers."""

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l

from ..console_pages import ConsolePage, add_console_page, console_pages
from ..operators.access import current_operator
from ..operators.models import ADMIN, OVERSEERS, RESPONSIBLE, ROLES, STAFF
from . import admin, register_pages  # noqa: F401 - they register their views on bp
from .views import bp

STATE_NAMES = {
    "new": _l("new"),
    "handled": _l("handled"),
    "blocked": _l("blocked"),
    "pending": _l("not confirmed"),
    "confirmed": _l("confirmed"),
}
ROLE_NAMES = {
    ADMIN: _l("administrator"),
    RESPONSIBLE: _l("responsible for personal data"),
    STAFF: _l("staff"),
}


def init_app(app):
    """Register /console/… and announce the console's own pages."""
    app.register_blueprint(bp)

    @app.context_processor
    def console_context():
        if not has_request_context() or not request.path.startswith("/console"):
            return {}
        return {
            "ROLES": ROLES,
            "role_name": lambda role: ROLE_NAMES.get(role, role),
            "menu": lambda: console_pages(app, current_operator().role),
            "state_name": lambda state: STATE_NAMES.get(state, state),
            "console_endpoints": lambda: app.view_functions.keys(),
        }

    add_console_page(app, ConsolePage("console.requests_page", _l("Requests"), (RESPONSIBLE,), 20))
    add_console_page(app, ConsolePage("console.breaches", _l("Breaches"), (RESPONSIBLE,), 80))
    add_console_page(app, ConsolePage("console.operators", _l("Operators"), (ADMIN,), 90))
    add_console_page(app, ConsolePage("console.audit_log", _l("Audit log"), OVERSEERS, 95))
