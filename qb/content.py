"""Content files a maintainer edits: Markdown with a header of `Key: value` lines, per language.

Files live in templates/content/<lang>/; links inside them are written without a language
prefix (`/about`) and are pointed at the page's own language when rendered.
"""

import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from xml.etree.ElementTree import Element

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .config import ROOT
from .i18n import localized_path

CONTENT_DIR = ROOT / "templates" / "content"
REVISION_FILE = CONTENT_DIR / "politika.toml"


@dataclass(frozen=True)
class Revision:
    """Which policy text is in force, and since when."""

    number: int
    effective: date


def policy_revision() -> Revision:
    """The policy revision in force, from templates/content/politika.toml."""
    # Every enquiry records it: the file is read again only when it changes.
    return _read_revision(REVISION_FILE.stat().st_mtime_ns)


@lru_cache(maxsize=2)
def _read_revision(_mtime_ns) -> Revision:
    data = tomllib.loads(REVISION_FILE.read_text(encoding="utf-8"))
    return Revision(number=int(data["revision"]), effective=data["effective"])


@dataclass(frozen=True)
class Document:
    """One rendered content file."""

    slug: str
    title: str
    description: str
    html: str
    meta: dict = field(default_factory=dict)


class _LocalizeLinks(Treeprocessor):
    def __init__(self, md, lang):
        super().__init__(md)
        self.lang = lang

    def run(self, root: Element):
        for link in root.iter("a"):
            href = link.get("href", "")
            if href.startswith("/") and not href.startswith("//"):
                link.set("href", localized_path(href, self.lang))


class _LocalizeLinksExtension(Extension):
    def __init__(self, lang):
        super().__init__()
        self.lang = lang

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's API name)
        md.treeprocessors.register(_LocalizeLinks(md, self.lang), "qb_localize_links", 5)


def content_path(lang, *parts):
    """Path of a content file or folder for `lang`."""
    return CONTENT_DIR.joinpath(lang, *parts)


def read_document(path: Path, lang: str) -> Document:
    """Parse and render one Markdown file; the header needs at least Title and Description."""
    md = markdown.Markdown(extensions=["meta", "sane_lists", _LocalizeLinksExtension(lang)])
    html = md.convert(path.read_text(encoding="utf-8"))
    meta = {key.lower(): " ".join(values).strip() for key, values in md.Meta.items()}
    missing = {"title", "description"} - meta.keys()
    if missing:
        raise ValueError(f"{path.name}: header lacks {', '.join(sorted(missing))}")
    return Document(
        slug=path.stem,
        title=meta["title"],
        description=meta["description"],
        html=html,
        meta=meta,
    )


def list_documents(lang, folder):
    """Slugs of the content files in a folder, sorted."""
    return sorted(p.stem for p in content_path(lang, folder).glob("*.md"))


def get_page(lang: str, name: str) -> Document:
    """The content of one of the fixed pages (`templates/content/<lang>/<name>.md`)."""
    return read_document(content_path(lang, f"{name}.md"), lang)
