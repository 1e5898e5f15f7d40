"""Views of the contact page: the contact details, the enquiry form and its thank-you page."""

from functools import partial

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_wtf.csrf import generate_csrf

from ..consent.services import consent_text
from ..content import get_page
from ..extensions import csrf, limiter
from ..i18n import current_language, localized_route
from ..rendering import cached_page
from ..webforms import BOT, EXPIRED
from . import services
from .forms import PHONE_EXAMPLE, EnquiryForm

bp = Blueprint("contact", __name__)


def _post_limit():
    return current_app.config["CONTACT_RATE_LIMIT"]


@localized_route(bp, "/contact", endpoint="page", methods=["GET", "POST"])
@limiter.limit(_post_limit, methods=["POST"])
@csrf.exempt  # the form runs the same check itself, so that a failure keeps the input
def page():
    """How to reach the operator, and the enquiry form (post/redirect/get)."""
    form = EnquiryForm()
    if not form.is_submitted():
        return _blank_form()
    problem, key = form.screen(float(current_app.config["CONTACT_MIN_FILL_SECONDS"]))
    if problem is BOT:
        return redirect(url_for("contact.thanks"), code=303)  # tell a bot nothing
    if problem is None and form.validate():
        services.submit_enquiry(key=key, language=current_language(), **form.enquiry())
        return redirect(url_for("contact.thanks"), code=303)
    form.renew_token(services.new_submission_key())
    page = _render_page(current_language(), form, problem, generate_csrf())
    return page, 400 if problem is EXPIRED else 422


@localized_route(bp, "/contact/thanks")
@cached_page
def thanks():
    """The page after a sent enquiry; it names nobody, so it is the same for everyone."""
    return render_template("contact/thanks.html", page=get_page(current_language(), "contact"))


def _contact_text(lang):
    """The contact details above the form (Markdown), converted once per process."""
    if not current_app.config["PAGE_CACHE"]:
        return get_page(lang, "contact")
    texts = current_app.extensions.setdefault("qb_contact_texts", {})
    if lang not in texts:
        texts[lang] = get_page(lang, "contact")
    return texts[lang]


def _blank_form():
    lang = current_language()
    render_page = partial(_render_page, lang)
    return EnquiryForm.blank_page("contact-form", services.new_submission_key(), render_page)


def _render_page(lang, form, problem, csrf_token):
    return render_template(
        "contact/page.html",
        page=_contact_text(lang),
        form=form,
        problem=problem,
        csrf_token=csrf_token,
        phone_example=PHONE_EXAMPLE,
        consent_text=consent_text("enquiry", lang),
        newsletter_text=consent_text("newsletter", lang),
    )
