"""Delivery under failure: retries with backoff, permanent refusals, crashes, hung servers, TLS."""

import ssl
import subprocess
import threading
from datetime import timedelta

import pytest

from qb.clock import utcnow
from qb.extensions import db
from qb.outbox import background
from qb.outbox.models import OutboxMessage
from qb.outbox.sender import claim
from qb.outbox.services import request_delivery
from qb.outbox.transport import tls_context

from .outbox_helpers import queue, row, rows, send
from .ports import free_port
from .smtp import SmtpSink, mail_settings

outbox = OutboxMessage.__table__


def cli(app, *args):
    return app.test_cli_runner().invoke(args=["outbox", *args])


def test_server_down_keeps_mail_pending_then_delivers_each_once(make_app):
    port = free_port()
    app = make_app(**mail_settings("127.0.0.1", port), tables=True)
    ids = queue(app, 5)

    assert "sent 0, deferred 5, failed 0" in send(app)
    for r in rows(app):
        assert r["status"] == "pending" and r["attempts"] == 1
        assert r["next_attempt_at"] > utcnow() and r["last_error"] == "ConnectionRefusedError"
    assert "sent 0, deferred 0, failed 0" in send(app)  # backoff holds them back

    with SmtpSink(port) as sink:
        assert "sent 5, deferred 0, failed 0" in send(app, "--now")
        assert "sent 0, deferred 0, failed 0" in send(app, "--now")
        got = sink.wait_for(5)
    assert len(sink.messages) == 5
    assert sorted(m.rcpt_tos[0] for m in got) == [f"person{n}@example.kz" for n in ids]
    assert {m.message["Message-ID"] for m in got} == {r["message_id"] for r in rows(app)}
    assert {(r["status"], r["attempts"]) for r in rows(app)} == {("sent", 2)}


def test_backoff_grows_exponentially_up_to_the_cap(make_app, smtp_server):
    app = make_app(
        **smtp_server.settings(),
        OUTBOX_RETRY_BASE_SECONDS=10,
        OUTBOX_RETRY_MAX_SECONDS=35,
        tables=True,
    )
    [message_id] = queue(app)
    smtp_server.defer.add("person1@example.kz")
    delays = []
    for _ in range(4):
        before = utcnow()
        send(app, "--now")
        delays.append((row(app, message_id)["next_attempt_at"] - before).total_seconds())
    # base·2^(n-1) capped at 35, times a jitter factor in [0.5, 1]
    for delay, full in zip(delays, [10, 20, 35, 35], strict=True):
        assert full * 0.5 - 1 <= delay <= full + 1
    assert row(app, message_id)["last_error"] == "SMTP 451 recipient refused"


def test_message_id_stays_the_same_across_retries(make_app, smtp_server):
    app = make_app(**smtp_server.settings(), tables=True)
    [message_id] = queue(app)
    fixed = row(app, message_id)["message_id"]
    smtp_server.defer.add("person1@example.kz")
    assert "deferred 1" in send(app)
    smtp_server.defer.clear()
    assert "sent 1" in send(app, "--now")
    [got] = smtp_server.wait_for(1)
    assert got.message["Message-ID"] == fixed


def test_a_permanent_refusal_fails_is_listed_and_can_be_retried(make_app, smtp_server):
    app = make_app(**smtp_server.settings(), tables=True)
    [bad, good] = queue(app, 2)
    smtp_server.refuse.add("person1@example.kz")
    assert "sent 1, deferred 0, failed 1" in send(app)

    status = cli(app, "status")
    assert status.exit_code == 0
    assert "pending: 0  sending: 0  sent: 1  failed: 1" in status.output
    assert "oldest pending" not in status.output
    listed = [line.split() for line in status.output.splitlines() if line.strip().startswith("1 ")]
    assert listed and listed[0][:3] == [str(bad), "test", "1"]
    assert "SMTP 550 recipient refused" in status.output
    assert "person1" not in status.output and "Өтініш" not in status.output

    smtp_server.refuse.clear()
    retried = cli(app, "retry", str(bad))
    assert retried.exit_code == 0 and f"requeued 1: {bad}" in retried.output
    assert "sent 1, deferred 0, failed 0" in send(app)
    assert [m.rcpt_tos for m in smtp_server.wait_for(2)] == [
        ["person2@example.kz"],
        ["person1@example.kz"],
    ]
    assert good != bad


def test_too_many_attempts_fail_the_message_but_keep_it(make_app, smtp_server):
    app = make_app(**smtp_server.settings(), OUTBOX_MAX_ATTEMPTS=3, tables=True)
    [message_id] = queue(app)
    smtp_server.defer.add("person1@example.kz")
    outputs = [send(app, "--now") for _ in range(2)]
    created = row(app, message_id)["created_at"]
    assert f"oldest pending since {created:%Y-%m-%d %H:%M:%S} UTC" in cli(app, "status").output
    outputs += [send(app, "--now") for _ in range(2)]
    assert ["deferred 1" in o for o in outputs[:2]] == [True, True]
    assert "failed 1" in outputs[2] and "sent 0, deferred 0, failed 0" in outputs[3]
    kept = row(app, message_id)
    assert (kept["status"], kept["attempts"]) == ("failed", 3)
    assert kept["body_text"]  # still there to retry
    assert str(message_id) in cli(app, "status").output

    smtp_server.defer.clear()
    assert "requeued 1" in cli(app, "retry", "--all-failed").output
    assert "sent 1" in send(app)


