"""The request register's verbs on SQLite and PostgreSQL: entering with the deadline of each
kind, verifying, closing, self-service, the open, overdue and due-soon lists; the migration."""

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from qb.extensions import db
from qb.requests import services
from qb.requests.models import DataRequest, WorkdayOverride
from qb.requests.services import RequestError

from .test_requests_workdays import almaty, end_of

PERSON = "ab" * 32  # a mailbox pseudonym: 64 hex digits
TUESDAY = almaty(2026, 12, 1, 10, 0)


@pytest.fixture(params=["sqlite", "postgresql"])
def register_app(request, make_app):
    if request.param == "sqlite":
        app = make_app(tables=True)
    else:
        app = make_app(SQLALCHEMY_DATABASE_URI=request.getfixturevalue("postgres_uri"))
    with app.app_context():
        yield app


def enter(kind="access", channel="email", received_at=TUESDAY, **extra):
    extra.setdefault("identity_check", "reply from the address on file")
    extra.setdefault("by", "cli")
    request = services.enter(kind, channel, received_at=received_at, **extra)
    db.session.commit()
    return request


@pytest.mark.parametrize(
    ("kind", "due"),
    [
        ("correction", end_of(date(2026, 12, 2))),
        ("blocking", end_of(date(2026, 12, 2))),
        ("deletion", end_of(date(2026, 12, 2))),
        ("access", end_of(date(2026, 12, 4))),
        ("question", end_of(date(2026, 12, 4))),
        # 15 working days with Independence Day on Wednesday 16 December.
        ("withdrawal", end_of(date(2026, 12, 23))),
        ("unsubscribe", TUESDAY + timedelta(hours=48)),
    ],
)
def test_each_kind_gets_its_legal_deadline(register_app, kind, due):
    request = enter(kind)
    assert request.due_at == due
    assert request.status == "received" and request.entered_by == "cli"
    stored = db.session.get(DataRequest, request.id)
    assert stored.due_at == due and stored.kind == kind


def test_the_access_deadline_is_a_setting(make_app):
    app = make_app(tables=True, ACCESS_DEADLINE_WORKING_DAYS=5)
    with app.app_context():
        assert enter("access").due_at == end_of(date(2026, 12, 8))


@pytest.mark.parametrize("value", [0, 16, "three", True, 2.5, None])
def test_a_bad_access_deadline_stops_the_start(make_app, value):
    with pytest.raises(RuntimeError, match="ACCESS_DEADLINE_WORKING_DAYS"):
        make_app(ACCESS_DEADLINE_WORKING_DAYS=value)


def test_a_bad_responsible_address_stops_the_start(make_app):
    with pytest.raises(RuntimeError, match="RESPONSIBLE_EMAIL"):
        make_app(RESPONSIBLE_EMAIL="not an address")


def test_overrides_move_the_deadline(register_app):
    db.session.add(WorkdayOverride(day=date(2026, 12, 2), is_working=False, changed_by="cli"))
    db.session.commit()
    assert enter("correction").due_at == end_of(date(2026, 12, 3))


def test_verify_and_close(register_app):
    request = enter("correction", person=PERSON)
    services.verify(request.id, identity_check="signed letter", by="operator:1")
    db.session.commit()
    assert request.status == "verified" and request.identity_check == "signed letter"
    assert request.verified_by == "operator:1" and request.verified_at is not None
    services.close(request.id, outcome="phone number corrected", by="operator:1")
    db.session.commit()
    stored = db.session.get(DataRequest, request.id)
    assert (stored.status, stored.outcome, stored.closed_by) == (
        "done",
        "phone number corrected",
        "operator:1",
    )
    assert stored.closed_at is not None and stored.person == PERSON
    with pytest.raises(RequestError, match="closed already"):
        services.close(request.id, outcome="again", by="cli")


