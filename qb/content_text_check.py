"""The Markdown text of one content file, checked for `flask content check`: headings, raw
HTML and images the site will not show, and links that lead nowhere."""

import re
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from . import content
from .i18n import DEFAULT_LANGUAGE, PREFIXED_LANGUAGES

FENCE = re.compile(r"\s{0,3}(```|~~~)")
CODE_SPAN = re.compile(r"(`+).*?\1")
HEADING = re.compile(r"(#{1,6})\s")
RAW_HTML = re.compile(r"<!--|</?[A-Za-z][A-Za-z0-9-]*(?=[\s/>])[^>]*>?")
TARGET = r"\(\s*<?([^)\s>]*)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)"
IMAGE = re.compile(r"!\[([^\]]*)\]" + TARGET)
LINK = re.compile(r"(?<!!)\[[^\]]*\]" + TARGET)
REFERENCE = re.compile(r"\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
SAFE_SCHEMES = ("http", "https", "mailto", "tel")


class TextChecks:
    """Checks of a file's text for ContentCheck, which gives `report` and `offer_slugs`."""

    def check_body(self, path, lang, lines, start):
        level, fenced = 1, False
        for number, line in enumerate(lines[start - 1 :], start):
            if FENCE.match(line):
                fenced = not fenced
            if fenced or FENCE.match(line):
                continue
            text = CODE_SPAN.sub("", line)
            level = self.check_heading(path, number, text, level)
            if tags := [match.group(0)[:40] for match in RAW_HTML.finditer(text)]:
                self.report(
                    path,
                    number,
                    f"{' '.join(tags)} is HTML, which the site shows as text, exactly as "
                    "typed: write Markdown instead (**bold**, *italic*, [a link](/about))",
                )
            for match in IMAGE.finditer(text):
                self.check_image(path, number, match.group(1), match.group(2))
            for match in [*LINK.finditer(text), *filter(None, [REFERENCE.match(text)])]:
                self.check_link(path, number, lang, match.group(1))

    def check_heading(self, path, number, text, level):
        heading = HEADING.match(text)
        if not heading:
            return level
        new = len(heading.group(1))
        if new == 1:
            self.report(
                path,
                number,
                "# makes a second main heading: the Title is the page's only "
                "one, so headings in the text start at ##",
            )
        elif new > level + 1:
            self.report(
                path,
                number,
                f"{'#' * new} follows {'#' * level}: a heading level is skipped "
                f"(use {'#' * (level + 1)})",
            )
        return max(new, 2)

    def check_image(self, path, number, alt, src):
        parts = urlsplit(src)
        if parts.scheme or src.startswith("//"):
            why = (
                "images from other sites do not show: the site's security policy blocks them"
                if parts.scheme in ("http", "https") or src.startswith("//")
                else "this kind of address is dropped"
            )
            self.report(
                path,
                number,
                f"{src}: {why}; put the file in static/img/ and write /static/img/<file name>",
            )
        elif not src.startswith("/static/") or not _static_file(src):
            self.report(
                path,
                number,
                f"{src}: no such image; images are files in static/img/, "
                "written /static/img/<file name>",
            )
        if not alt.strip():
            self.report(
                path,
                number,
                "the image needs a description between [ and ]: screen readers read it instead",
            )

    def check_link(self, path, number, lang, target):
        parts = urlsplit(target)
        if not target:
            self.report(path, number, "a link without an address: write [text](/about)")
        elif target.startswith("#") or target.startswith("//"):
            return
        elif parts.scheme:
            if parts.scheme.lower() not in SAFE_SCHEMES:
                self.report(
                    path,
                    number,
                    f"{target} is shown as plain text: a link works only to a "
                    "site path (/about) or an https:, http:, mailto: or tel: address",
                )
        elif not target.startswith("/"):
            self.report(
                path,
                number,
                f"{target} is no address the site can follow: write pages of "
                "this site as /about and other sites as https://…",
            )
        else:
            self.check_site_path(path, number, lang, parts.path)

    def check_site_path(self, path, number, lang, site_path):
        head = site_path.strip("/").split("/", 1)[0]
        if head in PREFIXED_LANGUAGES:
            rest = "/" + site_path.strip("/").partition("/")[2]
            self.report(
                path,
                number,
                f"{site_path}: write site links without the language "
                f"({rest}); the site points them at the page's own language",
            )
        elif not self.site_path_exists(site_path):
            self.report(path, number, f"{site_path}: there is no such page on the site")

    def site_path_exists(self, site_path):
        if site_path.startswith(f"/{content.OFFERS}/"):
            slug = site_path.split("/")[2]
            return slug in self.offer_slugs(DEFAULT_LANGUAGE)
        if site_path.startswith("/static/"):
            return _static_file(site_path)
        try:
            current_app.url_map.bind("localhost").match(site_path, method="GET")
        except (NotFound, RequestRedirect):
            return False
        except MethodNotAllowed:
            return True
        return True


def _static_file(site_path):
    """Whether /static/<name> is a file the site serves."""
    folder = Path(current_app.static_folder).resolve()
    path = (folder / site_path.removeprefix("/static/")).resolve()
    return path.is_relative_to(folder) and path.is_file()
