"""Views of "my data": the request form, the mailed links, and the pages of a session."""

import json
from functools import wraps

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf.csrf import CSRFError, generate_csrf

from ..clock import in_kazakhstan, utcnow
from ..extensions import csrf, limiter
from ..i18n import current_language, localized_route
from ..logs import security_event
from ..rendering import cached_page
from ..security import no_store
from ..webforms import BOT, EXPIRED, PHONE_EXAMPLE, steady_answer
from . import cookies, new_address, services
from .forms import FORM_KEY, CorrectionForm, LinkRequestForm, NewEmailForm
from .services import Link

bp = Blueprint("rights", __name__)
SUBJECT = "<any(enquiry, subscriber):kind>:<int:number>"


def _post_limit():
    return current_app.config["RIGHTS_RATE_LIMIT"]


@localized_route(bp, "/my-data", endpoint="page", methods=["GET", "POST"])
@limiter.limit(_post_limit, methods=["POST"])
@csrf.exempt  # the form runs the same check itself, so that a failure keeps the input
def page():
    """The address to mail a link to; the answer is the same whatever the site holds."""
    form = LinkRequestForm()
    if not form.is_submitted():
        return _blank_form()
    problem, _key = form.screen(float(current_app.config["RIGHTS_MIN_FILL_SECONDS"]))
    if problem is BOT:
        return redirect(url_for("rights.sent"), code=303)
    if problem is None and form.validate():
        browser = cookies.browser_value()
        with steady_answer():  # the same time whether the site holds data for it or not
            services.request_link(form.email.normalized, current_language(), browser)
        response = redirect(url_for("rights.sent"), code=303)
        cookies.set_browser(response, browser, services.minutes("RIGHTS_LINK_MINUTES"))
        return response
    form.renew_token(FORM_KEY)
    return _render_form(form, problem, generate_csrf()), 400 if problem is EXPIRED else 422


@localized_route(bp, "/my-data/sent")
@cached_page
def sent():
    return render_template("rights/sent.html")


@localized_route(bp, "/my-data/open/<token>", endpoint="open", methods=["GET", "POST"])
def open_link(token):
    """GET shows one button and changes nothing (mail scanners open links); POST uses the
    link and starts the session."""
    no_store()
    browser = cookies.browser_cookie()
    if request.method == "GET":
        state, _link = services.link_state(token, browser)
        return _link_page(state, url_for("rights.open", token=token))
    state, session_id = services.open_session(token, browser)
    if state is not Link.VALID:
        return _link_page(state, None)
    response = redirect(url_for("rights.data"), code=303)
    cookies.set_session(response, session_id, services.minutes("RIGHTS_SESSION_MINUTES"))
    return response


def in_session(view):
    """The view runs only within a live session (g.rights); otherwise a page saying it ended."""

    @wraps(view)
    def wrapper(**kwargs):
        no_store()
        g.rights = services.current_session(cookies.session_cookie())
        if g.rights is None:
            response = make_response(render_template("rights/ended.html"), 403)
            cookies.clear_session(response)
            return response
        return view(**kwargs)

    return wrapper


@localized_route(bp, "/my-data/data", endpoint="data")
@in_session
def data():
    """Everything held for the mailbox, with what the person may do about each record."""
    person = services.person(g.rights)
    return render_template("rights/data.html", person=person, **_times())


@localized_route(bp, "/my-data/data.json", endpoint="export_json")
@in_session
def export_json():
    """The same as a JSON file (schema "qb.person/1", docs/my-data.md)."""
    body = json.dumps(services.person(g.rights), ensure_ascii=False, indent=2, default=str)
    services.record_export(g.rights, "JSON")
    response = current_app.response_class(body + "\n", mimetype="application/json")
    return _download(response, "json")


@localized_route(bp, "/my-data/data.html", endpoint="export_html")
@in_session
def export_html():
    """The same as one readable HTML file that prints well."""
    body = render_template("rights/export.html", person=services.person(g.rights), **_times())
    services.record_export(g.rights, "HTML")
    return _download(current_app.response_class(body, mimetype="text/html"), "html")


