"""The operator as legal texts name it: its registered name per language and its BIN.

Consent texts and mails state who processes the data (Law 94-V Art. 8(4)). Outside debug
and testing the site refuses to start without the settings that say it, rather than ask
for consent on a text that names no one.
"""

import re
from collections.abc import Mapping

from flask import current_app

from .i18n import LANGUAGES

# A business identification number: twelve digits.
BIN_PATTERN = re.compile(r"\d{12}")
# The name development and tests show while OPERATOR_NAME is unset; production never does.
STAND_IN_NAME = "Qauipsiz Bolashaq"


def legal_name(lang):
    """The operator's registered name with its legal form in `lang`, else OPERATOR_NAME."""
    config = current_app.config
    return (config["OPERATOR_LEGAL_NAMES"] or {}).get(lang) or config["OPERATOR_NAME"]


def mailbox_provider(lang):
    """Who hosts the operator's mailbox, by its registered name in `lang`."""
    provider = current_app.config["OPERATOR_MAILBOX_PROVIDER"]
    if isinstance(provider, Mapping):
        return provider.get(lang) or next(iter(provider.values()))
    return provider


def check(app):
    """Refuse settings that would leave the operator unnamed or its BIN malformed."""
    config = app.config
    lenient = app.debug or app.testing
    names = config.get("OPERATOR_LEGAL_NAMES") or {}
    if not isinstance(names, Mapping) or not all(
        isinstance(name, str) and name.strip() for name in names.values()
    ):
        raise RuntimeError(
            "OPERATOR_LEGAL_NAMES must map a language to the operator's registered name, "
            'e.g. {"kk": "«Қауіпсіз Болашақ» ЖШС", "ru": "ТОО «Қауіпсіз Болашақ»", '
            '"en": "Qauipsiz Bolashaq LLP"} (docs/configuration.md)'
        )
    if unknown := sorted(set(names) - set(LANGUAGES)):
        raise RuntimeError(
            f"OPERATOR_LEGAL_NAMES names languages the site does not have: {unknown}; "
            f"its languages are {', '.join(LANGUAGES)}"
        )
    config["OPERATOR_LEGAL_NAMES"] = dict(names)
    provider = config.get("OPERATOR_MAILBOX_PROVIDER")
    if not (
        (isinstance(provider, str) and provider.strip())
        or (isinstance(provider, Mapping) and provider and all(provider.values()))
    ):
        raise RuntimeError(
            "OPERATOR_MAILBOX_PROVIDER must name who hosts OPERATOR_EMAIL: one name, or one "
            "per language (docs/configuration.md)"
        )
    if not str(config.get("OPERATOR_NAME") or "").strip():
        if not lenient:
            raise RuntimeError(
                "OPERATOR_NAME is not set: the consent texts must name the operator "
                "(Law 94-V Art. 8(4)). Set OPERATOR_NAME in instance/config.py or "
                "QB_OPERATOR_NAME to its registered name, and OPERATOR_LEGAL_NAMES for "
                "that name in each language (docs/configuration.md)"
            )
        config["OPERATOR_NAME"] = STAND_IN_NAME
    number = config.get("OPERATOR_BIN")
    if number is None or str(number).strip() == "":
        if not lenient:
            raise RuntimeError(
                "OPERATOR_BIN is not set: the consent texts must state the operator's BIN "
                "(Law 94-V Art. 8(4)). Set OPERATOR_BIN in instance/config.py or "
                "QB_OPERATOR_BIN to its 12 digits (docs/configuration.md)"
            )
        config["OPERATOR_BIN"] = None
        return
    # QB_OPERATOR_BIN=123456789012 arrives as a number (the variables are read as JSON).
    number = str(number).strip()
    if not BIN_PATTERN.fullmatch(number):
        raise RuntimeError(f"OPERATOR_BIN {number!r} is not a BIN: write its 12 digits")
    config["OPERATOR_BIN"] = number


def init_app(app):
    """Check the settings and let templates (the mail layout) name the operator."""
    check(app)
    app.add_template_global(legal_name, "operator_legal_name")
