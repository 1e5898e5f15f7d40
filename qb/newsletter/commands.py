"""`flask --app qb newsletter …`: send a campaign and follow it; subscribers; retention."""

import json
import signal
import sys
import threading
import time
from pathlib import Path

import click
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask.cli import AppGroup

from ..clock import utcnow
from ..i18n import LANGUAGES
from ..outbox.messages import compose, make_message_id
from ..outbox.sender import send_due
from ..outbox.services import status_counts
from . import campaigns, reports, services
from .models import OPERATOR_METHOD, Subscriber
from .retention import purge_unconfirmed

newsletter = AppGroup("newsletter", help="News and offers: campaigns and subscribers.")


@newsletter.command("send")
@click.argument("name")
@click.option("--dry-run", is_flag=True, help="Show the counts and one sample per language.")
@click.option("--samples", type=click.Path(file_okay=False), help="Also write them as .eml.")
@click.option("--yes", is_flag=True, help="Do not ask before sending.")
@click.option("--queue-only", is_flag=True, help="Queue only; the outbox worker sends.")
def send_command(name, dry_run, samples, yes, queue_only):
    """Send campaign NAME to every confirmed subscriber, each in their language.

    Stopped (Ctrl-C, SIGTERM), it ends after the message in hand; run it again to go on:
    nobody gets a second copy.
    """
    campaign = _campaign(name)
    counts = campaigns.audience()
    total = sum(counts.values())
    for lang in LANGUAGES:
        note = " (no translation: they get the Kazakh text)" if lang in campaign.missing else ""
        click.echo(f"{lang}: {counts.get(lang, 0)} confirmed subscribers{note}")
    if dry_run:
        _show_samples(campaign, samples)
        return
    if not total:
        click.echo("Nobody to send to.")
        return
    if not yes:
        click.confirm(f"Send {name!r} to {total} subscribers?", abort=True)
    stopping = _stop_on_signals()
    with click.progressbar(length=total, label="Queueing", show_pos=True) as bar:
        added = campaigns.queue_campaign(campaign, progress=bar.update, stop=stopping.is_set)
    click.echo(f"queued {added} new copies")
    if not stopping.is_set() and not queue_only:
        _deliver(campaign, stopping)
    if stopping.is_set():
        click.echo("Stopped. Run the same command again to go on; nobody gets a second copy.")
        sys.exit(1)
    _print_status(campaign.key_prefix())


def _campaign(name):
    try:
        return campaigns.load_campaign(name)
    except campaigns.CampaignError as error:
        raise click.ClickException(str(error)) from error


def _stop_on_signals():
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    return stopping


def _deliver(campaign, stopping):
    """Run sending passes (enquiries' mail still goes first), with the campaign's progress."""
    prefix = campaign.key_prefix()
    counts = status_counts(prefix)
    total = sum(counts.values())
    start, first = time.monotonic(), counts["sent"] + counts["failed"]
    with click.progressbar(
        length=total, label="Sending", show_pos=True, show_eta=True, item_show_func=str
    ) as bar:
        bar.update(first)

        def on_batch(_result):
            now = status_counts(prefix)
            done = now["sent"] + now["failed"]
            rate = (done - first) / max(time.monotonic() - start, 1e-3)
            bar.update(max(done - bar.pos, 0), f"{rate:.0f}/s")

        while not stopping.is_set():
            if not send_due(current_app.config, stop=stopping.is_set, on_batch=on_batch).handled:
                break


@newsletter.command("status")
@click.argument("name")
def status_command(name):
    """Copies of campaign NAME queued, sent and failed."""
    _print_status(campaigns.Campaign(name).key_prefix())


def _print_status(prefix):
    counts = status_counts(prefix)
    queued = counts["pending"] + counts["sending"]
    click.echo(f"queued: {queued}  sent: {counts['sent']}  failed: {counts['failed']}")
    if counts["failed"]:
        click.echo("failed copies: `flask outbox status` lists them, `flask outbox retry` resends")


