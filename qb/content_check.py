"""What is wrong in the content files, in plain words with file and line, before visitors
see it: `flask --app qb content check` (the text of each file: qb/content_text_check.py; the
interface texts and templates: qb/catalogue_check.py).

Every language must have every page and offer; headers must be complete and well formed;
offers must agree across languages on their dates and kind; links must lead somewhere;
raw HTML and images the site will not show, and words the glossary rules out, are named.
"""

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import content
from .content_text_check import TextChecks
from .i18n import DEFAULT_LANGUAGE, LANGUAGES
from .terminology import CONTENT, POLICY, find_variants

PAGE_KEYS = ("title", "description")
OFFER_KEYS = (*PAGE_KEYS, "date", "kind", "until")
OFFER_KINDS = ("product", "service", "special")
TITLE_MAX = 70
DESCRIPTION_LENGTHS = (50, 160)
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
HEADER_LINE = re.compile(r"([A-Za-z][A-Za-z0-9_-]*):(.*)")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing to fix: the file (as the maintainer finds it), the line (0: the whole file)."""

    path: str
    line: int
    message: str

    def __str__(self):
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class ContentCheck(TextChecks):
    """The problems of one content folder (templates/content unless a test gives another)."""

    def __init__(self, content_dir=None):
        self.root = Path(content_dir or content.CONTENT_DIR)
        # Paths are shown from the project folder: templates/content/ru/about.md.
        self.base = self.root.parent.parent
        self.problems = []
        self.offers = {}  # {lang: {slug: header}}

    def report(self, path, line, message):
        self.problems.append(Problem(self.shown(path), line, message))

    def shown(self, path):
        path = Path(path)
        return str(path.relative_to(self.base)) if path.is_relative_to(self.base) else str(path)

    def run(self):
        """Check everything; the problems found, in file and line order."""
        self.check_policy_revision()
        slugs = {lang: self.offer_slugs(lang) for lang in LANGUAGES}
        every_offer = sorted(set().union(*slugs.values()))
        for lang in LANGUAGES:
            self.check_language(lang, every_offer, slugs[lang])
        self.check_offers_agree(every_offer)
        return sorted(self.problems)

    def offer_slugs(self, lang):
        return {p.stem for p in (self.root / lang / content.OFFERS).glob("*.md")}

    def check_language(self, lang, every_offer, own_offers):
        folder = self.root / lang
        for name in content.PAGES:
            self.check_file(folder / f"{name}.md", lang, PAGE_KEYS)
        for path in sorted(folder.glob("*.md")):
            if path.stem not in content.PAGES:
                pages = ", ".join(f"{name}.md" for name in content.PAGES)
                self.report(path, 0, f"no page shows this file; the pages are {pages}")
        self.offers[lang] = {}
        for slug in every_offer:
            path = folder / content.OFFERS / f"{slug}.md"
            if not SLUG.fullmatch(slug) and slug in own_offers:
                self.report(
                    path,
                    0,
                    "the file name is the offer's address: use only lowercase "
                    "letters, digits and hyphens (first-aid-course.md)",
                )
            self.offers[lang][slug] = self.check_file(path, lang, OFFER_KEYS)
        self.check_policy_text(lang)

    def check_file(self, path, lang, keys):
        """Check one page or offer; its header ({key: (line, value)}), or None if missing."""
        if not path.is_file():
            relative = path.relative_to(self.root / lang)
            others = [self.root / o / relative for o in LANGUAGES if o != lang]
            found = [self.shown(other) for other in others if other.is_file()]
            where = f" ({found[0]} is there): copy it and translate it" if found else ""
            self.report(path, 0, f"missing: every language needs this file{where}")
            return None
        lines = path.read_text(encoding="utf-8").splitlines()
        header, body_start = self.check_header(path, lines, keys)
        self.check_body(path, lang, lines, body_start)
        for finding in find_variants("\n".join(lines), lang, CONTENT):
            self.report(
                path, finding.line, f"«{finding.found}»: the glossary's word is {finding.use}"
            )
        return header

    def check_header(self, path, lines, keys):
        header, number = {}, 0
        for number, line in enumerate(lines, 1):
            if not line.strip():
                break
            if line.startswith(("    ", "\t")) and header:
                continue  # a value continued on the next line
            match = HEADER_LINE.fullmatch(line)
            if not match:
                self.report(
                    path,
                    number,
                    "the header ends here: put an empty line between the header "
                    "(Title: …, Description: …) and the text",
                )
                number -= 1
                break
            key, value = match.group(1).lower(), match.group(2).strip()
            if key in header:
                self.report(path, number, f"{match.group(1)} is given twice")
            elif key not in keys:
                known = ", ".join(k.capitalize() for k in keys)
                self.report(path, number, f"unknown header {match.group(1)}: it knows {known}")
            header[key] = (number, value)
        self.check_header_values(path, header, keys)
        return header, number + 1

    def check_header_values(self, path, header, keys):
        for key in keys[:2]:
            if not header.get(key, (0, ""))[1]:
                self.report(path, 1, f"the header needs {key.capitalize()}: …")
        title = header.get("title", (1, ""))
        if len(title[1]) > TITLE_MAX:
            self.report(
                path,
                title[0],
                f"Title has {len(title[1])} characters: search results and "
                f"browser tabs show about {TITLE_MAX}",
            )
        low, high = DESCRIPTION_LENGTHS
        line, text = header.get("description", (1, ""))
        if text and not low <= len(text) <= high:
            self.report(
                path,
                line,
                f"Description has {len(text)} characters: write {low} to {high}, "
                "one sentence that search results can show whole",
            )
        if "date" in keys:
            self.check_offer_header(path, header)

    def check_offer_header(self, path, header):
        day = self.day(path, header, "date", required=True)
        until = self.day(path, header, "until", required=False)
        if day and until and until < day:
            self.report(
                path, header["until"][0], "Until is before Date: the offer would never show"
            )
        line, kind = header.get("kind", (1, ""))
        if kind not in OFFER_KINDS:
            self.report(path, line, f"Kind {kind!r} is none of the kinds: {', '.join(OFFER_KINDS)}")

    def day(self, path, header, key, required):
        line, value = header.get(key, (1, ""))
        if not value:
            if required:
                self.report(path, 1, f"the header needs {key.capitalize()}: YYYY-MM-DD")
            return None
        try:
            if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
                return date.fromisoformat(value)
        except ValueError:
            pass
        self.report(
            path,
            line,
            f"{key.capitalize()} {value!r} is not a date written YYYY-MM-DD (2026-11-09)",
        )
        return None

    def check_offers_agree(self, every_offer):
        for slug in every_offer:
            for key in ("date", "kind", "until"):
                values = {
                    lang: self.offers[lang][slug].get(key, (0, ""))[1]
                    for lang in LANGUAGES
                    if self.offers[lang].get(slug) is not None
                }
                if len(set(values.values())) > 1:
                    said = "; ".join(f"{lang}: {value or 'none'}" for lang, value in values.items())
                    path = self.root / DEFAULT_LANGUAGE / content.OFFERS / f"{slug}.md"
                    self.report(
                        path,
                        0,
                        f"{key.capitalize()} differs between the languages "
                        f"({said}): write the same in all three",
                    )

    def check_policy_text(self, lang):
        path = self.root / lang / "politika.txt"
        if not path.is_file():
            self.report(path, 0, "missing: every language needs the policy text")
            return
        if lang == DEFAULT_LANGUAGE:
            return  # the operator's own text, published word for word
        numbers = [_point(line) for line in _lines(path)]
        original = self.root / DEFAULT_LANGUAGE / "politika.txt"
        if original.is_file() and numbers != [_point(line) for line in _lines(original)]:
            self.report(
                path,
                0,
                "its points are not numbered as in the Kazakh text: one point "
                "per line, in the same order",
            )
        text = path.read_text(encoding="utf-8")
        for finding in find_variants(text, lang, POLICY):
            self.report(
                path, finding.line, f"«{finding.found}»: the glossary's word is {finding.use}"
            )

    def check_policy_revision(self):
        path = self.root / "politika.toml"
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            ok = int(data["revision"]) >= 1 and isinstance(data["effective"], date)
        except (OSError, ValueError, KeyError, TypeError, tomllib.TOMLDecodeError):
            ok = False
        if not ok:
            self.report(path, 0, "needs revision = <number> and effective = YYYY-MM-DD")
            return
        self.check_policy_archive(path, data)

    def check_policy_archive(self, path, data):
        """What each revision changed, in every language, and each earlier text, in order."""
        rows = [data, *data.get("earlier", [])]
        for index, row in enumerate(rows):
            number = row.get("revision")
            where = "the revision in force" if index == 0 else f"earlier revision {number}"
            changes = row.get("changes") or {}
            missing = [lang for lang in LANGUAGES if not str(changes.get(lang, "")).strip()]
            if missing:
                self.report(path, 0, f"{where} does not say what changed in {', '.join(missing)}")
            if index == 0:
                continue
            before = rows[index - 1]
            try:
                in_order = int(number) < int(before["revision"]) and isinstance(
                    row["effective"], date
                )
                in_order = in_order and row["effective"] <= before["effective"]
            except (KeyError, TypeError, ValueError):
                in_order = False
            if not in_order:
                self.report(path, 0, f"{where}: earlier revisions go newest first, with dates")
                continue
            for lang in LANGUAGES:
                text = self.root / "politika" / str(number) / f"{lang}.txt"
                if not text.is_file():
                    self.report(text, 0, f"missing: the text of {where} in every language")


def _lines(path):
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _point(line):
    match = re.match(r"(\d+(?:\.\d+)*)\.?\s", line)
    return match.group(1) if match else None
