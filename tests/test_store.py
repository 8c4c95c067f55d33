"""The store: migrations, one transaction per article, idempotence, queries, exports."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from spacy.language import Language

from conftest import SHARED, build_reading, dump_db, evidence_of, requires_shared
from detente.errors import InputError, StoreError
from detente.migrations import MIGRATIONS, Migration, applied_migrations
from detente.pipeline import Extractor
from detente.read import read_article
from detente.store import (
    CSV_COLUMNS,
    TABLES,
    Store,
    event_from_dict,
    write_csv,
    write_jsonl,
)
from detente.vocabulary import (
    Actor,
    ActorMention,
    Delegation,
    Position,
    Proposal,
    Provision,
    Reading,
    Round,
    to_dict,
)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "t.db"


def test_new_database_applies_every_migration(db: Path) -> None:
    store = Store(db)
    assert store.applied == [m.name for m in MIGRATIONS]
    store.close()
    assert Store(db).applied == []  # nothing pending on reopen


def test_migrated_schema_matches_the_tables_the_store_queries(db: Path) -> None:
    store = Store(db)
    inspector = sa.inspect(store.engine)
    for table in TABLES:
        stored = {c["name"] for c in inspector.get_columns(table.name)}
        assert stored == set(table.c.keys()), table.name


def test_a_new_migration_applies_to_an_existing_database(db: Path) -> None:
    Store(db).add_reading(build_reading())

    def add_notes(conn: sa.Connection) -> None:
        conn.exec_driver_sql("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")

    store = Store(db, migrations=(*MIGRATIONS, Migration("0099_notes", add_notes)))
    assert store.applied == ["0099_notes"]
    assert store.counts().articles == 1
    with store.engine.connect() as conn:
        assert applied_migrations(conn)[-1] == "0099_notes"
        assert sa.inspect(conn).has_table("notes")


def test_a_failing_migration_rolls_back_and_leaves_data_intact(db: Path) -> None:
    Store(db).add_reading(build_reading())
    before = dump_db(db)

    def broken(conn: sa.Connection) -> None:
        conn.exec_driver_sql("CREATE TABLE half_done (id INTEGER)")
        conn.exec_driver_sql("INSERT INTO articles (id) VALUES ('x')")  # NOT NULL fails

    with pytest.raises(StoreError, match="0099_broken failed and was rolled back"):
        Store(db, migrations=(*MIGRATIONS, Migration("0099_broken", broken)))
    assert dump_db(db) == before  # no half_done table, no bookkeeping row


def test_a_database_from_a_newer_detente_is_refused(db: Path) -> None:
    Store(db, migrations=(*MIGRATIONS, Migration("0099_future", lambda conn: None))).close()
    with pytest.raises(StoreError, match="upgrade detente"):
        Store(db)


def test_add_reading_writes_article_mentions_events_actors_and_evidence(db: Path) -> None:
    store = Store(db)
    added = store.add_reading(build_reading())
    assert added.new and added.events == 1 and added.mentions == 5
    counts = store.counts()
    assert (counts.articles, counts.mentions, counts.events) == (1, 5, 1)
    assert counts.event_actors == 3  # source, target, host
    # trigger, 2 mentions, source, target, host, place, time
    assert counts.evidence == 8
    with sqlite3.connect(db) as conn:
        fields = {r[0] for r in conn.execute("SELECT field FROM evidence")}
        spans = conn.execute(
            "SELECT a.text, e.start_char, e.end_char, e.text FROM evidence e "
            "JOIN articles a ON a.id = e.article_id"
        ).fetchall()
    assert {"trigger", "sources[0]", "targets[0]", "host", "place", "time"} <= fields
    assert all(text[s:e] == t for text, s, e, t in spans)


def test_reingesting_the_same_article_changes_nothing(db: Path) -> None:
    store = Store(db)
    store.add_reading(build_reading())
    before, counts = dump_db(db), store.counts()
    again = store.add_reading(build_reading())
    assert not again.new
    assert store.counts() == counts
    assert dump_db(db) == before


def test_same_id_with_a_different_text_is_refused_and_writes_nothing(db: Path) -> None:
    store = Store(db)
    store.add_reading(build_reading(article_id="a1"))
    before = dump_db(db)
    other = build_reading(
        "Ukraine and Russia met in Istanbul on June 2. Turkey hosted the talks!", article_id="a1"
    )
    with pytest.raises(InputError, match="already stored with a different text"):
        store.add_reading(other)
    assert dump_db(db) == before


def test_a_failure_mid_article_writes_nothing_of_it(db: Path) -> None:
    store = Store(db)
    store.add_reading(build_reading())
    before = dump_db(db)
    reading = build_reading(
        "Ukraine and Russia met in Istanbul on June 2. Turkey hosted the talks.",
        article_id="second",
    )
    # the same event id twice: the second insert violates the primary key
    reading = replace(reading, events=reading.events * 2)
    with pytest.raises(StoreError, match="nothing of it was written"):
        store.add_reading(reading)
    assert dump_db(db) == before


def test_event_round_trips_through_its_json() -> None:
    event = build_reading().events[0]
    assert event_from_dict(json.loads(json.dumps(to_dict(event)))) == event


@pytest.fixture
def filled(db: Path) -> Store:
    store = Store(db)
    store.add_reading(build_reading())  # UKR/RUS/TUR CONSULT dated 2025-06-02
    store.add_reading(build_reading(
        "Ukraine and Russia met in Istanbul on June 2 again. Turkey hosted the talks.",
        event_type="ACCUSE", event_day=None, published=date(2025, 7, 1),
    ))  # fmt: skip
    store.add_reading(build_reading(
        "Ukraine and Russia met in Istanbul on June 2 once more. Turkey hosted the talks.",
        event_day=None, published=None,
    ))  # fmt: skip
    return store


def test_events_are_dated_by_their_own_time_else_the_article(filled: Store) -> None:
    rows = filled.events()
    assert [(r.date, r.dated_by) for r in rows] == [
        (date(2025, 6, 2), "event"),
        (date(2025, 7, 1), "article"),
        (None, None),
    ]
    assert rows[0].outlet == "Example Wire"


def test_events_filters(filled: Store) -> None:
    assert len(filled.events(actor="ukr")) == 3
    assert len(filled.events(actor="TUR")) == 3  # as host
    assert filled.events(actor="FRA") == []
    assert [r.event.type for r in filled.events(type="accuse")] == ["ACCUSE"]
    assert [r.date for r in filled.events(since=date(2025, 6, 15))] == [date(2025, 7, 1)]
    assert [r.date for r in filled.events(until=date(2025, 6, 2))] == [date(2025, 6, 2)]
    assert filled.events(since=date(2025, 6, 3), until=date(2025, 6, 30)) == []


def test_articles_read_back(filled: Store) -> None:
    stored = filled.articles()
    assert len(stored) == 3
    assert stored[0].article.published == date(2025, 6, 1)
    assert stored[0].article.title == "Talks"
    assert len(stored[0].text_hash) == 64


def test_jsonl_export(filled: Store) -> None:
    out = io.StringIO()
    assert write_jsonl(filled.events(), out) == 3
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines[0] == to_dict(filled.events()[0].event)


def test_csv_export(filled: Store) -> None:
    out = io.StringIO()
    assert write_csv(filled.events(), out) == 3
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == CSV_COLUMNS
    first = rows[0]
    assert (first["sources"], first["targets"], first["host"]) == ("UKR", "RUS", "TUR")
    assert (first["place"], first["lat"], first["date"]) == ("Istanbul", "41.01", "2025-06-02")
    assert (first["evidence_text"], first["attribution"]) == ("met", "author")


def test_memory_store() -> None:
    store = Store(":memory:")
    store.add_reading(build_reading())
    assert store.counts().events == 1


def test_a_folder_is_not_a_database(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder"):
        Store(tmp_path)


def test_a_text_file_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("hello, this is not sqlite at all")
    with pytest.raises(StoreError, match="not a SQLite database"):
        Store(path)


def test_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        Store(tmp_path / "nope" / "x.db")


def test_read_only_commands_do_not_create_a_database(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such database"):
        Store(tmp_path / "x.db", create=False)
    assert not (tmp_path / "x.db").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_an_unwritable_database(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(StoreError, match="cannot open the database"):
            Store(folder / "x.db")
    finally:
        folder.chmod(0o700)


@requires_shared
@pytest.mark.slow
def test_real_readings_round_trip_through_the_store(nlp: Language) -> None:
    """What the real extractor reads is what the store gives back, field for field."""
    article = read_article(SHARED / "corpus" / "istanbul-talks-2025-06-01.txt")
    reading = Extractor(nlp=nlp).extract(article)
    store = Store(":memory:")
    added = store.add_reading(reading)
    assert added.new and added.events == len(reading.events)
    stored = [row.event for row in store.events()]
    assert sorted(stored, key=lambda e: e.id) == sorted(reading.events, key=lambda e: e.id)
    assert store.rounds() == list(reading.rounds)
    assert store.proposals() == list(reading.proposals)
    assert store.positions() == list(reading.positions)
    assert not store.add_reading(reading).new


def test_a_read_only_database_refuses_writes_and_keeps_its_data(db: Path) -> None:
    Store(db).add_reading(build_reading())
    before = dump_db(db)
    read_only = Store(f"sqlite:///file:{db}?mode=ro&uri=true")
    assert read_only.counts().articles == 1  # reading still works
    with pytest.raises(StoreError, match="nothing of it was written"):
        read_only.add_reading(build_reading("Ukraine and Russia met in Istanbul on June 2. "
                                            "Turkey hosted the talks. New."))  # fmt: skip
    assert dump_db(db) == before


def test_a_database_that_cannot_be_created(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot open the database"):
        Store(f"sqlite:///file:{tmp_path / 'new.db'}?mode=ro&uri=true")


def test_exported_names() -> None:
    import detente.migrations
    import detente.store

    for module in (detente.store, detente.migrations):
        assert all(hasattr(module, name) for name in module.__all__)
    assert set(detente.store.__all__) >= {"Store", "StoredEvent", "ingest", "write_csv"}


def with_negotiation(reading: Reading) -> Reading:
    """The test reading plus a round (with a delegation), a proposal and two positions."""
    article = reading.article
    event = reading.events[0]
    ukr = Actor("UKR", "Ukraine", "state", country="UKR")
    rus = Actor("RUS", "Russia", "state", country="RUS")
    head = ActorMention(ukr, evidence_of(article, "Ukraine"))
    round_ = Round(
        event.id,
        event.evidence,
        ordinal=2,
        delegations=(Delegation(ukr, evidence_of(article, "Ukraine"), head=head),),
    )
    provision = Provision(1, "ceasefire", evidence_of(article, "talks"), (("days", "30"),))
    proposal = Proposal(
        "p1", ukr, rus, ("memorandum",), "past", evidence_of(article, "talks"), (provision,)
    )
    positions = (
        Position(ukr, "ceasefire", "support", evidence_of(article, "Ukraine")),
        Position(rus, "ceasefire", "oppose", evidence_of(article, "Russia")),
    )
    return replace(reading, rounds=(round_,), proposals=(proposal,), positions=positions)


def test_negotiation_is_stored_and_read_back(db: Path) -> None:
    reading = with_negotiation(build_reading())
    store = Store(db)
    store.add_reading(reading)
    assert store.counts().negotiation == 4
    assert store.rounds() == list(reading.rounds)
    assert store.proposals() == list(reading.proposals)
    assert store.positions() == list(reading.positions)
    assert store.positions(party="rus") == [reading.positions[1]]


def test_later_migrations_apply_to_a_0001_database_and_index_its_articles(db: Path) -> None:
    Store(db, migrations=MIGRATIONS[:1]).close()
    with sqlite3.connect(db) as conn:  # an article stored by a detente of schema 0001
        conn.execute(
            "INSERT INTO articles (id, title, text, text_hash, ingested_at) "
            "VALUES ('a1', 'Talks', 'Delegations met in Istanbul.', 'h', '2025-06-01')"
        )
    store = Store(db)
    assert store.applied == ["0002_negotiation", "0003_fusion", "0004_event_keys", "0005_processes"]
    assert store.counts().articles == 1 and store.counts().negotiation == 0
    assert [hit.article_id for hit in store.search("istanbul")] == ["a1"]


def test_a_url_password_never_shows_in_messages() -> None:
    with pytest.raises(StoreError) as caught:
        Store("postgresql+nosuchdriver://analyst:s3cret@db.example/detente")
    assert "s3cret" not in str(caught.value)
    assert "analyst:***@db.example" in str(caught.value)


def test_the_event_keys_migration_fills_the_keys_of_stored_events(db: Path) -> None:
    with Store(db) as store:
        store.add_reading(build_reading())
    with sqlite3.connect(db) as conn:
        written = sorted(conn.execute("SELECT * FROM event_keys").fetchall())
        conn.execute("DROP TABLE event_keys")
        conn.execute("DELETE FROM schema_migrations WHERE name = '0004_event_keys'")
    with Store(db) as store:
        assert store.applied == ["0004_event_keys"]
        assert len(store.events(dyad=("rus", "UKR"))) == 1
        assert len(store.events(dyad=("TUR", "UKR"))) == 1  # the host counts
    with sqlite3.connect(db) as conn:
        assert sorted(conn.execute("SELECT * FROM event_keys").fetchall()) == written
    keys = {row[0] for row in written}
    assert keys == {"actor:UKR", "actor:RUS", "actor:TUR", "dyad:RUS|UKR", "dyad:TUR|UKR",
                    "dyad:RUS|TUR"}  # fmt: skip
