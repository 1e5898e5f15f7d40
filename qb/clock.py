"""Time: stored in UTC (naive, as SQLite keeps it), shown to people in Kazakhstan time."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

# One time zone for the whole country (UTC+5) since 1 March 2024; tzdata brings the rules
# where the system has no time-zone database.
KAZAKHSTAN_TIME = ZoneInfo("Asia/Almaty")


def utcnow():
    """The current time in UTC without a zone, as every table stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


def kazakhstan_today():
    """Today's date in Kazakhstan (offers end at the end of their last day there)."""
    return in_kazakhstan(utcnow()).date()


def in_kazakhstan(moment):
    """A stored (naive UTC) or aware time as Kazakhstan's local time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(KAZAKHSTAN_TIME)
