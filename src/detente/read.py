"""Read inputs into Articles: text files with sidecars, JSON Lines, CSV, HTML pages,
RSS/Atom feeds, folders and globs.

    for item in read_articles(["news/", "wire.jsonl"]):
        if isinstance(item, InputError):
            print(item)            # "wire.jsonl:7: row has no `text` ..."
        else:
            handle(item)           # an Article

Inputs
- `NAME.txt` (UTF-8): the article text. An optional sidecar `NAME.meta.json` holds
  `published`, `title`, `url`, `outlet`, `language` and `id`.
- `NAME.jsonl`: one article per line, `{"id"?, "title", "published", "url", "outlet",
  "text"}`. Blank lines are skipped.
- `NAME.csv` / `NAME.tsv`: a header row, then one article per row, with the columns of
  the JSON Lines rows (`text` required; unknown columns ignored).
- `NAME.html` / `NAME.htm`: a web page; its main text and metadata (title, publication
  date, site name, canonical URL, language) come from detente.webpage.
- `NAME.rss` / `NAME.atom` / `NAME.xml`: a feed (feedparser); each entry is an article
  (its content, else its summary, as text; its title, link and date; the feed's title as
  outlet).
- a folder: every file of those kinds under it, recursively, in sorted order
  (`*.meta.json` sidecars are read with their text, never on their own).
- a glob (`news/**/*.jsonl`, quoted so the shell leaves it alone): every match, sorted.
- `-`: the text of one article on standard input.
Any other file suffix is read as plain text.

Streaming: rows of JSON Lines and CSV files are read one at a time, so memory stays flat
however large a file is; a folder or glob holds only the list of its file names. A feed
or an HTML page is parsed whole (they are small).

Why a stream of `Article | InputError` rather than exceptions: a batch of 10,000 inputs
with three broken files should read the other 9,997 and tell the caller exactly which
three failed and why. Nothing in here raises for a bad input; the only eager error is a
bad `published=` override, which is the caller's argument rather than an input.

Ids are deterministic: the row's or sidecar's `id` if given, else `content_id(text)`, so
reading the same input twice gives the same Article and the store can skip it.
"""

from __future__ import annotations

import csv
import glob
import hashlib
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from detente.errors import InputError
from detente.vocabulary import Article

__all__ = [
    "Dateline",
    "Published",
    "content_id",
    "dateline",
    "parse_published",
    "read_article",
    "read_articles",
    "sidecar_path",
    "text_hash",
]

Published = date | datetime
TEXT_SUFFIXES: tuple[str, ...] = (".txt",)
JSONL_SUFFIXES: tuple[str, ...] = (".jsonl",)
CSV_SUFFIXES: tuple[str, ...] = (".csv", ".tsv")
HTML_SUFFIXES: tuple[str, ...] = (".html", ".htm")
FEED_SUFFIXES: tuple[str, ...] = (".rss", ".atom", ".xml")
READ_SUFFIXES = TEXT_SUFFIXES + JSONL_SUFFIXES + CSV_SUFFIXES + HTML_SUFFIXES + FEED_SUFFIXES
MAX_FIELD = 50_000_000  # longest CSV field accepted (csv's default of 128 KiB is too small)
_GLOB_CHARS = frozenset("*?[")
SIDECAR_SUFFIX = ".meta.json"
STDIN = "-"
_BINARY_PROBE = 8192
_META_KEYS: tuple[str, ...] = ("title", "url", "outlet", "language")


@dataclass(frozen=True)
class Dateline:
    """The dateline a wire story opens with ("SHARM EL-SHEIKH, Egypt, Oct 6 (Reuters) - "),
    as character spans: the place, the larger place after it if any, and where the story
    itself begins."""

    place: tuple[int, int]
    region: tuple[int, int] | None
    body: int


# A place in capitals, an optional ", Region", an optional ", Month Day", an optional
# "(Outlet)", then a dash: wire style. A date or an outlet must be there, so a heading in
# capitals followed by a dash is not taken for one.
_DATELINE = re.compile(
    r"\A\s*(?P<place>[A-Z][A-Z.'\u2019]+(?:[ -](?:[A-Z][A-Z.'\u2019]*|[Ee][Ll]|[Aa][Ll]))*)"
    r"(?:,\s+(?P<region>[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){0,3}))?"
    r"(?:,?\s+(?P<date>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
    r"\s+\d{1,2}(?:,\s+\d{4})?))?"
    r"\s*(?P<outlet>\([^()\n]{1,60}\))?"
    r"\s*(?:-{1,2}|\u2013|\u2014)\s+"
)


