"""Charts drawn on the server as SVG: no chart library, no script in the browser.

Each chart has a <title> and a <desc> (role="img", labelled by both), classes instead of
style attributes (the strict CSP), and its page shows the same figures as a table, so
nothing depends on seeing the bars.
"""

from datetime import UTC, datetime, time, timedelta
from itertools import count

from babel import dates
from flask import render_template
from markupsafe import Markup, escape

from .clock import KAZAKHSTAN_TIME, in_kazakhstan
from .i18n import format_locale

WIDTH, HEIGHT = 720, 260
LEFT, BOTTOM, TOP = 44, 40, 12
_ids = count(1)


def short_date(moment):
    """A date for an axis or a table row, in Kazakhstan and the page's language."""
    return dates.format_date(in_kazakhstan(moment).date(), "medium", locale=format_locale())


def week_starts(weeks, now):
    """The starts of the last `weeks` weeks up to `now`, oldest first: each Monday at
    midnight in Kazakhstan, as a stored (naive UTC) time."""
    today = in_kazakhstan(now).date()
    monday = today - timedelta(days=today.weekday())
    return [_stored_midnight(monday - timedelta(weeks=weeks - 1 - i)) for i in range(weeks)]


def _stored_midnight(day):
    midnight = datetime.combine(day, time(), KAZAKHSTAN_TIME)
    return midnight.astimezone(UTC).replace(tzinfo=None)


def per_week(starts, moments):
    """How many of `moments` (none before starts[0]) fall in each week of `starts`."""
    counts = [0] * len(starts)
    for moment in moments:
        counts[min((moment - starts[0]).days // 7, len(starts) - 1)] += 1
    return counts


def _nice_max(value):
    if value <= 5:
        return 5
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return value


def bar_chart(*, title, description, labels, series):
    """Grouped bars: `labels` along the bottom, `series` = [(name, [value per label])]."""
    uid = next(_ids)
    top = _nice_max(max((max(values, default=0) for _n, values in series), default=0))
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    slot = plot_w / max(len(labels), 1)
    bar_w = max(slot * 0.8 / max(len(series), 1), 1)
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="chart-{uid}-title chart-{uid}-desc" class="chart-svg">',
        f'<title id="chart-{uid}-title">{escape(title)}</title>',
        f'<desc id="chart-{uid}-desc">{escape(description)}</desc>',
    ]
    for tick in (0, top // 2, top):
        y = TOP + plot_h - plot_h * tick / top
        parts.append(f'<line class="axis" x1="{LEFT}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    every = max(1, len(labels) // 8)
    for i, label in enumerate(labels):
        x0 = LEFT + slot * i + slot * 0.1
        for s, (_name, values) in enumerate(series):
            value = values[i]
            h = plot_h * value / top
            parts.append(
                f'<rect class="chart-series-{s + 1}" x="{x0 + s * bar_w:.1f}" '
                f'y="{TOP + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}"/>'
            )
        if i % every == 0:
            parts.append(f'<text x="{x0:.1f}" y="{HEIGHT - BOTTOM + 16}">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def weekly_chart(weeks, *, title, description, column):
    """The console page of one figure per week: `weeks` [(Monday, figure)] as a bar chart
    and again as a table; `column` names the figure."""
    labels = [short_date(monday) for monday, _figure in weeks]
    figures = [figure for _monday, figure in weeks]
    svg = bar_chart(title=title, description=description, labels=labels, series=[(column, figures)])
    return render_template(
        "console/weekly_chart.html",
        title=title,
        svg=svg,
        column=column,
        weeks=list(zip(labels, figures, strict=True)),
    )
