"""`flask cookies stats|export` (also as `flask consent …`): the proof of cookie choices."""

import csv
import sys

import click
from flask.cli import AppGroup

from . import services

cookies = AppGroup("cookies", help="Cookie and analytics consent records.")

CSV_HEADER = [
    "consent_id",
    "recorded_at_utc",
    "method",
    "granted",
    "refused",
    "policy_revision",
    "banner_version",
    "language",
]
# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


@cookies.command("stats")
def stats_command():
    """Print the number of choices per day (Kazakhstan time) and method."""
    rows = services.daily_counts()
    if not rows:
        click.echo("No consent records yet.")
        return
    click.echo(f"{'day (Almaty)':<12} {'method':<12} {'count':>7}")
    for day, method, count in rows:
        click.echo(f"{day:<12} {method:<12} {count:>7}")
    click.echo(f"{'total':<25} {sum(row[2] for row in rows):>7}")


@cookies.command("export")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    help="Write to this file instead of standard output.",
)
def export_command(output):
    """Write every consent record as CSV (no IP address or user agent is ever stored)."""
    out = open(output, "w", newline="", encoding="utf-8") if output else sys.stdout
    try:
        writer = csv.writer(out)
        writer.writerow(CSV_HEADER)
        count = 0
        for record in services.all_records():
            writer.writerow(
                [
                    _cell(value)
                    for value in (
                        record.consent_id,
                        record.recorded_at.isoformat(timespec="seconds") + "Z",
                        record.method,
                        record.granted,
                        record.refused,
                        record.policy_revision,
                        record.banner_version,
                        record.language,
                    )
                ]
            )
            count += 1
    finally:
        if output:
            out.close()
    if output:
        click.echo(f"{count} records written to {output}", err=True)
