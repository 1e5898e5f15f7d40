"""Server-held console sessions: the signed cookie carries a random token, the table says
whether it is still valid. Idle and absolute limits are checked here, on every request."""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, g, session

from ..clock import utcnow
from ..extensions import db
from .models import Operator, OperatorSession

SESSION_KEY = "console"  # the key of the token in Flask's session
# last_seen_at is written at most this often: a page view need not be a write.
TOUCH_EVERY = timedelta(seconds=60)


def _digest(token):
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def start(operator):
    """A new session for `operator` (the caller commits): a fresh token in a cleared Flask
    session, so nothing from before the sign-in carries over."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        OperatorSession(
            token_hash=_digest(token), operator_id=operator.id, created_at=now, last_seen_at=now
        )
    )
    operator.last_signin_at = now
    session.clear()
    session[SESSION_KEY] = token
    session.permanent = False
    return token


def limits():
    config = current_app.config
    return (
        timedelta(minutes=int(config["CONSOLE_IDLE_MINUTES"])),
        timedelta(hours=int(config["CONSOLE_ABSOLUTE_HOURS"])),
    )


def current():
    """(operator, session row) of this request, or (None, None); checked once per request."""
    if "console_auth" in g:
        return g.console_auth
    g.console_auth = found = _load(session.get(SESSION_KEY))
    return found


def _load(token):
    if not isinstance(token, str) or not token:
        return None, None
    row = db.session.scalar(
        sa.select(OperatorSession).where(OperatorSession.token_hash == _digest(token))
    )
    if row is None:
        return None, None
    operator = db.session.get(Operator, row.operator_id)
    now = utcnow()
    idle, absolute = limits()
    if (
        operator is None
        or not operator.active
        or now - row.last_seen_at > idle
        or now - row.created_at > absolute
    ):
        db.session.delete(row)
        db.session.commit()
        return None, None
    if now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()
    return operator, row


def end_current():
    """Sign-out: delete this browser's session row and clear the cookie (caller commits)."""
    _operator, row = current()
    if row is not None:
        db.session.delete(row)
    session.clear()
    g.console_auth = (None, None)


def end_all(operator_id):
    """End every session of one operator (password change, disabling); caller commits."""
    db.session.execute(sa.delete(OperatorSession).where(OperatorSession.operator_id == operator_id))


def purge_expired():
    """Delete sessions past either limit (the row would be refused anyway); caller commits."""
    idle, absolute = limits()
    now = utcnow()
    result = db.session.execute(
        sa.delete(OperatorSession).where(
            sa.or_(
                OperatorSession.last_seen_at < now - idle,
                OperatorSession.created_at < now - absolute,
            )
        )
    )
    return result.rowcount
