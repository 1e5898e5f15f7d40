"""The policy text as paragraphs with linked addresses, and the revision in force."""

import re
from dataclasses import dataclass
from urllib.parse import quote

from markupsafe import Markup, escape

from ..content import Revision, content_path, policy_revision

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"https?://[^\s«»“”\"<>]+[^\s«»“”\"<>.,;:)]")
_SUBJECT = re.compile(r"[«“\"]([^»”\"]+)[»”\"]")
_NUMBER = re.compile(r"^(\d+(?:\.\d+)*)\.\s")
# A top-level point this short is a section title; longer ones open a section with text.
_HEADING_MAX = 120


@dataclass(frozen=True)
class Paragraph:
    """One line of the policy: kind is 'title', 'heading' or 'text'."""

    kind: str
    number: str
    text: str
    html: Markup


def current_revision() -> Revision:
    """The revision in force (read by the core, which features such as consent share)."""
    return policy_revision()


def policy_lines(lang: str, path=None) -> list[str]:
    """The policy in `lang` (or the text at `path`), one entry per non-empty line."""
    path = path or content_path(lang, "politika.txt")
    text = path.read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def policy_paragraphs(lang: str, path=None) -> list[Paragraph]:
    """The policy lines classified and with addresses turned into links (`path`: an earlier
    revision's text)."""
    paragraphs = []
    for index, line in enumerate(policy_lines(lang, path)):
        match = _NUMBER.match(line)
        number = match.group(1) if match else ""
        if index == 0:
            kind = "title"
        elif number and "." not in number and len(line) <= _HEADING_MAX:
            kind = "heading"
        else:
            kind = "text"
        paragraphs.append(Paragraph(kind, number, line, linkify(line)))
    return paragraphs


def linkify(line: str) -> Markup:
    """Escape a line and link its e-mail addresses and web addresses.

    An address followed later in the line by a quoted phrase is the policy telling the
    visitor which subject to write: the link fills that subject in.
    """
    parts, pos = [], 0
    for match in sorted([*_EMAIL.finditer(line), *_URL.finditer(line)], key=lambda m: m.start()):
        if match.start() < pos:
            continue
        parts.append(escape(line[pos : match.start()]))
        address = match.group(0)
        if "@" in address and "://" not in address:
            href = "mailto:" + address
            subject = _SUBJECT.search(line, match.end())
            if subject:
                href += "?subject=" + quote(subject.group(1))
        else:
            href = address
        parts.append(Markup('<a href="{}">{}</a>').format(href, address))
        pos = match.end()
    parts.append(escape(line[pos:]))
    return Markup("").join(parts)