def test_an_expired_claim_is_resent_with_the_same_message_id(make_app, smtp_server):
    app = make_app(**smtp_server.settings(), tables=True)
    [message_id] = queue(app)
    with app.app_context():
        [claimed] = claim(app.config)  # a sender claims it and dies before recording anything
    assert "sent 0, deferred 0, failed 0" in send(app, "--now")  # still held by that sender
    with app.app_context():
        db.session.execute(outbox.update().values(locked_until=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert "sent 1" in send(app)
    [got] = smtp_server.wait_for(1)
    assert got.message["Message-ID"] == claimed["message_id"]
    assert row(app, message_id)["attempts"] == 2


def test_a_hanging_server_makes_the_pass_give_up_and_keep_the_mail(make_app, hanging_smtp_server):
    app = make_app(**hanging_smtp_server.settings(timeout=1), tables=True)
    [message_id] = queue(app)
    assert "sent 0, deferred 1, failed 0" in send(app)
    kept = row(app, message_id)
    assert (kept["status"], kept["attempts"]) == ("pending", 1)
    assert hanging_smtp_server.connections


def test_request_delivery_sends_in_the_background(make_app, smtp_server):
    app = make_app(**smtp_server.settings(), OUTBOX_BACKGROUND=True, tables=True)
    [message_id] = queue(app)
    with app.app_context():
        request_delivery()
    smtp_server.wait_for(1)
    background.stop(app, timeout=10)
    assert row(app, message_id)["status"] == "sent"


def test_request_delivery_returns_while_the_server_hangs(make_app, hanging_smtp_server):
    app = make_app(**hanging_smtp_server.settings(timeout=1), OUTBOX_BACKGROUND=True, tables=True)
    [message_id] = queue(app)
    with app.test_request_context():
        request_delivery()  # returns at once: the thread waits for the server, not the caller
        assert row(app, message_id)["status"] in ("pending", "sending")
    background.stop(app, timeout=10)
    assert hanging_smtp_server.connections  # the requested pass ran and gave up
    kept = row(app, message_id)
    # It connects before it claims: an unusable server costs no write and counts no attempt.
    assert (kept["status"], kept["attempts"], kept["locked_until"]) == ("pending", 0, None)


def test_request_delivery_without_an_app_does_not_raise(caplog):
    def senders():
        return {t for t in threading.enumerate() if t.name == "outbox-sender"}

    before = senders()
    assert request_delivery() is None
    assert "could not wake the background sender: RuntimeError" in caplog.text
    assert senders() <= before  # and no sender was started


@pytest.mark.parametrize(
    "args, message",
    [
        (["retry", "abc"], "not a valid integer"),
        (["retry", "-1"], "No such option"),
        (["retry", "0"], "not in the range"),
        (["retry"], "Give message ids or --all-failed"),
        (["retry", "5", "--all-failed"], "Give message ids or --all-failed"),
        (["retry", "99999"], "not failed or not found: 99999"),
        (["send", "--later"], "No such option"),
    ],
)
def test_hostile_command_arguments_get_a_clear_error(make_app, args, message):
    app = make_app(tables=True)
    result = cli(app, *args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_tls_contexts_verify_certificates_and_host_names():
    context = tls_context()
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname is True


@pytest.fixture(scope="session")
def self_signed(tmp_path_factory):
    """A certificate for 127.0.0.1 that no system trust store knows."""
    where = tmp_path_factory.mktemp("tls")
    cert, key = where / "cert.pem", where / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            key,
            "-out",
            cert,
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return cert, context


@pytest.mark.parametrize("mode", ["starttls", "ssl"])
def test_an_untrusted_certificate_stops_delivery_until_it_is_trusted(
    make_app, self_signed, monkeypatch, mode
):
    cert, server_context = self_signed
    if mode == "ssl":
        sink = SmtpSink(server_ssl_context=server_context)
    else:
        sink = SmtpSink(starttls_context=server_context)
    with sink:
        settings = {**sink.settings(), "MAIL_USE_TLS": mode == "starttls"}
        settings["MAIL_USE_SSL"] = mode == "ssl"
        app = make_app(**settings, tables=True)
        [message_id] = queue(app)
        assert "sent 0, deferred 1, failed 0" in send(app)
        assert row(app, message_id)["last_error"] == "SSLCertVerificationError"
        assert sink.messages == []

        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # now the client trusts it
        assert "sent 1" in send(app, "--now")
        [got] = sink.wait_for(1)
    assert got.message["Message-ID"] == row(app, message_id)["message_id"]
