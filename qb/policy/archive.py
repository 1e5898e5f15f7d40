"""The policy's revisions: the one in force, what each changed (§8.2), and the texts of the
earlier ones, kept word for word in templates/content/politika/<revision>/<lang>.txt.

templates/content/politika.toml names them: `revision`, `effective` and `[changes]` (one
line per language) for the text in force, and an `[[earlier]]` table for each earlier
revision with the same keys, newest first. `publish` makes a new revision in one step.
"""

import json
import shutil
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .. import content
from ..i18n import LANGUAGES

ARCHIVE = "politika"  # templates/content/politika/<revision>/<lang>.txt
HEADER = """\
# The policy revision in force and what it changed; below it, every earlier revision, newest
# first, whose texts are kept in politika/<revision>/<lang>.txt. Publishing a new text is one
# command: docs/content.md, "Publishing a policy revision".
"""


@dataclass(frozen=True)
class Entry:
    """One revision: its number, when it took effect, until when (None: in force), and what
    it changed, per language."""

    number: int
    effective: date
    until: date | None
    changes: dict

    def changes_in(self, lang):
        return self.changes.get(lang) or self.changes.get("kk", "")


def _data(root=None):
    root = Path(root or content.CONTENT_DIR)
    return tomllib.loads((root / "politika.toml").read_text(encoding="utf-8"))


def revisions(root=None):
    """Every revision, the one in force first, each with the date it gave way to the next."""
    data = _data(root)
    rows = [data, *data.get("earlier", [])]
    entries, until = [], None
    for row in rows:
        entry = Entry(int(row["revision"]), row["effective"], until, dict(row.get("changes", {})))
        entries.append(entry)
        until = entry.effective
    return entries


def earlier(number, root=None):
    """The earlier revision `number`, or None (unknown, or the one in force)."""
    for entry in revisions(root)[1:]:
        if entry.number == number:
            return entry
    return None


def text_path(number, lang, root=None):
    return Path(root or content.CONTENT_DIR) / ARCHIVE / str(number) / f"{lang}.txt"


class PublishError(ValueError):
    """The new revision cannot be published as it is."""


def publish(folder, effective, root=None):
    """Put the texts in `folder` (kk.txt, ru.txt, en.txt and changes.toml with a line per
    language) in force from `effective`: the texts in force go to the archive, politika.toml
    names the new revision. Returns the new revision's number."""
    root = Path(root or content.CONTENT_DIR)
    folder = Path(folder)
    data = _data(root)
    current = int(data["revision"])
    if effective < data["effective"]:
        raise PublishError(f"the new text cannot take effect before {data['effective']}")
    texts = _new_texts(folder)
    changes = _new_changes(folder)
    target = root / ARCHIVE / str(current)
    if target.exists():
        raise PublishError(f"{target} exists already: was this revision archived before?")
    target.mkdir(parents=True)
    for lang in LANGUAGES:
        shutil.copyfile(root / lang / "politika.txt", target / f"{lang}.txt")
    for lang, text in texts.items():
        (root / lang / "politika.txt").write_text(text, encoding="utf-8")
    old = {key: data[key] for key in ("revision", "effective")}
    old["changes"] = data.get("changes", {})
    earlier_rows = [old, *data.get("earlier", [])]
    new = {"revision": current + 1, "effective": effective, "changes": changes}
    (root / "politika.toml").write_text(_toml(new, earlier_rows), encoding="utf-8")
    return current + 1


def _new_texts(folder):
    texts = {}
    for lang in LANGUAGES:
        path = folder / f"{lang}.txt"
        if not path.is_file() or not path.read_text(encoding="utf-8").strip():
            raise PublishError(f"{path} is missing or empty: every language needs the new text")
        texts[lang] = path.read_text(encoding="utf-8")
    return texts


def _new_changes(folder):
    path = folder / "changes.toml"
    try:
        changes = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise PublishError(f"{path}: {error}") from error
    missing = [lang for lang in LANGUAGES if not str(changes.get(lang, "")).strip()]
    if missing:
        raise PublishError(f"{path} says nothing for {', '.join(missing)}: what changed?")
    return {lang: str(changes[lang]).strip() for lang in LANGUAGES}


def _toml(current, earlier_rows):
    """politika.toml as `publish` writes it (strings as JSON writes them: valid TOML)."""
    lines = [HEADER.rstrip("\n"), *_plain(current), "", "[changes]", *_changes(current)]
    for row in earlier_rows:
        lines += ["", "[[earlier]]", *_plain(row), "", "[earlier.changes]", *_changes(row)]
    return "\n".join(lines) + "\n"


def _plain(row):
    return [f"revision = {int(row['revision'])}", f"effective = {row['effective'].isoformat()}"]


def _changes(row):
    changes = row.get("changes", {})
    return [f"{lang} = {json.dumps(text, ensure_ascii=False)}" for lang, text in changes.items()]
