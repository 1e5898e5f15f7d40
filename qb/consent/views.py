"""Views of cookie consent: the cookie page."""

from flask import Blueprint, render_template

from ..content import get_page
from ..i18n import current_language, localized_route
from ..rendering import cached_page

bp = Blueprint("consent", __name__)


@localized_route(bp, "/cookies")
@cached_page
def cookies():
    """Which cookies the site sets."""
    return render_template("pages/page.html", page=get_page(current_language(), "cookies"))
