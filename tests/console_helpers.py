"""Operators and signed-in console clients for the console tests."""

import re
import time

import pyotp

from qb.extensions import db
from qb.operators import services
from qb.operators.models import Operator

PASSWORD = "long enough passphrase for tests"
# Argon2id as cheap as it goes: the tests check behaviour, not cost.
FAST_HASHING = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 64, "ARGON2_PARALLELISM": 1}
CONSOLE_SETTINGS = {
    **FAST_HASHING,
    "SESSION_COOKIE_NAME": "qb_session",
    "SESSION_COOKIE_SECURE": False,
}


def csrf_token(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def make_operator(app, email="staff@example.kz", role="staff", *, enrolled=True):
    """An operator (with a confirmed one-time code app if the role needs one); its id."""
    with app.app_context():
        operator = services.create(email, role, PASSWORD)
        if operator.needs_second_factor and enrolled:
            services.start_enrolment(operator)
            operator.totp_confirmed = True
        db.session.commit()
        return operator.id


def secret_of(app, operator_id):
    with app.app_context():
        return db.session.get(Operator, operator_id).totp_secret


def fresh_code(app, operator_id):
    """A code for the next time step not used yet (waits for the step to turn if needed)."""
    with app.app_context():
        operator = db.session.get(Operator, operator_id)
        secret, last = operator.totp_secret, operator.totp_last_step or 0
    totp = pyotp.TOTP(secret)
    # A used code is refused, so a second sign-in needs the next 30-second step: what is
    # awaited is the wall clock reaching that step's start, which no load on the machine
    # moves, so the wait is computed, not guessed (and checked again after waking).
    while (now := time.time()) < (last + 1) * totp.interval:
        time.sleep((last + 1) * totp.interval - now)
    return totp.now()


def sign_in(app, client, email="staff@example.kz", password=PASSWORD, code="", next_path=None):
    page = client.get("/console/login")
    url = "/console/login" + (f"?next={next_path}" if next_path else "")
    data = {"csrf_token": csrf_token(page.text), "email": email, "password": password, "code": code}
    return client.post(url, data=data)


def signed_in_client(app, role="staff", email=None):
    """A test client signed in as a new operator of `role`; (client, operator id)."""
    email = email or f"{role}@example.kz"
    operator_id = make_operator(app, email, role)
    client = app.test_client()
    code = fresh_code(app, operator_id) if role != "staff" else ""
    response = sign_in(app, client, email, code=code)
    assert response.status_code == 302, response.text
    return client, operator_id


def post(client, path, data=None, page="/console/"):
    token = csrf_token(client.get(page).text)
    return client.post(path, data={"csrf_token": token, **(data or {})})
