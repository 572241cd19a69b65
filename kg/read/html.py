"""Web pages (``.html``, ``.htm``, and a text that is markup): the article's main text, without menus
and "Most read" sidebars, with the page's title and date, by trafilatura; nothing is fetched.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

from kg.errors import InputError
from kg.model import Document
from kg.read.document import (
    MAX_DOCUMENT_BYTES,
    MAX_DOCUMENT_CHARACTERS,
    date_in_name,
    normalise_date,
    text_document,
    too_long,
)

#: What one tag of a web page costs, in bytes of :data:`MAX_DOCUMENT_BYTES`: trafilatura spends 50 µs on an
#: element, so 16 MB of empty paragraphs (``<p></p>``) would take minutes, though the bytes are within budget.
PAGE_TAG_COST = 64


class _HTMLText(HTMLParser):
    """The readable text of an HTML page: no markup, scripts or styles; blocks on their own lines."""

    SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head", "nav", "footer"})
    BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "article", "section",
                        "blockquote", "pre", "header", "table", "ul", "ol", "dd", "dt", "figcaption"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self.skipping: list[str] = []
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.skipping = [name for name in self.skipping if name != "head"]  # </head> is optional
        elif tag == "title":
            self.in_title = not self.title and "svg" not in self.skipping
        elif tag in self.SKIP:
            self.skipping.append(tag)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            if self.in_title and not self.title:
                self.title.append("")  # an empty title still counts as the first
            self.in_title = False
        elif self.skipping and tag == self.skipping[-1]:
            self.skipping.pop()
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif not self.skipping:
            self.parts.append(data)


def html_text(markup: str) -> tuple[str | None, str]:
    """(title, text) of an HTML page, tags stripped and text kept.

    >>> html_text("<html><title>News</title><p>Macron met <b>Scholz</b>.</p><script>x()</script></html>")
    ('News', 'Macron met Scholz.')
    """
    parser = _HTMLText()
    parser.feed(markup)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    title = " ".join("".join(parser.title).split()) or None
    return title, "\n".join(line for line in lines if line)


def html_article(markup: str, *, where: str = "the page") -> tuple[str | None, str | None, str]:
    """(title, date, text) of a news page: the article's main text, found by trafilatura, without
    the menus, "Most read" lists and footers around it (which would otherwise become entities).

    The title and date come from the page's metadata (``og:title``, ``article:published_time``,
    ...), never from dates in the text. A page too small or too plain for trafilatura to find an
    article in is read whole, as :func:`html_text` reads it. Nothing is fetched. A page whose text runs past
    :data:`MAX_DOCUMENT_CHARACTERS` is refused (an :class:`InputError` naming ``where``) before trafilatura reads it.

    >>> html_article("<html><title>News</title><p>Macron met <b>Scholz</b>.</p></html>")
    ('News', None, 'Macron met Scholz.')
    """
    import trafilatura  # imported when a page is read: it takes a tenth of a second

    page_title, page_text = html_text(markup)
    if len(page_text) > MAX_DOCUMENT_CHARACTERS:
        raise too_long(where)
    found = trafilatura.bare_extraction(
        markup, with_metadata=True, include_comments=False, include_tables=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    fields = found if isinstance(found, dict) else found.as_dict() if found is not None else {}
    title = fields.get("title") or page_title
    article = fields.get("text") or ""
    # trafilatura's fallback for a plain page breaks lines at inline tags ("met\nScholz\n."): when it
    # kept the whole page, the page's own lines read better
    if "".join(article.split()) in ("", "".join(page_text.split())):
        article = page_text
    return title, normalise_date(fields.get("date")), article


def looks_like_html(text: str) -> bool:
    start = text.lstrip()[:200].lower()
    return start.startswith(("<!doctype html", "<html")) or ("<body" in start and "</" in text)


def page_documents(text: str, path: Path) -> Iterator[Document | InputError]:
    """The one document a web page holds: its article."""
    if len(text) + PAGE_TAG_COST * text.count("<") > MAX_DOCUMENT_BYTES:
        raise too_long(str(path), "the page holds markup worth")
    title, published, body = html_article(text, where=str(path))
    if not body.strip():
        raise InputError(f"{path}: the HTML page holds no text")
    yield text_document(body, source=str(path), name=str(path), title=title,
                        date_text=published or date_in_name(path))
