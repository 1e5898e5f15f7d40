"""What the operator reads about subscribers: counts, and the CSV export."""

import csv

import sqlalchemy as sa

from ..extensions import db
from .models import STATUSES, Subscriber

CSV_HEADER = [
    "id",
    "email",
    "name",
    "language",
    "status",
    "created_at_utc",
    "confirmed_at_utc",
]
# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """A CSV cell a spreadsheet shows as text, never runs."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def counts():
    """{status: {language: count}} for every status, empty ones included."""
    rows = db.session.execute(
        sa.select(Subscriber.status, Subscriber.language, sa.func.count()).group_by(
            Subscriber.status, Subscriber.language
        )
    )
    result = {status: {} for status in STATUSES}
    for status, lang, count in rows:
        result.setdefault(status, {})[lang] = count
    return result


def write_csv(out):
    """Every subscriber as a CSV row, except those blocked; the number written."""
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    count = 0
    query = (
        sa.select(Subscriber)
        .where(Subscriber.blocked_at.is_(None))
        .order_by(Subscriber.id)
        .execution_options(yield_per=500)
    )
    for subscriber in db.session.scalars(query):
        writer.writerow(
            [
                cell(value)
                for value in (
                    subscriber.id,
                    subscriber.email,
                    subscriber.name,
                    subscriber.language,
                    subscriber.status,
                    _time(subscriber.created_at),
                    _time(subscriber.confirmed_at),
                )
            ]
        )
        count += 1
    return count


def _time(moment):
    return moment.isoformat(timespec="seconds") + "Z" if moment else ""
