"""`flask requests …`: add, list, verify, close, the override table and the daily reminder
through the outbox to a real SMTP server; bad input ends with a message and status 2."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from qb.clock import utcnow
from qb.extensions import db
from qb.outbox.models import OutboxMessage
from qb.requests import services
from qb.requests.models import DataRequest, WorkdayOverride

from .test_requests_workdays import almaty, end_of


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, make_app):
    if request.param == "sqlite":
        return make_app(tables=True)
    return make_app(SQLALCHEMY_DATABASE_URI=request.getfixturevalue("postgres_uri"))


def run(app, *args):
    return app.test_cli_runner().invoke(args=["requests", *args])


def ok(app, *args):
    result = run(app, *args)
    assert result.exit_code == 0, result.output
    return result.output


def rows(app):
    with app.app_context():
        return db.session.scalars(sa.select(DataRequest).order_by(DataRequest.id)).all()


def test_add_list_verify_close(app):
    out = ok(
        app, "add", "access", "--channel", "email", "--identity", "reply from the address",
        "--received", "2026-11-02 10:00",
    )  # fmt: skip
    assert out == "request 1 entered: access, due 2026-11-05 23:59 Kazakhstan time\n"
    ok(app, "add", "correction", "--channel", "letter", "--identity", "signed letter")
    [first, second] = rows(app)
    assert first.received_at == almaty(2026, 11, 2, 10, 0) and first.due_at == end_of(
        date(2026, 11, 5)
    )
    assert second.channel == "letter" and second.entered_by == "cli"

    listed = ok(app, "list", "--open")
    assert "access" in listed and "correction" in listed and "OVERDUE" in listed
    assert ok(app, "list", "--overdue").count("OVERDUE") == 1
    assert ok(app, "list", "--kind", "correction").count("correction") == 1

    assert ok(app, "verify", "2", "--identity", "signed letter, seen") == "request 2 verified\n"
    out = ok(app, "close", "2", "--outcome", "phone corrected", "--by", "operator:3")
    assert out == "request 2 closed: done\n"
    out = ok(app, "close", "1", "--refused", "--reason", "not the holder", "--outcome", "none")
    assert out == "request 1 closed: refused (after its deadline)\n"
    assert [(r.status, r.closed_by) for r in rows(app)] == [
        ("refused", "cli"),
        ("done", "operator:3"),
    ]
    assert ok(app, "list", "--open") == "No requests.\n"
    assert "refused" in ok(app, "list")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "erase", "--channel", "email", "--identity", "x"], "'erase' is not one of"),
        (["add", "access", "--channel", "fax", "--identity", "x"], "'fax' is not one of"),
        (["add", "access", "--channel", "email"], "Missing option '--identity'"),
        (["add", "access", "--channel", "email", "--identity", " "], "identity check is required"),
        (
            ["add", "access", "--channel", "email", "--identity", "x", "--received", "yesterday"],
            "YYYY-MM-DD HH:MM",
        ),
        (
            ["add", "access", "--channel", "email", "--identity", "x", "--received", "2999-01-01"],
            "in the future",
        ),
        (
            ["add", "access", "--channel", "email", "--identity", "x", "--email", "not-an@"],
            "not an e-mail address",
        ),
        (["close", "7", "--outcome", "x"], "no request has the id 7"),
        (["close", "0", "--outcome", "x"], "Invalid value for 'REQUEST_ID'"),
        (["close", "abc", "--outcome", "x"], "Invalid value for 'REQUEST_ID'"),
        (["close", "1"], "Missing option '--outcome'"),
        (["verify", "99999999999999999999"], "Invalid value for 'REQUEST_ID'"),
        (["list", "--open", "--overdue"], "exclude each other"),
        (["days", "set", "2026-13-01", "--day-off", "--note", "x"], "YYYY-MM-DD"),
        (["days", "set", "2026-12-01", "--note", "x"], "--working"),
        (["days", "set", "2026-12-01", "--working", "--note", " "], "1 to 200 characters"),
        (["days", "remove", "2026-12-01"], "no override for 2026-12-01"),
        (["days", "check", "tomorrow"], "YYYY-MM-DD"),
    ],
)
def test_bad_input_gets_a_message_and_status_2(app, args, message):
    result = run(app, *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert rows(app) == []


def test_closing_twice_or_refusing_without_a_reason_is_refused(app):
    ok(app, "add", "blocking", "--channel", "phone", "--identity", "called back")
    result = run(app, "close", "1", "--refused", "--outcome", "kept")
    assert result.exit_code == 2 and "needs its reason" in result.output
    result = run(app, "close", "1", "--outcome", "blocked", "--reason", "why")
    assert result.exit_code == 2 and "only with a refusal" in result.output
    ok(app, "close", "1", "--outcome", "blocked")
    result = run(app, "close", "1", "--outcome", "blocked")
    assert result.exit_code == 2 and "closed already (done)" in result.output


def test_the_address_is_kept_only_as_its_pseudonym(app):
    ok(
        app,
        "add",
        "deletion",
        "--channel",
        "email",
        "--identity",
        "x",
        "--email",
        "A.Sel+x@Gmail.com",
    )
    ok(app, "add", "access", "--channel", "email", "--identity", "x", "--email", "bolat@example.kz")
    [mine, other] = rows(app)
    assert len(mine.mailbox_pseudonym) == 64 and mine.mailbox_pseudonym != other.mailbox_pseudonym
    with app.app_context():
        dumped = repr(db.session.execute(sa.text("select * from data_request")).all()).lower()
    assert "asel" not in dumped and "gmail" not in dumped and "example" not in dumped
    # Another spelling of the same mailbox finds its requests, and only them.
    listed = ok(app, "list", "--email", "asel@gmail.com")
    assert "deletion" in listed and "access" not in listed
    opened = ok(app, "list", "--open", "--email", "asel@googlemail.com")
    assert "deletion" in opened and "access" not in opened
    assert ok(app, "list", "--open", "--kind", "access").count("access") == 1
    assert ok(app, "list", "--email", "nobody@example.kz") == "No requests.\n"


def test_the_override_table(app):
    assert "a day off (Nowruz Holiday)" in ok(app, "days", "check", "2026-03-23")
    assert "a working day (weekday)" in ok(app, "days", "check", "2026-12-02")
    with app.app_context():
        services.enter(
            "correction", "email", received_at=almaty(2026, 12, 1, 10, 0), identity_check="x",
            by="cli",
        )  # fmt: skip
        db.session.commit()
    out = ok(app, "days", "set", "2026-12-02", "--day-off", "--note", "Kurban Ait (decree)")
    assert "2026-12-02 is now a day off" in out
    assert "request 1: deadline moved from 2026-12-02 23:59 to 2026-12-03 23:59" in out
    assert "a day off (override table)" in ok(app, "days", "check", "2026-12-02")
    ok(app, "days", "set", "2026-12-05", "--working", "--note", "working Saturday (decree)")
    listed = ok(app, "days", "list", "--year", "2026")
    assert "2026-12-02  day off" in listed and "2026-12-05  working day" in listed
    assert ok(app, "days", "list", "--year", "2025") == "No overrides.\n"
    out = ok(app, "days", "remove", "2026-12-02")
    assert "deadline moved from 2026-12-03 23:59 to 2026-12-02 23:59" in out
    with app.app_context():
        assert db.session.get(WorkdayOverride, date(2026, 12, 2)) is None


@pytest.fixture
def remind_app(make_app, smtp_server):
    return make_app(
        tables=True,
        OPERATOR_LANGUAGE="en",
        RESPONSIBLE_EMAIL="dpo@qauipsizbolashaq.kz",
        **smtp_server.settings(),
    )


def enter_now(app, kind, received_at, note="Asel wants her phone number changed"):
    with app.app_context():
        request = services.enter(
            kind, "email", received_at=received_at, identity_check="signed letter",
            person="ab" * 32, by="cli", note=note,
        )  # fmt: skip
        db.session.commit()
        return request.id


def test_remind_mails_the_responsible_person_ids_kinds_and_deadlines(remind_app, smtp_server):
    now = utcnow()
    assert ok(remind_app, "remind").startswith("nothing overdue or due by ")
    overdue = enter_now(remind_app, "access", now - timedelta(days=40))
    soon = enter_now(remind_app, "correction", now)  # due by the end of the next working day
    enter_now(remind_app, "withdrawal", now)  # 15 working days: not yet
    closed = enter_now(remind_app, "blocking", now - timedelta(days=40))
    with remind_app.app_context():
        services.close(closed, outcome="blocked", by="cli")
        db.session.commit()

    assert "would mail 2 requests due by" in ok(remind_app, "remind", "--dry-run")
    out = ok(remind_app, "remind")
    assert "reminder of 2 requests due by" in out and f"sent: {overdue} {soon}" in out
    [mail] = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["dpo@qauipsizbolashaq.kz"]
    assert mail.message["Subject"].startswith("Requests about personal data due by ")
    text = mail.message.get_body(("plain",)).get_content()
    html = mail.message.get_body(("html",)).get_content()
    for body in (text, html):
        assert f"No. {overdue}, access to personal data: due " in body
        assert f"No. {soon}, correction of personal data: due " in body
        assert body.count("(overdue)") == 1
        assert "withdrawal" not in body and "blocking" not in body
        # Nothing about what was asked or who asked.
        assert "Asel" not in body and "signed letter" not in body and "ab" * 32 not in body

    # The same day again: no second mail.
    assert "mailed already" in ok(remind_app, "remind")
    with remind_app.app_context():
        kinds = db.session.scalars(sa.select(OutboxMessage.kind)).all()
    assert kinds == ["requests-reminder"]


def test_remind_in_kazakh_by_default(make_app, smtp_server):
    app = make_app(tables=True, **smtp_server.settings())
    enter_now(app, "deletion", utcnow() - timedelta(days=10))
    ok(app, "remind")
    [mail] = smtp_server.wait_for(1)
    assert mail.rcpt_tos == [app.config["OPERATOR_EMAIL"]]
    text = mail.message.get_body(("plain",)).get_content()
    assert "№ 1, жеке деректерді жою: мерзімі " in text and "(мерзімі өтіп кетті)" in text


def test_a_reminder_the_server_cannot_take_now_waits_in_the_outbox(remind_app, smtp_server):
    smtp_server.defer.add("dpo@qauipsizbolashaq.kz")
    enter_now(remind_app, "blocking", utcnow() - timedelta(days=10))
    assert "queued: the outbox worker will retry: 1" in ok(remind_app, "remind")
    smtp_server.defer.clear()
    # Run again the same day: still the one reminder, waiting out its retry delay.
    assert "queued: the outbox worker will retry: 1" in ok(remind_app, "remind")
    with remind_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1
    result = remind_app.test_cli_runner().invoke(args=["outbox", "send", "--now"])
    assert result.exit_code == 0 and "sent 1" in result.output, result.output
    [mail] = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["dpo@qauipsizbolashaq.kz"]


def test_a_refused_reminder_fails_the_run(remind_app, smtp_server):
    smtp_server.refuse.add("dpo@qauipsizbolashaq.kz")
    enter_now(remind_app, "blocking", utcnow() - timedelta(days=10))
    result = run(remind_app, "remind")
    assert result.exit_code == 1 and "refused the reminder of requests 1" in result.output
