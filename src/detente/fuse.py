"""Fusion: one real-world event told by many articles becomes one fused record.

    fuse_article(conn, article_id)          # inside the article's own transaction
    store.fused(dyad=("UKR", "RUS"))        # FusedEvent records, each with all its sources

Which events are the same event
- Two per-article events match when they have the same PLOVER type, the same set of
  actors (sources and targets, direction ignored), the same polarity (a negated event never
  joins an asserted one), days no more than `WINDOW_DAYS` apart (the event's own day, else
  its article's publication day), places that agree or are unknown on one side, and round
  ordinals that agree or are unknown on one side. Events without actors or without a day
  are never fused with anything (too little to tell them apart).
- A fused event is a connected component of that relation: a new event joins every fused
  record it matches a member of, merging them. Components do not depend on the order the
  articles arrive in, so one process and four concurrent processes end with the same
  record. The fused id is derived from the smallest member event id, so it is
  deterministic too.

What a fused record holds
- Every member event with its article, outlet and evidence sentence.
- For each field (day, place, venue, status, mode, time, round) every value any source
  gave, with the events and outlets that support it; the shown value is the one the most
  outlets give (ties: the smallest value). Conflicts are kept, never overwritten.
- `confidence` = 1 - prod(1 - c_o) over independent outlets o, with c_o the best extractor
  confidence among that outlet's events: a second outlet raises it, the same outlet
  repeating itself does not. An article without an outlet counts as its own outlet.

Incremental: `fuse_article` runs in the transaction that stores the article, so the fused
tables are always in step with the events (a crash loses both or neither). On PostgreSQL
an advisory lock per (type, actors) keeps two concurrent writers from each missing the
other's member.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

__all__ = [
    "WINDOW_DAYS",
    "FusedEvent",
    "FusedSource",
    "FusedValue",
    "Member",
    "compatible",
    "confidence_of",
    "fuse_article",
    "fused_from_json",
]

WINDOW_DAYS = 1
FIELDS: tuple[str, ...] = ("day", "place", "venue", "status", "mode", "time", "round")

_md = sa.MetaData()
fused_events = sa.Table(
    "fused_events",
    _md,
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column("actor_key", sa.Text, nullable=False),
    sa.Column("event_date", sa.Date),
    sa.Column("date_from", sa.Date),
    sa.Column("date_to", sa.Date),
    sa.Column("place_id", sa.String(200)),
    sa.Column("place_name", sa.Text),
    sa.Column("lat", sa.Float),
    sa.Column("lon", sa.Float),
    sa.Column("round_ordinal", sa.Integer),
    sa.Column("status", sa.String(20)),
    sa.Column("articles", sa.Integer, nullable=False),
    sa.Column("outlets", sa.Integer, nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("json", sa.Text, nullable=False),
)
fused_members = sa.Table(
    "fused_members",
    _md,
    sa.Column("event_id", sa.String(200), primary_key=True),
    sa.Column("fused_id", sa.String(200), nullable=False),
    sa.Column("article_id", sa.String(200), nullable=False),
    sa.Column("outlet", sa.Text),
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column("actor_key", sa.Text, nullable=False),
    sa.Column("negated", sa.Boolean, nullable=False),
    sa.Column("day", sa.Date),
    sa.Column("place_id", sa.String(200)),
    sa.Column("round_ordinal", sa.Integer),
)
fused_actors = sa.Table(
    "fused_actors",
    _md,
    sa.Column("fused_id", sa.String(200), primary_key=True),
    sa.Column("role", sa.String(8), primary_key=True),
    sa.Column("code", sa.String(200), primary_key=True),
)
FUSED_TABLES: tuple[sa.Table, ...] = (fused_events, fused_members, fused_actors)

# The per-article tables, as far as fusion reads them.
_events = sa.table(
    "events",
    sa.column("id"), sa.column("article_id"), sa.column("type"), sa.column("status"),
    sa.column("mode"), sa.column("event_date"), sa.column("time_value"),
    sa.column("place_id"), sa.column("place_name"), sa.column("lat"), sa.column("lon"),
    sa.column("venue_name"), sa.column("confidence"), sa.column("trigger_text"),
    sa.column("trigger_start"), sa.column("trigger_end"), sa.column("json"),
)  # fmt: skip
_articles = sa.table(
    "articles", sa.column("id"), sa.column("outlet"), sa.column("url"),
    sa.column("published_date"),
)  # fmt: skip
_event_actors = sa.table(
    "event_actors", sa.column("event_id"), sa.column("role"), sa.column("code")
)
_negotiation = sa.table(
    "negotiation", sa.column("article_id"), sa.column("kind"), sa.column("key"),
    sa.column("json"),
)  # fmt: skip


# Statements built once (building Core statements per article cost more than running
# them); values are bound per execution, lists through expanding parameters.
_B = sa.bindparam
_DAY = sa.func.coalesce(_events.c.event_date, _articles.c.published_date).label("day")
_ARTICLE_EVENTS = (
    sa.select(_events.c.id, _events.c.type, _events.c.status, _events.c.place_id, _DAY,
              _articles.c.outlet)
    .join(_articles, _articles.c.id == _events.c.article_id)
    .where(_events.c.article_id == _B("article_id"))
    .order_by(_events.c.id)
)  # fmt: skip
_ARTICLE_ACTORS = (
    sa.select(_event_actors.c.event_id, _event_actors.c.code)
    .join(_events, _events.c.id == _event_actors.c.event_id)
    .where(_events.c.article_id == _B("article_id"), _event_actors.c.role != "host")
)
_ARTICLE_ROUNDS = sa.select(_negotiation.c.key, _negotiation.c.json).where(
    _negotiation.c.article_id == _B("article_id"), _negotiation.c.kind == "round"
)
_CANDIDATES = sa.select(fused_members).where(
    fused_members.c.type == _B("type"),
    fused_members.c.actor_key == _B("actor_key"),
    fused_members.c.day >= _B("day_from"),
    fused_members.c.day <= _B("day_to"),
    fused_members.c.event_id != _B("event_id"),
)
_MEMBERS_OF = sa.select(fused_members.c.event_id).where(
    fused_members.c.fused_id.in_(_B("fused_ids", expanding=True))
)
_DROP_EVENTS = fused_events.delete().where(fused_events.c.id.in_(_B("ids", expanding=True)))
_DROP_ACTORS = fused_actors.delete().where(fused_actors.c.fused_id.in_(_B("ids", expanding=True)))
_SET_FUSED = (
    fused_members.update()
    .where(fused_members.c.event_id.in_(_B("event_ids", expanding=True)))
    .values(fused_id=_B("new_id"))
)
_MEMBER_ROWS = (
    sa.select(_events, _articles.c.outlet, _articles.c.url, fused_members.c.day,
              fused_members.c.round_ordinal)
    .join(_articles, _articles.c.id == _events.c.article_id)
    .join(fused_members, fused_members.c.event_id == _events.c.id)
    .where(_events.c.id.in_(_B("event_ids", expanding=True)))
    .order_by(_events.c.id)
)  # fmt: skip
_MEMBER_ACTORS = sa.select(
    _event_actors.c.event_id, _event_actors.c.role, _event_actors.c.code
).where(_event_actors.c.event_id.in_(_B("event_ids", expanding=True)),
        _event_actors.c.role != "host")  # fmt: skip
_INSERT_FUSED = fused_events.insert()
_INSERT_ACTORS = fused_actors.insert()
_INSERT_MEMBERS = fused_members.insert()


@dataclass(frozen=True)
class Member:
    """What fusion needs to know of one per-article event."""

    event_id: str
    article_id: str
    outlet: str | None
    type: str
    actor_key: str
    negated: bool
    day: date | None
    place_id: str | None
    round_ordinal: int | None


def compatible(a: Member, b: Member, *, window: int = WINDOW_DAYS) -> bool:
    """Could `a` and `b` be the same real-world event? (symmetric)"""
    if not a.actor_key or a.day is None or b.day is None:
        return False
    return (
        a.type == b.type
        and a.actor_key == b.actor_key
        and a.negated == b.negated
        and abs((a.day - b.day).days) <= window
        and (a.place_id is None or b.place_id is None or a.place_id == b.place_id)
        and (
            a.round_ordinal is None or b.round_ordinal is None or a.round_ordinal == b.round_ordinal
        )
    )


def confidence_of(per_outlet: Iterable[float]) -> float:
    """1 - prod(1 - c): the chance that at least one independent outlet is right."""
    doubt = 1.0
    for value in per_outlet:
        doubt *= 1.0 - min(max(value, 0.0), 1.0)
    return round(1.0 - doubt, 6)


@dataclass(frozen=True)
class FusedValue:
    """One value a field was given, and who gave it."""

    field: str
    value: str
    events: tuple[str, ...]
    outlets: tuple[str, ...]


@dataclass(frozen=True)
class FusedSource:
    """One per-article event inside a fused event: where it was read, and the words."""

    event_id: str
    article_id: str
    outlet: str | None
    url: str | None
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class FusedEvent:
    """One real-world event with all its sources and every value each source gave."""

    id: str
    type: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    date: date | None
    date_from: date | None
    date_to: date | None
    place_id: str | None
    place_name: str | None
    lat: float | None
    lon: float | None
    status: str | None
    round_ordinal: int | None
    articles: int
    outlets: int
    confidence: float
    values: tuple[FusedValue, ...]
    members: tuple[FusedSource, ...]

    @property
    def conflicts(self) -> tuple[str, ...]:
        """Fields the sources disagree on."""
        counts: dict[str, int] = defaultdict(int)
        for v in self.values:
            counts[v.field] += 1
        return tuple(f for f in FIELDS if counts.get(f, 0) > 1)

    def values_of(self, field: str) -> tuple[FusedValue, ...]:
        return tuple(v for v in self.values if v.field == field)


# -- fusing --------------------------------------------------------------------------------


def fuse_article(conn: Connection, article_id: str, *, window: int = WINDOW_DAYS) -> int:
    """Fuse the events of one newly stored article; returns how many it touched.

    Runs inside the caller's transaction (the one that stored the article).
    """
    members = _members_of_article(conn, article_id)
    for member in members:
        _fuse_one(conn, member, window=window)
    return len(members)


def _members_of_article(conn: Connection, article_id: str) -> list[Member]:
    rows = conn.execute(_ARTICLE_EVENTS, {"article_id": article_id}).all()
    if not rows:
        return []
    actors: dict[str, set[str]] = defaultdict(set)
    for event_id, code in conn.execute(_ARTICLE_ACTORS, {"article_id": article_id}):
        actors[event_id].add(code)
    rounds = _round_ordinals(conn, article_id)
    members = [
        Member(
            event_id=row.id,
            article_id=article_id,
            outlet=row.outlet,
            type=row.type,
            actor_key="|".join(sorted(actors.get(row.id, ()))),
            negated=row.status == "negated",
            day=_as_date(row.day),
            place_id=row.place_id,
            round_ordinal=rounds.get(row.id),
        )
        for row in rows
    ]
    conn.execute(
        _INSERT_MEMBERS,
        [{**_member_row(m), "fused_id": _fused_id([m.event_id])} for m in members],
    )
    return members


def _round_ordinals(conn: Connection, article_id: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for key, text in conn.execute(_ARTICLE_ROUNDS, {"article_id": article_id}):
        ordinal = json.loads(text).get("ordinal")
        if key and isinstance(ordinal, int):
            found[key] = ordinal
    return found


def _fuse_one(conn: Connection, member: Member, *, window: int) -> None:
    if not member.actor_key or member.day is None:
        _rebuild(conn, [member.event_id])  # a record of its own
        return
    if conn.dialect.name == "postgresql":
        conn.execute(
            sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
            {"key": f"{member.type}|{member.actor_key}"},
        )
    candidates = conn.execute(
        _CANDIDATES,
        {
            "type": member.type,
            "actor_key": member.actor_key,
            "day_from": member.day - timedelta(days=window),
            "day_to": member.day + timedelta(days=window),
            "event_id": member.event_id,
        },
    ).mappings()
    matched = {
        row["fused_id"]
        for row in candidates
        if compatible(member, _member_from_row(row), window=window)
    }
    if not matched:
        _rebuild(conn, [member.event_id])
        return
    ids = list(conn.execute(_MEMBERS_OF, {"fused_ids": sorted(matched)}).scalars())
    _drop(conn, matched)
    _rebuild(conn, [*ids, member.event_id])


def _drop(conn: Connection, fused_ids: Iterable[str]) -> None:
    ids = sorted(fused_ids)
    conn.execute(_DROP_EVENTS, {"ids": ids})
    conn.execute(_DROP_ACTORS, {"ids": ids})


def _fused_id(event_ids: Sequence[str]) -> str:
    return "f-" + hashlib.sha256(min(event_ids).encode("utf-8")).hexdigest()[:16]


def _rebuild(conn: Connection, event_ids: list[str]) -> None:
    """Write the fused record of exactly these member events (from the stored events)."""
    fused_id = _fused_id(event_ids)
    event_ids = sorted(set(event_ids))
    conn.execute(_SET_FUSED, {"event_ids": event_ids, "new_id": fused_id})
    conn.execute(_DROP_EVENTS, {"ids": [fused_id]})
    conn.execute(_DROP_ACTORS, {"ids": [fused_id]})
    rows = conn.execute(_MEMBER_ROWS, {"event_ids": event_ids}).mappings().all()
    roles: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for event_id, role, code in conn.execute(_MEMBER_ACTORS, {"event_ids": event_ids}):
        roles[role][code].add(event_id)
    record = _record(fused_id, rows, roles)
    conn.execute(_INSERT_FUSED, record)
    actor_rows = [
        {"fused_id": fused_id, "role": role, "code": code}
        for role, codes in roles.items()
        for code in sorted(codes)
    ]
    if actor_rows:
        conn.execute(_INSERT_ACTORS, actor_rows)


def _outlet_key(row: Any) -> str:
    return row["outlet"] or f"article:{row['article_id']}"


def _record(
    fused_id: str, rows: Sequence[Any], roles: dict[str, dict[str, set[str]]]
) -> dict[str, Any]:
    values: dict[str, dict[str, tuple[set[str], set[str]]]] = defaultdict(dict)

    def give(field: str, value: Any, row: Any) -> None:
        if value is None or value == "":
            return
        events, outlets = values[field].setdefault(str(value), (set(), set()))
        events.add(row["id"])
        outlets.add(_outlet_key(row))

    best_by_outlet: dict[str, float] = {}
    for row in rows:
        day = _as_date(row["day"])
        give("day", day.isoformat() if day else None, row)
        give("place", row["place_id"], row)
        give("venue", row["venue_name"], row)
        give("status", row["status"], row)
        give("mode", row["mode"], row)
        give("time", row["time_value"], row)
        give("round", row["round_ordinal"], row)
        key = _outlet_key(row)
        best_by_outlet[key] = max(best_by_outlet.get(key, 0.0), row["confidence"])

    def shown(field: str) -> str | None:
        options = values.get(field)
        if not options:
            return None
        return min(options, key=lambda v: (-len(options[v][1]), v))

    place_id = shown("place")
    place_row = next((r for r in rows if place_id and r["place_id"] == place_id), None)
    days = sorted(d for d in (_as_date(r["day"]) for r in rows) if d is not None)
    round_value = shown("round")
    first = rows[0]
    data = {
        "id": fused_id,
        "type": first["type"],
        "sources": sorted(roles.get("source", {})),
        "targets": sorted(roles.get("target", {})),
        "date": shown("day"),
        "date_from": days[0].isoformat() if days else None,
        "date_to": days[-1].isoformat() if days else None,
        "place_id": place_id,
        "place_name": place_row["place_name"] if place_row else None,
        "lat": place_row["lat"] if place_row else None,
        "lon": place_row["lon"] if place_row else None,
        "status": shown("status"),
        "round_ordinal": int(round_value) if round_value is not None else None,
        "articles": len({r["article_id"] for r in rows}),
        "outlets": len(best_by_outlet),
        "confidence": confidence_of(best_by_outlet.values()),
        "values": [
            {"field": field, "value": value, "events": sorted(ev), "outlets": sorted(out)}
            for field in FIELDS
            for value, (ev, out) in sorted(values.get(field, {}).items())
        ],
        "members": [
            {
                "event_id": r["id"], "article_id": r["article_id"], "outlet": r["outlet"],
                "url": r["url"], "text": r["trigger_text"], "start": r["trigger_start"],
                "end": r["trigger_end"],
            }
            for r in rows
        ],
    }  # fmt: skip
    actor_key = "|".join(sorted({*roles.get("source", {}), *roles.get("target", {})}))
    return {
        "id": fused_id,
        "type": data["type"],
        "actor_key": actor_key,
        "event_date": _as_date(data["date"]),
        "date_from": days[0] if days else None,
        "date_to": days[-1] if days else None,
        "place_id": place_id,
        "place_name": data["place_name"],
        "lat": data["lat"],
        "lon": data["lon"],
        "round_ordinal": data["round_ordinal"],
        "status": data["status"],
        "articles": data["articles"],
        "outlets": data["outlets"],
        "confidence": data["confidence"],
        "json": json.dumps(data, ensure_ascii=False, sort_keys=True),
    }


def fused_from_json(text: str) -> FusedEvent:
    """The FusedEvent stored as JSON in fused_events.json."""
    data = json.loads(text)
    return FusedEvent(
        id=data["id"],
        type=data["type"],
        sources=tuple(data["sources"]),
        targets=tuple(data["targets"]),
        date=_as_date(data["date"]),
        date_from=_as_date(data["date_from"]),
        date_to=_as_date(data["date_to"]),
        place_id=data["place_id"],
        place_name=data["place_name"],
        lat=data["lat"],
        lon=data["lon"],
        status=data["status"],
        round_ordinal=data["round_ordinal"],
        articles=data["articles"],
        outlets=data["outlets"],
        confidence=data["confidence"],
        values=tuple(
            FusedValue(v["field"], v["value"], tuple(v["events"]), tuple(v["outlets"]))
            for v in data["values"]
        ),
        members=tuple(FusedSource(**m) for m in data["members"]),
    )


def _member_row(m: Member) -> dict[str, Any]:
    return {
        "event_id": m.event_id, "article_id": m.article_id, "outlet": m.outlet,
        "type": m.type, "actor_key": m.actor_key, "negated": m.negated, "day": m.day,
        "place_id": m.place_id, "round_ordinal": m.round_ordinal,
    }  # fmt: skip


def _member_from_row(row: Any) -> Member:
    return Member(
        event_id=row["event_id"],
        article_id=row["article_id"],
        outlet=row["outlet"],
        type=row["type"],
        actor_key=row["actor_key"],
        negated=bool(row["negated"]),
        day=_as_date(row["day"]),
        place_id=row["place_id"],
        round_ordinal=row["round_ordinal"],
    )


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
