"""`flask --app qb operators …` (named operators) and `flask --app qb audit verify`."""

import sys

import click
from flask.cli import AppGroup

from ..extensions import db
from . import audit, services, sessions, throttle
from .models import ROLES
from .passwords import PasswordRefused

operators = AppGroup("operators", help="Named operators of the console.")
audit_cli = AppGroup("audit", help="The console's audit log.")


def read_password():
    """Asked twice on a terminal; one line of standard input otherwise. Never an argument."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline()
    if not line:
        raise click.ClickException("no password on standard input")
    return line.rstrip("\r\n")


def _operator(email):
    operator = services.find(email)
    if operator is None:
        raise click.ClickException("no operator has this e-mail address")
    return operator


def _commit(action, *args, **kwargs):
    try:
        result = action(*args, **kwargs)
    except (services.OperatorError, PasswordRefused) as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    return result


@operators.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
def create_command(email, role):
    """Add an operator; the password is asked for (or read from standard input)."""
    operator = _commit(services.create, email, role, read_password())
    second = " (sets up a one-time code app at the first sign-in)" * operator.needs_second_factor
    click.echo(f"operator {operator.id} created with role {role}{second}")


@operators.command("list")
def list_command():
    """Every operator: id, e-mail address, role, state, second factor, last sign-in."""
    for op in services.all_operators():
        state = "active" if op.active else "disabled"
        factor = "2fa" if op.totp_confirmed else "-"
        last = op.last_signin_at.isoformat(timespec="minutes") if op.last_signin_at else "never"
        click.echo(f"{op.id}\t{op.email}\t{op.role}\t{state}\t{factor}\t{last}")


@operators.command("disable")
@click.argument("email")
def disable_command(email):
    """Disable an operator: every session ends at once; the account stays for the log."""
    operator = _operator(email)
    _commit(services.disable, operator)
    click.echo(f"operator {operator.id} disabled; sessions ended")


@operators.command("enable")
@click.argument("email")
def enable_command(email):
    """Enable a disabled operator again."""
    operator = _operator(email)
    _commit(services.enable, operator)
    click.echo(f"operator {operator.id} enabled")


@operators.command("role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
def role_command(email, role):
    """Give an operator another role (their sessions end)."""
    operator = _operator(email)
    _commit(services.set_role, operator, role)
    click.echo(f"operator {operator.id} now has role {role}")


@operators.command("reset")
@click.argument("email")
@click.option("--keep-second-factor", is_flag=True, help="Keep the one-time code app.")
def reset_command(email, keep_second_factor):
    """A new password (asked for), a new second factor at the next sign-in; sessions end."""
    operator = _operator(email)
    _commit(services.reset, operator, read_password(), second_factor=not keep_second_factor)
    click.echo(f"operator {operator.id} reset; sessions ended")


@audit_cli.command("verify")
def verify_command():
    """Check the hash chain of the audit log; report the first broken link."""
    checked, broken, reason = audit.verify()
    if broken is None:
        click.echo(f"audit log intact: {checked} entries")
        return
    raise click.ClickException(f"audit log broken at entry {broken}: {reason}")


@operators.command("purge")
def purge_command():
    """Delete expired sessions and sign-in throttle keys older than a day (run daily)."""
    ended, forgotten = sessions.purge_expired(), throttle.purge()
    db.session.commit()
    click.echo(f"{ended} expired sessions deleted, {forgotten} throttle keys forgotten")
