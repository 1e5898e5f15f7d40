"""The two secrets in a subscriber's links: a one-time confirmation token and an unsubscribe
token that opens nothing else.

The confirmation token is 192 random bits, mailed once and stored only as its SHA-256. The
unsubscribe token is an HMAC (SHA-256, keyed by SECRET_KEY) over the subscriber's id and this
list, so each campaign mail carries it without the database holding it; it does not expire,
names no address, and cannot be forged or turned into another subscriber's. Rotating the
secret key: keep the old one in SECRET_KEY_FALLBACKS, or links in mail already sent stop
working (the page then says how to unsubscribe by e-mail).
"""

import hashlib
import secrets

from flask import current_app
from itsdangerous import BadSignature, Signer

UNSUBSCRIBE_SALT = "qb.newsletter.unsubscribe:news-and-offers"


def new_confirm_token():
    """(token for the link, its hash to store)."""
    token = secrets.token_urlsafe(24)
    return token, token_hash(token)


def token_hash(token):
    """SHA-256 (hex) of a confirmation token, as stored."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _signer():
    keys = [*(current_app.config.get("SECRET_KEY_FALLBACKS") or []), current_app.secret_key]
    return Signer(keys, salt=UNSUBSCRIBE_SALT, digest_method=hashlib.sha256)


def unsubscribe_token(subscriber_id):
    """The token of a subscriber's unsubscribe link, e.g. "12.Ab3…" (43 characters of MAC)."""
    return _signer().sign(str(subscriber_id)).decode("ascii")


def unsubscribe_id(token):
    """The subscriber id a genuine token names, or None for a forged or mangled one."""
    try:
        value = _signer().unsign(token.encode("utf-8", "replace"))
    except BadSignature:
        return None
    return int(value) if value.isdigit() and len(value) < 12 else None
