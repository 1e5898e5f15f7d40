"""Kazakhstan working days: real holidays and transfers from the library, weekends, the
Almaty-time cut-off at midnight, and the operator's override table both ways."""

from datetime import UTC, date, datetime

import pytest

from qb.clock import KAZAKHSTAN_TIME
from qb.extensions import db
from qb.requests.models import WorkdayOverride
from qb.requests.workdays import Calendar, add_working_days, is_working_day


def almaty(*args):
    """A moment given in Almaty time, as naive UTC (how tables store time)."""
    local = datetime(*args, tzinfo=KAZAKHSTAN_TIME)
    return local.astimezone(UTC).replace(tzinfo=None)


def end_of(day):
    return almaty(day.year, day.month, day.day, 23, 59, 59)


LIBRARY = Calendar()


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        # An ordinary Tuesday: the count starts on Wednesday.
        (almaty(2026, 12, 1, 10, 0), 1, date(2026, 12, 2)),
        (almaty(2026, 12, 1, 10, 0), 3, date(2026, 12, 4)),
        # Friday: the weekend does not count.
        (almaty(2026, 12, 4, 16, 0), 1, date(2026, 12, 7)),
        # Saturday and Sunday count from Monday as the first day.
        (almaty(2026, 12, 5, 12, 0), 1, date(2026, 12, 7)),
        (almaty(2026, 12, 6, 12, 0), 1, date(2026, 12, 7)),
        # Nauryz 2026: 21–23 March with the days observed for the weekend, 24 and 25.
        (almaty(2026, 3, 20, 9, 0), 1, date(2026, 3, 26)),
        (almaty(2026, 3, 20, 9, 0), 3, date(2026, 3, 30)),
        # Nauryz 2027: 21–23 March, 24 observed for the Sunday.
        (almaty(2027, 3, 19, 9, 0), 1, date(2027, 3, 25)),
        # Victory Day 2026 on a Saturday: Monday 11 May is the day off instead.
        (almaty(2026, 5, 8, 9, 0), 1, date(2026, 5, 12)),
        # 1 May 2027 on a Saturday: Monday 3 May off; Defender's Day Friday 7, Victory Day
        # Sunday 9 with Monday 10 off.
        (almaty(2027, 4, 30, 9, 0), 1, date(2027, 5, 4)),
        (almaty(2027, 4, 30, 9, 0), 4, date(2027, 5, 11)),
        # Independence Day, Wednesday 16 December 2026.
        (almaty(2026, 12, 15, 9, 0), 1, date(2026, 12, 17)),
        # New Year 2027: 1 and 2 January, 4 January observed for the Saturday; 7th Christmas.
        (almaty(2026, 12, 31, 9, 0), 1, date(2027, 1, 5)),
        (almaty(2026, 12, 31, 9, 0), 2, date(2027, 1, 6)),
        (almaty(2026, 12, 31, 9, 0), 3, date(2027, 1, 8)),
        # Transfer 2025: 3 January a day off, Sunday 5 January a working day.
        (almaty(2025, 1, 2, 9, 0), 1, date(2025, 1, 5)),
        (almaty(2025, 1, 2, 9, 0), 2, date(2025, 1, 6)),
        # Transfer 2024: Saturday 4 May a working day.
        (almaty(2024, 5, 3, 9, 0), 1, date(2024, 5, 4)),
        # 15 working days of a withdrawal across Nauryz 2026.
        (almaty(2026, 3, 16, 9, 0), 15, date(2026, 4, 9)),
    ],
)
def test_deadlines_in_working_days(received, days, due):
    assert add_working_days(received, days, LIBRARY) == end_of(due)


def test_the_day_is_the_day_in_almaty_up_to_midnight():
    # Monday 7 December 2026, 23:59:59 in Almaty is 18:59:59 UTC: still Monday.
    assert add_working_days(almaty(2026, 12, 7, 23, 59, 59), 1, LIBRARY) == end_of(
        date(2026, 12, 8)
    )
    # One second later it is Tuesday in Almaty, though still Monday in UTC.
    tuesday = almaty(2026, 12, 8, 0, 0, 0)
    assert tuesday == datetime(2026, 12, 7, 19, 0, 0)
    assert add_working_days(tuesday, 1, LIBRARY) == end_of(date(2026, 12, 9))


def test_the_deadline_ends_at_midnight_in_almaty():
    due = add_working_days(almaty(2026, 12, 1, 10, 0), 1, LIBRARY)
    assert due == datetime(2026, 12, 2, 18, 59, 59)  # 23:59:59 in Almaty (UTC+5)


def test_aware_times_are_taken_in_almaty_too():
    aware = datetime(2026, 12, 7, 19, 30, tzinfo=UTC)  # 00:30 Tuesday in Almaty
    assert add_working_days(aware, 1, LIBRARY) == end_of(date(2026, 12, 9))


def test_overrides_win_over_the_library_both_ways():
    # Kurban Ait announced for another day than the library's estimate, and a working Saturday.
    overrides = {date(2026, 12, 2): False, date(2026, 12, 5): True}
    calendar = Calendar(overrides)
    assert not calendar.is_working_day(date(2026, 12, 2))
    assert calendar.is_working_day(date(2026, 12, 5))
    assert add_working_days(almaty(2026, 12, 1, 10, 0), 1, calendar) == end_of(date(2026, 12, 3))
    assert add_working_days(almaty(2026, 12, 4, 10, 0), 1, calendar) == end_of(date(2026, 12, 5))
    # A public holiday the operator marks as worked (a transfer the library does not know).
    assert not LIBRARY.is_working_day(date(2026, 12, 16))
    assert Calendar({date(2026, 12, 16): True}).is_working_day(date(2026, 12, 16))


def test_the_stored_override_table_is_used(make_app):
    app = make_app(tables=True)
    with app.app_context():
        received = almaty(2026, 12, 1, 10, 0)
        assert add_working_days(received, 1) == end_of(date(2026, 12, 2))
        db.session.add(WorkdayOverride(day=date(2026, 12, 2), is_working=False, changed_by="cli"))
        db.session.add(WorkdayOverride(day=date(2026, 12, 5), is_working=True, changed_by="cli"))
        db.session.commit()
        assert add_working_days(received, 1) == end_of(date(2026, 12, 3))
        assert add_working_days(received, 3) == end_of(date(2026, 12, 5))
        assert is_working_day(date(2026, 12, 5)) and not is_working_day(date(2026, 12, 2))


def test_why_a_day_is_what_it_is():
    calendar = Calendar({date(2026, 12, 2): False})
    assert calendar.why(date(2026, 12, 2)) == "override table"
    assert "Nowruz" in calendar.why(date(2026, 3, 23))
    assert calendar.why(date(2025, 1, 5)) == "working weekend day (transfer)"
    assert calendar.why(date(2026, 12, 5)) == "weekend"
    assert calendar.why(date(2026, 12, 3)) == "weekday"


def test_a_period_is_at_least_one_day():
    with pytest.raises(ValueError):
        add_working_days(almaty(2026, 12, 1, 10, 0), 0, LIBRARY)
