"""Content Markdown: raw HTML is shown as text, and script URLs never become live."""

import re
from html.parser import HTMLParser

import pytest

from qb.content import read_document

HEADER = "Title: A page\nDescription: A page a maintainer pasted something into.\n\n"


class Rendered(HTMLParser):
    """What a browser would build from rendered HTML: elements, visible text, comments."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.elements, self.texts, self.comments = [], [], []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.texts.append(data)

    def handle_comment(self, data):
        self.comments.append(data)

    def handle_decl(self, decl):
        self.comments.append(decl)

    def handle_pi(self, data):
        self.comments.append(data)

    @property
    def tags(self):
        return [tag for tag, _ in self.elements]

    @property
    def text(self):
        return normalised("".join(self.texts))

    def attribute(self, tag, name):
        return [attrs.get(name) for t, attrs in self.elements if t == tag]


def normalised(text):
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def render(tmp_path):
    """Render a Markdown body through the real content reader, as an English page."""

    def render(body):
        path = tmp_path / "page.md"
        path.write_text(HEADER + body + "\n", encoding="utf-8")
        return Rendered(read_document(path, "en").html)

    return render


RAW_HTML = [
    '<meta http-equiv="refresh" content="0; url=https://evil.example/">',
    "<script>alert(1)</script>",
    "Before <script>alert(1)</script> after",
    '<iframe src="https://evil.example/"></iframe>',
    "<img src=x onerror=alert(1)>",
    'An inline <img src="x" onerror="alert(1)"> image',
    "<!-- a note for maintainers -->",
    "Text with <!-- an inline note --> inside",
    '<a href="https://evil.example/" onclick="alert(1)">a raw link</a>',
    "<style>body { display: none }</style>",
    '<svg onload="alert(1)"></svg>',
    "<div>\n<p>a block over lines</p>\n</div>",
    '<form action="https://evil.example/"><input name="card"></form>',
    '<object data="https://evil.example/x.swf"></object>',
]


@pytest.mark.parametrize("snippet", RAW_HTML)
def test_raw_html_is_shown_as_text(render, snippet):
    page = render(snippet)
    assert page.tags == ["p"]
    assert page.elements == [("p", {})]
    assert page.comments == []
    assert page.text == normalised(snippet)


SCRIPT_URLS = [
    ("[click](javascript:alert(1))", "click"),
    ("[click](JavaScript:alert(1))", "click"),
    ("[click](<javascript:alert(1)>)", "click"),
    ("[click](&#106;avascript:alert(1))", "click"),
    ("[click](&#x6A;avascript&colon;alert(1))", "click"),
    ("[click](java&#9;script:alert(1))", "click"),
    ("[click](vbscript:msgbox(1))", "click"),
    ("[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "click"),
    ("[**click**](javascript:alert(1)) here", "click here"),
    ("[click][ref]\n\n[ref]: javascript:alert(1)", "click"),
    ("![picture](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)", "picture"),
    ("![picture](javascript:alert(1)) and text", "picture and text"),
    ("Before ![picture][ref] after\n\n[ref]: vbscript:msgbox(1)", "Before picture after"),
]


@pytest.mark.parametrize(("markdown", "text"), SCRIPT_URLS)
def test_script_urls_in_links_and_images_are_not_live(render, markdown, text):
    page = render(markdown)
    assert "img" not in page.tags
    assert [attrs for _, attrs in page.elements if "href" in attrs or "src" in attrs] == []
    assert page.text == text


def test_entities_still_work(render):
    page = render("AT&amp;T and&nbsp;more, &copy; 2025, &lt;b&gt; & friends")
    assert page.tags == ["p"]
    assert "".join(page.texts) == "AT&T and\xa0more, © 2025, <b> & friends"


def test_autolinks_still_work(render):
    page = render("See <https://example.kz/a?b=1&c=2> or write to <info@example.kz>.")
    assert page.attribute("a", "href") == ["https://example.kz/a?b=1&c=2", "mailto:info@example.kz"]
    assert page.text == "See https://example.kz/a?b=1&c=2 or write to info@example.kz."


@pytest.mark.parametrize(
    ("markdown", "tag", "attribute", "value"),
    [
        ("[about us](/about)", "a", "href", "/en/about"),
        ("[the site](https://example.kz/)", "a", "href", "https://example.kz/"),
        ("[write](mailto:info@example.kz)", "a", "href", "mailto:info@example.kz"),
        ("[call](tel:+77001234567)", "a", "href", "tel:+77001234567"),
        ("[below](#contacts)", "a", "href", "#contacts"),
        ("![logo](/static/img/logo.png)", "img", "src", "/static/img/logo.png"),
    ],
)
def test_ordinary_links_and_images_stay(render, markdown, tag, attribute, value):
    assert render(markdown).attribute(tag, attribute) == [value]


def test_code_spans_show_markup_as_text(render):
    page = render("Write `<b>bold</b>` for bold.")
    assert page.tags == ["p", "code"]
    assert page.text == "Write <b>bold</b> for bold."
