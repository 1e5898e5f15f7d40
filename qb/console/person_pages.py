"""The person page (responsible): everything held about one mailbox, and the policy's
actions on the person or on one record, each confirmed after saying what it will change.
The address travels in POST bodies only, never in a URL."""

from flask import abort, render_template

from ..operators.access import console_required, current_operator
from ..operators.models import RESPONSIBLE
from . import person as people
from .forms import ActionForm, CorrectForm, PersonForm
from .views import bp


@bp.route("/person", methods=["GET", "POST"])
@console_required(RESPONSIBLE)
def person():
    """Find a person by e-mail address; show everything held, with the actions."""
    form = PersonForm()
    if not form.validate_on_submit():
        return render_template("console/person.html", form=form, data=None)
    data, pseudonym = people.person(form.email.data, current_operator())
    return render_template(
        "console/person.html",
        form=form,
        data=data,
        pseudonym=pseudonym,
        email=form.email.data,
        correct_form=CorrectForm(),
    )


@bp.post("/person/action")
@console_required(RESPONSIBLE)
def person_action():
    """First what the action will change; after the confirmation, the action."""
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    email, action, subject = form.email.data, form.action.data, form.subject.data or None
    if form.confirmed.data != "yes":
        counts = people.preview(email, subject)
        return render_template(
            "console/person_confirm.html",
            email=email,
            action=action,
            subject=subject,
            counts=counts,
            irreversible=action in people.IRREVERSIBLE,
        )
    counts = people.act(action, email, subject, current_operator())
    return render_template(
        "console/person_done.html", email=email, action=action, subject=subject, counts=counts
    )


@bp.post("/person/correct")
@console_required(RESPONSIBLE)
def person_correct():
    """Correct the name and/or phone of one record."""
    form = CorrectForm()
    if not form.validate_on_submit():
        abort(400)
    phone = getattr(form.phone, "normalized", None)  # E.164, set when a number was given
    try:
        changed = people.correct(
            form.email.data, form.subject.data, form.name.data or None, phone, current_operator()
        )
    except (LookupError, ValueError):
        abort(404)
    return render_template(
        "console/person_done.html",
        email=form.email.data,
        action="correct",
        subject=form.subject.data,
        counts=None,
        changed=changed,
    )
