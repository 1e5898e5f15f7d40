"""Command-line tools: `flask --app qb translate …` for the message catalogues and
`flask --app qb content check` for everything a maintainer edits."""

import click
from babel.messages.frontend import CommandLineInterface
from flask.cli import AppGroup

from . import backup, catalogue_check
from .config import ROOT
from .content_check import ContentCheck
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


content = AppGroup("content", help="Commands for the content files maintainers edit.")


@content.command("check")
def check_command():
    """Say what is wrong in the content, interface texts and templates, before publishing.

    Exit status 1 when anything is wrong, so a deployment can stop on it.
    """
    check = ContentCheck()
    problems = check.run()
    problems += catalogue_check.check_catalogues(ROOT, TRANSLATIONS, BABEL_CFG, SKIPPED_DIRS)
    problems += catalogue_check.check_templates(ROOT)
    for problem in sorted(problems):
        click.echo(str(problem))
    if problems:
        many = "problem" if len(problems) == 1 else "problems"
        click.echo(f"\n{len(problems)} {many}: fix them, then run this check again.")
        raise SystemExit(1)
    offers = len(check.offers.get(LANGUAGES[0], {}))
    click.echo(
        f"All in order: every page, {offers} offers and the policy in {', '.join(LANGUAGES)}; "
        "the interface texts and the templates."
    )


def init_app(app):
    """Register the command groups."""
    app.cli.add_command(translate)
    app.cli.add_command(content)
    backup.init_app(app)
