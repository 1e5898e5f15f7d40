"""Views of the contact page: the contact details, the enquiry form and its thank-you page."""

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf

from ..content import get_page
from ..extensions import csrf, limiter
from ..i18n import current_language, localized_route
from ..logs import security_event
from ..rendering import cached_page, render_with_holes
from . import services
from .forms import PHONE_EXAMPLE, EnquiryForm, check_csrf, new_form_token

bp = Blueprint("contact", __name__)

# Problems with a form as a whole (not one field), each shown above the form.
EXPIRED = _l("This form has expired. Please check what you wrote and send it again.")
TOO_FAST = _l("That was very quick. Please check what you wrote and send it again.")
BOT = object()


def _post_limit():
    return current_app.config["CONTACT_RATE_LIMIT"]


@localized_route(bp, "/contact", endpoint="page", methods=["GET", "POST"])
@limiter.limit(_post_limit, methods=["POST"])
def page():
    """How to reach the operator, and the enquiry form (post/redirect/get)."""
    form = EnquiryForm()
    if form.is_submitted():
        problem, submission = _check_submission(form)
        if problem is None and form.validate():
            services.submit_enquiry(key=submission, language=current_language(), **form.enquiry())
            return redirect(url_for("contact.thanks"), code=303)
        if problem is BOT:
            return redirect(url_for("contact.thanks"), code=303)  # tell a bot nothing
        return _render(form, problem, status=400 if problem is EXPIRED else 422)
    return _blank_form()


@localized_route(bp, "/contact/thanks")
@cached_page
def thanks():
    """The page after a sent enquiry; it names nobody, so it is the same for everyone."""
    return render_template("contact/thanks.html", page=get_page(current_language(), "contact"))


csrf.exempt(page)  # page() runs the same check itself, so that a failure keeps the input


@bp.record_once
def _warn_without_bin(state):
    app = state.app
    if not app.config.get("OPERATOR_BIN") and not (app.debug or app.testing):
        app.logger.warning(
            "OPERATOR_BIN is not set: the consent text of the contact form omits the BIN "
            "that Law 94-V Art. 8(4) asks for (docs/configuration.md)"
        )


def _check_submission(form):
    """(problem, submission key): the CSRF token, the honeypot and the form token."""
    if (reason := check_csrf()) is not None:
        security_event("csrf-failed", reason=reason)
        return EXPIRED, None
    if form.is_bot():
        security_event("honeypot")
        return BOT, None
    submission = form.submission()
    if submission is None:
        return EXPIRED, None
    key, age = submission
    if age < float(current_app.config["CONTACT_MIN_FILL_SECONDS"]):
        security_event("too-fast", seconds=round(age, 1))
        return TOO_FAST, key
    return None, key


def _contact_text(lang):
    """The contact details above the form (Markdown), converted once per process."""
    if not current_app.config["PAGE_CACHE"]:
        return get_page(lang, "contact")
    texts = current_app.extensions.setdefault("qb_contact_texts", {})
    if lang not in texts:
        texts[lang] = get_page(lang, "contact")
    return texts[lang]


def _blank_form():
    """The empty form: rendered once, then only the tokens and the nonce change per visitor."""
    lang = current_language()
    token = new_form_token(services.new_submission_key())

    def render(csrf_token, form_token):
        form = EnquiryForm(formdata=None)
        form.form_token.data = form_token
        return _render_page(lang, form, None, csrf_token)

    return render_with_holes("contact-form", render, csrf_token=generate_csrf(), form_token=token)


def _render(form, problem, status):
    """The form sent back with what the visitor typed and what is wrong with it."""
    if not form.form_token.data or form.submission() is None:
        form.form_token.data = new_form_token(services.new_submission_key())
    return _render_page(current_language(), form, problem, generate_csrf()), status


def _render_page(lang, form, problem, csrf_token):
    return render_template(
        "contact/page.html",
        page=_contact_text(lang),
        form=form,
        problem=problem,
        csrf_token=csrf_token,
        phone_example=PHONE_EXAMPLE,
        consent_text=services.consent_text("enquiry", lang),
        newsletter_text=services.consent_text("newsletter", lang),
    )
