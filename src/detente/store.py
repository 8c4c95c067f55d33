"""The store: Readings into SQLite (or any SQLAlchemy URL) through SQLAlchemy Core.

    store = Store("detente.db")                 # opens or creates, applies migrations
    added = store.add_reading(reading)          # one article, one transaction
    for row in store.events(actor="UKR", since=date(2025, 6, 1)):
        row.event, row.date                     # an Event rebuilt from its stored JSON
    write_csv(store.events(), sys.stdout)

Why it looks like this
- One article is one transaction: its row, its mentions, its events with their actors and
  the evidence of every event field are written together or not at all.
- Idempotent: article ids are content hashes (or the source's own id), and the article row
  is inserted insert-or-ignore; if the row was already there nothing else is written, so
  re-ingesting a corpus changes nothing. The same id with a different text is refused
  (InputError) rather than silently overwritten.
- Events are stored twice on purpose: flat columns to filter and join on, and the full
  `to_dict(event)` JSON to rebuild the Event exactly.
- Every event field that has evidence gets a row in `evidence` (owner, field name, span,
  extractor, version, confidence); mentions carry their span in their own row.

Tables: articles, mentions, events, event_actors, evidence (see detente.migrations).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import types
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union, get_args, get_origin, get_type_hints

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import StaticPool

from detente.errors import InputError, StoreError
from detente.export import CSV_COLUMNS, csv_row, write_csv, write_jsonl
from detente.fuse import (
    FUSED_TABLES,
    FusedEvent,
    fuse_article,
    fused_actors,
    fused_events,
    fused_from_json,
    fused_members,
)
from detente.migrations import MIGRATIONS, UNDATED, Migration, event_keys_of, migrate
from detente.processes import (
    PREFIX,
    UnknownProcess,
    effective_process,
    find_process,
    merge_processes,
    merge_proposals,
    process_id,
)
from detente.read import Published, read_articles, text_hash
from detente.vocabulary import (
    Actor,
    Article,
    Event,
    Evidence,
    Position,
    Process,
    Proposal,
    Reading,
    Round,
    Span,
    to_dict,
)

if TYPE_CHECKING:
    from detente.pipeline import Extractor

__all__ = [
    "CSV_COLUMNS",
    "Added",
    "Counts",
    "IngestReport",
    "SearchHit",
    "Store",
    "StoredArticle",
    "StoredEvent",
    "csv_row",
    "event_from_dict",
    "ingest",
    "write_csv",
    "write_jsonl",
]

DEFAULT_DB = "detente.db"
_SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 120_000  # how long a writer waits for another process's transaction

# The current schema, as the migrations leave it. tests/test_store.py checks they agree.
metadata = sa.MetaData()
articles = sa.Table(
    "articles",
    metadata,
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("title", sa.Text),
    sa.Column("published", sa.String(40)),
    sa.Column("published_date", sa.Date),
    sa.Column("url", sa.Text),
    sa.Column("outlet", sa.Text),
    sa.Column("language", sa.String(16)),
    sa.Column("source", sa.Text),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("text_hash", sa.String(64), nullable=False),
    sa.Column("ingested_at", sa.String(40), nullable=False),
)
mentions = sa.Table(
    "mentions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("article_id", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(8), nullable=False),
    sa.Column("start_char", sa.Integer, nullable=False),
    sa.Column("end_char", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("code", sa.String(200)),
    sa.Column("name", sa.Text),
    sa.Column("subtype", sa.String(40)),
    sa.Column("country", sa.String(8)),
    sa.Column("sector", sa.String(40)),
    sa.Column("lat", sa.Float),
    sa.Column("lon", sa.Float),
    sa.Column("metonym", sa.Boolean),
    sa.Column("instant", sa.String(40)),
    sa.Column("extractor", sa.String(100), nullable=False),
    sa.Column("version", sa.String(40), nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
)
events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("article_id", sa.String(200), nullable=False),
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column("mode", sa.String(40)),
    sa.Column("context", sa.String(200)),
    sa.Column("cameo", sa.String(10)),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("symmetric", sa.Boolean, nullable=False),
    sa.Column("refers_to", sa.String(200)),
    sa.Column("event_date", sa.Date),
    sa.Column("time_type", sa.String(10)),
    sa.Column("time_value", sa.String(60)),
    sa.Column("time_instant", sa.String(40)),
    sa.Column("place_id", sa.String(200)),
    sa.Column("place_name", sa.Text),
    sa.Column("place_country", sa.String(8)),
    sa.Column("lat", sa.Float),
    sa.Column("lon", sa.Float),
    sa.Column("venue_id", sa.String(200)),
    sa.Column("venue_name", sa.Text),
    sa.Column("attribution", sa.Text),
    sa.Column("trigger_start", sa.Integer, nullable=False),
    sa.Column("trigger_end", sa.Integer, nullable=False),
    sa.Column("trigger_text", sa.Text, nullable=False),
    sa.Column("extractor", sa.String(100), nullable=False),
    sa.Column("version", sa.String(40), nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("json", sa.Text, nullable=False),
)
event_actors = sa.Table(
    "event_actors",
    metadata,
    sa.Column("event_id", sa.String(200), primary_key=True),
    sa.Column("role", sa.String(8), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(200), nullable=False),
    sa.Column("name", sa.Text),
    sa.Column("kind", sa.String(20)),
    sa.Column("country", sa.String(8)),
    sa.Column("sector", sa.String(40)),
    sa.Column("metonym", sa.Boolean, nullable=False),
)
evidence = sa.Table(
    "evidence",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("owner_kind", sa.String(20), nullable=False),
    sa.Column("owner_id", sa.String(200), nullable=False),
    sa.Column("field", sa.String(40), nullable=False),
    sa.Column("article_id", sa.String(200), nullable=False),
    sa.Column("start_char", sa.Integer, nullable=False),
    sa.Column("end_char", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("extractor", sa.String(100), nullable=False),
    sa.Column("version", sa.String(40), nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
)
negotiation = sa.Table(
    "negotiation",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("article_id", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("key", sa.String(200)),
    sa.Column("party", sa.String(200)),
    sa.Column("issue", sa.String(100)),
    sa.Column("stance", sa.String(40)),
    sa.Column("status", sa.String(20)),
    sa.Column("start_char", sa.Integer, nullable=False),
    sa.Column("end_char", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("extractor", sa.String(100), nullable=False),
    sa.Column("version", sa.String(40), nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("json", sa.Text, nullable=False),
)
processes = sa.Table(
    "processes",
    metadata,
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("name_key", sa.String(400), nullable=False),
    sa.Column("json", sa.Text, nullable=False),
    sa.Column("defined_at", sa.String(40), nullable=False),
)
event_keys = sa.Table(
    "event_keys",
    metadata,
    sa.Column("key", sa.String(420), primary_key=True),
    sa.Column("filed_date", sa.Date, primary_key=True),
    sa.Column("event_id", sa.String(200), primary_key=True),
)
TABLES: tuple[sa.Table, ...] = (
    articles, mentions, events, event_actors, evidence, negotiation, event_keys,
    *FUSED_TABLES, processes,
)  # fmt: skip


@dataclass(frozen=True)
class Added:
    """What `add_reading` did: `new` is False when the article was already stored."""

    article_id: str
    new: bool
    events: int = 0
    mentions: int = 0


@dataclass(frozen=True)
class Counts:
    """Rows per table."""

    articles: int
    mentions: int
    events: int
    event_actors: int
    evidence: int
    negotiation: int
    event_keys: int = 0
    fused_events: int = 0
    fused_members: int = 0
    fused_actors: int = 0
    processes: int = 0  # defined by a user (read ones are negotiation rows)


@dataclass(frozen=True)
class StoredEvent:
    """An event read back: the Event, and the date it is filed under.

    `date` is the event's own date when its time is a day or finer, else the article's
    publication date; `dated_by` says which ("event", "article", or None for neither).
    """

    event: Event
    date: date | None
    dated_by: str | None
    outlet: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class StoredArticle:
    article: Article
    text_hash: str
    ingested_at: str


@dataclass(frozen=True)
class SearchHit:
    """An article that matches a full-text search, best match first."""

    article_id: str
    title: str | None
    published: str | None
    outlet: str | None
    url: str | None


class Store:
    """A detente database. `target`: a file path, ":memory:", or an SQLAlchemy URL.

    Opening applies pending migrations. With `create=False` a missing SQLite file is a
    StoreError instead of a new empty database (for commands that only read).
    """

    def __init__(
        self,
        target: str | Path = DEFAULT_DB,
        *,
        create: bool = True,
        migrations: Sequence[Migration] = MIGRATIONS,
    ) -> None:
        self.target = _shown_target(target)
        self.engine = _make_engine(target, create=create)
        self._writer = self.engine.execution_options(detente_write=True)
        try:
            self.applied = migrate(self.engine, migrations)
        except SQLAlchemyError as exc:
            self.engine.dispose()
            raise StoreError(_open_problem(self.target, exc)) from exc
        except StoreError:
            self.engine.dispose()
            raise

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- writing -------------------------------------------------------------------------

    def add_reading(self, reading: Reading) -> Added:
        """Store one article and everything read in it, in one transaction.

        Returns Added(new=False) and writes nothing if the article is already stored.
        Raises InputError if its id is stored with a different text, StoreError if the
        database fails; in both cases nothing of this article is written.
        """
        article = reading.article
        _check_reading(reading)
        try:
            with self._writer.begin() as conn:
                if not _insert_article(conn, article):
                    _check_same_text(conn, article)
                    return Added(article.id, new=False)
                mention_rows = list(_mention_rows(reading))
                _insert_many(conn, mentions, mention_rows)
                for event in reading.events:
                    _insert_event(conn, event, filed=_filed(event, article))
                _insert_many(conn, negotiation, list(_negotiation_rows(reading)))
                _index_text(conn, article)
                fuse_article(conn, article.id)
        except SQLAlchemyError as exc:
            raise StoreError(
                f"{self.target}: could not store article {article.id} ({_first_line(exc)}); "
                "nothing of it was written"
            ) from exc
        return Added(article.id, new=True, events=len(reading.events), mentions=len(mention_rows))

    def stored_hash(self, article_id: str) -> str | None:
        """The text hash stored for this article id, or None if it is not stored (lets an
        interrupted ingest skip what it already stored without extracting it again)."""
        query = sa.select(articles.c.text_hash).where(articles.c.id == article_id)
        with self._read() as conn:
            return conn.execute(query).scalar_one_or_none()

    # -- reading -------------------------------------------------------------------------

    def events(
        self,
        *,
        actor: str | None = None,
        dyad: tuple[str, str] | None = None,
        type: str | None = None,
        place: str | None = None,
        round: int | None = None,
        since: date | None = None,
        until: date | None = None,
        limit: int | None = None,
    ) -> list[StoredEvent]:
        """Events, oldest first, filtered by actor (an actor code or country code among
        sources, targets and host; case-insensitive), dyad (two actors, both in the event,
        either direction), PLOVER type, place (place id or name), round of talks (its
        ordinal), and date range (inclusive; the event's date, else its article's
        publication date)."""
        filed = sa.func.coalesce(events.c.event_date, articles.c.published_date)
        columns = (events.c.json, events.c.event_date, articles.c.published_date,
                   articles.c.outlet, articles.c.url)  # fmt: skip
        if dyad or actor:
            # a timeline: one range of the event_keys index, already in date order
            key = _dyad_key(*dyad) if dyad else f"actor:{actor.upper()}"  # type: ignore[union-attr]
            query = (
                sa.select(*columns)
                .select_from(event_keys)
                .join(events, events.c.id == event_keys.c.event_id)
                .join(articles, articles.c.id == events.c.article_id)
                .where(event_keys.c.key == key)
                .order_by(event_keys.c.filed_date, event_keys.c.event_id)
            )
            if dyad and actor:
                query = query.where(events.c.id.in_(_events_with_actor(actor)))
        else:
            query = (
                sa.select(*columns)
                .join(articles, articles.c.id == events.c.article_id)
                .order_by(filed.is_(None), filed, events.c.article_id, events.c.trigger_start)
            )
        if place:
            query = query.where(
                sa.or_(
                    events.c.place_id == place,
                    sa.func.lower(events.c.place_name) == place.lower(),
                )
            )
        if round is not None:
            query = query.where(events.c.id.in_(_events_of_round(round)))
        if limit is not None:
            query = query.limit(limit)
        if type:
            query = query.where(sa.func.upper(events.c.type) == type.upper())
        if since is not None:
            query = query.where(filed >= since)
        if until is not None:
            query = query.where(filed <= until)
        with self._read() as conn:
            return [_stored_event(row) for row in conn.execute(query)]

    def fused(
        self,
        *,
        actor: str | None = None,
        dyad: tuple[str, str] | None = None,
        type: str | None = None,
        place: str | None = None,
        round: int | None = None,
        since: date | None = None,
        until: date | None = None,
        limit: int | None = None,
    ) -> list[FusedEvent]:
        """Fused events (one per real-world event, with all its sources), oldest first,
        filtered as `events` filters (actor and dyad by actor code among sources and
        targets)."""
        query = sa.select(fused_events.c.json).order_by(
            fused_events.c.event_date.is_(None), fused_events.c.event_date, fused_events.c.id
        )
        for code in [actor] if actor else list(dyad or ()):
            query = query.where(fused_events.c.id.in_(_fused_with_actor(code)))
        if type:
            query = query.where(sa.func.upper(fused_events.c.type) == type.upper())
        if place:
            query = query.where(
                sa.or_(
                    fused_events.c.place_id == place,
                    sa.func.lower(fused_events.c.place_name) == place.lower(),
                )
            )
        if round is not None:
            query = query.where(fused_events.c.round_ordinal == round)
        if since is not None:
            query = query.where(fused_events.c.event_date >= since)
        if until is not None:
            query = query.where(fused_events.c.event_date <= until)
        if limit is not None:
            query = query.limit(limit)
        with self._read() as conn:
            return [fused_from_json(text) for text in conn.execute(query).scalars()]

    def fused_links(self) -> dict[str, str]:
        """Each per-article event id -> the id of the fused event it belongs to."""
        query = sa.select(fused_members.c.event_id, fused_members.c.fused_id)
        with self._read() as conn:
            return {event_id: fused_id for event_id, fused_id in conn.execute(query)}

    def search(self, text: str, *, limit: int = 20) -> list[SearchHit]:
        """Articles whose title or text match `text`, best first: SQLite FTS5 (its query
        syntax: words, "a phrase", OR, prefix*), PostgreSQL full-text search (websearch
        syntax), elsewhere a case-insensitive substring match."""
        if not text.strip():
            return []
        cols = (articles.c.id, articles.c.title, articles.c.published, articles.c.outlet,
                articles.c.url)  # fmt: skip
        dialect = self.engine.dialect.name
        if dialect == "sqlite":
            fts = sa.table("articles_fts", sa.column("article_id"), sa.column("rank"))
            match = sa.text("articles_fts MATCH :q").bindparams(q=_fts_query(text))
            query = (
                sa.select(*cols)
                .join(fts, fts.c.article_id == articles.c.id)
                .where(match)
                .order_by(fts.c.rank)
            )
        elif dialect == "postgresql":
            document = sa.func.to_tsvector(
                "english", sa.func.coalesce(articles.c.title, "") + " " + articles.c.text
            )
            wanted = sa.func.websearch_to_tsquery("english", text)
            query = (
                sa.select(*cols)
                .where(document.bool_op("@@")(wanted))
                .order_by(sa.func.ts_rank(document, wanted).desc(), articles.c.id)
            )
        else:
            query = sa.select(*cols).where(articles.c.text.ilike(f"%{text}%"))
        with self._read() as conn:
            return [SearchHit(*row) for row in conn.execute(query.limit(limit))]

    def articles(self) -> list[StoredArticle]:
        """Every stored article, by publication date then id."""
        query = sa.select(articles).order_by(
            articles.c.published_date.is_(None), articles.c.published_date, articles.c.id
        )
        with self._read() as conn:
            return [_stored_article(row) for row in conn.execute(query).mappings()]

    def counts(self) -> Counts:
        """Rows per table."""
        with self._read() as conn:
            values = {
                table.name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                for table in TABLES
            }
        return Counts(**values)

    def rounds(self, *, process: str | None = None) -> list[Round]:
        """Stored rounds of talks, by article and order of reading; with `process` (its id,
        name or alias) those of that process (see detente.processes for which belong)."""
        found = [_from_dict(Round, data) for data in self._negotiation("round")]
        return self._of_process(found, process)

    def proposals(self, *, process: str | None = None, merged: bool = True) -> list[Proposal]:
        """Stored proposals. `merged`: one per document across articles (same author and a
        shared name in one process), its status history in date order; else each as its
        article read it, by article and order of reading. `process`: of that process."""
        found = [_from_dict(Proposal, data) for data in self._negotiation("proposal")]
        if not merged and process is None:
            return found
        known = self.processes()
        if merged:
            days = self._article_days({p.evidence.span.article_id for p in found})
            found = merge_proposals(
                found,
                process_of=lambda p: effective_process(p, known),
                day_of=days.get,
            )
        return self._of_process(found, process, known)

    def positions(self, *, party: str | None = None, process: str | None = None) -> list[Position]:
        """Stored positions, optionally of one party (its actor code) and one process."""
        found = [_from_dict(Position, data) for data in self._negotiation("position", party)]
        return self._of_process(found, process)

    def processes(self) -> list[Process]:
        """Every process: those the articles name, merged by id across articles, and those a
        user defined (with the user's name; the articles' names become aliases)."""
        read = [_from_dict(Process, data) for data in self._negotiation("process")]
        return merge_processes(read, self.defined_processes())

    def defined_processes(self) -> list[Process]:
        """The processes users defined, by name."""
        query = sa.select(processes.c.json).order_by(processes.c.name_key)
        with self._read() as conn:
            return [_from_dict(Process, json.loads(text)) for text in conn.execute(query).scalars()]

    def find_process(self, name: str) -> Process:
        """The process with this id, name or alias (case-insensitive); UnknownProcess (a
        DetenteError listing the known ones) if there is none."""
        return find_process(self.processes(), name)

    def define_process(
        self,
        name: str,
        parties: Sequence[str],
        *,
        mediators: Sequence[str] = (),
        hosts: Sequence[str] = (),
        aliases: Sequence[str] = (),
    ) -> Process:
        """Define (or redefine) a process by its parties: country names or codes ("UKR",
        "Russia"), or a group's code. Its id is that of the parties' process, so stored
        rounds, proposals and positions of those parties belong to it. InputError if the
        name is blank, fewer than two parties are given, or the name (or an alias) already
        names another defined process."""
        process = _defined(name, parties, mediators=mediators, hosts=hosts, aliases=aliases)
        keys = {k.casefold() for k in (process.name, *process.aliases)}
        for other in self.defined_processes():
            if other.id != process.id and keys & {
                k.casefold() for k in (other.name, *other.aliases)
            }:
                raise InputError(
                    f"process {name!r}",
                    f"the name or an alias is already that of {other.name} ({other.id}); "
                    "choose another",
                )
        row = {
            "id": process.id,
            "name": process.name,
            "name_key": process.name.casefold(),
            "json": json.dumps(to_dict(process), ensure_ascii=False, sort_keys=True),
            "defined_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        try:
            with self._writer.begin() as conn:
                conn.execute(processes.delete().where(processes.c.id == process.id))
                conn.execute(processes.insert(), row)
        except SQLAlchemyError as exc:
            raise StoreError(
                f"{self.target}: could not define process {name!r} ({_first_line(exc)})"
            ) from exc
        return process

    def articles_by_id(self, ids: Iterable[str]) -> dict[str, Article]:
        """The stored articles with these ids (those not stored are left out)."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        query = sa.select(articles).where(articles.c.id.in_(wanted))
        with self._read() as conn:
            return {
                row["id"]: _stored_article(row).article for row in conn.execute(query).mappings()
            }

    def event_days(self, ids: Iterable[str]) -> dict[str, str]:
        """The day each of these events is dated to by its own time (ISO), where known."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        query = sa.select(events.c.id, events.c.event_date).where(events.c.id.in_(wanted))
        with self._read() as conn:
            return {i: d.isoformat() for i, d in conn.execute(query) if d is not None}

    def _article_days(self, ids: Iterable[str]) -> dict[str, str]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        query = sa.select(articles.c.id, articles.c.published_date).where(articles.c.id.in_(wanted))
        with self._read() as conn:
            return {i: d.isoformat() for i, d in conn.execute(query) if d is not None}

    def _of_process(
        self, items: list[Any], process: str | None, known: list[Process] | None = None
    ) -> list[Any]:
        if process is None:
            return items
        known = self.processes() if known is None else known
        try:
            pid = find_process(known, process).id
        except UnknownProcess:
            if not process.startswith(PREFIX):
                raise
            pid = process  # an id items carry though no article or user named its process
        return [item for item in items if effective_process(item, known) == pid]

    def _negotiation(self, kind: str, party: str | None = None) -> list[dict[str, Any]]:
        query = (
            sa.select(negotiation.c.json)
            .where(negotiation.c.kind == kind)
            .order_by(negotiation.c.article_id, negotiation.c.position)
        )
        if party:
            query = query.where(sa.func.upper(negotiation.c.party) == party.upper())
        with self._read() as conn:
            return [json.loads(text) for text in conn.execute(query).scalars()]

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """A connection for queries; database errors become StoreError."""
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"{self.target}: query failed ({_first_line(exc)})") from exc


# -- opening -------------------------------------------------------------------------------


def _shown_target(target: str | Path) -> str:
    """The database as named in messages: a URL without its password."""
    text = str(target)
    if "://" not in text:
        return text
    try:
        return sa.make_url(text).render_as_string(hide_password=True)
    except SQLAlchemyError:
        return text.split("://", 1)[0] + "://..."


def _make_engine(target: str | Path, *, create: bool) -> Engine:
    text = str(target)
    if "://" in text:
        try:
            engine = sa.create_engine(_with_driver(text))
        except ImportError as exc:
            raise StoreError(
                f"{_shown_target(text)}: its database driver is not installed ({exc}); "
                "install it with pip"
            ) from exc
        except (SQLAlchemyError, ValueError) as exc:
            raise StoreError(f"{_shown_target(text)}: not a usable database URL ({exc})") from exc
    elif text == ":memory:":
        engine = sa.create_engine(
            "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
    else:
        path = Path(text)
        _check_sqlite_path(path, create=create)
        engine = sa.create_engine(f"sqlite:///{path}")
    if engine.dialect.name == "sqlite":
        _transactional_sqlite(engine, wal=text != ":memory:" and "://" not in text)
    return engine


def _with_driver(url: str) -> str:
    """`postgresql://...` names no driver, and SQLAlchemy's default (psycopg2) is not one
    we install: use psycopg 3 (pinned) for it."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _check_sqlite_path(path: Path, *, create: bool) -> None:
    if path.is_dir():
        raise StoreError(f"{path}: is a folder; give a database file such as {path / DEFAULT_DB}")
    if not path.exists():
        if not create:
            raise StoreError(f"{path}: no such database; run `detente ingest` to create it")
        if not path.parent.is_dir():
            raise StoreError(f"{path}: folder {path.parent} does not exist; create it first")
        return
    try:
        with path.open("rb") as handle:
            head = handle.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read ({exc.strerror}); check permissions") from exc
    if head and head != _SQLITE_MAGIC:
        raise StoreError(f"{path}: is not a SQLite database; give another --db path")


