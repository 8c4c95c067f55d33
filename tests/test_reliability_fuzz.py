"""Hypothesis-generated articles and metadata through the readers: odd Unicode, huge
lines, empty texts, missing or mistyped fields. Nothing raises; every row gives exactly
one Article or one InputError naming it; a good row's text arrives unchanged."""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.errors import InputError
from detente.read import read_articles
from detente.vocabulary import Article

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
odd_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200
)  # any Unicode but lone surrogates: control characters, RTL marks, emoji, BOMs
value = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), odd_text,
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(),
                                                         max_size=2),
)  # fmt: skip
dates = st.one_of(
    st.none(), odd_text, st.dates().map(str), st.datetimes().map(lambda d: d.isoformat())
)
row = st.fixed_dictionaries(
    {},
    optional={
        "text": st.one_of(odd_text, value, st.just("x" * 300_000)),
        "published": st.one_of(dates, value),
        "title": value, "url": value, "outlet": value, "language": value, "id": value,
    },
)  # fmt: skip


def one_per_row(items: list[Article | InputError], rows: int) -> None:
    assert len(items) == rows
    assert all(isinstance(item, Article | InputError) for item in items)


@FUZZ
@given(st.lists(st.one_of(row, odd_text), min_size=1, max_size=8))
def test_jsonl_rows(rows: list[Any]) -> None:
    lines = []
    for r in rows:
        line = json.dumps(r, ensure_ascii=False) if isinstance(r, dict) else r
        line = line.replace("\n", " ").replace("\r", " ")
        if line.strip():
            lines.append(line)
    if not lines:
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        items = list(read_articles([path]))
    content = ("\n".join(lines) + "\n").encode("utf-8")
    if b"\x00" in content[:8192]:  # NUL bytes at the start: refused as binary, once
        assert len(items) == 1 and isinstance(items[0], InputError)
        return
    one_per_row(items, len(lines))
    for line, item in zip(lines, items, strict=True):
        if isinstance(item, Article):
            assert item.text == json.loads(line)["text"]


cell = st.one_of(odd_text.map(lambda s: s.replace("\x00", "")), st.just(""))


@FUZZ
@given(st.lists(st.fixed_dictionaries({"text": cell, "published": cell, "title": cell,
                                       "id": cell}), min_size=1, max_size=8))  # fmt: skip
def test_csv_rows(rows: list[dict[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=["id", "title", "published", "text"])
            writer.writeheader()
            writer.writerows(rows)
        items = list(read_articles([path]))
    one_per_row(items, len(rows))
    for r, item in zip(rows, items, strict=True):
        if isinstance(item, Article):
            assert item.text == r["text"]
        else:
            assert item.source.startswith(f"{path}:")


@FUZZ
@given(odd_text, st.one_of(row, value))
def test_text_with_a_sidecar(text: str, meta: Any) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.txt"
        path.write_text(text, encoding="utf-8", newline="")
        Path(folder, "a.meta.json").write_text(json.dumps(meta), encoding="utf-8")
        items = list(read_articles([path]))
    one_per_row(items, 1)


@FUZZ
@given(odd_text, odd_text, odd_text)
def test_html_pages_and_feeds(title: str, body: str, junk: str) -> None:
    page = f"<html><head><title>{title}</title></head><body><p>{body}</p>{junk}</body></html>"
    feed = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{junk}</title><item>'
        f"<title>{title}</title><description>{body}</description></item></channel></rss>"
    )
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "a.html").write_text(page, encoding="utf-8")
        Path(folder, "b.rss").write_text(feed, encoding="utf-8")
        items = list(read_articles([Path(folder, "a.html"), Path(folder, "b.rss")]))
    assert len(items) >= 2 and all(isinstance(i, Article | InputError) for i in items)