@newsletter.command("subscribers")
def subscribers_command():
    """Subscribers by status and language (counts only)."""
    rows = reports.counts()
    click.echo(f"{'status':<10} " + " ".join(f"{lang:>6}" for lang in LANGUAGES) + "  total")
    for status, per_lang in rows.items():
        numbers = " ".join(f"{per_lang.get(lang, 0):>6}" for lang in LANGUAGES)
        click.echo(f"{status:<10} {numbers}  {sum(per_lang.values()):>5}")


@newsletter.command("unsubscribe")
@click.argument("address")
def unsubscribe_command(address):
    """Unsubscribe ADDRESS (a request by e-mail, policy §4.2), in any spelling of its mailbox."""
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as error:
        raise click.BadParameter("not an e-mail address", param_hint="ADDRESS") from error
    subscriber_id = services.find_by_address(address)
    if subscriber_id is None or not services.unsubscribe(subscriber_id, OPERATOR_METHOD):
        click.echo("No subscriber with that address: nothing to do.")
        return
    click.echo(f"Subscriber {subscriber_id} unsubscribed; their data is destroyed.")


@newsletter.command("export")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True))
def export_command(output):
    """Write every subscriber as CSV (personal data: keep the file safe, delete it after use)."""
    out = open(output, "w", newline="", encoding="utf-8") if output else sys.stdout
    try:
        count = reports.write_csv(out)
    finally:
        if output:
            out.close()
    if output:
        click.echo(f"{count} subscribers written to {output}", err=True)


@newsletter.command("purge")
@click.option("--dry-run", is_flag=True, help="Only count; change nothing.")
def purge_command(dry_run):
    """Destroy subscriptions left unconfirmed past NEWSLETTER_CONFIRM_DAYS (run daily)."""
    purged = purge_unconfirmed(dry_run=dry_run)
    verb = "would destroy" if dry_run else "destroyed"
    ids = " ".join(map(str, purged.subscriber_ids)) or "-"
    click.echo(f"{verb} {len(purged.subscriber_ids)} unconfirmed subscriptions: {ids}")
    click.echo(f"mails deleted: {purged.mails}; consent records unlinked: {purged.consents}")


@newsletter.command("send-confirmations")
@click.option("--dry-run", is_flag=True, help="Only count; mail nothing.")
def send_confirmations_command(dry_run):
    """Mail the confirmation request to pending subscribers that never had one (once, after
    the upgrade that carried the contact form's ticked boxes over)."""
    ids = services.mail_unsent_confirmations(dry_run=dry_run)
    verb = "would mail" if dry_run else "queued"
    click.echo(f"{verb} {len(ids)} confirmation requests: {' '.join(map(str, ids)) or '-'}")


def _show_samples(campaign, folder):
    """One copy per language as a subscriber would get it (with a made-up address)."""
    config = current_app.config
    for lang in LANGUAGES:
        sample = Subscriber(id=0, email="subscriber@example.kz", name=None, language=lang)
        fields = campaigns.message(campaign, sample)
        click.echo(f"\n--- sample for {lang} subscribers ---\nSubject: {fields['subject']}")
        click.echo(fields["text"])
        if folder:
            row = _sample_row(fields, config)
            path = Path(folder) / f"{campaign.name}-{lang}.eml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(compose(row, config["MAIL_DEFAULT_SENDER"]).data)
            click.echo(f"(written to {path})")


def _sample_row(fields, config):
    return {
        "recipient": fields["to"],
        "recipient_name": None,
        "reply_to": None,
        "reply_to_name": None,
        "sender": fields["sender"],
        "subject": fields["subject"],
        "created_at": utcnow(),
        "message_id": make_message_id(config["SITE_URL"]),
        "body_text": fields["text"],
        "body_html": fields["html"],
        "headers": json.dumps(fields["headers"]),
    }
