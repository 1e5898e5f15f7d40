"""Views of news and offers: the subscription form, the confirmation and unsubscribe links."""

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_wtf.csrf import generate_csrf

from ..consent.services import consent_text
from ..extensions import csrf, limiter
from ..i18n import current_language, localized_route
from ..rendering import cached_page
from ..security import no_store
from ..webforms import BOT, EXPIRED, steady_answer
from . import services
from .forms import FORM_KEY, SubscriptionForm
from .models import ONE_CLICK_METHOD
from .services import Link

bp = Blueprint("newsletter", __name__)


def _post_limit():
    return current_app.config["NEWSLETTER_RATE_LIMIT"]


@localized_route(bp, "/newsletter", endpoint="page", methods=["GET", "POST"])
@limiter.limit(_post_limit, methods=["POST"])
@csrf.exempt  # the form runs the same check itself, so that a failure keeps the input
def page():
    """The subscription form (post/redirect/get); the answer never says what was known."""
    form = SubscriptionForm()
    if not form.is_submitted():
        return _blank_form()
    problem, _key = form.screen(float(current_app.config["NEWSLETTER_MIN_FILL_SECONDS"]))
    if problem is BOT:
        return redirect(url_for("newsletter.thanks"), code=303)  # tell a bot nothing
    if problem is None and form.validate():
        with steady_answer():  # the same time for a new, pending or confirmed address
            services.subscribe(language=current_language(), **form.subscription())
        return redirect(url_for("newsletter.thanks"), code=303)
    form.renew_token(FORM_KEY)
    page = _render_form(form, problem, generate_csrf())
    return page, 400 if problem is EXPIRED else 422


@localized_route(bp, "/newsletter/thanks")
@cached_page
def thanks():
    """The same page for a new, pending, confirmed or unsubscribed address."""
    return render_template("newsletter/thanks.html")


@localized_route(bp, "/newsletter/confirm/<token>", endpoint="confirm", methods=["GET", "POST"])
@csrf.exempt  # the link's token is the proof; a session cookie would add nothing
def confirm(token):
    """GET shows one button and changes nothing (mail scanners open links); POST confirms."""
    if request.method == "POST":
        state = services.confirm(token)
    else:
        state, _lang = services.confirmation_link(token)
    no_store()
    html = render_template(
        "newsletter/confirm.html",
        state=state,
        token=token,
        consent_text=consent_text("newsletter", current_language()),
    )
    return html, 404 if state is Link.INVALID else 200


@localized_route(
    bp, "/newsletter/unsubscribe/<token>", endpoint="unsubscribe", methods=["GET", "POST"]
)
@csrf.exempt  # RFC 8058: the mail client's POST carries no cookie and no token but the link's
def unsubscribe(token):
    """GET shows one button and changes nothing; POST (one click, RFC 8058) unsubscribes at
    once and answers 200 whatever the link, never a redirect."""
    if request.method == "POST":
        state, status = services.unsubscribe_by_link(token, ONE_CLICK_METHOD), 200
    else:
        state, _id = services.unsubscribe_link(token)
        status = 404 if state is Link.INVALID else 200
    no_store()
    return render_template("newsletter/unsubscribe.html", state=state, token=token), status


def _blank_form():
    return SubscriptionForm.blank_page("newsletter-form", FORM_KEY, _render_form)


def _render_form(form, problem, csrf_token):
    return render_template(
        "newsletter/page.html",
        form=form,
        problem=problem,
        csrf_token=csrf_token,
        consent_text=consent_text("newsletter", current_language()),
    )
