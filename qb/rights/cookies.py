"""The two cookies of "my data": the session's id, and the browser value a link is tied to.

Both are __Host- cookies in production (Secure, Path=/, no Domain: no sibling subdomain and
no plain-http page can plant one), so they cannot be limited to the /my-data paths; they are
HttpOnly and hold a random value only, whose hash the server keeps. The session cookie is
SameSite=Strict: only the site's own pages send it. The browser cookie is SameSite=Lax,
because the link is opened from a mail client, a navigation from another site.
"""

from flask import current_app, request

from .tokens import new_token, well_formed


def _settings():
    config = current_app.config
    return (
        config["RIGHTS_SESSION_COOKIE_NAME"],
        config["RIGHTS_BROWSER_COOKIE_NAME"],
        bool(config["RIGHTS_COOKIE_SECURE"]),
    )


def session_cookie():
    return request.cookies.get(_settings()[0])


def browser_cookie():
    return request.cookies.get(_settings()[1])


def browser_value():
    """The browser's value if it has a sound one (kept, so earlier links still work), or a
    new one to set."""
    value = browser_cookie()
    return value if well_formed(value) else new_token()[0]


def set_browser(response, value, minutes):
    _name, name, secure = _settings()
    response.set_cookie(
        name, value, max_age=minutes * 60, path="/", secure=secure, httponly=True, samesite="Lax"
    )


def set_session(response, value, minutes):
    name, _browser, secure = _settings()
    response.set_cookie(
        name, value, max_age=minutes * 60, path="/", secure=secure, httponly=True, samesite="Strict"
    )


def clear_session(response):
    name, _browser, secure = _settings()
    response.delete_cookie(name, path="/", secure=secure, httponly=True, samesite="Strict")
