"""Who may open a console page: Flask-Login wiring over the server-held sessions, and the
`console_required(role, …)` decorator every console view (of any feature) wears."""

from functools import wraps

from flask import abort, g, redirect, request, url_for
from flask_login import LoginManager, UserMixin, current_user

from ..extensions import db
from ..logs import security_event
from ..security import no_store
from . import audit, sessions
from .models import ROLES

LOGIN_ENDPOINT = "console.login"  # the console feature's sign-in page
login_manager = LoginManager()


class ConsoleUser(UserMixin):
    """The signed-in operator as Flask-Login sees it; its id is the session row's."""

    def __init__(self, operator, row):
        self.operator = operator
        self.session_row = row

    def get_id(self):
        return str(self.session_row.id)

    @property
    def role(self):
        return self.operator.role


@login_manager.request_loader
def _load_from_request(_request):
    operator, row = sessions.current()
    return ConsoleUser(operator, row) if operator is not None else None


def current_operator():
    """The signed-in operator of this request, or None."""
    return current_user.operator if current_user.is_authenticated else None


def console_required(*roles):
    """Decorator: no valid session -> the sign-in page; a role not in `roles` -> 403, logged.

    Every console page also speaks the operator's chosen language and is never cached.
    """
    unknown = set(roles) - set(ROLES)
    if unknown or not roles:
        raise ValueError(f"console_required needs roles from {ROLES}, got {roles}")

    def decorator(view):
        view.console_roles = tuple(roles)

        @wraps(view)
        def guarded(*args, **kwargs):
            no_store()
            operator = current_operator()
            if operator is None:
                return redirect(url_for(LOGIN_ENDPOINT, next=request.path))
            g.lang = operator.language
            if operator.role not in roles:
                security_event("console-forbidden", operator=operator.id)
                audit.record("forbidden", operator=operator, detail=request.endpoint or "")
                db.session.commit()
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorator


def init_app(app):
    login_manager.init_app(app)
    # The server-held session already ties the sign-in to one browser; Flask-Login's own
    # "session protection" would only add a second, weaker check.
    login_manager.session_protection = None
