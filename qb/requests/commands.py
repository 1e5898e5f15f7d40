"""`flask --app qb requests …`: enter, list, verify and close requests; the daily reminder;
the calendar's override table."""

from flask.cli import AppGroup

requests_cli = AppGroup("requests", help="The register of requests about personal data.")
