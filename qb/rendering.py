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


def render_with_holes(name, render, **values):
    """HTML that differs per visitor only in a few values (tokens) and the nonce.

    `render(**holes)` is called once per name, path and page variant with a placeholder
    string for each of `values`; later requests get that HTML with this request's values
    and nonce put in. Values must be plain text that needs no HTML escaping (tokens).
    """
    app = current_app._get_current_object()
    holes = {key: f"{_PLACEHOLDER}{key}" for key in values}
    if not app.config["PAGE_CACHE"]:
        body = render(**values)
    else:
        cache = app.extensions.setdefault("qb_hole_cache", {})
        cache_key = (name, request.path, *g.get("page_variant", ()))
        body = cache.get(cache_key)
        if body is None:
            g.csp_nonce = _PLACEHOLDER
            try:
                body = cache[cache_key] = render(**holes)
            finally:
                g.pop("csp_nonce", None)
        for key, value in values.items():
            body = body.replace(holes[key], value)
        body = body.replace(_PLACEHOLDER, csp_nonce())
    return app.response_class(body, content_type=_HTML)
