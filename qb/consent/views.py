"""Views of cookie consent: the cookie page, the choice form's target, the per-request state."""

from flask import (
    Blueprint,
    abort,
    after_this_request,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_limiter.errors import RateLimitExceeded

from ..content import get_page
from ..extensions import csrf, limiter
from ..i18n import current_language, localized_route
from ..logs import security_event
from ..rendering import cached_page
from ..security import add_csp_sources, no_store
from . import records, services

bp = Blueprint("consent", __name__)


@bp.record_once
def load_settings(state):
    # Checked while the app is built, so a malformed analytics id stops the start.
    settings = state.app.extensions["qb_consent"] = services.build_settings(state.app.config)
    if settings.vendors:
        # With no analytics offered there is nothing to decide: page views skip the hook.
        state.app.before_request(read_consent)


@bp.app_template_global()
def consent_state():
    """This request's consent state, or None when no analytics is offered."""
    return g.get("consent")


def read_consent():
    """Decide once per request what the page may load; GPC is recorded as a refusal."""
    settings = current_app.extensions["qb_consent"]
    # Every page view passes here: look at the raw environ first, parse cookies only if sent.
    environ = request.environ
    cookie = environ.get("HTTP_COOKIE") and request.cookies.get(settings.cookie_name)
    state, gpc_action = services.request_state(settings, cookie, environ.get("HTTP_SEC_GPC"))
    g.consent = state
    g.page_variant = (*g.get("page_variant", ()), state.variant)
    if state.granted:
        add_csp_sources(settings.sources[state.granted])
    if gpc_action and request.method == "GET" and request.endpoint not in (None, "static"):
        _answer_gpc(settings, state.choice, gpc_action)


def _answer_gpc(settings, choice, action):
    """Remember a GPC refusal in the cookie; record it once the browser has sent that back."""
    if action == services.GPC_RECORD:
        # Beyond the budget nothing is stored, nor the cookie rewritten, so a real browser's
        # next view records it; the refusal itself is honoured all the same.
        if not _may_record():
            return
        records.record_choice(settings, choice, "gpc", current_language())
    after_this_request(lambda response: _store(response, settings, choice))


def _store(response, settings, choice):
    refused = set(settings.keys) - choice.granted
    services.expire_vendor_cookies(
        response, settings, refused, request.cookies, request.host, request.is_secure
    )
    services.write_choice(response, settings, choice)
    return response


def _record_limit():
    return current_app.config["CONSENT_RATE_LIMIT"]


# Each posted choice and each GPC refusal is a stored record: one budget per client for both.
_record_budget = limiter.shared_limit(_record_limit, scope="consent-record")


def _may_record():
    """Whether this client may store one more record now (counted against the limit)."""
    try:
        with _record_budget:  # Flask-Limiter's documented use as a context manager
            return True
    except RateLimitExceeded as error:
        security_event("rate-limited", limit=str(error.limit.limit), reason="consent-record")
        return False


@localized_route(bp, "/consent", methods=["POST"])
@csrf.exempt  # no session before a choice; same-origin is proven by the browser's headers
@_record_budget
def choose():
    """Record a choice from the banner or the cookie page and go back to that page."""
    settings, state = services.current_settings(), g.get("consent")
    headers = request.headers
    origin = request.host_url.rstrip("/")
    if not services.is_same_origin(headers.get("Sec-Fetch-Site"), headers.get("Origin"), {origin}):
        security_event("consent-refused", reason="cross-site")
        abort(403)
    target = services.safe_next(request.form.get("next"), url_for("pages.home"))
    action = request.form.get("choice")
    if action == "settings":  # the banner's Settings button without JavaScript
        return redirect(url_for("consent.cookies", _anchor="consent-settings"), 303)
    if state is None or state.gpc:  # nothing offered, or GPC already refused everything
        return redirect(target, 303)
    try:
        choice, method = services.decide(state, action, request.form)
    except ValueError:
        security_event("consent-refused", reason="malformed")
        abort(400)
    records.record_choice(settings, choice, method, current_language())
    return _store(redirect(target, 303), settings, choice)


@localized_route(bp, "/cookies")
def cookies():
    """Which cookies the site sets, the current choice and the settings to change it."""
    state = g.get("consent")
    if state is not None and state.choice is not None:
        no_store()  # it shows this visitor's own choice
    return _cookie_page()


@cached_page
def _cookie_page():
    return render_template("consent/cookies.html", page=get_page(current_language(), "cookies"))
