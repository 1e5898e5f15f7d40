"""Charts drawn on the server (title, description, the same figures as a table) and the
subscriber pages."""

import re

from .console_helpers import signed_in_client
from .factories import new_cookie_choice, new_enquiry


def test_enquiries_per_week(console_app):
    for _ in range(3):
        new_enquiry(console_app)
    client, _ = signed_in_client(console_app)
    page = client.get("/console/enquiries/chart")
    assert page.status_code == 200
    assert 'role="img"' in page.text and "<title id=" in page.text and "<desc id=" in page.text
    assert "style=" not in page.text and "<script" not in page.text
    cells = re.findall(r'aria-hidden="true">Өтініштер</span> (\d+)</td>', page.text)
    assert len(cells) == 26 and cells[-1] == "3" and sum(map(int, cells)) == 3


def test_consent_choices_per_day_by_method(make_app):
    from .console_helpers import CONSOLE_SETTINGS
    from .site import ANALYTICS_SETTINGS

    app = make_app(tables=True, **ANALYTICS_SETTINGS, **CONSOLE_SETTINGS)
    new_cookie_choice(app, "accept_all", granted=("ga",))
    new_cookie_choice(app, "reject_all")
    new_cookie_choice(app, "reject_all")
    client, _ = signed_in_client(app, "responsible")
    page = client.get("/console/consent-choices/")
    assert page.status_code == 200 and 'role="img"' in page.text
    assert (
        re.findall(r'aria-hidden="true">барлығынан бас тарту</span> (\d+)</td>', page.text)[-1]
        == "2"
    )


def test_subscribers_list_and_chart(console_app):
    new_enquiry(console_app, newsletter=True)
    client, _ = signed_in_client(console_app)
    page = client.get("/console/subscribers/")
    assert page.status_code == 200 and "asel" in page.text.lower()
    assert client.get("/console/subscribers/chart").status_code == 200
    assert client.get("/console/subscribers/export.csv").status_code == 403


def test_subscribers_held_at_the_end_of_each_week(console_app):
    from datetime import datetime, timedelta

    import sqlalchemy as sa

    from qb.extensions import db
    from qb.newsletter.console import WEEKS, weekly_totals
    from qb.newsletter.models import Subscriber

    now = datetime(2026, 6, 10, 12, 0)  # a Wednesday
    ages = {"a@example.com": 400, "b@example.com": 17, "c@example.com": 1}  # days
    for email in ages:
        new_enquiry(console_app, email=email, newsletter=True)
    with console_app.app_context():
        for subscriber in db.session.scalars(sa.select(Subscriber)):
            subscriber.created_at = now - timedelta(days=ages[subscriber.email])
        db.session.commit()
        weeks = weekly_totals(now)
    assert len(weeks) == WEEKS and weeks[-1][0] == datetime(
        2026, 6, 7, 19, 0
    )  # Monday 00:00 in Kazakhstan
    assert [count for _monday, count in weeks[-5:]] == [1, 2, 2, 2, 3]
    assert weeks[0][1] == 1


def test_consent_choices_count_by_kazakhstan_day(make_app, postgres_uri):
    # 20:00 UTC is 01:00 the next day in Kazakhstan: the choice belongs to that day, on both
    # databases (the day is worked out in SQL).
    from datetime import datetime

    import sqlalchemy as sa

    from qb.cookies.models import CookieConsent
    from qb.cookies.services import daily_counts
    from qb.extensions import db

    from .site import ANALYTICS_SETTINGS

    for uri in (None, postgres_uri):
        app = make_app(
            tables=True, **ANALYTICS_SETTINGS, **({"SQLALCHEMY_DATABASE_URI": uri} if uri else {})
        )
        new_cookie_choice(app, "accept_all", granted=("ga",))
        with app.app_context():
            db.session.execute(
                sa.update(CookieConsent).values(recorded_at=datetime(2026, 11, 30, 20, 0))
            )
            db.session.commit()
            assert daily_counts() == [("2026-12-01", "accept_all", 1)]
