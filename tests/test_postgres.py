"""The same store behaviour on SQLite and on a real PostgreSQL server (tests/pgserver.py).

Every test here runs twice: `target` is a SQLite file, then a fresh database on the
PostgreSQL server the test session starts (skipped, saying why, only where PostgreSQL
cannot be installed).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from conftest import build_reading
from detente.errors import InputError, StoreError
from detente.migrations import MIGRATIONS
from detente.store import TABLES, Store, ingest
from fusion_readings import told_by
from pgserver import postgres_server, postgres_url  # noqa: F401 (fixtures)


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "t.db")
    return str(request.getfixturevalue("postgres_url"))


def rows(store: Store) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table but the ingest time, sorted (to prove nothing changed)."""
    found = {}
    with store.engine.connect() as conn:
        for table in TABLES:
            columns = [c for c in table.c if c.name not in ("ingested_at", "id")]
            if table.name in ("articles", "events", "fused_events"):
                columns = [c for c in table.c if c.name != "ingested_at"]
            found[table.name] = sorted(
                (tuple(r) for r in conn.execute(sa.select(*columns))), key=repr
            )
    return found


def test_migrations_create_the_schema_the_store_queries(target: str) -> None:
    with Store(target) as store:
        assert store.applied == [m.name for m in MIGRATIONS]
        inspector = sa.inspect(store.engine)
        for table in TABLES:
            assert {c["name"] for c in inspector.get_columns(table.name)} == set(table.c.keys())
    with Store(target) as again:
        assert again.applied == []


def test_add_reading_and_reingest(target: str) -> None:
    with Store(target) as store:
        added = store.add_reading(build_reading())
        assert added.new and added.events == 1
        counts = store.counts()
        assert (counts.articles, counts.mentions, counts.events, counts.evidence) == (1, 5, 1, 8)
        before = rows(store)
        assert not store.add_reading(build_reading()).new
        assert rows(store) == before


def test_same_id_other_text_and_a_failing_article_write_nothing(target: str) -> None:
    with Store(target) as store:
        store.add_reading(build_reading(article_id="a1"))
        before = rows(store)
        other = build_reading(build_reading().article.text + "!", article_id="a1")
        with pytest.raises(InputError, match="already stored with a different text"):
            store.add_reading(other)
        broken = build_reading(article_id="second")
        broken = replace(broken, events=broken.events * 2)  # duplicate event id
        with pytest.raises(StoreError, match="nothing of it was written"):
            store.add_reading(broken)
        assert rows(store) == before


def test_event_queries(target: str) -> None:
    with Store(target) as store:
        store.add_reading(build_reading())
        store.add_reading(build_reading(build_reading().article.text + " Again.",
                                        event_type="ACCUSE", event_day="2025-07-01"))  # fmt: skip
        assert len(store.events(actor="ukr")) == 2
        assert len(store.events(dyad=("UKR", "RUS"))) == 2
        assert store.events(dyad=("UKR", "FRA")) == []
        assert [r.event.type for r in store.events(type="accuse")] == ["ACCUSE"]
        assert len(store.events(place="Istanbul")) == 2
        assert [r.date for r in store.events(since=date(2025, 6, 15))] == [date(2025, 7, 1)]
        assert len(store.events(limit=1)) == 1


def test_fusion_and_search(target: str) -> None:
    with Store(target) as store:
        for outlet in ("Reuters", "AP", "AFP"):
            store.add_reading(told_by(outlet))
        store.add_reading(told_by("AP", n=1, event_type="ACCUSE"))
        consult = store.fused(type="CONSULT")
        assert [(f.articles, f.outlets) for f in consult] == [(3, 3)]
        assert len(store.fused(dyad=("RUS", "UKR"))) == 2
        assert [h.outlet for h in store.search("Reuters")] == ["Reuters"]
        assert len(store.search("Istanbul")) == 4


def test_ingest_resumes_without_extracting_stored_articles(target: str, tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    for i in range(3):
        (folder / f"{i}.txt").write_text(f"Ukraine and Russia met, report {i}.", encoding="utf-8")

    class Counting:
        def __init__(self) -> None:
            self.seen: list[str] = []

        def extract_many(self, articles, *, batch_size=32):  # type: ignore[no-untyped-def]
            from detente.vocabulary import Reading

            for article in articles:
                self.seen.append(article.id)
                yield Reading(article=article)

    extractor = Counting()
    with Store(target) as store:
        first = ingest([folder], store=store, extractor=extractor)  # type: ignore[arg-type]
        second = ingest([folder], store=store, extractor=extractor)  # type: ignore[arg-type]
    assert (first.new, second.new, second.unchanged) == (3, 0, 3)
    assert len(extractor.seen) == 3  # the second run extracted nothing


def test_the_cli_ingests_and_queries_postgresql(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from detente import cli

    url = str(request.getfixturevalue("postgres_url"))
    plain_url = url.replace("postgresql+psycopg://", "postgresql://")  # as a user types it
    source = tmp_path / "wire.jsonl"
    source.write_text(
        "\n".join(json.dumps({"id": f"a{i}", "text": f"Report {i} on the talks."})
                  for i in range(3)) + "\n",
        encoding="utf-8",
    )  # fmt: skip

    class Empty:
        def extract_many(self, articles, *, batch_size=32):  # type: ignore[no-untyped-def]
            from detente.vocabulary import Reading

            return (Reading(article=a) for a in articles)

    runner = CliRunner()
    monkeypatch.setattr(cli, "make_extractor", Empty)
    result = runner.invoke(cli.main, ["ingest", str(source), "--db", plain_url])
    assert result.exit_code == 0, result.output
    assert "articles: 3 new" in result.stdout
    result = runner.invoke(cli.main, ["search", "talks", "--db", plain_url])
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 3
