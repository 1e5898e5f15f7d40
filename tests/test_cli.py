"""The translate commands maintainers use."""

import shutil

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import qb.cli
from qb.i18n import LANGUAGES


def test_extract_collects_the_interface_strings(runner, tmp_path, monkeypatch):
    pot = tmp_path / "messages.pot"
    monkeypatch.setattr(qb.cli, "POT_FILE", pot)
    result = runner.invoke(args=["translate", "extract"])
    assert result.exit_code == 0, result.output
    with open(pot, "rb") as fh:
        ids = {m.id for m in read_po(fh)}
    assert {"Personal data policy", "Page not found", "Skip to content"} <= ids


def messages(catalogue):
    """{id: translation} of a catalogue's messages, plural forms as tuples."""

    def plain(value):
        return value if isinstance(value, str) else tuple(value)

    return {plain(m.id): plain(m.string) for m in catalogue if m.id}


def test_compile_builds_every_catalogue(runner, tmp_path, monkeypatch):
    # A copy of the catalogues without their .mo files: `make test` compiled the real ones.
    shutil.copytree(
        qb.cli.TRANSLATIONS, tmp_path, ignore=shutil.ignore_patterns("*.mo"), dirs_exist_ok=True
    )
    monkeypatch.setattr(qb.cli, "TRANSLATIONS", tmp_path)
    result = runner.invoke(args=["translate", "compile"])
    assert result.exit_code == 0, result.output
    for lang in LANGUAGES:
        folder = tmp_path / lang / "LC_MESSAGES"
        with open(folder / "messages.po", "rb") as po, open(folder / "messages.mo", "rb") as mo:
            source, built = read_po(po, locale=lang), read_mo(mo)
        translated = messages(m for m in source if m.string and not m.fuzzy)
        assert translated and "Page not found" in translated
        assert messages(built) == translated, lang


def test_translate_lists_its_commands(runner):
    result = runner.invoke(args=["translate", "--help"])
    assert result.exit_code == 0
    for command in ("extract", "update", "compile", "init"):
        assert command in result.output