def test_a_refusal_needs_its_reason(register_app):
    request = enter("withdrawal")
    with pytest.raises(RequestError, match="reason"):
        services.close(request, status="refused", outcome="kept", by="cli")
    services.close(
        request, status="refused", outcome="kept", reason="contract still running", by="cli"
    )
    db.session.commit()
    assert db.session.get(DataRequest, request.id).refusal_reason == "contract still running"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"kind": "erase"}, "unknown kind"),
        ({"channel": "fax"}, "unknown channel"),
        ({"identity_check": "  "}, "identity check is required"),
        ({"person": "someone@example.kz"}, "pseudonym"),
        ({"received_at": datetime(2999, 1, 1)}, "future"),
        ({"note": "x" * 501}, "longer than 500"),
        ({"by": ""}, "actor is required"),
    ],
)
def test_bad_input_is_refused_with_a_reason(register_app, args, message):
    with pytest.raises(RequestError, match=message):
        enter(**args)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DataRequest)) == 0


def test_unknown_ids_and_statuses(register_app):
    with pytest.raises(RequestError, match="no request has the id 99"):
        services.close(99, outcome="x", by="cli")
    request = enter()
    with pytest.raises(RequestError, match="unknown status"):
        services.close(request, status="maybe", outcome="x", by="cli")


def test_self_service_is_entered_and_closed_at_once(register_app):
    request = services.record_self_service("unsubscribe", PERSON, "subscription ended")
    db.session.commit()
    stored = db.session.get(DataRequest, request.id)
    assert stored.channel == "self-service" and stored.status == "done"
    assert stored.entered_by == stored.closed_by == "self-service"
    assert stored.outcome == "subscription ended" and stored.mailbox_pseudonym == PERSON
    assert services.open_requests() == []


def test_open_overdue_and_due_soon(register_app):
    old = enter("correction", received_at=almaty(2026, 11, 2, 10, 0))  # due 3 November
    soon = enter("access", received_at=almaty(2026, 12, 1, 10, 0))  # due Friday 4 December
    later = enter("withdrawal", received_at=almaty(2026, 12, 1, 10, 0))  # due 23 December
    done = enter("blocking", received_at=almaty(2026, 11, 2, 10, 0))
    services.close(done, outcome="blocked", by="cli")
    db.session.commit()
    now = almaty(2026, 12, 3, 12, 0)
    assert [r.id for r in services.open_requests(now=now)] == [old.id, soon.id, later.id]
    assert [r.id for r in services.open_requests(overdue_only=True, now=now)] == [old.id]
    # Thursday: Friday is the next working day, so Friday's deadline is included.
    assert [r.id for r in services.due_tomorrow_or_overdue(date(2026, 12, 3))] == [old.id, soon.id]
    # Wednesday: the next working day is Thursday; Friday's deadline waits.
    assert [r.id for r in services.due_tomorrow_or_overdue(date(2026, 12, 2))] == [old.id]


def test_find_by_person_status_and_kind(register_app):
    mine = enter("access", person=PERSON)
    enter("access", person="cd" * 32)
    assert [r.id for r in services.find(person=PERSON)] == [mine.id]
    assert [r.id for r in services.find(person=PERSON, status="open", kind="access")] == [mine.id]
    assert services.find(person=PERSON, status="done") == []


def test_the_migration_adds_the_register_without_touching_a_row(make_app):
    app = make_app()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "0007_newsletter"]).exit_code == 0
    with app.app_context():
        db.session.execute(
            sa.text(
                "insert into enquiry (submission_key, name, email, mailbox_key, message,"
                " language, status, created_at) values ('k', 'Асель', 'a@example.kz',"
                " 'a@example.kz', 'Сәлем', 'kk', 'new', '2026-12-01 10:00:00')"
            )
        )
        db.session.commit()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(sa.text("select count(*) from enquiry")) == 1
        enter("access")
        assert db.session.scalar(sa.select(sa.func.count()).select_from(DataRequest)) == 1
    assert runner.invoke(args=["db", "check"]).exit_code == 0
