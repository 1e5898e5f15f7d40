"""Content files a maintainer edits: Markdown with a header of `Key: value` lines, per language.

Files live in templates/content/<lang>/; links inside them are written without a language
prefix (`/about`) and are pointed at the page's own language when rendered. Raw HTML in
them is shown as text, and links or images with a script URL are made inert.
"""

import html
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from xml.etree.ElementTree import Element

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE

from .config import ROOT
from .i18n import localized_path

CONTENT_DIR = ROOT / "templates" / "content"
REVISION_FILE = CONTENT_DIR / "politika.toml"
# The fixed pages every language has (templates/content/<lang>/<name>.md), and the folder
# of the offers (templates/content/<lang>/offers/<slug>.md).
PAGES = ("home", "about", "services", "offers", "contact", "cookies")
OFFERS = "offers"


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


# Schemes a link or an image may use; a URL without a scheme is relative and stays too.
_SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_C0_OR_SPACE = "".join(map(chr, range(0x21)))


def _is_safe_url(url: str) -> bool:
    """Whether a browser would open `url` with a harmless scheme (or as a relative URL).

    The URL is read the way a browser reads the attribute: character references decoded,
    tabs and newlines dropped, control characters and spaces at either end stripped, so
    `&#106;avascript:` or `java<tab>script:` count as the javascript: they become.
    """
    text = html.unescape(url.replace(AMP_SUBSTITUTE, "&"))
    text = _TAB_OR_NEWLINE.sub("", text).strip(_C0_OR_SPACE)
    scheme = _SCHEME.match(text)
    return scheme is None or scheme.group(1).lower() in _SAFE_SCHEMES


class _DropUnsafeUrls(Treeprocessor):
    """A link to a script URL loses its href; an image from one is replaced by its alt text."""

    def run(self, root: Element):
        for parent in list(root.iter()):
            for child in list(parent):
                if child.tag == "a" and not _is_safe_url(child.get("href", "")):
                    del child.attrib["href"]
                elif child.tag == "img" and not _is_safe_url(child.get("src", "")):
                    _replace_with_text(parent, child, child.get("alt", ""))


def _replace_with_text(parent: Element, child: Element, text: str):
    index = list(parent).index(child)
    text += child.tail or ""
    if index:
        before = parent[index - 1]
        before.tail = (before.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    parent.remove(child)


class _ContentExtension(Extension):
    """What content files may do: Markdown only, harmless URLs, links in the page's language."""

    def __init__(self, lang):
        super().__init__()
        self.lang = lang

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's API name)
        # Without the raw HTML parsers, HTML (block, inline, comments) stays text, which the
        # serializer escapes; entities and <https://...> autolinks have their own patterns.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_LocalizeLinks(md, self.lang), "qb_localize_links", 5)
        # After "unescape" (0), so backslash escapes are resolved in the URLs it checks.
        md.treeprocessors.register(_DropUnsafeUrls(md), "qb_drop_unsafe_urls", -10)


def content_path(lang, *parts):
    """Path of a content file or folder for `lang`."""
    return CONTENT_DIR.joinpath(lang, *parts)


def read_document(path: Path, lang: str) -> Document:
    """Parse and render one Markdown file; the header needs at least Title and Description."""
    md = markdown.Markdown(extensions=["meta", "sane_lists", _ContentExtension(lang)])
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
