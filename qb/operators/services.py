"""Operator verbs. Like every shared service they join the caller's transaction: the caller
(the console's views, the `flask operators` commands) commits, with the audit entry."""

from dataclasses import dataclass

import sqlalchemy as sa

from ..clock import utcnow
from ..extensions import db
from . import audit, passwords, sessions, throttle, totp
from .models import ROLES, Operator

OK = "ok"
ENROL = "enrol"  # password right, the second factor is still to be set up
CODE_NEEDED = "code"  # password right, code missing
FAILED = "failed"
WAIT = "wait"


class OperatorError(ValueError):
    """A verb refused; the message is for the person at the terminal."""


@dataclass
class Attempt:
    status: str
    operator: Operator | None = None
    wait: int = 0


def normalised_email(email):
    return (email or "").strip().casefold()


def find(email):
    return db.session.scalar(sa.select(Operator).where(Operator.email == normalised_email(email)))


def create(email, role, password, *, by=None):
    email = normalised_email(email)
    if role not in ROLES:
        raise OperatorError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    if "@" not in email or len(email) > 254:
        raise OperatorError("not an e-mail address")
    if find(email) is not None:
        raise OperatorError("an operator with this e-mail address exists")
    passwords.check_rules(password, email)
    operator = Operator(
        email=email, role=role, password_hash=passwords.hash_password(password), active=True
    )
    db.session.add(operator)
    db.session.flush()
    audit.record(
        "operator-created",
        operator=by,
        record_ids=[f"operator:{operator.id}"],
        detail=f"role={role}",
    )
    return operator


def set_role(operator, role, *, by=None):
    if role not in ROLES:
        raise OperatorError(f"unknown role {role!r}")
    before, operator.role = operator.role, role
    if role in ("admin", "responsible") and not operator.totp_confirmed:
        operator.totp_secret = None  # set up at the next sign-in
    sessions.end_all(operator.id)
    audit.record(
        "role-changed",
        operator=by,
        record_ids=[f"operator:{operator.id}"],
        detail=f"{before}->{role}",
    )


def disable(operator, *, by=None):
    operator.active = False
    sessions.end_all(operator.id)
    audit.record("operator-disabled", operator=by, record_ids=[f"operator:{operator.id}"])


def enable(operator, *, by=None):
    operator.active = True
    audit.record("change", operator=by, record_ids=[f"operator:{operator.id}"], detail="enabled")


def reset(operator, password, *, by=None, second_factor=True):
    """A new password (and, by default, a new second factor at the next sign-in); every
    session of the operator ends."""
    passwords.check_rules(password, operator.email)
    operator.password_hash = passwords.hash_password(password)
    operator.password_changed_at = utcnow()
    if second_factor:
        operator.totp_secret, operator.totp_confirmed, operator.totp_last_step = None, False, 0
    sessions.end_all(operator.id)
    audit.record(
        "operator-reset",
        operator=by,
        record_ids=[f"operator:{operator.id}"],
        detail="second factor too" if second_factor else "password",
    )


def change_password(operator, current, new):
    """The operator's own change: the current password first; every session ends."""
    if not passwords.verify(operator.password_hash, current):
        raise OperatorError("the current password is wrong")
    passwords.check_rules(new, operator.email)
    operator.password_hash = passwords.hash_password(new)
    operator.password_changed_at = utcnow()
    sessions.end_all(operator.id)
    audit.record("password-changed", operator=operator, record_ids=[f"operator:{operator.id}"])


def authenticate(email, password, code, address):
    """Check one sign-in try; throttled per account and per address. Logged either way."""
    wait = throttle.wait_seconds(email, address)
    if wait:
        audit.record("signin-failed", detail="throttled")
        return Attempt(WAIT, wait=wait)
    operator = find(email)
    right = passwords.verify(operator.password_hash if operator else None, password or "")
    if not right or not operator.active:
        return _failure(email, address, operator, "password")
    if operator.needs_second_factor and not operator.totp_confirmed:
        return Attempt(ENROL, operator)
    if operator.needs_second_factor and not totp.accept_code(operator, code or ""):
        return _failure(email, address, operator, "code")
    if passwords.needs_rehash(operator.password_hash):
        operator.password_hash = passwords.hash_password(password)
    throttle.succeeded(email)
    audit.record("signin", operator=operator)
    return Attempt(OK, operator)


def _failure(email, address, operator, what):
    throttle.failed(email, address)
    audit.record("signin-failed", operator=operator.id if operator else None, detail=what)
    return Attempt(FAILED)


def start_enrolment(operator):
    """A new secret for the operator to add to an authenticator app; confirmed by a code."""
    operator.totp_secret, operator.totp_confirmed, operator.totp_last_step = (
        totp.new_secret(),
        False,
        0,
    )
    return operator.totp_secret


def confirm_enrolment(operator, code):
    if not operator.totp_secret or not totp.accept_code(operator, code or ""):
        return False
    operator.totp_confirmed = True
    audit.record("second-factor", operator=operator, record_ids=[f"operator:{operator.id}"])
    return True


def all_operators():
    return list(db.session.scalars(sa.select(Operator).order_by(Operator.id)))
