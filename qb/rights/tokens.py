"""The secrets of "my data": link tokens, session ids and the browser value, each 256 random
bits, mailed or set as a cookie once and stored only as their SHA-256."""

import hashlib
import secrets

TOKEN_BYTES = 32  # 256 bits; the issue asks for at least 128
# What a token looks like in a URL or a cookie: token_urlsafe's alphabet and length.
TOKEN_LENGTH = 43


def new_token():
    """(token for the link or the cookie, its hash to store)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, token_hash(token)


def token_hash(token):
    """SHA-256 (hex) of a token, as stored; any string (a forged cookie too) has one."""
    return hashlib.sha256((token or "").encode("utf-8", "replace")).hexdigest()


def well_formed(token):
    """Whether `token` could be one of ours at all (so junk is refused before any query)."""
    return (
        isinstance(token, str)
        and len(token) == TOKEN_LENGTH
        and all(c.isascii() and (c.isalnum() or c in "-_") for c in token)
    )
