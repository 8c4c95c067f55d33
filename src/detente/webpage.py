"""The main text and metadata of a web page.

    page = extract_page(html)      # Page(text, title, published, outlet, url, language)

trafilatura does the work when it can be imported (it finds the main text among menus,
comments and boilerplate, and reads dates and site names from many kinds of markup). The
pinned trafilatura 2.3 imports jusText, which needs `lxml_html_clean` (split out of lxml
5.2); where that is missing, a small reader built on the standard library's HTMLParser
takes over: text of paragraphs, headings, list items and block quotes inside `<article>`
(else `<main>`, else `<body>`), skipping scripts, styles, navigation, headers, footers,
asides and forms; metadata from `<title>`, OpenGraph and article `<meta>` tags,
`<time datetime>`, `<link rel=canonical>` and `<html lang>`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

__all__ = ["Page", "extract_page", "trafilatura_available"]


@dataclass(frozen=True)
class Page:
    text: str
    title: str | None = None
    published: str | None = None
    outlet: str | None = None
    url: str | None = None
    language: str | None = None


@functools.cache
def trafilatura_available() -> bool:
    try:
        import trafilatura  # noqa: F401
    except ImportError:
        return False
    return True


def extract_page(html: str) -> Page:
    """The main text and metadata of one HTML page (or an HTML fragment, such as a feed
    entry's content)."""
    if trafilatura_available():
        page = _with_trafilatura(html)
        if page is not None:
            return page
    return _with_html_parser(html)


def _with_trafilatura(html: str) -> Page | None:
    import trafilatura

    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, favor_precision=True
    )
    if doc is None:
        return None
    get = doc.as_dict().get if hasattr(doc, "as_dict") else doc.get
    text = get("text") or ""
    if not text.strip():
        return None
    # trafilatura reports dates to the day; the page's own markup may give the hour and
    # its offset, which the time stage needs.
    marked = _with_html_parser(html).published
    published = get("date") or None
    if marked and (
        published is None or (len(marked) > len(published) and marked.startswith(published))
    ):
        published = marked
    return Page(
        text=text,
        title=get("title") or None,
        published=published,
        outlet=get("sitename") or None,
        url=get("url") or None,
        language=get("language") or None,
    )


_SKIP = frozenset(
    {"script", "style", "nav", "header", "footer", "aside", "form", "noscript", "svg",
     "button", "select", "template", "iframe", "figure"}
)  # fmt: skip
_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "li", "blockquote", "pre", "td", "dd", "div"})
_CONTAINERS = ("article", "main", "body", "*")  # "*": anywhere (a fragment has no body)
_META_KEYS = {
    "og:title": "title",
    "twitter:title": "title",
    "article:published_time": "published",
    "date": "published",
    "pubdate": "published",
    "dc.date": "published",
    "dc.date.issued": "published",
    "og:site_name": "outlet",
    "application-name": "outlet",
    "og:url": "url",
}


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title_parts: list[str] = []
        self.in_title = False
        self.skip_depth = 0
        self.open: list[str] = []
        # per container: list of blocks, each a list of text pieces
        self.blocks: dict[str, list[list[str]]] = {c: [] for c in _CONTAINERS}
        self.current: dict[str, list[str] | None] = dict.fromkeys(_CONTAINERS)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "html" and a.get("lang"):
            self.meta.setdefault("language", a["lang"].split("-")[0].lower())
        elif tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            field = _META_KEYS.get(key) or ("published" if key == "datepublished" else None)
            if field and a.get("content"):
                self.meta.setdefault(field, a["content"].strip())
        elif tag == "link" and "canonical" in a.get("rel", "").lower() and a.get("href"):
            self.meta.setdefault("canonical", a["href"].strip())
        elif tag == "time" and a.get("datetime"):
            self.meta.setdefault("time", a["datetime"].strip())
        elif tag == "title":
            self.in_title = True
        if tag in _SKIP:
            self.skip_depth += 1
        if tag in ("br",):
            return
        self.open.append(tag)
        if tag in _BLOCKS:
            self._new_block()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in _SKIP and self.skip_depth:
            self.skip_depth -= 1
        if tag in self.open:
            while self.open and self.open.pop() != tag:
                pass
        if tag in _BLOCKS:
            self._new_block()

    def _new_block(self) -> None:
        for container in _CONTAINERS:
            self.current[container] = None

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_parts.append(data)
            return
        if self.skip_depth or not data.strip():
            return
        for container in _CONTAINERS:
            if container == "*" or container in self.open:
                block = self.current[container]
                if block is None:
                    block = []
                    self.blocks[container].append(block)
                    self.current[container] = block
                block.append(data)


def _with_html_parser(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    text = ""
    for container in _CONTAINERS:
        paragraphs = [" ".join("".join(b).split()) for b in reader.blocks[container]]
        text = "\n\n".join(p for p in paragraphs if p)
        if text:
            break
    meta: dict[str, Any] = reader.meta
    title = meta.get("title") or " ".join("".join(reader.title_parts).split()) or None
    return Page(
        text=text,
        title=title,
        published=meta.get("published") or meta.get("time"),
        outlet=meta.get("outlet"),
        url=meta.get("canonical") or meta.get("url"),
        language=meta.get("language"),
    )
