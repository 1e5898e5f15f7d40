"""Views of the contact page."""

from flask import Blueprint, render_template

from ..content import get_page
from ..i18n import current_language, localized_route

bp = Blueprint("contact", __name__)


@localized_route(bp, "/contact", endpoint="page")
def page():
    """How to reach the operator."""
    return render_template("contact/page.html", page=get_page(current_language(), "contact"))
