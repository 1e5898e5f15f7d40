"""Localised error pages in the site layout; a visitor never sees a stack trace."""

from flask import current_app, render_template, request
from flask.globals import request_ctx
from flask_babel import lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import (
    HTTPException,
    InternalServerError,
    RequestEntityTooLarge,
    SecurityError,
)

from .i18n import current_language
from .logs import security_event

ERROR_TEXTS = {
    400: (
        _l("Bad request"),
        _l("The request could not be understood. Please go back and try again."),
    ),
    403: (
        _l("Access denied"),
        _l("You do not have permission to open this page."),
    ),
    404: (
        _l("Page not found"),
        _l("There is no page at this address. It may have moved, or the address has a typo."),
    ),
    405: (
        _l("Method not allowed"),
        _l("This page cannot be used that way. Please open it with a link."),
    ),
    413: (
        _l("Too much data"),
        _l("What you sent is larger than this site accepts. Please shorten it and try again."),
    ),
    429: (
        _l("Too many requests"),
        _l("You have sent too many requests in a short time. Please wait a minute and try again."),
    ),
    500: (
        _l("Something went wrong"),
        _l("The site could not complete your request. Please try again later."),
    ),
}


FALLBACK_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
</head><body><main><h1>{title}</h1><p>{text}</p><p><a href="/">Qauipsiz Bolashaq</a></p>
</main></body></html>"""


def render_error(error):
    """Render the page for an HTTP error, keeping its status code and headers."""
    status = error.code or 500
    if status in ERROR_TEXTS:
        title, text = ERROR_TEXTS[status]
    else:
        title, text = ERROR_TEXTS[400 if status < 500 else 500]
    if request_ctx and request_ctx.url_adapter is None:
        # The Host header was refused, so Flask built no URL adapter; links on the error
        # page are relative, so one bound to our own first trusted host serves.
        hosts = current_app.config.get("TRUSTED_HOSTS") or ["localhost"]
        request_ctx.url_adapter = current_app.url_map.bind(hosts[0])
    try:
        body = render_template("errors/error.html", code=status, title=title, text=text)
    except Exception:  # a broken template or catalogue must not turn into a bare 500
        current_app.logger.exception("Error page %s could not be rendered", status)
        body = FALLBACK_PAGE.format(lang=current_language(), title=escape(title), text=escape(text))
    response = error.get_response()  # keeps headers such as Allow and Retry-After
    response.set_data(body)
    response.status_code = status
    return response


def report_refusal(error):
    """Log the refusals that are security events (docs/deployment.md, "Logs")."""
    if isinstance(error, CSRFError):
        security_event("csrf-failed", reason=error.description)
    elif isinstance(error, RateLimitExceeded):
        security_event("rate-limited", limit=str(error.limit.limit))
    elif isinstance(error, SecurityError):  # a Host header not in TRUSTED_HOSTS
        security_event("bad-host")
    elif isinstance(error, RequestEntityTooLarge):
        security_event("too-large", length=request.content_length)


def init_app(app):
    """Handle every HTTP error and every uncaught exception with render_error."""

    @app.errorhandler(HTTPException)
    def http_error(error):
        report_refusal(error)
        return render_error(error)

    @app.errorhandler(Exception)
    def unexpected_error(error):
        app.logger.exception("Unhandled error")
        return render_error(InternalServerError(original_exception=error))
