"""Every console URL: without a session to the sign-in page; with a role that lacks the
right, 403 and an audit entry."""

import re

import pytest
import sqlalchemy as sa

from qb.extensions import db
from qb.operators.models import AuditEntry

from .console_helpers import signed_in_client

SAMPLE_VALUES = {"int": "1", "default": "x", "string": "x"}


def console_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/console") and rule.endpoint not in {
            "console.login",
            "console.enrol",
            "console.logout",
        }:
            yield rule


def concrete(rule):
    return re.sub(
        r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_VALUES.get(m.group(1) or "default", "1"), rule.rule
    )


def methods(rule):
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def test_the_walk_finds_the_console(console_app):
    endpoints = {rule.endpoint for rule in console_rules(console_app)}
    assert {"console.home", "console.audit_log", "contact_console.enquiries"} <= endpoints


def test_without_a_session_every_console_url_leads_to_sign_in(console_app):
    client = console_app.test_client()
    for rule in console_rules(console_app):
        for method in methods(rule):
            if method == "POST":
                # The CSRF check answers a token-less POST first; with a token, sign-in.
                continue
            response = client.open(concrete(rule), method=method)
            assert response.status_code == 302, rule.rule
            assert response.headers["Location"].startswith("/console/login"), rule.rule


def test_without_a_session_a_post_with_a_token_leads_to_sign_in(console_app):
    client = console_app.test_client()
    page = client.get("/console/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    for rule in console_rules(console_app):
        if "POST" in rule.methods:
            response = client.post(concrete(rule), data={"csrf_token": token})
            assert response.status_code == 302, rule.rule
            assert response.headers["Location"].startswith("/console/login"), rule.rule


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_a_role_without_the_right_gets_403_and_is_logged(console_app, role):
    client, operator_id = signed_in_client(console_app, role)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/console/").text).group(1)
    refused = 0
    for rule in console_rules(console_app):
        roles = console_app.view_functions[rule.endpoint].console_roles
        if role in roles:
            continue
        for method in methods(rule):
            data = {"csrf_token": token} if method == "POST" else None
            response = client.open(concrete(rule), method=method, data=data)
            assert response.status_code == 403, (rule.rule, method)
            refused += 1
    assert refused
    with console_app.app_context():
        logged = db.session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(
                AuditEntry.action == "forbidden", AuditEntry.operator_id == operator_id
            )
        )
    assert logged == refused
