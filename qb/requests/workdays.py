"""Kazakhstan working days: the calendar the register's legal deadlines are counted in.

A day is a working day unless it is a Saturday, a Sunday or a public holiday, with the
government's transfers: a weekday made a day off, a Saturday or Sunday made a working day.
The `holidays` library knows the holidays, their "observed" days and the transfers its
maintainers have entered; the operator's `workday_override` table (`flask requests days …`)
decides for the dates the library does not know yet (each year's transfer decree, Kurban Ait
once the date is announced) and wins over the library both ways.

Periods are counted as the Civil Code counts periods in days: the count starts on the day
after the request arrived, in Kazakhstan (Almaty) time, and the last day ends at midnight
there. A request that arrives at 23:59 on a Monday counts from Tuesday; one that
arrives one minute later counts from Wednesday.
"""

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from ..clock import KAZAKHSTAN_TIME, in_kazakhstan
from ..extensions import db
from .models import WorkdayOverride

COUNTRY = "KZ"
# Longest stretch of days off in a row that the count could meet (New Year plus a transfer
# plus a weekend is five): the search for the next working day gives up well beyond it.
MAX_DAYS_OFF_IN_A_ROW = 31


class Calendar:
    """The library's Kazakhstan holidays with the operator's overrides on top."""

    def __init__(self, overrides=None):
        # Imported on first use: the library takes a twentieth of a second to load, which
        # every web process would otherwise pay at start, before any deadline is needed.
        import holidays

        self._library = holidays.country_holidays(COUNTRY)
        self.overrides = dict(overrides or {})

    @classmethod
    def from_database(cls, since=None):
        """The calendar with every override stored from `since` on (all of them if None)."""
        query = sa.select(WorkdayOverride.day, WorkdayOverride.is_working)
        if since is not None:
            query = query.where(WorkdayOverride.day >= since)
        return cls(dict(db.session.execute(query).all()))

    def is_working_day(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return self._library.is_working_day(day)

    def why(self, day: date) -> str:
        """What makes `day` a working day or a day off, in a few words (for the CLI)."""
        if day in self.overrides:
            return "override table"
        if day in self._library:
            return self._library.get(day)
        if day in self._library.weekend_workdays:
            return "working weekend day (transfer)"
        return "weekend" if day.weekday() >= 5 else "weekday"

    def nth_working_day_after(self, day: date, n: int) -> date:
        """The `n`-th working day after `day` (n >= 1); `day` itself never counts."""
        if n < 1:
            raise ValueError("a period of working days is at least 1 day")
        found, current = 0, day
        while found < n:
            current = self.next_working_day(current)
            found += 1
        return current

    def next_working_day(self, day: date) -> date:
        """The first working day after `day`."""
        for offset in range(1, MAX_DAYS_OFF_IN_A_ROW + 1):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError(f"no working day within {MAX_DAYS_OFF_IN_A_ROW} days after {day}")


def local_day(moment_utc: datetime) -> date:
    """The date in Kazakhstan of a stored (naive UTC) or aware moment."""
    return in_kazakhstan(moment_utc).date()


def end_of_day_utc(day: date) -> datetime:
    """The last second of `day` in Kazakhstan, as naive UTC (how tables store time)."""
    local = datetime.combine(day, time(23, 59, 59), tzinfo=KAZAKHSTAN_TIME)
    return local.astimezone(UTC).replace(tzinfo=None)


def add_working_days(start_utc: datetime, n: int, calendar: Calendar | None = None) -> datetime:
    """The deadline of a period of `n` working days from `start_utc` (naive UTC): the end,
    in Kazakhstan time, of the n-th working day after the day it falls on there; naive UTC.

    Without a `calendar`, the library's holidays with the stored overrides (app context).
    """
    start_day = local_day(start_utc)
    if calendar is None:
        calendar = Calendar.from_database(since=start_day)
    return end_of_day_utc(calendar.nth_working_day_after(start_day, n))


def is_working_day(day: date) -> bool:
    """Whether `day` is a working day in Kazakhstan, overrides included (app context)."""
    return Calendar.from_database(since=day).is_working_day(day)
