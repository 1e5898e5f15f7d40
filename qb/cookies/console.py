"""The cookie banner's console page: consent choices per day by method, as an SVG chart."""

from datetime import date, timedelta

from flask import Blueprint, render_template
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ..charts import bar_chart
from ..clock import kazakhstan_today
from ..operators.access import console_required
from ..operators.models import ADMIN, RESPONSIBLE
from .services import daily_counts

bp = Blueprint("cookies_console", __name__, url_prefix="/console/consent-choices")
READERS = (RESPONSIBLE, ADMIN)
DAYS = 30
METHODS = {
    "accept_all": _l("accept all"),
    "reject_all": _l("reject all"),
    "custom": _l("custom"),
    "gpc": _l("Global Privacy Control"),
    "withdrawal": _l("withdrawal"),
}


def chart_data(today=None):
    """(days, {method: [count per day]}) for the last DAYS Kazakhstan days."""
    today = today or kazakhstan_today()
    days = [today - timedelta(days=DAYS - 1 - i) for i in range(DAYS)]
    index = {day.isoformat(): i for i, day in enumerate(days)}
    series = {method: [0] * DAYS for method in METHODS}
    for day, method, count in daily_counts():
        if day in index and method in series:
            series[method][index[day]] += count
    return days, series


@bp.get("/")
@console_required(*READERS)
def chart():
    """Consent choices per day by method, with the same figures as a table."""
    days, series = chart_data()
    labels = [_short(day) for day in days]
    svg = bar_chart(
        title=gettext("Consent choices per day"),
        description=gettext("Cookie consent choices of the last 30 days, by how they were made."),
        labels=labels,
        series=[(str(METHODS[m]), values) for m, values in series.items()],
    )
    return render_template(
        "cookies/console_chart.html", svg=svg, labels=labels, series=series, methods=METHODS
    )


def _short(day: date):
    return day.strftime("%d.%m")
