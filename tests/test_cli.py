"""The translate commands maintainers use."""

from babel.messages.pofile import read_po

import qb.cli


def test_extract_collects_the_interface_strings(runner, tmp_path, monkeypatch):
    pot = tmp_path / "messages.pot"
    monkeypatch.setattr(qb.cli, "POT_FILE", pot)
    result = runner.invoke(args=["translate", "extract"])
    assert result.exit_code == 0, result.output
    with open(pot, "rb") as fh:
        ids = {m.id for m in read_po(fh)}
    assert {"Personal data policy", "Page not found", "Skip to content"} <= ids


def test_compile_builds_every_catalogue(runner):
    result = runner.invoke(args=["translate", "compile"])
    assert result.exit_code == 0, result.output
    for lang in ("kk", "ru", "en"):
        assert (qb.cli.TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo").stat().st_size > 0


def test_translate_lists_its_commands(runner):
    result = runner.invoke(args=["translate", "--help"])
    assert result.exit_code == 0
    for command in ("extract", "update", "compile", "init"):
        assert command in result.output
