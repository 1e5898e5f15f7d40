"""Signing in to the console: passwords, one-time codes, throttling, server-held sessions."""

from datetime import timedelta

import pyotp
import sqlalchemy as sa

from qb.clock import utcnow
from qb.extensions import db
from qb.operators.models import AuditEntry, Operator, OperatorSession

from .console_helpers import (
    PASSWORD,
    csrf_token,
    fresh_code,
    make_operator,
    post,
    secret_of,
    sign_in,
    signed_in_client,
)


def actions(app):
    with app.app_context():
        return [e.action for e in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))]


def test_without_a_session_the_console_sends_to_sign_in(console_app):
    response = console_app.test_client().get("/console/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/console/login?next=/console/")


def test_staff_signs_in_with_a_new_session_and_signs_out_by_post(console_app):
    make_operator(console_app)
    client = console_app.test_client()
    client.get("/_test/none")  # no cookie yet
    response = sign_in(console_app, client, next_path="/console/password")
    assert response.status_code == 302 and response.headers["Location"] == "/console/password"
    home = client.get("/console/")
    assert home.status_code == 200 and "staff@example.kz" in home.text
    assert home.headers["Cache-Control"] == "no-store"
    assert client.get("/console/logout").status_code == 405  # sign-out is a POST
    assert post(client, "/console/logout").status_code == 303
    assert client.get("/console/").status_code == 302
    with console_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(OperatorSession.id))) == 0
    assert actions(console_app)[-2:] == ["signin", "signout"]


def test_a_stolen_cookie_is_worthless_after_sign_out(console_app):
    client, _ = signed_in_client(console_app)
    cookie = client.get_cookie("qb_session").value
    post(client, "/console/logout")
    thief = console_app.test_client()
    thief.set_cookie("qb_session", cookie)
    assert thief.get("/console/").status_code == 302


def test_wrong_password_and_unknown_account_get_the_same_answer(console_app):
    make_operator(console_app)
    wrong = sign_in(console_app, console_app.test_client(), password="not the password at all")
    unknown = sign_in(console_app, console_app.test_client(), email="nobody@example.kz")
    assert wrong.status_code == unknown.status_code == 401
    assert "Кіру сәтсіз аяқталды" in wrong.text and "Кіру сәтсіз аяқталды" in unknown.text
    assert actions(console_app)[-2:] == ["signin-failed", "signin-failed"]


def test_failures_make_the_next_try_wait_longer_but_never_lock(console_app):
    make_operator(console_app)
    client = console_app.test_client()
    statuses = [
        sign_in(console_app, client, password="wrong password " * 2).status_code for _ in range(4)
    ]
    assert statuses[:3] == [401, 401, 401] and statuses[3] == 429
    answer = sign_in(console_app, client)  # even the right password waits its turn
    assert answer.status_code == 429 and int(answer.headers["Retry-After"]) >= 1
    with console_app.app_context():  # the delay passes: the rightful operator gets in
        db.session.execute(sa.text("UPDATE signin_throttle SET not_before = :t"), {"t": utcnow()})
        db.session.commit()
    assert sign_in(console_app, client).status_code == 302


def test_admin_needs_a_code_and_a_code_works_once(console_app):
    operator_id = make_operator(console_app, "admin@example.kz", "admin")
    client = console_app.test_client()
    assert sign_in(console_app, client, "admin@example.kz").status_code == 401  # no code
    code = fresh_code(console_app, operator_id)
    assert sign_in(console_app, client, "admin@example.kz", code=code).status_code == 302
    again = console_app.test_client()
    assert sign_in(console_app, again, "admin@example.kz", code=code).status_code == 401


def test_first_sign_in_of_a_responsible_sets_up_the_code_app(console_app):
    make_operator(console_app, "resp@example.kz", "responsible", enrolled=False)
    client = console_app.test_client()
    response = sign_in(console_app, client, "resp@example.kz")
    assert response.headers["Location"] == "/console/enrol"
    page = client.get("/console/enrol")
    assert "<svg" in page.text and "<title>" in page.text and "style=" not in page.text
    with console_app.app_context():
        operator = db.session.scalar(sa.select(Operator))
        secret, operator_id = operator.totp_secret, operator.id
    assert secret in page.text
    bad = client.post(
        "/console/enrol", data={"csrf_token": csrf_token(page.text), "code": "000000"}
    )
    assert bad.status_code == 400
    code = pyotp.TOTP(secret_of(console_app, operator_id)).now()
    done = client.post("/console/enrol", data={"csrf_token": csrf_token(page.text), "code": code})
    assert done.status_code == 302 and client.get("/console/").status_code == 200


def test_idle_and_absolute_limits_are_checked_on_the_server(console_app):
    client, _ = signed_in_client(console_app)
    with console_app.app_context():
        db.session.execute(
            sa.update(OperatorSession).values(last_seen_at=utcnow() - timedelta(minutes=31))
        )
        db.session.commit()
    assert client.get("/console/").status_code == 302
    client, _ = signed_in_client(console_app, email="second@example.kz")
    with console_app.app_context():
        db.session.execute(
            sa.update(OperatorSession).values(created_at=utcnow() - timedelta(hours=12, minutes=1))
        )
        db.session.commit()
    assert client.get("/console/").status_code == 302


def test_a_password_change_ends_every_session(console_app):
    client, operator_id = signed_in_client(console_app)
    other = console_app.test_client()
    sign_in(console_app, other)
    response = post(
        client,
        "/console/password",
        {"current": PASSWORD, "new": "another long passphrase here"},
        "/console/password",
    )
    assert response.status_code == 303
    assert client.get("/console/").status_code == 302 and other.get("/console/").status_code == 302
    assert (
        sign_in(
            console_app, console_app.test_client(), password="another long passphrase here"
        ).status_code
        == 302
    )


def test_disabling_an_operator_ends_their_sessions(console_app):
    admin, _ = signed_in_client(console_app, "admin")
    staff, staff_id = signed_in_client(console_app)
    response = post(admin, f"/console/operators/{staff_id}/active", page="/console/operators")
    assert response.status_code == 303
    assert staff.get("/console/").status_code == 302
    assert sign_in(console_app, console_app.test_client()).status_code == 401


def test_an_admin_changes_a_role_which_ends_the_sessions_and_is_logged(console_app):
    admin, admin_id = signed_in_client(console_app, "admin")
    staff, staff_id = signed_in_client(console_app)
    page = "/console/operators"
    assert (
        post(admin, f"/console/operators/{staff_id}/role", {"role": "nobody"}, page).status_code
        == 400
    )
    assert (
        post(
            admin, f"/console/operators/{staff_id}/role", {"role": "responsible"}, page
        ).status_code
        == 303
    )
    assert staff.get("/console/").status_code == 302
    with console_app.app_context():
        assert db.session.get(Operator, staff_id).role == "responsible"
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "role-changed"))
        assert entry.operator_id == admin_id and entry.detail == "staff->responsible"
        assert entry.record_ids == f"operator:{staff_id}"