def dateline(text: str) -> Dateline | None:
    """The dateline at the start of `text`, or None.

    >>> d = dateline("SHARM EL-SHEIKH, Egypt, Oct 6 (Reuters) - Talks began.")
    >>> "SHARM EL-SHEIKH, Egypt, Oct 6 (Reuters) - Talks began."[slice(*d.place)]
    'SHARM EL-SHEIKH'
    """
    m = _DATELINE.match(text)
    if m is None or not (m.group("date") or m.group("outlet")):
        return None
    region = m.span("region") if m.group("region") else None
    return Dateline(place=m.span("place"), region=region, body=m.end())


def content_id(text: str) -> str:
    """The id of an article without a given one: the first 16 hex digits of sha256(text)."""
    return text_hash(text)[:16]


def text_hash(text: str) -> str:
    """The full sha256 hex digest of the text (stored to detect a changed text)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_published(value: str, *, source: str = "published") -> Published:
    """An ISO 8601 date ("2025-06-01") or datetime ("2025-06-01T10:00", "...+03:00", "...Z").

    Raises InputError naming `source` when the value is not ISO 8601.
    """
    text = value.strip()
    try:
        if len(text) <= 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError:
        raise InputError(
            source,
            f"published date {value!r} is not ISO 8601; write it as 2025-06-01 "
            "or 2025-06-01T10:00:00+03:00",
        ) from None


def read_articles(
    paths: Iterable[str | Path], *, published: Published | str | None = None
) -> Iterator[Article | InputError]:
    """Every Article in `paths`, with an InputError in place of each input that fails.

    `paths` is files, folders, or "-" for standard input (a lone path is accepted too).

    `published` overrides the publication time of every article read (a date, a datetime,
    or an ISO string). A bad override string raises InputError at once, before anything
    is read, because it would make every article wrong.
    """
    override = _coerce_override(published)
    if isinstance(paths, str | Path):  # one path, not an iterable of its characters
        paths = [paths]
    return _read_all([Path(p) if p != STDIN else p for p in paths], override)


def read_article(path: str | Path, *, published: Published | str | None = None) -> Article:
    """The one Article in a text file (or the first row of a JSON Lines file).

    Raises InputError if the input cannot be read or holds no article.
    """
    for item in read_articles([path], published=published):
        if isinstance(item, InputError):
            raise item
        return item
    raise InputError(str(path), "holds no article; give a .txt file or a .jsonl with rows")


def _coerce_override(published: Published | str | None) -> Published | None:
    if isinstance(published, str):
        return parse_published(published, source="published override")
    return published


def _read_all(
    paths: list[Path | str], override: Published | None
) -> Iterator[Article | InputError]:
    for path in paths:
        if path == STDIN:
            yield _read_stdin(override)
        elif not Path(path).exists() and _GLOB_CHARS & set(str(path)):
            yield from _read_glob(str(path), override)
        else:
            yield from _read_path(Path(path), override)


def _read_glob(pattern: str, override: Published | None) -> Iterator[Article | InputError]:
    matches = sorted(glob.iglob(pattern, recursive=True))
    if not matches:
        yield InputError(pattern, "no file matches this pattern; check it")
    for match in matches:
        path = Path(match)
        if path.is_dir():
            continue
        if path.name.endswith(SIDECAR_SUFFIX):
            continue  # read with its text file
        yield from _read_path(path, override)


def _read_path(path: Path, override: Published | None) -> Iterator[Article | InputError]:
    if path.is_dir():
        yield from _read_folder(path, override)
    elif not path.exists():
        yield InputError(str(path), "no such file or folder; check the path")
    elif path.name.endswith(SIDECAR_SUFFIX):
        yield InputError(
            str(path), "is a metadata sidecar; pass the .txt file it describes instead"
        )
    elif path.suffix.lower() in JSONL_SUFFIXES:
        yield from _read_jsonl(path, override)
    elif path.suffix.lower() in CSV_SUFFIXES:
        yield from _read_csv(path, override)
    elif path.suffix.lower() in HTML_SUFFIXES:
        yield _read_html_file(path, override)
    elif path.suffix.lower() in FEED_SUFFIXES:
        yield from _read_feed(path, override)
    else:
        yield _read_text_file(path, override)


def _read_folder(folder: Path, override: Published | None) -> Iterator[Article | InputError]:
    files = sorted(
        p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in READ_SUFFIXES
    )
    if not files:
        yield InputError(str(folder), "folder holds no .txt, .jsonl, .csv, .html or feed files")
    for path in files:
        yield from _read_path(path, override)


def _read_stdin(override: Published | None) -> Article | InputError:
    source = "<stdin>"
    try:
        text = _decode(sys.stdin.buffer.read(), source)
    except InputError as err:
        return err
    return _make_article(text, {}, source=source, override=override)


def _read_text_file(path: Path, override: Published | None) -> Article | InputError:
    source = str(path)
    try:
        text = _decode(_read_bytes(path), source)
        meta = _read_sidecar(path)
    except InputError as err:
        return err
    return _make_article(
        text, meta, source=source, override=override, meta_source=str(sidecar_path(path))
    )


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot be read ({exc.strerror}); check permissions") from None


def _decode(data: bytes, source: str) -> str:
    """UTF-8 text (a leading BOM dropped); InputError for binary, non-UTF-8 or blank input."""
    if b"\x00" in data[:_BINARY_PROBE]:
        raise InputError(source, "looks like a binary file (NUL bytes); give UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            source, f"is not valid UTF-8 (byte {exc.start}); re-save it as UTF-8"
        ) from None
    if not text.strip():
        raise InputError(source, "is empty; give the article text")
    return text


def sidecar_path(path: Path) -> Path:
    """`x.txt` -> `x.meta.json`."""
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def _read_sidecar(path: Path) -> dict[str, Any]:
    meta_path = sidecar_path(path)
    if not meta_path.exists():
        return {}
    source = str(meta_path)
    raw = _decode(_read_bytes(meta_path), source)
    try:
        meta = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(
            source, f"is not valid JSON (line {exc.lineno}: {exc.msg}); fix or remove it"
        ) from None
    if not isinstance(meta, dict):
        raise InputError(source, 'must hold a JSON object like {"published": "2025-06-01"}')
    return meta


def _read_jsonl(path: Path, override: Published | None) -> Iterator[Article | InputError]:
    try:
        with path.open("rb") as handle:
            if b"\x00" in handle.read(_BINARY_PROBE):
                yield InputError(str(path), "looks like a binary file (NUL bytes); give JSON Lines")
                return
            handle.seek(0)
            rows = 0
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                rows += 1
                yield _read_row(line, f"{path}:{number}", override)
    except OSError as exc:
        yield InputError(str(path), f"cannot be read ({exc.strerror}); check permissions")
        return
    if rows == 0:
        yield InputError(str(path), "is empty; give one JSON object with `text` per line")


def _read_row(line: bytes, source: str, override: Published | None) -> Article | InputError:
    try:
        row = json.loads(_decode(line, source))
    except InputError as err:
        return err
    except json.JSONDecodeError as exc:
        return InputError(source, f"is not valid JSON ({exc.msg}); fix or remove the line")
    if not isinstance(row, dict):
        return InputError(source, "must be a JSON object with a `text` field")
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        return InputError(source, "row has no `text` (or it is empty); add the article text")
    return _make_article(text, row, source=source, override=override)


def _make_article(
    text: str,
    meta: dict[str, Any],
    *,
    source: str,
    override: Published | None,
    meta_source: str | None = None,
) -> Article | InputError:
    """Build the Article from text and metadata; InputError for a bad metadata value,
    naming `meta_source` (the sidecar) when the metadata came from elsewhere."""
    named = meta_source or source
    try:
        fields = {key: _optional_str(meta, key, named) for key in _META_KEYS}
        article_id = _optional_id(meta, named) or content_id(text)
        published = override if override is not None else _meta_published(meta, named)
    except InputError as err:
        return err
    language = fields.pop("language") or "en"
    return Article(
        id=article_id,
        text=text,
        published=published,
        language=language,
        source=source,
        **fields,
    )


def _meta_published(meta: dict[str, Any], source: str) -> Published | None:
    value = meta.get("published")
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InputError(source, f"`published` must be an ISO date string, not {value!r}")
    return parse_published(value, source=source)


def _optional_str(meta: dict[str, Any], key: str, source: str) -> str | None:
    value = meta.get(key)
    if value is None or isinstance(value, str):
        return value or None
    raise InputError(source, f"`{key}` must be a string, not {type(value).__name__}")


def _optional_id(meta: dict[str, Any], source: str) -> str | None:
    value = meta.get("id")
    if value is None or value == "":
        return None
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value)
    raise InputError(source, f"`id` must be a string or a number, not {type(value).__name__}")


def _read_csv(path: Path, override: Published | None) -> Iterator[Article | InputError]:
    """One article per row, streamed; a bad row is reported and the next one read."""
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    csv.field_size_limit(MAX_FIELD)
    try:
        with path.open("rb") as probe:
            if b"\x00" in probe.read(_BINARY_PROBE):
                yield InputError(str(path), "looks like a binary file (NUL bytes); give CSV text")
                return
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle, delimiter=delimiter)
            if reader.fieldnames is None:
                yield InputError(str(path), "is empty; give a header row with a `text` column")
                return
            if "text" not in reader.fieldnames:
                yield InputError(
                    str(path), "has no `text` column; name the article text column `text`"
                )
                return
            rows = 0
            while True:
                line = reader.line_num + 1
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    yield InputError(f"{path}:{line}", f"is not valid CSV ({exc}); fix the row")
                    continue
                rows += 1
                yield _read_csv_row(row, f"{path}:{line}", override)
    except UnicodeDecodeError as exc:
        yield InputError(str(path), f"is not valid UTF-8 (byte {exc.start}); re-save it as UTF-8")
        return
    except OSError as exc:
        yield InputError(str(path), f"cannot be read ({exc.strerror}); check permissions")
        return
    if rows == 0:
        yield InputError(str(path), "has a header but no rows; add one article per row")


def _read_csv_row(
    row: dict[str | None, Any], source: str, override: Published | None
) -> Article | InputError:
    if None in row:  # more cells than header columns
        return InputError(source, "row has more cells than the header has columns; fix it")
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        return InputError(source, "row has no `text` (or it is empty); add the article text")
    meta = {k: v for k, v in row.items() if k != "text" and v not in (None, "")}
    return _make_article(text, meta, source=source, override=override)


def _read_html_file(path: Path, override: Published | None) -> Article | InputError:
    from detente.webpage import extract_page

    source = str(path)
    try:
        page = extract_page(_decode(_read_bytes(path), source))
    except InputError as err:
        return err
    if not page.text.strip():
        return InputError(
            source, "holds no main text that could be extracted; give the article page"
        )
    meta = {"title": page.title, "url": page.url, "outlet": page.outlet,
            "language": page.language}  # fmt: skip
    published = _loose_published(page.published)
    article = _make_article(page.text, meta, source=source, override=override)
    if isinstance(article, Article) and override is None and published is not None:
        return replace(article, published=published)
    return article


def _loose_published(value: str | None) -> Published | None:
    """A page's or feed's date: ISO 8601 if it is, else its leading YYYY-MM-DD, else None
    (metadata found in the wild is too varied to refuse a page for it)."""
    if not value:
        return None
    try:
        return parse_published(value)
    except InputError:
        pass
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _read_feed(path: Path, override: Published | None) -> Iterator[Article | InputError]:
    import feedparser

    from detente.webpage import extract_page

    source = str(path)
    try:
        data = _read_bytes(path)
    except InputError as err:
        yield err
        return
    feed = feedparser.parse(data)
    entries = feed.get("entries") or []
    if not entries:
        problem = feed.get("bozo_exception")
        why = f" ({problem})" if problem else ""
        yield InputError(source, f"is not an RSS or Atom feed with entries{why}; check the file")
        return
    outlet = feed.get("feed", {}).get("title") or None
    for number, entry in enumerate(entries, start=1):
        where = f"{source}#{number}"
        contents = entry.get("content") or []
        body = contents[0].get("value") if contents else entry.get("summary")
        text = extract_page(body).text if body else ""
        if not text.strip():
            yield InputError(where, "entry has no content or summary text; skipped")
            continue
        meta = {"title": entry.get("title") or None, "url": entry.get("link") or None,
                "outlet": outlet}  # fmt: skip
        article = _make_article(text, meta, source=where, override=override)
        published = _entry_published(entry)
        if isinstance(article, Article) and override is None and published is not None:
            article = replace(article, published=published)
        yield article


def _entry_published(entry: Any) -> Published | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if parsed:
        try:
            return datetime(*parsed[:6], tzinfo=UTC)
        except (TypeError, ValueError):
            return None
    return _loose_published(entry.get("published") or entry.get("updated"))
