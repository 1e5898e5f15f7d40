"""The "my data" and news-and-offers forms answer a known and an unknown address in the same
time: the extra work a known one costs is waited out up to FORM_ANSWER_SECONDS.

The floor is checked on a stand-in clock (its sleep advances it instead of waiting), so
these tests wait for nothing and do not depend on the machine's speed."""

import time

import pytest

from qb import webforms

from . import newsletter_helpers, rights_helpers
from .factories import new_enquiry

FLOOR = 5.0  # seconds on the stand-in clock; far above any real answer


class StandInTime:
    """time for qb.webforms: monotonic() is the real one plus whatever sleep() was asked."""

    def __init__(self):
        self.slept = []
        self.reads = []

    def monotonic(self):
        value = time.monotonic() + sum(self.slept)
        self.reads.append(value)
        return value

    def sleep(self, seconds):
        self.slept.append(seconds)

    def __getattr__(self, name):
        return getattr(time, name)


@pytest.fixture
def clock(monkeypatch):
    stand_in = StandInTime()
    monkeypatch.setattr(webforms, "time", stand_in)
    return stand_in


def answered_in(clock, send):
    """Send one request; how long the steady block took on the stand-in clock."""
    clock.slept.clear()
    clock.reads.clear()
    response = send()
    assert response.status_code == 303
    assert len(clock.reads) == 2 and len(clock.slept) == 1
    return clock.reads[1] - clock.reads[0] + clock.slept[0]


def test_my_data_answers_a_known_and_an_unknown_address_after_the_same_time(make_app, clock):
    app = make_app(**rights_helpers.SETTINGS, FORM_ANSWER_SECONDS=FLOOR, tables=True)
    new_enquiry(app, email="known@example.kz")
    client = app.test_client()
    known = answered_in(clock, lambda: rights_helpers.ask_for_link(client, "known@example.kz"))
    unknown = answered_in(clock, lambda: rights_helpers.ask_for_link(client, "nobody@example.kz"))
    assert known == pytest.approx(FLOOR) and unknown == pytest.approx(FLOOR)
    assert len(rights_helpers.links(app)) == 1  # only the known address got a link


def test_news_and_offers_answer_a_new_and_a_confirmed_address_after_the_same_time(make_app, clock):
    app = make_app(**newsletter_helpers.SETTINGS, FORM_ANSWER_SECONDS=FLOOR, tables=True)
    newsletter_helpers.new_subscriber(app, "confirmed@example.kz")
    client = app.test_client()
    confirmed = answered_in(
        clock, lambda: newsletter_helpers.subscribe(client, email="confirmed@example.kz")
    )
    new = answered_in(clock, lambda: newsletter_helpers.subscribe(client, email="new@example.kz"))
    assert confirmed == pytest.approx(FLOOR) and new == pytest.approx(FLOOR)


def test_no_floor_means_no_wait(make_app, clock):
    app = make_app(**rights_helpers.SETTINGS, FORM_ANSWER_SECONDS=0, tables=True)
    response = rights_helpers.ask_for_link(app.test_client(), "nobody@example.kz")
    assert response.status_code == 303 and clock.slept == []
