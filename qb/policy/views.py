"""The policy page, at the address the policy itself names (§8.3), and its earlier revisions."""

from flask import Blueprint, abort, redirect, render_template, url_for

from ..i18n import current_language, localized_route
from ..rendering import cached_page
from . import archive, services

bp = Blueprint("policy", __name__)


@localized_route(bp, "/politika")
@cached_page
def politika():
    """The policy text in force, with its revision number and effective date, what it
    changed and the earlier revisions."""
    paragraphs = services.policy_paragraphs(current_language())
    history = archive.revisions()
    return render_template(
        "policy/politika.html",
        title=paragraphs[0],
        paragraphs=paragraphs[1:],
        current=history[0],
        earlier=history[1:],
    )


@localized_route(bp, "/politika/<int:number>", endpoint="revision")
def revision(number):
    """An earlier revision's text, word for word, with the dates it was in force."""
    if number == services.current_revision().number:
        return redirect(url_for("policy.politika"), code=302)
    entry = archive.earlier(number) or abort(404)
    lang = current_language()
    paragraphs = services.policy_paragraphs(lang, archive.text_path(number, lang))
    return render_template(
        "policy/revision.html", title=paragraphs[0], paragraphs=paragraphs[1:], entry=entry
    )
