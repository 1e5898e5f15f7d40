"""Message catalogues: every string of the code and templates translated in every language."""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from qb.cli import BABEL_CFG, SKIPPED_DIRS
from qb.i18n import LANGUAGES

from .site import ROOT


def source_messages():
    """Every message the code and templates ask to translate, as `translate extract` sees them."""
    with open(BABEL_CFG, encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)}

    def wanted(dirname):
        name = Path(dirname).name
        return not name.startswith((".", "_")) and name not in SKIPPED_DIRS

    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=keywords, directory_filter=wanted
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def catalogue(lang):
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale=lang)


def test_sources_have_messages():
    assert "Personal data policy" in source_messages()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated(lang):
    cat = catalogue(lang)
    missing = sorted(m for m in source_messages() if m not in cat or not cat[m].string)
    assert not missing, f"{lang}: untranslated {missing}; run flask --app qb translate update"
    fuzzy = sorted(m.id for m in cat if m.id and m.fuzzy)
    assert not fuzzy, f"{lang}: fuzzy {fuzzy}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_survive_translation(lang):
    import re

    for message in catalogue(lang):
        if message.id and isinstance(message.id, str):
            names = sorted(re.findall(r"%\((\w+)\)s", message.id))
            assert names == sorted(re.findall(r"%\((\w+)\)s", message.string)), message.id


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_message_is_listed_twice(lang):
    # A catalogue that lists one message twice keeps only the last translation when read,
    # silently; entries added by hand must not repeat one already there.
    import re

    text = (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").read_text("utf-8")
    seen, twice = set(), []
    for entry in text.split("\n\n"):
        if entry.lstrip().startswith("#~"):
            continue
        context = re.search(r'^msgctxt (".*")$', entry, re.M)
        message = re.search(r'^msgid ((?:".*"\n?)+)', entry, re.M)
        if message and message.group(1) != '""\n':
            key = (context and context.group(1), message.group(1))
            if key in seen:
                twice.append(message.group(1).strip())
            seen.add(key)
    assert not twice, f"{lang}: listed twice {twice}"
