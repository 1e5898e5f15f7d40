"""`flask operators …`: no default account, no password in an argument, rules enforced."""

import sqlalchemy as sa

from qb.extensions import db
from qb.operators.models import Operator, OperatorSession

from .console_helpers import PASSWORD, sign_in


def run(app, *args, stdin=None):
    return app.test_cli_runner().invoke(args=["operators", *args], input=stdin)


def test_create_reads_the_password_from_standard_input(console_app):
    result = run(console_app, "create", "Asel@Example.kz", "--role", "staff", stdin=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    with console_app.app_context():
        operator = db.session.scalar(sa.select(Operator))
        assert operator.email == "asel@example.kz" and operator.password_hash.startswith(
            "$argon2id$"
        )
        assert PASSWORD not in operator.password_hash
    listed = run(console_app, "list")
    assert "asel@example.kz\tstaff\tactive" in listed.output


def test_short_common_and_address_passwords_are_refused(console_app):
    for password, reason in (
        ("short one", "at least 12"),
        ("Password2024!", "common"),
        ("qwertyuiop123", "common"),
        ("asel-asel-secret-1", "e-mail address"),
    ):
        result = run(
            console_app, "create", "asel@example.kz", "--role", "staff", stdin=password + "\n"
        )
        assert result.exit_code == 1 and reason in result.output, password
    assert (
        "No such option"
        in run(console_app, "create", "a@b.kz", "--role", "staff", "--password", "x").output
    )


def test_disable_and_reset_end_the_sessions(console_app):
    run(console_app, "create", "asel@example.kz", "--role", "staff", stdin=PASSWORD + "\n")
    client = console_app.test_client()
    assert sign_in(console_app, client, "asel@example.kz").status_code == 302
    assert run(console_app, "disable", "asel@example.kz").exit_code == 0
    assert client.get("/console/").status_code == 302
    assert sign_in(console_app, client, "asel@example.kz").status_code == 401
    run(console_app, "enable", "asel@example.kz")
    assert sign_in(console_app, client, "asel@example.kz").status_code == 302
    new = "a brand new passphrase"
    assert run(console_app, "reset", "asel@example.kz", stdin=new + "\n").exit_code == 0
    with console_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(OperatorSession.id))) == 0
    assert (
        sign_in(console_app, console_app.test_client(), "asel@example.kz", new).status_code == 302
    )
    assert run(console_app, "role", "asel@example.kz", "admin").exit_code == 0
    assert run(console_app, "disable", "nobody@example.kz").exit_code == 1


def test_purge_forgets_expired_sessions_and_old_throttle_keys(console_app):
    from datetime import timedelta

    from qb.clock import utcnow

    run(console_app, "create", "asel@example.kz", "--role", "staff", stdin=PASSWORD + "\n")
    sign_in(console_app, console_app.test_client(), "asel@example.kz")
    sign_in(console_app, console_app.test_client(), "asel@example.kz", "wrong password here")
    with console_app.app_context():
        db.session.execute(
            sa.update(OperatorSession).values(last_seen_at=utcnow() - timedelta(hours=1))
        )
        db.session.execute(
            sa.text("UPDATE signin_throttle SET updated_at = :t"),
            {"t": utcnow() - timedelta(days=2)},
        )
        db.session.commit()
    result = run(console_app, "purge")
    assert "1 expired sessions deleted, 2 throttle keys forgotten" in result.output
