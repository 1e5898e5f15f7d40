"""The console's own pages: sign-in, second factor, sign-out, the menu, the operator's own
settings. Other console pages live in the features that own their data (console_pages)."""

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext
from markupsafe import Markup

from ..console_pages import console_pages
from ..extensions import db, limiter
from ..operators import services, sessions, totp
from ..operators.access import console_required, current_operator
from ..operators.models import EVERYONE
from ..operators.passwords import PasswordRefused
from ..security import no_store
from . import signin
from .forms import CodeForm, LanguageForm, PasswordForm, SigninForm

bp = Blueprint("console", __name__, url_prefix="/console")


def _signin_limit():
    return current_app.config["CONSOLE_SIGNIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_signin_limit, methods=["POST"])
def login():
    """Sign-in: e-mail address, password and (admin, responsible) the one-time code."""
    no_store()
    g.lang = signin.login_language()
    if current_operator() is not None:
        return redirect(url_for("console.home"))
    form = SigninForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("console/login.html", form=form, problem=None), status
    result = signin.attempt(form)
    if result.status == services.OK:
        return redirect(signin.safe_next(request.args.get("next")) or url_for("console.home"))
    if result.status == services.ENROL:
        return redirect(url_for("console.enrol"))
    form.password.data = form.code.data = ""
    page = render_template("console/login.html", form=form, problem=signin.GENERIC)
    if result.status == services.WAIT:
        return page, 429, {"Retry-After": str(result.wait)}
    return page, 401


@bp.route("/enrol", methods=["GET", "POST"])
def enrol():
    """Set up the one-time code app: a QR code, then the first code it shows."""
    no_store()
    g.lang = signin.login_language()
    operator = signin.enrolling_operator()
    if operator is None:
        return redirect(url_for("console.login"))
    form = CodeForm()
    if form.validate_on_submit() and signin.finish_enrolment(operator, form.code.data):
        return redirect(url_for("console.home"))
    title = gettext("QR code for the one-time code app")
    svg = Markup(totp.qr_svg(operator.totp_secret, operator.email, title))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "console/enrol.html", form=form, qr=svg, secret=operator.totp_secret
    ), status


@bp.post("/logout")
def logout():
    """Sign-out (a POST with its CSRF token): the session row goes, the cookie is cleared."""
    operator = current_operator()
    if operator is not None:
        services.audit.record("signout", operator=operator)
    sessions.end_current()
    db.session.commit()
    return redirect(url_for("console.login"), code=303)


@bp.get("/")
@console_required(*EVERYONE)
def home():
    """The menu: every console page the operator's role may open."""
    pages = console_pages(current_app, current_operator().role)
    return render_template("console/home.html", pages=pages, language_form=LanguageForm())


@bp.post("/language")
@console_required(*EVERYONE)
def language():
    """The operator's console language (kk, ru or en)."""
    form = LanguageForm()
    if form.validate_on_submit():
        current_operator().language = form.language.data
        db.session.commit()
    return redirect(url_for("console.home"), code=303)


@bp.route("/password", methods=["GET", "POST"])
@console_required(*EVERYONE)
def password():
    """Change one's own password; every session of the operator ends, this one too."""
    form, problem = PasswordForm(), None
    if form.validate_on_submit():
        try:
            services.change_password(current_operator(), form.current.data, form.new.data)
        except (services.OperatorError, PasswordRefused):
            db.session.rollback()
            problem = True
        else:
            db.session.commit()
            return redirect(url_for("console.login"), code=303)
    form.current.data = form.new.data = ""
    status = 400 if form.is_submitted() else 200
    return render_template("console/password.html", form=form, problem=problem), status
