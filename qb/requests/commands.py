"""`flask --app qb requests …`: enter, list, verify and close requests that arrive by mail,
letter or phone; the daily reminder; the calendar's override table (`requests days …`).

Bad input ends with a message and exit status 2, never a traceback. Nothing personal is
printed or stored: an address given with --email becomes its mailbox pseudonym at once.
"""

from datetime import UTC, date, datetime

import click
import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask.cli import AppGroup

from ..clock import KAZAKHSTAN_TIME, in_kazakhstan, kazakhstan_today, utcnow
from ..extensions import db
from ..mailbox import mailbox_key, mailbox_pseudonym
from ..outbox.models import FAILED, PENDING, SENT
from ..outbox.sender import send_due
from . import mails, services
from .models import CHANNELS, DONE, KINDS, REFUSED, WorkdayOverride
from .services import RequestError
from .workdays import Calendar

requests_cli = AppGroup("requests", help="The register of requests about personal data.")
LIST_LIMIT = 200


class RequestId(click.IntRange):
    """A positive whole number that fits the database's integer."""

    name = "request id"

    def __init__(self):
        super().__init__(1, 2**63 - 1)


def _address(_ctx, _param, value):
    """--email ADDRESS checked as the forms check it (the app is not set up yet here)."""
    if value is None:
        return None
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError as error:
        # The message never repeats the value: what the operator typed stays out of logs.
        raise click.BadParameter("not an e-mail address such as name@example.kz") from error
    return result.normalized


def _pseudonym(address):
    """The pseudonym of the mailbox `address` reaches; the address itself goes no further."""
    if address is None:
        return None
    return mailbox_pseudonym(mailbox_key(address))


def _almaty_time(_ctx, _param, value):
    """--received "YYYY-MM-DD HH:MM" (or a date alone: its start) in Kazakhstan time, as UTC."""
    if value is None:
        return None
    for shape in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"):
        try:
            local = datetime.strptime(value.strip(), shape)
        except ValueError:
            continue
        aware = local.replace(tzinfo=KAZAKHSTAN_TIME)
        return aware.astimezone(UTC).replace(tzinfo=None)
    raise click.BadParameter('write it as "YYYY-MM-DD HH:MM" in Kazakhstan time')


def _commit(action):
    """Run `action` (a services call), commit, and turn a RequestError into a usage error."""
    try:
        result = action()
        db.session.commit()
    except RequestError as error:
        db.session.rollback()
        raise click.UsageError(str(error)) from error
    return result


def _when(moment):
    return in_kazakhstan(moment).strftime("%Y-%m-%d %H:%M") if moment else "-"


by_option = click.option("--by", default="cli", show_default=True, help="Who acts (actor).")


@requests_cli.command("add")
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--channel", required=True, type=click.Choice(CHANNELS), help="How it arrived.")
@click.option("--identity", "identity_check", required=True, help="How identity was checked.")
@click.option("--received", callback=_almaty_time, help='"YYYY-MM-DD HH:MM", Kazakhstan time.')
@click.option("--email", "address", callback=_address, help="The requester's address.")
@click.option("--note", help="A short note without personal data.")
@by_option
def add_command(kind, channel, identity_check, received, address, note, by):
    """Enter a request of KIND that arrived by mail, letter or phone; print its deadline."""
    person = _pseudonym(address)
    request = _commit(
        lambda: services.enter(
            kind,
            channel,
            received_at=received,
            identity_check=identity_check,
            person=person,
            by=by,
            note=note,
        )
    )
    due = in_kazakhstan(request.due_at)
    click.echo(f"request {request.id} entered: {kind}, due {due:%Y-%m-%d %H:%M} Kazakhstan time")


@requests_cli.command("list")
@click.option("--open", "only_open", is_flag=True, help="Only requests not closed yet.")
@click.option("--overdue", is_flag=True, help="Only open requests past their deadline.")
@click.option("--email", "address", callback=_address, help="Only this mailbox's requests.")
@click.option("--kind", type=click.Choice(KINDS), help="Only requests of this kind.")
def list_command(only_open, overdue, address, kind):
    """Requests: ids, kinds, channels, times, statuses (--open and --overdue by deadline,
    otherwise the newest 200 first)."""
    person = _pseudonym(address)
    if only_open and overdue:
        raise click.UsageError("--open and --overdue exclude each other (--overdue is open too)")
    now = utcnow()
    if overdue or only_open:
        rows = services.open_requests(overdue_only=overdue, now=now, person=person, kind=kind)
    else:
        rows = services.find(person=person, kind=kind, limit=LIST_LIMIT)
    if not rows:
        click.echo("No requests.")
        return
    click.echo(f"{'id':>6}  {'kind':<11} {'channel':<14} {'received':<16}  {'due':<16}  status")
    for r in rows:
        flag = " OVERDUE" if r.is_overdue(now) else ""
        click.echo(
            f"{r.id:>6}  {r.kind:<11} {r.channel:<14} {_when(r.received_at):<16}  "
            f"{_when(r.due_at):<16}  {r.status}{flag}"
            + (f" {_when(r.closed_at)} by {r.closed_by}" if r.closed_at else "")
        )
    click.echo("(times in Kazakhstan time)")