def _transactional_sqlite(engine: Engine, *, wal: bool) -> None:
    """Make SQLite transactions real (DDL included), enforce foreign keys, and let several
    processes share one file.

    Python 3.11's sqlite3 does not BEGIN before DDL, so a failing migration would leave
    half its tables behind; we turn its own transaction handling off and emit BEGIN
    ourselves (the recipe in SQLAlchemy's SQLite dialect notes). Writers (connections with
    the `detente_write` execution option) BEGIN IMMEDIATE: they take the write lock first
    and wait for it (busy_timeout), instead of failing when a read lock cannot be upgraded.
    A file database runs in WAL mode, so readers never block the writer.
    """

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("detente_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _open_problem(target: str, exc: SQLAlchemyError) -> str:
    return (
        f"{target}: cannot open the database ({_first_line(exc)}); "
        "check that the path is a writable SQLite file"
    )


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.splitlines()[0] if text else exc.__class__.__name__


# -- writing helpers -----------------------------------------------------------------------


def _check_reading(reading: Reading) -> None:
    """Refuse a Reading whose events name another article (a bug upstream, not bad input)."""
    for event in reading.events:
        if event.article_id != reading.article.id:
            raise ValueError(
                f"event {event.id} belongs to article {event.article_id}, not {reading.article.id}"
            )


# Insert-or-ignore of an article row, built once per dialect; RETURNING rather than
# rowcount, which psycopg reports as -1 here.
_INSERT_OR_IGNORE = {
    "sqlite": sqlite.insert(articles).on_conflict_do_nothing().returning(articles.c.id),
    "postgresql": postgresql.insert(articles).on_conflict_do_nothing().returning(articles.c.id),
}


def _insert_article(conn: Connection, article: Article) -> bool:
    """Insert-or-ignore the article row; True if it was new."""
    row = _article_row(article)
    dialect = conn.dialect.name
    if dialect in _INSERT_OR_IGNORE:
        return conn.execute(_INSERT_OR_IGNORE[dialect], row).first() is not None
    else:
        exists = conn.execute(sa.select(articles.c.id).where(articles.c.id == article.id))
        if exists.first() is not None:
            return False
        stmt = articles.insert().values(row)
    return conn.execute(stmt).rowcount == 1


def _check_same_text(conn: Connection, article: Article) -> None:
    stored = conn.execute(
        sa.select(articles.c.text_hash).where(articles.c.id == article.id)
    ).scalar_one()
    if stored != text_hash(article.text):
        raise _changed_text_error(article)


def _changed_text_error(article: Article) -> InputError:
    return InputError(
        article.source or article.id,
        f"article id {article.id!r} is already stored with a different text; "
        "give this text its own id (or drop the id to use a content hash)",
    )


def _article_row(article: Article) -> dict[str, Any]:
    published = article.published.isoformat() if article.published is not None else None
    return {
        "id": article.id,
        "title": article.title,
        "published": published,
        "published_date": article.published_date,
        "url": article.url,
        "outlet": article.outlet,
        "language": article.language,
        "source": article.source,
        "text": article.text,
        "text_hash": text_hash(article.text),
        "ingested_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _insert_many(conn: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """executemany; every row gets every column (None where absent), as executemany needs."""
    if rows:
        keys = {key for row in rows for key in row}
        conn.execute(table.insert(), [{key: row.get(key) for key in keys} for row in rows])


def _span_columns(ev: Evidence) -> dict[str, Any]:
    return {
        "start_char": ev.span.start,
        "end_char": ev.span.end,
        "text": ev.span.text,
        "extractor": ev.extractor,
        "version": ev.version,
        "confidence": ev.confidence,
    }


def _mention_rows(reading: Reading) -> Iterator[dict[str, Any]]:
    article_id = reading.article.id
    for am in reading.actors:
        a = am.actor
        yield {
            "article_id": article_id, "kind": "actor", **_span_columns(am.evidence),
            "code": a.code, "name": a.name, "subtype": a.kind, "country": a.country,
            "sector": a.sector, "metonym": am.metonym,
        }  # fmt: skip
    for pm in reading.places:
        p = pm.place
        yield {
            "article_id": article_id, "kind": "place", **_span_columns(pm.evidence),
            "code": p.id, "name": p.name, "subtype": p.kind, "country": p.country,
            "lat": p.lat, "lon": p.lon,
        }  # fmt: skip
    for tv in reading.times:
        yield {
            "article_id": article_id, "kind": "time", **_span_columns(tv.evidence),
            "code": tv.value, "subtype": tv.type, "instant": tv.instant,
        }  # fmt: skip


def _negotiation_rows(reading: Reading) -> Iterator[dict[str, Any]]:
    """One row per round, proposal and position, with its JSON and its own evidence."""
    items: list[tuple[str, Round | Proposal | Position | Process]] = [
        *(("round", r) for r in reading.rounds),
        *(("proposal", p) for p in reading.proposals),
        *(("position", p) for p in reading.positions),
        *(("process", p) for p in reading.processes),
    ]
    for position, (kind, item) in enumerate(items):
        where = item.evidence or _process_evidence(item, reading)
        row: dict[str, Any] = {
            "article_id": reading.article.id,
            "kind": kind,
            "position": position,
            **_span_columns(where),
            "json": json.dumps(to_dict(item), ensure_ascii=False, sort_keys=True),
        }
        if isinstance(item, Process):
            row |= {"key": item.id, "party": None}
        elif isinstance(item, Round):
            row["key"] = item.event_id
        elif isinstance(item, Proposal):
            row |= {"key": item.id, "party": item.author.code if item.author else None,
                    "status": item.status}  # fmt: skip
        else:
            row |= {"key": item.party.code, "party": item.party.code, "issue": item.issue,
                    "stance": item.stance}  # fmt: skip
        yield row


def _process_evidence(item: Any, reading: Reading) -> Evidence:
    """The span a process row points to when the text gave it no name: the first round
    of it, else an empty span at the article's start."""
    for rnd in reading.rounds:
        if rnd.process == item.id:
            return rnd.evidence
    return Evidence(Span(reading.article.id, 0, 0, ""), extractor="detente.store", version="1")


_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_.]{1,39}$")


def _party(text: str) -> Actor:
    """A party named by a user: a country (name or code) from the registry, else a code."""
    from detente.registry import Registry

    word = text.strip()
    country = Registry.default().country(word) if word else None
    if country is None and len(word) == 3 and word.isalpha():
        country = Registry.default().country_by_code(word)
    if country is not None:
        return Actor(country.iso3, _short_name(country), "state", country=country.iso3)
    if not _CODE.match(word):
        raise InputError(
            "process definition",
            f"party {text!r} is neither a country nor an actor code; give e.g. UKR or Ukraine",
        )
    return Actor(word.upper(), word, "group")


def _short_name(country: Any) -> str:
    """The name the news uses: the shortest of the country's names that is not an acronym
    ("Russia", not "Russian Federation" or "RF")."""
    words = [n for n in (country.name, *country.names) if "." not in n and "," not in n]
    plain = [n for n in words if not n.isupper()]
    return min(plain, key=len) if plain else country.name


def _defined(
    name: str,
    parties: Sequence[str],
    *,
    mediators: Sequence[str],
    hosts: Sequence[str],
    aliases: Sequence[str],
) -> Process:
    title = " ".join(name.split())
    if not title:
        raise InputError("process definition", "the name is blank; give the process a name")
    sides = list({a.code: a for a in map(_party, parties)}.values())
    if len(sides) < 2:
        raise InputError(
            f"process {title!r}", "a process needs at least two different parties (UKR,RUS)"
        )
    names = [" ".join(a.split()) for a in aliases]
    return Process(
        id=process_id(a.code for a in sides),
        name=title,
        parties=tuple(sorted(sides, key=lambda a: a.code)),
        mediators=tuple({a.code: a for a in map(_party, mediators)}.values()),
        hosts=tuple({a.code: a for a in map(_party, hosts)}.values()),
        aliases=tuple(dict.fromkeys(a for a in names if a and a.casefold() != title.casefold())),
    )


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def event_date(event: Event) -> date | None:
    """The calendar day an event is dated to by its own time, if that is a day or finer."""
    tv = event.time
    if tv is None or tv.type not in ("DATE", "TIME"):
        return None
    match = _DAY.match(tv.value)
    if match is None:
        return None
    try:
        return date.fromisoformat(match.group(0))
    except ValueError:
        return None


def _insert_event(conn: Connection, event: Event, *, filed: date) -> None:
    conn.execute(events.insert(), _event_row(event))
    _insert_many(conn, event_actors, list(_actor_rows(event)))
    _insert_many(conn, evidence, list(_evidence_rows(event)))
    mentions_ = [
        (m.actor.code, m.actor.country)
        for m in (*event.sources, *event.targets, *([event.host] if event.host else []))
    ]
    keys = sorted(event_keys_of(mentions_))
    _insert_many(
        conn, event_keys, [{"key": k, "filed_date": filed, "event_id": event.id} for k in keys]
    )


def _filed(event: Event, article: Article) -> date:
    """The day an event is filed under: its own, else its article's, else UNDATED."""
    return event_date(event) or article.published_date or UNDATED


def _event_row(event: Event) -> dict[str, Any]:
    place = event.place.place if event.place else None
    venue = event.venue.place if event.venue else None
    tv = event.time
    return {
        "id": event.id,
        "article_id": event.article_id,
        "type": event.type,
        "mode": event.mode,
        "context": event.context,
        "cameo": event.cameo,
        "status": event.status,
        "symmetric": event.symmetric,
        "refers_to": event.refers_to,
        "event_date": event_date(event),
        "time_type": tv.type if tv else None,
        "time_value": tv.value if tv else None,
        "time_instant": tv.instant if tv else None,
        "place_id": place.id if place else None,
        "place_name": place.name if place else None,
        "place_country": place.country if place else None,
        "lat": place.lat if place else None,
        "lon": place.lon if place else None,
        "venue_id": venue.id if venue else None,
        "venue_name": venue.name if venue else None,
        "attribution": event.attribution.text if event.attribution else None,
        "trigger_start": event.evidence.span.start,
        "trigger_end": event.evidence.span.end,
        "trigger_text": event.evidence.span.text,
        "extractor": event.evidence.extractor,
        "version": event.evidence.version,
        "confidence": event.evidence.confidence,
        "json": json.dumps(to_dict(event), ensure_ascii=False, sort_keys=True),
    }


def _actor_rows(event: Event) -> Iterator[dict[str, Any]]:
    roles = [("source", m) for m in event.sources] + [("target", m) for m in event.targets]
    if event.host is not None:
        roles.append(("host", event.host))
    positions: dict[str, int] = {}
    for role, mention in roles:
        position = positions.get(role, 0)
        positions[role] = position + 1
        a = mention.actor
        yield {
            "event_id": event.id, "role": role, "position": position, "code": a.code,
            "name": a.name, "kind": a.kind, "country": a.country, "sector": a.sector,
            "metonym": mention.metonym,
        }  # fmt: skip


def _event_evidence(event: Event) -> Iterator[tuple[str, Evidence]]:
    """(field name, evidence) for every field of the event that has evidence."""
    yield "trigger", event.evidence
    for i, ev in enumerate(event.mentions):
        yield f"mentions[{i}]", ev
    for i, am in enumerate(event.sources):
        yield f"sources[{i}]", am.evidence
    for i, am in enumerate(event.targets):
        yield f"targets[{i}]", am.evidence
    if event.host is not None:
        yield "host", event.host.evidence
    if event.place is not None:
        yield "place", event.place.evidence
    if event.venue is not None:
        yield "venue", event.venue.evidence
    if event.time is not None:
        yield "time", event.time.evidence
    if event.attribution is not None and event.attribution.evidence is not None:
        yield "attribution", event.attribution.evidence
    if event.status_cue is not None:
        yield "status_cue", event.status_cue


def _evidence_rows(event: Event) -> Iterator[dict[str, Any]]:
    for field, ev in _event_evidence(event):
        yield {
            "owner_kind": "event",
            "owner_id": event.id,
            "field": field,
            "article_id": ev.span.article_id,
            **_span_columns(ev),
        }


# -- reading helpers -----------------------------------------------------------------------


def _fts_query(text: str) -> str:
    """FTS5 query syntax when the text uses it; otherwise every word quoted (so that
    punctuation such as "U.S." or "-" is not read as query syntax)."""
    if any(token in text for token in ('"', " OR ", " AND ", " NOT ", "*")):
        return text
    words = re.findall(r"\w+", text)
    return " ".join(f'"{w}"' for w in words) or '""'


def _index_text(conn: Connection, article: Article) -> None:
    if conn.dialect.name == "sqlite":
        conn.execute(
            sa.text("INSERT INTO articles_fts (article_id, title, text) VALUES (:i, :t, :x)"),
            {"i": article.id, "t": article.title or "", "x": article.text},
        )


def _fused_with_actor(actor: str) -> sa.Select[Any]:
    return sa.select(fused_actors.c.fused_id).where(fused_actors.c.code == actor.upper())


def _events_of_round(ordinal: int) -> sa.Select[Any]:
    """Events of the round of talks with this ordinal (as fusion recorded it)."""
    return sa.select(fused_members.c.event_id).where(fused_members.c.round_ordinal == ordinal)


def _dyad_key(first: str, second: str) -> str:
    a, b = sorted((first.upper(), second.upper()))
    return f"dyad:{a}|{b}"


def _events_with_actor(actor: str) -> sa.Select[Any]:
    """Ids of events with this actor or country code (as given or upper-cased; compared
    without functions on the column so that the code and country indexes serve)."""
    keys = sorted({actor, actor.upper()})
    return sa.select(event_actors.c.event_id).where(
        sa.or_(event_actors.c.code.in_(keys), event_actors.c.country.in_(keys))
    )


def _stored_event(row: sa.Row[Any]) -> StoredEvent:
    own, published = row.event_date, row.published_date
    dated_by = "event" if own is not None else ("article" if published is not None else None)
    return StoredEvent(
        event=event_from_dict(json.loads(row.json)),
        date=own if own is not None else published,
        dated_by=dated_by,
        outlet=row.outlet,
        url=row.url,
    )


def _stored_article(row: sa.RowMapping) -> StoredArticle:
    article = Article(
        id=row["id"],
        text=row["text"],
        published=_parse_stored_time(row["published"]),
        title=row["title"],
        url=row["url"],
        outlet=row["outlet"],
        language=row["language"] or "en",
        source=row["source"],
    )
    return StoredArticle(article, text_hash=row["text_hash"], ingested_at=row["ingested_at"])


def _parse_stored_time(value: str | None) -> date | datetime | None:
    if value is None:
        return None
    return date.fromisoformat(value) if len(value) <= 10 else datetime.fromisoformat(value)


def event_from_dict(data: dict[str, Any]) -> Event:
    """The Event that `to_dict` turned into `data` (nested vocabulary objects rebuilt)."""
    return _from_dict(Event, data)


def _from_dict(cls: type[Any], data: dict[str, Any]) -> Any:
    return _builder(cls)(data)


Builder = Callable[[Any], Any]


@functools.cache
def _builder(cls: type[Any]) -> Builder:
    """A function that rebuilds `cls` from its `to_dict` form. Type hints are resolved
    once per class into a converter per field (rebuilding events is the hot path of a
    timeline query)."""
    hints = get_type_hints(cls)
    fields = [(f.name, _converter(hints[f.name])) for f in dataclasses.fields(cls)]

    def build(data: dict[str, Any]) -> Any:
        return cls(
            **{
                name: (value if convert is None or value is None else convert(value))
                for name, convert in fields
                if (value := data.get(name, _MISSING)) is not _MISSING
            }
        )

    return build


_MISSING = object()


def _converter(hint: Any) -> Builder | None:
    """How to rebuild a value of type `hint` (None: use the JSON value as it is)."""
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(hint) if a is not type(None)]
        return _converter(options[0]) if len(options) == 1 else None
    if origin is tuple:
        item = _converter(get_args(hint)[0])
        if item is None:
            return tuple
        return lambda values: tuple(None if v is None else item(v) for v in values)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return lambda value: _builder(hint)(value)
    return None