@localized_route(bp, f"/my-data/correct/{SUBJECT}", endpoint="correct", methods=["GET", "POST"])
@in_session
def correct(kind, number):
    """Correct the name and phone of one record, checked as the contact form checks them."""
    record = services.own_record(g.rights, kind, number) or abort(404)
    form = CorrectionForm(data=record)
    if form.validate_on_submit():
        changed = services.correct(g.rights, f"{kind}:{number}", **form.correction())
        return render_template("rights/done.html", action="correction", changed=changed)
    status = 422 if form.is_submitted() else 200
    html = render_template(
        "rights/correct.html", form=form, kind=kind, record=record, phone_example=PHONE_EXAMPLE
    )
    return html, status


@localized_route(bp, f"/my-data/withdraw/{SUBJECT}", endpoint="withdraw", methods=["GET", "POST"])
@in_session
def withdraw(kind, number):
    """GET lists exactly what withdrawing this consent destroys; the button's POST does it."""
    record = services.own_record(g.rights, kind, number) or abort(404)
    subject = f"{kind}:{number}"
    if request.method == "POST":
        services.withdraw(g.rights, subject)
        return render_template("rights/done.html", action=kind, changed=())
    counts = services.withdrawal_preview(subject)
    return render_template("rights/withdraw.html", kind=kind, record=record, counts=counts)


@localized_route(bp, "/my-data/new-email", endpoint="new_email", methods=["GET", "POST"])
@in_session
def new_email():
    """Ask to use another address: a link goes to it, and only that link changes anything."""
    form = NewEmailForm()
    if form.validate_on_submit():
        browser = cookies.browser_value()  # this browser, whose session proves the person
        new_address.request_new_email(g.rights, form.email.normalized, browser)
        response = make_response(render_template("rights/done.html", action="new-email-sent"))
        cookies.set_browser(response, browser, services.minutes("RIGHTS_LINK_MINUTES"))
        return response
    status = 422 if form.is_submitted() else 200
    return render_template("rights/new_email.html", form=form), status


@localized_route(
    bp, "/my-data/new-email/<token>", endpoint="confirm_new_email", methods=["GET", "POST"]
)
def confirm_new_email(token):
    """GET shows one button; POST proves the new address and puts it in the records."""
    no_store()
    browser = cookies.browser_cookie()
    if request.method == "GET":
        state, _link = new_address.new_email_link(token, browser)
        return _link_page(state, url_for("rights.confirm_new_email", token=token), "new-email")
    state, _link = new_address.confirm_new_email(token, browser)
    if state is not Link.VALID:
        return _link_page(state, None, "new-email")
    return render_template("rights/done.html", action="new-email", changed=())


@localized_route(bp, "/my-data/logout", endpoint="logout", methods=["POST"])
def logout():
    """End the session: its row is deleted and its cookie removed."""
    no_store()
    services.end_session(cookies.session_cookie())
    response = make_response(render_template("rights/logged_out.html"))
    cookies.clear_session(response)
    return response


@bp.errorhandler(CSRFError)
def expired_form(error):
    """A POST without its token (or a stale one): a page of its own, nothing changed."""
    security_event("csrf-failed", reason=error.description)
    no_store()
    return render_template("rights/expired.html"), 400


def _link_page(state, action, purpose="access"):
    status = {Link.INVALID: 404, Link.OTHER_BROWSER: 403}.get(state, 200)
    html = render_template("rights/link.html", state=state, action=action, purpose=purpose)
    return html, status


def _times():
    session = g.rights
    return {"session_ends": session.expires_at, "email": session.email, "made_at": utcnow()}


def _download(response, extension):
    stamp = in_kazakhstan(utcnow()).date().isoformat()
    response.headers["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.{extension}"'
    return response


def _blank_form():
    return LinkRequestForm.blank_page("rights-form", FORM_KEY, _render_form)


def _render_form(form, problem, csrf_token):
    return render_template("rights/page.html", form=form, problem=problem, csrf_token=csrf_token)
