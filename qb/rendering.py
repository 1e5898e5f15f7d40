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
        body = _rendered_once(app, "qb_page_cache", (), lambda: view(**kwargs).encode("utf-8"))
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
        body = _rendered_once(app, "qb_hole_cache", (name,), lambda: render(**holes))
        for key, value in values.items():
            body = body.replace(holes[key], value)
        body = body.replace(_PLACEHOLDER, csp_nonce())
    return app.response_class(body, content_type=_HTML)


def forget_pages(app, stale):
    """Drop the cached pages whose variants `stale(variants)` says are out of date.

    For variants that change with time (the day offers are listed for): without this, a
    process that runs for months would keep every day's copies.
    """
    for cache_name in ("qb_page_cache", "qb_hole_cache"):
        cache = app.extensions.get(cache_name, {})
        for key in tuple(cache):
            if stale(key):
                cache.pop(key, None)


def _rendered_once(app, cache_name, key, render):
    """`render()` with the nonce placeholder, cached per key, path and page variant."""
    cache = app.extensions.setdefault(cache_name, {})
    key = (*key, request.path, *g.get("page_variant", ()))
    body = cache.get(key)
    if body is None:
        g.csp_nonce = _PLACEHOLDER
        try:
            body = cache[key] = render()  # an error (such as a 404) is never cached
        finally:
            g.pop("csp_nonce", None)
    return body
