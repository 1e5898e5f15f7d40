"""The interface texts and templates, checked for `flask content check`: every string the
site shows translated in every catalogue with its placeholders kept, the built catalogues
up to date, and every template readable."""

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import current_app
from jinja2 import TemplateSyntaxError

from .content_check import Problem
from .i18n import LANGUAGES

LANGUAGE_NAMES = {"kk": "Kazakh", "ru": "Russian", "en": "English"}
KEYWORDS = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def source_messages(root, babel_cfg, skipped_dirs):
    """{msgid: (file, line)} of every string the code and templates ask to translate."""
    with open(babel_cfg, encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)

    def wanted(dirname):
        name = Path(dirname).name
        return not name.startswith((".", "_")) and name not in skipped_dirs

    found = {}
    for filename, line, message, _comments, _context in extract_from_dir(
        root, method_map, options_map, keywords=KEYWORDS, directory_filter=wanted
    ):
        msgid = message if isinstance(message, str) else message[0]
        found.setdefault(msgid, (filename, line))
    return found


def check_catalogues(root, translations, babel_cfg, skipped_dirs):
    """Problems of the catalogues in `translations` against the sources under `root`."""
    sources = source_messages(root, babel_cfg, skipped_dirs)
    problems = []
    for lang in LANGUAGES:
        folder = Path(translations) / lang / "LC_MESSAGES"
        po_path = folder / "messages.po"
        shown = _shown(po_path, root)
        with open(po_path, "rb") as fh:
            catalogue = read_po(fh, locale=lang)
        name = LANGUAGE_NAMES.get(lang, lang)
        for msgid, (filename, line) in sorted(sources.items()):
            message = catalogue.get(msgid)
            if message is None:
                problems.append(
                    Problem(
                        filename,
                        line,
                        f"“{_short(msgid)}” has no {name} translation: add it to {shown}",
                    )
                )
        for message in catalogue:
            if message.id:
                problems += _message_problems(message, shown, name)
        problems += _compiled_problems(folder, catalogue, _shown(folder / "messages.mo", root))
    return problems


def _message_problems(message, shown, name):
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    if not all(strings):
        return [Problem(shown, message.lineno, f"“{_short(msgid)}” has no {name} translation yet")]
    if message.fuzzy:
        return [
            Problem(
                shown,
                message.lineno,
                f"the {name} translation of “{_short(msgid)}” is marked "
                "#, fuzzy: check it, then delete that line (until then the site shows English)",
            )
        ]
    wanted = sorted(PLACEHOLDER.findall(msgid))
    for string in strings:
        if sorted(PLACEHOLDER.findall(string)) != wanted and wanted:
            keep = ", ".join(f"%({p})s" for p in sorted(set(wanted)))
            return [Problem(shown, message.lineno, f"the translation must keep {keep} as it is")]
    return []


def _compiled_problems(folder, catalogue, shown):
    """The site reads messages.mo: it must hold what messages.po says."""
    translated = {
        _plain(m.id): _plain(m.string) for m in catalogue if m.id and m.string and not m.fuzzy
    }
    try:
        with open(folder / "messages.mo", "rb") as fh:
            built = {_plain(m.id): _plain(m.string) for m in read_mo(fh) if m.id}
    except OSError:
        built = None
    if built != translated:
        return [
            Problem(
                shown,
                0,
                "does not hold the catalogue's latest translations: run "
                "flask --app qb translate compile (make run and make test do it too)",
            )
        ]
    return []


def check_templates(root):
    """A template that cannot be read breaks every page or mail that uses it."""
    problems = []
    env = current_app.jinja_env
    folder = Path(root) / "templates"
    for path in sorted(folder.rglob("*")):
        if path.suffix not in (".html", ".txt", ".xml") or "content" in path.parts:
            continue  # content files are Markdown and text, not templates
        try:
            env.parse(path.read_text(encoding="utf-8"), path.name, str(path))
        except TemplateSyntaxError as error:
            problems.append(
                Problem(_shown(path, root), error.lineno, f"the template cannot be read: {error}")
            )
    return problems


def _plain(value):
    return value if isinstance(value, str) else tuple(value)


def _short(text, width=60):
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _shown(path, root):
    path, root = Path(path), Path(root)
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
