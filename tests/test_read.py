"""Reading inputs: every bad input is an InputError item naming it; the others still read."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from conftest import SHARED, requires_shared
from detente.errors import InputError
from detente.read import content_id, dateline, parse_published, read_article, read_articles
from detente.vocabulary import Article

TEXT = "Ukrainian and Russian delegations met in Istanbul."


def split(items: list[Article | InputError]) -> tuple[list[Article], list[InputError]]:
    return (
        [i for i in items if isinstance(i, Article)],
        [i for i in items if isinstance(i, InputError)],
    )


def test_text_file_with_sidecar(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    meta = {"published": "2025-06-01", "title": "T", "url": "u", "outlet": "O", "note": "x"}
    (tmp_path / "a.meta.json").write_text(json.dumps(meta))
    article = read_article(tmp_path / "a.txt")
    assert article.text == TEXT
    assert article.id == content_id(TEXT) and len(article.id) == 16
    assert (article.published, article.title, article.url, article.outlet) == (
        date(2025, 6, 1),
        "T",
        "u",
        "O",
    )
    assert article.source == str(tmp_path / "a.txt")


def test_text_file_without_sidecar(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT)
    article = read_article(tmp_path / "a.txt")
    assert article.published is None and article.title is None


def test_ids_are_deterministic(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT)
    assert read_article(tmp_path / "a.txt") == read_article(tmp_path / "a.txt")


@requires_shared
def test_the_shared_corpus_article_keeps_its_id() -> None:
    article = read_article(SHARED / "corpus" / "istanbul-talks-2025-06-01.txt")
    assert article.id == "istanbul-talks-2025-06-01"
    assert article.published == date(2025, 6, 1)
    assert article.title and article.title.startswith("Ukrainian and Russian")


def test_jsonl_rows(tmp_path: Path) -> None:
    rows = [
        {"id": "r1", "title": "A", "published": "2025-06-01T10:00:00+03:00", "text": TEXT},
        {"text": "Second story.", "published": "2025-06-02T07:00:00Z", "outlet": "X"},
    ]
    path = tmp_path / "w.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n")
    first, second = read_articles([path])
    assert isinstance(first, Article) and isinstance(second, Article)
    assert first.id == "r1" and first.source == f"{path}:1"
    assert first.published == datetime(2025, 6, 1, 10, tzinfo=timezone(timedelta(hours=3)))
    assert second.id == content_id("Second story.") and second.source == f"{path}:2"
    assert second.published == datetime(2025, 6, 2, 7, tzinfo=UTC)


def test_folder_recurses_in_sorted_order_and_skips_sidecars(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.txt").write_text("B text.")
    (tmp_path / "b.meta.json").write_text('{"published": "2025-06-03"}')
    (tmp_path / "a.jsonl").write_text(json.dumps({"text": "A text."}) + "\n")
    (tmp_path / "sub" / "c.txt").write_text("C text.")
    (tmp_path / "notes.md").write_text("ignored")
    articles, errors = split(list(read_articles([tmp_path])))
    assert errors == []
    assert [a.text for a in articles] == ["A text.", "B text.", "C text."]
    assert articles[1].published == date(2025, 6, 3)


def test_published_override(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT)
    (tmp_path / "a.meta.json").write_text('{"published": "2025-06-01"}')
    assert read_article(tmp_path / "a.txt", published="2025-07-04").published == date(2025, 7, 4)
    when = datetime(2025, 7, 4, 12, tzinfo=UTC)
    assert read_article(tmp_path / "a.txt", published=when).published == when


def test_a_bad_override_fails_at_once_naming_the_override(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="published override: published date 'June 1'"):
        read_articles([tmp_path], published="June 1")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-06-01", date(2025, 6, 1)),
        ("2025-06-01T10:00", datetime(2025, 6, 1, 10)),
        (
            "2025-06-01 10:00:00+03:00",
            datetime(2025, 6, 1, 10, tzinfo=timezone(timedelta(hours=3))),
        ),
        ("2025-06-01T10:00:00Z", datetime(2025, 6, 1, 10, tzinfo=UTC)),
    ],
)
def test_parse_published(value: str, expected: date) -> None:
    assert parse_published(value) == expected


@pytest.mark.parametrize(
    "value", ["", "June 1, 2025", "2025-13-01", "2025-06-01T25:00", "01/06/2025"]
)
def test_parse_published_refuses(value: str) -> None:
    with pytest.raises(InputError, match="not ISO 8601"):
        parse_published(value, source="x.txt")


# -- bad inputs: each one is an InputError naming it, and the good input beside it reads --


def write_bad(tmp_path: Path, kind: str) -> tuple[Path, str, str]:
    """Write one bad input; return (path, source it must be named as, problem fragment)."""
    path = tmp_path / "bad.txt"
    if kind == "missing":
        return tmp_path / "missing.txt", str(tmp_path / "missing.txt"), "no such file"
    if kind == "empty":
        path.write_text("")
        return path, str(path), "is empty"
    if kind == "whitespace":
        path.write_text("  \n\t\n")
        return path, str(path), "is empty"
    if kind == "binary":
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
        return path, str(path), "binary"
    if kind == "latin1":
        path.write_bytes(b"Caf\xe9 talks in Gen\xe8ve")
        return path, str(path), "not valid UTF-8"
    if kind == "sidecar-date":
        path.write_text(TEXT)
        (tmp_path / "bad.meta.json").write_text('{"published": "yesterday"}')
        return path, str(tmp_path / "bad.meta.json"), "not ISO 8601"
    if kind == "sidecar-json":
        path.write_text(TEXT)
        (tmp_path / "bad.meta.json").write_text("{published: 2025}")
        return path, str(tmp_path / "bad.meta.json"), "not valid JSON"
    jsonl = tmp_path / "bad.jsonl"
    lines = {
        "row-not-json": ("{not json", "not valid JSON"),
        "row-no-text": ('{"title": "no text here"}', "no `text`"),
        "row-empty-text": ('{"text": "   "}', "no `text`"),
        "row-not-object": ('["a", "list"]', "JSON object"),
        "row-bad-date": ('{"text": "t", "published": "2025-02-30"}', "not ISO 8601"),
        "row-bad-title": ('{"text": "t", "title": 5}', "`title` must be a string"),
    }
    line, problem = lines[kind]
    jsonl.write_text(json.dumps({"text": "A good row."}) + "\n" + line + "\n")
    return jsonl, f"{jsonl}:2", problem


BAD_KINDS = [
    "missing",
    "empty",
    "whitespace",
    "binary",
    "latin1",
    "sidecar-date",
    "sidecar-json",
    "row-not-json",
    "row-no-text",
    "row-empty-text",
    "row-not-object",
    "row-bad-date",
    "row-bad-title",
]


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_bad_input_is_an_error_item_and_the_good_input_still_reads(
    tmp_path: Path, kind: str
) -> None:
    bad, source, problem = write_bad(tmp_path, kind)
    good = tmp_path / "good.txt"
    good.write_text(TEXT)
    articles, errors = split(list(read_articles([bad, good])))
    assert [e.source for e in errors] == [source]
    assert problem in errors[0].problem
    assert str(errors[0]).startswith(f"{source}: ")
    assert "\n" not in str(errors[0])
    assert TEXT in [a.text for a in articles]


def test_read_article_raises_the_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_article(tmp_path / "nope.txt")


def test_empty_folder_and_empty_jsonl(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "e.jsonl").write_text("\n\n")
    _, errors = split(list(read_articles([tmp_path / "empty", tmp_path / "e.jsonl"])))
    assert [e.problem.split(";")[0] for e in errors] == [
        "folder holds no .txt, .jsonl, .csv, .html or feed files",
        "is empty",
    ]


def test_a_sidecar_given_on_its_own(tmp_path: Path) -> None:
    (tmp_path / "a.meta.json").write_text("{}")
    _, errors = split(list(read_articles([tmp_path / "a.meta.json"])))
    assert "sidecar" in errors[0].problem


def test_a_byte_order_mark_is_dropped(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes("\ufeff".encode() + TEXT.encode())
    assert read_article(tmp_path / "a.txt").text == TEXT


def test_exported_names() -> None:
    import detente.read

    assert detente.read.__all__ == sorted(detente.read.__all__)
    assert all(hasattr(detente.read, name) for name in detente.read.__all__)
    assert {"read_articles", "read_article", "parse_published", "content_id"} <= set(
        detente.read.__all__
    )


def test_a_lone_path_is_one_input(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT)
    assert [a.text for a in read_articles(tmp_path / "a.txt")] == [TEXT]
    assert [a.text for a in read_articles(str(tmp_path))] == [TEXT]


# -- CSV, HTML, feeds, globs ---------------------------------------------------------------


def test_csv_rows_are_articles_and_bad_rows_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "wire.csv"
    path.write_text(
        "id,title,published,outlet,text,extra\n"
        '1,Talks,2025-06-01,Wire,"Ukraine and Russia met, again.",x\n'
        "2,Bad date,June first,Wire,Some text,\n"
        "3,No text,2025-06-01,Wire,,\n"
        "4,Too many,2025-06-01,Wire,Text,x,y\n",
        encoding="utf-8",
    )
    articles, errors = split(list(read_articles([path])))
    assert [(a.id, a.title, a.published, a.outlet) for a in articles] == [
        ("1", "Talks", date(2025, 6, 1), "Wire")
    ]
    assert articles[0].text == "Ukraine and Russia met, again."
    assert [e.source for e in errors] == [f"{path}:3", f"{path}:4", f"{path}:5"]


def test_tsv_and_a_csv_without_a_text_column(tmp_path: Path) -> None:
    tsv = tmp_path / "a.tsv"
    tsv.write_text("title\ttext\nT\tHello there.\n", encoding="utf-8")
    bad = tmp_path / "b.csv"
    bad.write_text("title,body\nT,Hello\n", encoding="utf-8")
    articles, errors = split(list(read_articles([tsv, bad])))
    assert [a.text for a in articles] == ["Hello there."]
    assert len(errors) == 1 and "no `text` column" in errors[0].problem


PAGE = """<!doctype html><html lang="en-GB"><head><title>Talks | Wire</title>
<meta property="og:site_name" content="Example Wire">
<meta property="article:published_time" content="2025-06-02T10:00:00+03:00">
<link rel="canonical" href="https://example.org/talks"><script>var menu = 1;</script></head>
<body><nav>Home World Sport</nav><article><h1>Talks resume</h1>
<p>Ukraine and Russia met in Istanbul on June 2.</p><p>Turkey hosted the <b>talks</b>.</p>
</article><footer>Copyright and cookies</footer></body></html>"""


def test_html_page_main_text_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    article = read_article(path)
    assert "Ukraine and Russia met in Istanbul on June 2." in article.text
    assert "Turkey hosted the talks." in article.text
    assert "Home World" not in article.text and "cookies" not in article.text
    assert "menu" not in article.text
    assert article.published == datetime(2025, 6, 2, 10, tzinfo=timezone(timedelta(hours=3)))
    assert (article.outlet, article.url) == ("Example Wire", "https://example.org/talks")
    assert article.language == "en"


def test_an_html_page_without_text_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><head><script>x()</script></head><body></body></html>")
    _, errors = split(list(read_articles([path])))
    assert len(errors) == 1 and "no main text" in errors[0].problem


RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Wire Feed</title>
<item><title>Talks</title><link>https://e.org/1</link>
<pubDate>Mon, 02 Jun 2025 10:00:00 GMT</pubDate>
<description>&lt;p&gt;Ukraine and Russia met in Istanbul.&lt;/p&gt;</description></item>
<item><title>Nothing</title></item></channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Atom Wire</title><id>urn:x</id><updated>2025-06-03T00:00:00Z</updated>
<entry><title>Ceasefire</title><id>urn:1</id><link href="https://e.org/2"/>
<updated>2025-06-03T08:00:00Z</updated>
<content type="html">&lt;p&gt;Both sides agreed a ceasefire.&lt;/p&gt;</content></entry></feed>"""