# -- ingest --------------------------------------------------------------------------------


@dataclass(frozen=True)
class IngestReport:
    """What one ingest run did: articles new and unchanged, events stored, inputs failed."""

    new: int = 0
    unchanged: int = 0
    events: int = 0
    errors: tuple[InputError, ...] = ()

    def skipped(self) -> list[tuple[str, int]]:
        """Why inputs were skipped: (reason, count), most frequent first. The reason is the
        error's problem without the specifics (quoted values, details in brackets)."""
        counts = Counter(skip_reason(err) for err in self.errors)
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def skip_reason(err: InputError) -> str:
    """The kind of problem an InputError reports, without its specifics."""
    text = re.split(r" \(|;", err.problem, maxsplit=1)[0]
    text = re.sub(r"'[^']*'|\"[^\"]*\"", "...", text)
    return re.sub(r"\d+", "N", text).strip()


def ingest(
    paths: Iterable[str | Path],
    *,
    store: Store,
    extractor: Extractor | None = None,
    published: Published | str | None = None,
    batch_size: int = 32,
    on_item: Callable[[Added | InputError], None] | None = None,
) -> IngestReport:
    """Read every input, extract in batches, store each article in its own transaction.

    A bad input (or an id stored with another text) becomes an InputError in the report
    and the run goes on; `on_item` hears of each stored article and each error as it
    happens (for a progress bar). StoreError (the database itself fails) stops the run;
    the articles stored before it stay stored.
    """
    if extractor is None:
        from detente.pipeline import Extractor  # lazy: loads spaCy

        extractor = Extractor()
    notify = on_item or (lambda item: None)
    errors: list[InputError] = []

    unchanged = 0

    def good_articles() -> Iterator[Article]:
        nonlocal unchanged
        for item in read_articles(paths, published=published):
            if isinstance(item, InputError):
                errors.append(item)
                notify(item)
                continue
            stored = store.stored_hash(item.id)
            if stored is None:
                yield item  # new: extract and store it
            elif stored == text_hash(item.text):
                unchanged += 1  # stored by an earlier (perhaps interrupted) run: skip
                notify(Added(item.id, new=False))
            else:
                err = _changed_text_error(item)
                errors.append(err)
                notify(err)

    readings = extractor.extract_many(good_articles(), batch_size=batch_size)
    stored = add_readings(readings, store=store, on_item=notify, errors=errors)
    return IngestReport(stored.new, unchanged + stored.unchanged, stored.events, stored.errors)


def add_readings(
    readings: Iterable[Reading],
    *,
    store: Store,
    on_item: Callable[[Added | InputError], None] | None = None,
    errors: list[InputError] | None = None,
) -> IngestReport:
    """Store each Reading in its own transaction. An article the store refuses (an id
    already stored with another text) is appended to `errors` and the run goes on."""
    notify = on_item or (lambda item: None)
    errors = [] if errors is None else errors
    new = unchanged = events = 0
    for reading in readings:
        try:
            added = store.add_reading(reading)
        except InputError as err:
            errors.append(err)
            notify(err)
            continue
        if added.new:
            new += 1
            events += added.events
        else:
            unchanged += 1
        notify(added)
    return IngestReport(new, unchanged, events, tuple(errors))
