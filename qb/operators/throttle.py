"""Sign-in throttling per account and per client address, with growing delays.

After FREE failures, each further failure makes the key wait twice as long as the last
(2, 4, 8 … seconds) up to SIGNIN_MAX_DELAY_SECONDS. Nothing ever locks an account: the
rightful operator waits at most that long, while a guesser gets fewer than 10 tries a
minute per account (docs/console.md works the figures out). A success clears the account's
key. Keys are keyed hashes: no address or IP is stored.
"""

import hashlib
import hmac
from datetime import timedelta

from flask import current_app

from ..clock import utcnow
from ..extensions import db
from .models import SigninThrottle

FREE = 2  # failures heard without any delay (typos)


def _key(kind, value):
    secret = hashlib.sha256(b"qb-signin-throttle" + _secret()).digest()
    digest = hmac.new(secret, value.casefold().encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{kind}:{digest[:64]}"


def _secret():
    key = current_app.secret_key
    return key if isinstance(key, bytes) else key.encode("utf-8")


def keys(email, address):
    return [_key("account", email or ""), _key("address", address or "-")]


def delay_after(failures):
    """Seconds to wait after `failures` failed tries in a row."""
    if failures <= FREE:
        return 0
    ceiling = int(current_app.config["SIGNIN_MAX_DELAY_SECONDS"])
    return min(2 ** (failures - FREE), ceiling)


def wait_seconds(email, address):
    """How long until a try for this account from this address is heard (0: now)."""
    now = utcnow()
    waits = [0]
    for key in keys(email, address):
        row = db.session.get(SigninThrottle, key)
        if row is not None and row.not_before > now:
            waits.append((row.not_before - now).total_seconds())
    return int(max(waits) + 0.999)


def failed(email, address):
    """Count a failure on both keys (the caller commits)."""
    now = utcnow()
    for key in keys(email, address):
        row = db.session.get(SigninThrottle, key)
        if row is None:
            row = SigninThrottle(key=key, failures=0, not_before=now, updated_at=now)
            db.session.add(row)
        row.failures += 1
        row.updated_at = now
        row.not_before = now + timedelta(seconds=delay_after(row.failures))


def succeeded(email):
    """A right password and code: the account's count starts again (the caller commits)."""
    row = db.session.get(SigninThrottle, _key("account", email or ""))
    if row is not None:
        db.session.delete(row)


def purge(older_than=timedelta(days=1)):
    """Forget keys untouched for a day; the caller commits."""
    cutoff = utcnow() - older_than
    return (
        db.session.query(SigninThrottle)
        .filter(SigninThrottle.updated_at < cutoff)
        .delete(synchronize_session=False)
    )
