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
from . import choice as choices
from . import services
from .forms import ChoiceForm

bp = Blueprint("cookies", __name__)


@bp.app_template_global()
def consent_state():
    """This request's consent state, or None when no analytics is offered."""
    return g.get("consent")


def read_consent():
    """Decide once per request what the page may load; GPC is a refusal (before_request)."""
    settings = current_app.extensions["qb_cookies"]
    # Every page view passes here: look at the raw environ first, parse cookies only if sent.
    environ = request.environ
    cookie = environ.get("HTTP_COOKIE") and request.cookies.get(settings.cookie_name)
    state, gpc_action = choices.request_state(settings, cookie, environ.get("HTTP_SEC_GPC"))
    g.consent = state
    g.page_variant = (*g.get("page_variant", ()), state.variant)
    if state.granted:
        add_csp_sources(settings.sources[state.granted])
    if gpc_action and request.method == "GET" and request.endpoint not in (None, "static"):
        _answer_gpc(settings, state.choice, gpc_action)


def _answer_gpc(settings, choice, action):
    """Remember a GPC refusal in the cookie; record it once the browser has sent that back."""
    if action == choices.GPC_RECORD:
        # Beyond the budget nothing is stored, nor the cookie rewritten, so a real browser's
        # next view records it; the refusal itself is honoured all the same.
        if not _may_record():
            return
        services.record_choice(settings, choice, "gpc", current_language())
    after_this_request(lambda response: _store(response, settings, choice))


def _store(response, settings, choice):
    refused = set(settings.keys) - choice.granted
    choices.expire_vendor_cookies(
        response, settings, refused, request.cookies, request.host, request.is_secure
    )
    choices.write_choice(response, settings, choice)
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
    form, state = ChoiceForm.from_request(), g.get("consent")
    if not form.same_origin:
        security_event("consent-refused", reason="cross-site")
        abort(403)
    if form.wants_settings:
        return redirect(url_for("cookies.page", _anchor="consent-settings"), 303)
    target = form.target(url_for("pages.home"))
    if state is None or state.gpc:  # nothing offered, or GPC already refused everything
        return redirect(target, 303)
    try:
        choice = services.save_choice(state, form.action, form.fields, current_language())
    except ValueError:
        security_event("consent-refused", reason="malformed")
        abort(400)
    return _store(redirect(target, 303), state.settings, choice)


@localized_route(bp, "/cookies", endpoint="page")
def page():
    """Which cookies the site sets, the current choice and the settings to change it."""
    state = g.get("consent")
    if state is not None and state.choice is not None:
        no_store()  # it shows this visitor's own choice
    return _cookie_page()


@cached_page
def _cookie_page():
    return render_template("cookies/page.html", page=get_page(current_language(), "cookies"))
