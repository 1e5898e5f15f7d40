"""Rendering pages whose HTML is the same for every visitor except the CSP nonce.

A page is rendered once per path (and variant) with a random placeholder where the nonce
goes; each request then gets a copy with its own fresh nonce put in. The nonce stays per
request, the template work happens once per process.
"""

import secrets
from functools import wraps

from flask import current_app, g, request

from .security import csp_nonce

_PLACEHOLDER = "qbnonce" + secrets.token_hex(16)


def clear_page_cache(app):
    """Forget every rendered page, e.g. after content files changed."""
    app.extensions.pop("qb_page_cache", None)


def cached_page(view):
    """Cache the HTML a view returns, per path; errors (such as 404) are never cached."""

    @wraps(view)
    def wrapper(**kwargs):
        app = current_app._get_current_object()
        if not app.config["PAGE_CACHE"]:
            return view(**kwargs)
        cache = app.extensions.setdefault("qb_page_cache", {})
        key = (request.path, *g.get("page_variant", ()))
        html = cache.get(key)
        if html is None:
            g.csp_nonce = _PLACEHOLDER
            try:
                html = view(**kwargs)
            finally:
                g.pop("csp_nonce", None)
            cache[key] = html
        return html.replace(_PLACEHOLDER, csp_nonce())

    return wrapper