@requests_cli.command("verify")
@click.argument("request_id", type=RequestId())
@click.option("--identity", "identity_check", help="How identity was checked, if new.")
@by_option
def verify_command(request_id, identity_check, by):
    """Record that the requester of REQUEST_ID is who they say they are."""
    _commit(lambda: services.verify(request_id, identity_check=identity_check, by=by))
    click.echo(f"request {request_id} verified")


@requests_cli.command("close")
@click.argument("request_id", type=RequestId())
@click.option("--outcome", required=True, help="What was done, without personal data.")
@click.option("--refused", is_flag=True, help="Refused (give --reason).")
@click.option("--reason", help="Why it was refused (a reasoned refusal, Art. 8(7)).")
@by_option
def close_command(request_id, outcome, refused, reason, by):
    """Close REQUEST_ID as done, or --refused with its --reason."""
    status = REFUSED if refused else DONE
    request = _commit(
        lambda: services.close(request_id, status=status, outcome=outcome, reason=reason, by=by)
    )
    late = " (after its deadline)" if request.closed_at > request.due_at else ""
    click.echo(f"request {request_id} closed: {status}{late}")


@requests_cli.command("remind")
@click.option("--dry-run", is_flag=True, help="Only list what would be mailed.")
def remind_command(dry_run):
    """Mail the responsible person the requests overdue or due by the next working day
    (run daily); ids, kinds and deadlines only."""
    today, now = kazakhstan_today(), utcnow()
    due = services.due_tomorrow_or_overdue(today)
    cutoff = Calendar.from_database(since=today).next_working_day(today)
    if not due:
        click.echo(f"nothing overdue or due by {cutoff}: no mail")
        return
    ids = " ".join(str(r.id) for r in due)
    if dry_run:
        click.echo(f"would mail {len(due)} requests due by {cutoff}: {ids}")
        return
    message = mails.queue_reminder(due, today, cutoff, now)
    if message.status != PENDING:
        click.echo(f"today's reminder was mailed already ({message.status}); nothing new")
        return
    db.session.commit()
    send_due(current_app.config, bulk=False)
    db.session.refresh(message)
    if message.status == FAILED:
        raise click.ClickException(
            f"the mail server refused the reminder of requests {ids}: flask outbox status"
        )
    state = "sent" if message.status == SENT else "queued: the outbox worker will retry"
    click.echo(f"reminder of {len(due)} requests due by {cutoff} {state}: {ids}")


days_cli = AppGroup("days", help="The override table of Kazakhstan working days.")
requests_cli.add_command(days_cli)


def _day(_ctx, _param, value):
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("write the date as YYYY-MM-DD") from None


@days_cli.command("list")
@click.option("--year", type=click.IntRange(2000, 2100), help="Only this year.")
def days_list_command(year):
    """The operator's overrides (they win over the holidays library)."""
    rows = calendar_overrides(year)
    if not rows:
        click.echo("No overrides.")
    for row in rows:
        kind = "working day" if row.is_working else "day off"
        click.echo(
            f"{row.day}  {kind:<11}  {row.note}  ({row.changed_by}, {_when(row.changed_at)})"
        )


@days_cli.command("set")
@click.argument("day", callback=_day)
@click.option("--working/--day-off", "is_working", required=True, help="What DAY is.")
@click.option("--note", required=True, help="Why: the decree, the announcement.")
@by_option
def days_set_command(day, is_working, note, by):
    """Make DAY (YYYY-MM-DD) a working day or a day off, whatever the library says."""
    note = " ".join(note.split())
    if not note or len(note) > 200:
        raise click.BadParameter("write why in 1 to 200 characters", param_hint="--note")
    row = db.session.get(WorkdayOverride, day) or WorkdayOverride(day=day)
    row.is_working, row.note, row.changed_by, row.changed_at = is_working, note, by, utcnow()
    db.session.add(row)
    db.session.commit()
    click.echo(f"{day} is now a {'working day' if is_working else 'day off'}")
    _recompute(day)


@days_cli.command("remove")
@click.argument("day", callback=_day)
def days_remove_command(day):
    """Drop the override of DAY: the holidays library decides again."""
    row = db.session.get(WorkdayOverride, day)
    if row is None:
        raise click.UsageError(f"no override for {day}")
    db.session.delete(row)
    db.session.commit()
    click.echo(f"override of {day} removed")
    _recompute(day)


@days_cli.command("check")
@click.argument("day", callback=_day)
def days_check_command(day):
    """Whether DAY is a working day, and why."""
    calendar = Calendar.from_database(since=day)
    kind = "a working day" if calendar.is_working_day(day) else "a day off"
    click.echo(f"{day} is {kind} ({calendar.why(day)})")


def calendar_overrides(year=None):
    query = sa.select(WorkdayOverride).order_by(WorkdayOverride.day)
    if year is not None:
        query = query.where(WorkdayOverride.day.between(date(year, 1, 1), date(year, 12, 31)))
    return list(db.session.scalars(query))


def _recompute(day):
    """Open requests whose period runs over `day` get their deadline again; say which moved."""
    moved = services.recompute_deadlines(day)
    db.session.commit()
    for request_id, before, after in moved:
        click.echo(f"request {request_id}: deadline moved from {_when(before)} to {_when(after)}")
