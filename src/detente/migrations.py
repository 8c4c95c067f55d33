"""Schema migrations: an ordered list of named steps, each applied in its own transaction.

A database remembers the steps it has taken in `schema_migrations` (name, applied_at).
`migrate(engine)` applies the pending ones in order; each step and its bookkeeping row
commit together or not at all, so a failing step leaves the database as it was before
that step. Steps are frozen history: never edit one that has shipped, append a new one.

Each step defines the tables it creates with its own MetaData, so later changes to the
current schema (`detente.store`) never rewrite what an old step did.

    MIGRATIONS = (Migration("0001_initial", _initial), Migration("0002_...", _add_...))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from detente.errors import StoreError

__all__ = ["MIGRATIONS", "Migration", "applied_migrations", "migrate", "pending_migrations"]


@dataclass(frozen=True)
class Migration:
    """One schema step: a unique name (sorted order is not assumed) and what it does."""

    name: str
    apply: Callable[[Connection], None]


_bookkeeping = sa.MetaData()
schema_migrations = sa.Table(
    "schema_migrations",
    _bookkeeping,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("applied_at", sa.String(40), nullable=False),
)


def _initial(conn: Connection) -> None:
    """Articles, their mentions, events with their actors, and the evidence of every field."""
    md = sa.MetaData()
    sa.Table(
        "articles",
        md,
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("title", sa.Text),
        sa.Column("published", sa.String(40)),
        sa.Column("published_date", sa.Date, index=True),
        sa.Column("url", sa.Text),
        sa.Column("outlet", sa.Text),
        sa.Column("language", sa.String(16)),
        sa.Column("source", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("text_hash", sa.String(64), nullable=False, index=True),
        sa.Column("ingested_at", sa.String(40), nullable=False),
    )
    article_fk = sa.ForeignKey("articles.id", ondelete="CASCADE")
    sa.Table(
        "mentions",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("article_id", sa.String(200), article_fk, nullable=False, index=True),
        sa.Column("kind", sa.String(8), nullable=False),  # actor, place, time
        sa.Column("start_char", sa.Integer, nullable=False),
        sa.Column("end_char", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("code", sa.String(200), index=True),  # actor code, place id, time value
        sa.Column("name", sa.Text),
        sa.Column("subtype", sa.String(40)),  # actor kind, place kind, time type
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
    sa.Table(
        "events",
        md,
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column(
            "article_id",
            sa.String(200),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("type", sa.String(20), nullable=False, index=True),
        sa.Column("mode", sa.String(40)),
        sa.Column("context", sa.String(200)),
        sa.Column("cameo", sa.String(10)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("symmetric", sa.Boolean, nullable=False),
        sa.Column("refers_to", sa.String(200)),
        sa.Column("event_date", sa.Date, index=True),
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
    sa.Table(
        "event_actors",
        md,
        sa.Column(
            "event_id",
            sa.String(200),
            sa.ForeignKey("events.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("role", sa.String(8), primary_key=True),  # source, target, host
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(200), nullable=False, index=True),
        sa.Column("name", sa.Text),
        sa.Column("kind", sa.String(20)),
        sa.Column("country", sa.String(8), index=True),
        sa.Column("sector", sa.String(40)),
        sa.Column("metonym", sa.Boolean, nullable=False),
    )
    sa.Table(
        "evidence",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("owner_kind", sa.String(20), nullable=False),  # event
        sa.Column("owner_id", sa.String(200), nullable=False),
        sa.Column("field", sa.String(40), nullable=False),  # trigger, sources[0], time, ...
        sa.Column(
            "article_id",
            sa.String(200),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("start_char", sa.Integer, nullable=False),
        sa.Column("end_char", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("extractor", sa.String(100), nullable=False),
        sa.Column("version", sa.String(40), nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Index("ix_evidence_owner", "owner_kind", "owner_id"),
    )
    md.create_all(conn)


def _negotiation(conn: Connection) -> None:
    """Rounds, proposals and positions: one row each, the full object as JSON (every
    nested span included) and its own evidence span in columns."""
    md = sa.MetaData()
    sa.Table("articles", md, sa.Column("id", sa.String(200), primary_key=True))
    sa.Table(
        "negotiation",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "article_id",
            sa.String(200),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("kind", sa.String(10), nullable=False),  # round, proposal, position
        sa.Column("position", sa.Integer, nullable=False),  # order within the reading
        sa.Column("key", sa.String(200)),  # round: event id; proposal: id; position: party
        sa.Column("party", sa.String(200), index=True),  # author or party code
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
        sa.UniqueConstraint("article_id", "kind", "position"),
    )
    md.tables["negotiation"].create(conn)


def _fusion(conn: Connection) -> None:
    """Fused events (one real-world event told by many articles) in tables of their own, so
    the per-article events stay as read; a covering index for actor and dyad queries; and
    on SQLite a full-text index over article titles and texts (filled from those stored)."""
    md = sa.MetaData()
    sa.Table("articles", md, sa.Column("id", sa.String(200), primary_key=True))
    sa.Table("events", md, sa.Column("id", sa.String(200), primary_key=True))
    sa.Table(
        "fused_events",
        md,
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("type", sa.String(20), nullable=False, index=True),
        sa.Column("actor_key", sa.Text, nullable=False),  # sorted source+target codes, "|"
        sa.Column("event_date", sa.Date, index=True),  # the best-supported day
        sa.Column("date_from", sa.Date),
        sa.Column("date_to", sa.Date),
        sa.Column("place_id", sa.String(200), index=True),
        sa.Column("place_name", sa.Text),
        sa.Column("lat", sa.Float),
        sa.Column("lon", sa.Float),
        sa.Column("round_ordinal", sa.Integer, index=True),
        sa.Column("status", sa.String(20)),
        sa.Column("articles", sa.Integer, nullable=False),
        sa.Column("outlets", sa.Integer, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("json", sa.Text, nullable=False),
    )
    sa.Table(
        "fused_members",
        md,
        sa.Column(
            "event_id",
            sa.String(200),
            sa.ForeignKey("events.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("fused_id", sa.String(200), nullable=False, index=True),
        sa.Column(
            "article_id",
            sa.String(200),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("outlet", sa.Text),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("actor_key", sa.Text, nullable=False),
        sa.Column("negated", sa.Boolean, nullable=False),
        sa.Column("day", sa.Date),
        sa.Column("place_id", sa.String(200)),
        sa.Column("round_ordinal", sa.Integer),
        sa.Index("ix_fused_members_match", "type", "actor_key", "day"),
    )
    sa.Table(
        "fused_actors",
        md,
        sa.Column("fused_id", sa.String(200), primary_key=True),
        sa.Column("role", sa.String(8), primary_key=True),  # source, target
        sa.Column("code", sa.String(200), primary_key=True),
        sa.Index("ix_fused_actors_code", "code", "fused_id"),
    )
    md.create_all(conn)
    conn.exec_driver_sql("CREATE INDEX ix_event_actors_code_event ON event_actors (code, event_id)")
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(
            "CREATE VIRTUAL TABLE articles_fts USING fts5(article_id UNINDEXED, title, text)"
        )
        conn.exec_driver_sql(
            "INSERT INTO articles_fts (article_id, title, text) "
            "SELECT id, coalesce(title, ''), text FROM articles"
        )


UNDATED = date(9999, 12, 31)  # event_keys.filed_date of an event with no date (sorts last)


def event_keys_of(mentions: list[tuple[str | None, str | None]]) -> set[str]:
    """The timeline keys of an event from its actor mentions ((code, country) each):
    `actor:X` for every code and country, `dyad:X|Y` for every pair of two different
    mentions' codes or countries (X < Y)."""
    per_mention = [{v.upper() for v in pair if v} for pair in mentions]
    keys = {f"actor:{k}" for ks in per_mention for k in ks}
    for i, first in enumerate(per_mention):
        for second in per_mention[i + 1 :]:
            keys |= {f"dyad:{min(x, y)}|{max(x, y)}" for x in first for y in second if x != y}
    return keys


