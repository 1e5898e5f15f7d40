"""Command-line tools: `flask --app qb translate …` for the message catalogues."""

import click
from babel.messages.frontend import CommandLineInterface
from flask.cli import AppGroup

from .config import ROOT
from .i18n import LANGUAGES

TRANSLATIONS = ROOT / "translations"
BABEL_CFG = TRANSLATIONS / "babel.cfg"
POT_FILE = TRANSLATIONS / "messages.pot"
# Folders with no visitor-facing text (besides hidden ones and those starting with "_").
SKIPPED_DIRS = ("node_modules", "tests", "bench")


def pybabel(*args):
    """Run one pybabel command in-process, from the project root."""
    CommandLineInterface().run(["pybabel", "-q", *map(str, args)])


def extract():
    """Collect every translatable string of the code and templates into messages.pot."""
    pybabel(
        "extract",
        "-F",
        BABEL_CFG,
        "-k",
        "_l",
        "--no-location",
        "--sort-output",
        "--ignore-dirs",
        " ".join((".*", "_*", *SKIPPED_DIRS)),
        "--project",
        "qb",
        "-o",
        POT_FILE,
        ROOT,
    )


translate = AppGroup("translate", help="Translation and localisation commands.")


@translate.command("extract")
def extract_command():
    """Update messages.pot from the sources."""
    extract()


@translate.command("update")
def update_command():
    """Extract, then merge new strings into every language's catalogue."""
    extract()
    for lang in LANGUAGES:
        pybabel(
            "update",
            "-i",
            POT_FILE,
            "-d",
            TRANSLATIONS,
            "-l",
            lang,
            "--no-fuzzy-matching",
            "--ignore-obsolete",
        )


@translate.command("compile")
def compile_command():
    """Build the .mo files the site reads at run time."""
    pybabel("compile", "-d", TRANSLATIONS)


@translate.command("init")
@click.argument("lang")
def init_command(lang):
    """Start a catalogue for a new language."""
    extract()
    pybabel("init", "-i", POT_FILE, "-d", TRANSLATIONS, "-l", lang)


def init_app(app):
    """Register the command groups."""
    app.cli.add_command(translate)
