"""The policy page, at the address the policy itself names (§8.3)."""

from flask import Blueprint, render_template

from ..i18n import current_language, localized_route
from ..rendering import cached_page
from . import services

bp = Blueprint("policy", __name__)


@localized_route(bp, "/politika")
@cached_page
def politika():
    """The policy text in force, with its revision number and effective date."""
    paragraphs = services.policy_paragraphs(current_language())
    return render_template(
        "policy/politika.html",
        title=paragraphs[0],
        paragraphs=paragraphs[1:],
        revision=services.current_revision(),
    )