def test_rss_and_atom_entries_are_articles(tmp_path: Path) -> None:
    (tmp_path / "a.rss").write_text(RSS, encoding="utf-8")
    (tmp_path / "b.atom").write_text(ATOM, encoding="utf-8")
    articles, errors = split(list(read_articles([tmp_path / "a.rss", tmp_path / "b.atom"])))
    assert [(a.title, a.outlet, a.url) for a in articles] == [
        ("Talks", "Wire Feed", "https://e.org/1"),
        ("Ceasefire", "Atom Wire", "https://e.org/2"),
    ]
    assert articles[0].text == "Ukraine and Russia met in Istanbul."
    assert articles[0].published == datetime(2025, 6, 2, 10, tzinfo=UTC)
    assert [e.source for e in errors] == [f"{tmp_path / 'a.rss'}#2"]


def test_a_file_that_is_not_a_feed(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_text("not xml at all", encoding="utf-8")
    _, errors = split(list(read_articles([path])))
    assert len(errors) == 1 and "not an RSS or Atom feed" in errors[0].problem


def test_globs_and_folders_read_every_kind(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("One.", encoding="utf-8")
    (tmp_path / "sub" / "a.meta.json").write_text('{"title": "A"}', encoding="utf-8")
    (tmp_path / "b.csv").write_text("text\nTwo.\n", encoding="utf-8")
    (tmp_path / "c.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "d.rss").write_text(RSS, encoding="utf-8")
    from_folder, _ = split(list(read_articles([tmp_path])))
    assert len(from_folder) == 4
    from_glob, _ = split(list(read_articles([str(tmp_path / "**" / "*.txt")])))
    assert [(a.text, a.title) for a in from_glob] == [("One.", "A")]
    _, errors = split(list(read_articles([str(tmp_path / "*.nothing")])))
    assert len(errors) == 1 and "no file matches" in errors[0].problem


@pytest.mark.parametrize(
    ("text", "place", "region", "body"),
    [
        (
            "SHARM EL-SHEIKH, Egypt, Oct 6 (Wire) - Talks began.",
            "SHARM EL-SHEIKH",
            "Egypt",
            "Talks",
        ),
        ("KYIV, May 11 (Wire) - Ukraine said.", "KYIV", None, "Ukraine"),
        ("WASHINGTON (AP) \u2014 The talks", "WASHINGTON", None, "The"),
        ("NEW YORK, Sept. 3, 2025 -- The talks", "NEW YORK", None, "The"),
    ],
)
def test_dateline(text: str, place: str, region: str | None, body: str) -> None:
    found = dateline(text)
    assert found is not None
    assert text[slice(*found.place)] == place
    assert (text[slice(*found.region)] if found.region else None) == region
    assert text[found.body :].startswith(body)


@pytest.mark.parametrize(
    "text", ["UKRAINE - a heading without a date", "Ukrainian and Russian delegations met."]
)
def test_no_dateline(text: str) -> None:
    assert dateline(text) is None
