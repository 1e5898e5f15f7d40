"""The request register (shared service, no URL): requests about personal data, their legal
deadlines in Kazakhstan working days, `flask requests …` and the daily reminder."""

from email_validator import EmailNotValidError, validate_email

from .commands import requests_cli
from .services import RequestError, access_deadline_days


def init_app(app):
    """Register `flask requests …` and refuse settings the register cannot work with."""
    try:
        access_deadline_days(app.config)
    except RequestError as error:
        raise RuntimeError(str(error)) from error
    address = app.config.get("RESPONSIBLE_EMAIL")
    if address:
        try:
            validate_email(address, check_deliverability=False)
        except EmailNotValidError as error:
            raise RuntimeError(
                "RESPONSIBLE_EMAIL is not an e-mail address (docs/configuration.md)"
            ) from error
    app.cli.add_command(requests_cli)
