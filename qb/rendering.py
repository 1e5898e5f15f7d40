"""Rendering pages whose HTML is the same for every visitor except the CSP nonce.

A page is rendered once per path (and variant) with a random placeholder where the nonce
goes, and kept as UTF-8 bytes; each request gets a copy with its own fresh nonce put in.
The nonce stays per request; the template work and the encoding happen once per process.
"""

import secrets
from functools import wraps

from flask import current_app, g, request

from .security import csp_nonce

_PLACEHOLDER = "qbnonce" + secrets.token_hex(16)
_PLACEHOLDER_BYTES = _PLACEHOLDER.encode("ascii")
_HTML = "text/html; charset=utf-8"


def cached_page(view):
    """Cache the HTML a view returns, per path; errors (such as 404) are never cached."""

    @wraps(view)
    def wrapper(**kwargs):
        app = current_app._get_current_object()
        if not app.config["PAGE_CACHE"]:
            return view(**kwargs)
        cache = app.extensions.setdefault("qb_page_cache", {})
        key = (request.path, *g.get("page_variant", ()))
        body = cache.get(key)
        if body is None:
            g.csp_nonce = _PLACEHOLDER
            try:
                body = view(**kwargs).encode("utf-8")
            finally:
                g.pop("csp_nonce", None)
            cache[key] = body
        nonce = csp_nonce().encode("ascii")
        return app.response_class(body.replace(_PLACEHOLDER_BYTES, nonce), content_type=_HTML)

    return wrapper
