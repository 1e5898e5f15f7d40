"""The sign-in steps behind the views: the try, the second-factor setup, the next page."""

import time

from flask import current_app, request, session
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..i18n import LANGUAGES
from ..operators import audit, services, sessions, throttle
from ..operators.models import Operator

ENROL_KEY = "console_enrol"  # (operator id, time) between the password and the first code
ENROL_SECONDS = 600
GENERIC = _l(
    "Sign-in failed. The e-mail address, the password or the one-time code is not right, "
    "or there were too many tries: wait a moment and try again."
)


def client_address():
    return request.remote_addr or "-"


def attempt(form):
    """Run one sign-in try and commit what it changed; the Attempt."""
    result = services.authenticate(
        form.email.data, form.password.data, form.code.data, client_address()
    )
    if result.status == services.OK:
        sessions.start(result.operator)
    elif result.status == services.ENROL:
        if not result.operator.totp_secret:
            services.start_enrolment(result.operator)
        session.clear()
        session[ENROL_KEY] = [result.operator.id, int(time.time())]
    db.session.commit()
    return result


def enrolling_operator():
    """The operator between password and first code, or None when that step expired."""
    value = session.get(ENROL_KEY)
    if not isinstance(value, list) or len(value) != 2:
        return None
    operator_id, started = value
    if time.time() - started > ENROL_SECONDS:
        return None
    operator = db.session.get(Operator, operator_id)
    if operator is None or not operator.active or operator.totp_confirmed:
        return None
    return operator


def finish_enrolment(operator, code):
    if not services.confirm_enrolment(operator, code):
        throttle.failed(operator.email, client_address())
        db.session.commit()
        return False
    audit.record("signin", operator=operator, detail="second factor set up")
    sessions.start(operator)
    db.session.commit()
    return True


def safe_next(value):
    """Only a console path of this site is followed after sign-in."""
    if isinstance(value, str) and value.startswith("/console/") and "//" not in value:
        return value
    return None


def login_language():
    """The sign-in page's language: ?lang=, else the session's, else the default."""
    lang = request.args.get("lang")
    if lang in LANGUAGES:
        session["console_lang"] = lang
        return lang
    lang = session.get("console_lang")
    return lang if lang in LANGUAGES else current_app.config["BABEL_DEFAULT_LOCALE"]