def _event_keys(conn: Connection) -> None:
    """Timeline keys: one row per (actor or dyad, event) with the event's filing day, so a
    dyad or actor timeline is one range of one index, already in date order. Filled from
    the events already stored."""
    md = sa.MetaData()
    sa.Table("events", md, sa.Column("id", sa.String(200), primary_key=True))
    table = sa.Table(
        "event_keys",
        md,
        sa.Column("key", sa.String(420), primary_key=True),  # actor:UKR, dyad:RUS|UKR
        sa.Column("filed_date", sa.Date, primary_key=True),  # UNDATED when unknown
        sa.Column(
            "event_id",
            sa.String(200),
            sa.ForeignKey("events.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Index("ix_event_keys_event", "event_id"),
        sqlite_with_rowid=False,
    )
    table.create(conn)
    filed: dict[str, date] = {}
    for event_id, event_day, published_day in conn.execute(
        sa.text(
            "SELECT e.id, e.event_date, a.published_date FROM events e "
            "JOIN articles a ON a.id = e.article_id"
        )
    ):
        filed[event_id] = _day(event_day) or _day(published_day) or UNDATED
    mentions: dict[str, list[tuple[str | None, str | None]]] = {}
    for event_id, code, country in conn.execute(
        sa.text(
            "SELECT event_id, code, country FROM event_actors ORDER BY event_id, role, position"
        )
    ):
        mentions.setdefault(event_id, []).append((code, country))
    rows = [
        {"key": key, "filed_date": filed[event_id], "event_id": event_id}
        for event_id, pairs in mentions.items()
        if event_id in filed
        for key in sorted(event_keys_of(pairs))
    ]
    if rows:
        conn.execute(table.insert(), rows)


def _day(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _processes(conn: Connection) -> None:
    """Peace processes a user defined (`detente process define`): one row each, keyed by
    the process id (the sorted codes of its parties), the Process as JSON, and its name
    folded to lower case (unique: a name finds one process)."""
    md = sa.MetaData()
    sa.Table(
        "processes",
        md,
        sa.Column("id", sa.String(200), primary_key=True),  # process:RUS-UKR
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("name_key", sa.String(400), nullable=False, unique=True),
        sa.Column("json", sa.Text, nullable=False),
        sa.Column("defined_at", sa.String(40), nullable=False),
    )
    md.create_all(conn)


MIGRATIONS: tuple[Migration, ...] = (
    Migration("0001_initial", _initial),
    Migration("0002_negotiation", _negotiation),
    Migration("0003_fusion", _fusion),
    Migration("0004_event_keys", _event_keys),
    Migration("0005_processes", _processes),
)


def applied_migrations(conn: Connection) -> list[str]:
    """Names of the steps this database has taken (empty for a new database)."""
    if not sa.inspect(conn).has_table("schema_migrations"):
        return []
    rows = conn.execute(sa.select(schema_migrations.c.name)).scalars()
    return list(rows)


def pending_migrations(
    conn: Connection, migrations: Sequence[Migration] = MIGRATIONS
) -> list[Migration]:
    """The steps not yet applied, in order. StoreError if the database knows steps this
    code does not (it was migrated by a newer detente)."""
    done = set(applied_migrations(conn))
    unknown = done - {m.name for m in migrations}
    if unknown:
        raise StoreError(
            "the database has migrations this detente does not know "
            f"({', '.join(sorted(unknown))}); upgrade detente"
        )
    return [m for m in migrations if m.name not in done]


def migrate(engine: Engine, migrations: Sequence[Migration] = MIGRATIONS) -> list[str]:
    """Apply the pending steps, each in one transaction; return the names applied.

    Safe when several processes open the same new database at once: each step runs in a
    write transaction (SQLite BEGIN IMMEDIATE, a PostgreSQL advisory lock) that checks
    again whether another process has applied it meanwhile.

    Raises StoreError naming the step that failed; that step is rolled back and the steps
    before it stay applied.
    """
    _check_unique(migrations)
    writer = engine.execution_options(detente_write=True)
    with writer.begin() as conn:
        _lock(conn)
        _bookkeeping.create_all(conn)
    with engine.connect() as conn:
        pending = pending_migrations(conn, migrations)
    applied: list[str] = []
    for migration in pending:
        if _apply_one(writer, migration):
            applied.append(migration.name)
    return applied


_PG_LOCK = 0x6465746E  # an arbitrary key for pg_advisory_xact_lock: one migrator at a time


def _lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})


def _apply_one(engine: Engine, migration: Migration) -> bool:
    """Apply one step unless another process did it first; True if this call applied it."""
    try:
        with engine.begin() as conn:
            _lock(conn)
            if migration.name in applied_migrations(conn):
                return False
            migration.apply(conn)
            conn.execute(
                schema_migrations.insert().values(
                    name=migration.name, applied_at=datetime.now(UTC).isoformat()
                )
            )
    except SQLAlchemyError as exc:
        raise StoreError(
            f"migration {migration.name} failed and was rolled back: {exc.__class__.__name__}: "
            f"{_first_line(exc)}"
        ) from exc
    return True


def _check_unique(migrations: Sequence[Migration]) -> None:
    names = [m.name for m in migrations]
    if len(names) != len(set(names)):
        raise ValueError(f"migration names must be unique: {names}")


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.splitlines()[0] if text else ""
