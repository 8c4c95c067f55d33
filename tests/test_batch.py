"""Batch runs without the model: planning, Parquet in and out, resume, append, loading.

A fake extractor (hand-made Readings, as in test_cli) runs in this process (`workers=1`),
so these tests take milliseconds; tests/test_batch_engines.py runs the real pipeline on
the local process pool and on a real local Ray.
"""

from __future__ import annotations

import json
import shlex
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from conftest import build_reading, dump_db
from detente import batch, cli
from detente.batch import (
    MANIFEST,
    PARTS_LOG,
    TABLES,
    BatchError,
    Part,
    iter_readings,
    load_batch,
    plan,
    read_input,
    read_table,
    run_batch,
)
from detente.batch_tables import part_tables, reading_from_rows
from detente.errors import InputError
from detente.read import content_id
from detente.store import Store, ingest
from detente.vocabulary import (
    Article,
    Delegation,
    Position,
    Process,
    Proposal,
    Provision,
    Reading,
    Round,
    ThirdParty,
)

BASE = "Ukraine and Russia met in Istanbul on June 2. Turkey hosted the talks."


class FakeExtractor:
    """One hand-made CONSULT event for texts with the words it needs; raises on "BOOM"."""

    def extract_many(
        self, articles: Iterable[Article], *, batch_size: int = 32
    ) -> Iterator[Reading]:
        for article in articles:
            yield self.extract(article)

    def extract(self, article: Article) -> Reading:
        if "BOOM" in article.text:
            raise RuntimeError("the fake pipeline trips on BOOM")
        if not all(w in article.text for w in ("Ukraine", "Russia", "Turkey", "June 2", "met")):
            return Reading(article=article)
        made = build_reading(article.text, article_id=article.id)
        return replace(made, article=article)


def shard(path: Path, texts: list[str], *, published: str = "2025-06-01") -> Path:
    """A JSON Lines shard, one article per text (ids are content hashes)."""
    rows = [{"title": f"t{i}", "published": published, "outlet": "Wire", "text": t}
            for i, t in enumerate(texts)]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def texts(n: int, *, start: int = 0) -> list[str]:
    return [f"{BASE} Report {i}." for i in range(start, start + n)]


def run(inputs: list[Path], out: Path, **options: object) -> batch.BatchReport:
    options.setdefault("workers", 1)
    return run_batch(inputs, out=out, extractor_factory=FakeExtractor, **options)


# -- plan ----------------------------------------------------------------------------------


def test_plan_cuts_the_good_articles_into_parts_in_input_order(tmp_path: Path) -> None:
    first = shard(tmp_path / "a.jsonl", texts(5))
    second = shard(tmp_path / "b.jsonl", texts(2, start=5))
    made = plan([first, second], part_size=3)
    assert [p.articles for p in made.parts] == [3, 3, 1]
    middle = made.parts[1]
    assert [(Path(s.path).name, s.items) for s in middle.segments] == [
        ("a.jsonl", (3, 4)),
        ("b.jsonl", (0,)),
    ]
    assert middle.segments[0].given == str(first)
    assert made.articles == 7
    assert made.words == sum(len(t.split()) for t in texts(7))


def test_part_keys_follow_the_articles_and_the_signature(tmp_path: Path) -> None:
    one = plan([shard(tmp_path / "a.jsonl", texts(4))], part_size=2, signature="s1")
    again = plan([shard(tmp_path / "copy.jsonl", texts(4))], part_size=2, signature="s1")
    other = plan([tmp_path / "a.jsonl"], part_size=2, signature="s2")
    changed = plan([shard(tmp_path / "c.jsonl", [*texts(3), "Changed."])], part_size=2)
    assert [p.key for p in one.parts] == [p.key for p in again.parts]  # the path is no part
    assert not {p.key for p in one.parts} & {p.key for p in other.parts}
    assert one.parts[0].key != one.parts[1].key
    assert changed.parts[1].key not in {p.key for p in one.parts}


def test_plan_drops_repeats_and_reports_clashing_ids_and_bad_inputs(tmp_path: Path) -> None:
    rows = [{"id": "x", "text": "One text."}, {"id": "x", "text": "One text."},
            {"id": "x", "text": "Another text."}, {"text": ""}]  # fmt: skip
    path = tmp_path / "a.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    (tmp_path / "empty").mkdir()
    made = plan([path, tmp_path / "missing.jsonl", tmp_path / "empty", "-"], part_size=10)
    assert made.articles == 1
    assert made.repeated == 1
    problems = [str(e) for e in made.errors]
    assert len(problems) == 5, problems
    assert any("a.jsonl:3" in p and "different text" in p for p in problems)
    assert any("a.jsonl:4" in p and "no `text`" in p for p in problems)
    assert any("missing.jsonl" in p and "no such file" in p for p in problems)
    assert any("empty" in p and "holds no" in p for p in problems)
    assert any(p.startswith("-:") and "standard input" in p for p in problems)


def test_plan_reads_folders_of_text_files_with_sidecars(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text(BASE, encoding="utf-8")
    (folder / "a.meta.json").write_text('{"published": "2025-06-01"}', encoding="utf-8")
    (folder / "b.txt").write_text(BASE + " More.", encoding="utf-8")
    made = plan([folder], part_size=10)
    (part,) = made.parts
    assert [Path(s.given).name for s in part.segments] == ["a.txt", "b.txt"]
    articles = batch.read_part(part, signature="")
    assert articles[0].published == date(2025, 6, 1)
    assert articles[0].source == str(folder / "a.txt")


def test_a_part_survives_its_json_form(tmp_path: Path) -> None:
    (part,) = plan([shard(tmp_path / "a.jsonl", texts(2))], part_size=5).parts
    assert Part.from_json(part.to_json()) == part


def test_a_changed_input_is_caught_before_it_is_coded(tmp_path: Path) -> None:
    path = shard(tmp_path / "a.jsonl", texts(2))
    (part,) = plan([path], part_size=5).parts
    shard(path, texts(2, start=10))
    with pytest.raises(BatchError, match="changed since the run was planned"):
        batch.read_part(part, signature="")


# -- Parquet input -------------------------------------------------------------------------


def test_parquet_shards_are_read_like_json_lines(tmp_path: Path) -> None:
    table = pa.table({
        "id": ["a", None, "c", "d"],
        "text": [BASE, BASE + " Two.", "", BASE + " Four."],
        "published": ["2025-06-01", "2025-06-02T10:00:00+03:00", None, "June 2"],
        "outlet": ["Wire", None, None, None],
    })  # fmt: skip
    path = tmp_path / "shard.parquet"
    pq.write_table(table, path)
    items = list(read_input(path))
    first, second, empty, bad = items
    assert isinstance(first, Article) and first.id == "a" and first.outlet == "Wire"
    assert first.published == date(2025, 6, 1) and first.source == f"{path}:1"
    assert isinstance(second, Article) and second.id == content_id(BASE + " Two.")
    assert second.published == datetime.fromisoformat("2025-06-02T10:00:00+03:00")
    assert isinstance(empty, InputError) and "no `text`" in empty.problem
    assert isinstance(bad, InputError) and "ISO 8601" in bad.problem and bad.source.endswith(":4")


def test_parquet_dates_and_timestamps_are_taken_as_they_are(tmp_path: Path) -> None:
    path = tmp_path / "typed.parquet"
    pq.write_table(
        pa.table({"text": [BASE, BASE + " B."],
                  "published": pa.array([datetime(2025, 6, 1, 9), None], pa.timestamp("s"))}),
        path,
    )  # fmt: skip
    first, second = read_input(path)
    assert isinstance(first, Article) and first.published == datetime(2025, 6, 1, 9)
    assert isinstance(second, Article) and second.published is None


def test_bad_parquet_files_are_one_error_each(tmp_path: Path) -> None:
    no_text = tmp_path / "no_text.parquet"
    pq.write_table(pa.table({"body": ["x"]}), no_text)
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"not parquet at all")
    empty = tmp_path / "empty.parquet"
    pq.write_table(pa.table({"text": pa.array([], pa.string())}), empty)
    for path, words in [(no_text, "no `text` column"), (broken, "not a readable Parquet"),
                        (empty, "is empty")]:  # fmt: skip
        (item,) = read_input(path)
        assert isinstance(item, InputError) and words in item.problem, item


# -- running, resuming, appending ----------------------------------------------------------


def test_a_run_writes_every_table_a_manifest_and_a_log(tmp_path: Path) -> None:
    source = shard(tmp_path / "a.jsonl", [*texts(5), "Nothing happened today."])
    out = tmp_path / "out"
    report = run([source], out, part_size=4)
    assert (report.parts_done, report.parts_skipped, report.articles) == (2, 0, 6)
    assert report.rows["events"] == 5 and report.rows["articles"] == 6
    assert json.loads((out / MANIFEST).read_text())["part_size"] == 4
    assert len((out / PARTS_LOG).read_text().splitlines()) == 2
    for name in TABLES:
        assert len(list((out / name).glob("part-*.parquet"))) == 2
        assert read_table(out, name).schema == batch.schemas()[name]
    events = read_table(out, "events").to_pylist()
    assert {e["type"] for e in events} == {"CONSULT"}
    assert events[0]["sources"] == ["UKR"] and events[0]["host"] == "TUR"
    assert events[0]["event_date"] == date(2025, 6, 2)


def test_rows_come_back_as_the_readings_that_made_them(tmp_path: Path) -> None:
    source = shard(tmp_path / "a.jsonl", texts(3))
    out = tmp_path / "out"
    run([source], out, part_size=2)
    articles = [a for a in read_input(source) if isinstance(a, Article)]
    expected = {r.article.id: r for r in FakeExtractor().extract_many(articles)}
    back = list(iter_readings(out))
    assert sorted(r.article.id for r in back) == sorted(expected)
    for reading in back:
        assert reading == expected[reading.article.id]


def test_negotiation_items_survive_the_tables(tmp_path: Path) -> None:
    made = build_reading()
    article = made.article
    ev = made.events[0].evidence
    ukr, rus = made.actors[0], made.actors[1]
    reading = replace(
        made,
        rounds=(Round(made.events[0].id, ev, ordinal=2, format="direct",
                      delegations=(Delegation(ukr.actor, ev, head=ukr, members=(ukr,)),)),),
        proposals=(Proposal("p1", ukr.actor, rus.actor, ("roadmap",), "proposed", ev,
                            provisions=(Provision(1, "ceasefire", ev, (("days", "30"),)),)),),
        positions=(Position(rus.actor, "ceasefire", "oppose", ev),),
        processes=(Process("process:RUS-UKR", "Russia-Ukraine talks", (rus.actor, ukr.actor),
                           third_parties=(ThirdParty(ukr.actor, "host", ev),)),),
    )  # fmt: skip
    tables = part_tables([reading], part="k")
    assert {name: t.num_rows for name, t in tables.items()} == {
        "articles": 1, "mentions": 5, "events": 1, "rounds": 1, "proposals": 1, "positions": 1,
        "processes": 1,
    }  # fmt: skip
    assert tables["proposals"].column("names").to_pylist() == [["roadmap"]]
    items = {
        name: [json.loads(text) for text in tables[name].column("json").to_pylist()]
        for name in TABLES[1:]
    }
    (row,) = tables["articles"].to_pylist()
    assert row["id"] == article.id
    assert reading_from_rows(row, items) == reading


def test_a_second_run_skips_what_is_done_and_appends_new_shards(tmp_path: Path) -> None:
    first = shard(tmp_path / "a.jsonl", texts(4))
    out = tmp_path / "out"
    run([first], out, part_size=2)
    before = {p.name: p.stat().st_mtime_ns for p in (out / "events").iterdir()}
    again = run([first], out)
    assert (again.parts_done, again.parts_skipped) == (0, 2)
    second = shard(tmp_path / "b.jsonl", texts(3, start=4))
    more = run([first, second], out)
    assert (more.parts_done, more.parts_skipped) == (2, 2)
    after = {p.name: p.stat().st_mtime_ns for p in (out / "events").iterdir()}
    assert {k: after[k] for k in before} == before  # done parts are not rewritten
    assert read_table(out, "articles").num_rows == 7


def test_an_interrupted_run_redoes_only_the_unfinished_part(tmp_path: Path) -> None:
    source = shard(tmp_path / "a.jsonl", texts(6))
    out = tmp_path / "out"
    run([source], out, part_size=2)
    log = out / PARTS_LOG
    lines = log.read_text().splitlines()
    lost = json.loads(lines[-1])["part"]
    log.write_text("\n".join(lines[:-1]) + "\n" + lines[-1][:20])  # torn last line
    (out / "events" / f"part-{lost}.parquet").unlink()
    report = run([source], out)
    assert (report.parts_done, report.parts_skipped) == (1, 2)
    assert read_table(out, "articles").num_rows == 6


def test_a_folder_from_another_pipeline_or_part_size_is_refused(tmp_path: Path) -> None:
    source = shard(tmp_path / "a.jsonl", texts(2))
    out = tmp_path / "out"
    run([source], out, part_size=2)
    with pytest.raises(BatchError, match="--part-size 2"):
        run([source], out, part_size=3)
    head = json.loads((out / MANIFEST).read_text())
    (out / MANIFEST).write_text(json.dumps(head | {"signature": "detente==0.0.1"}))
    with pytest.raises(BatchError, match="another pipeline"):
        run([source], out)


def test_an_occupied_or_unusable_output_folder_is_refused(tmp_path: Path) -> None:
    source = shard(tmp_path / "a.jsonl", texts(1))
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    with pytest.raises(BatchError, match="not empty"):
        run([source], tmp_path / "busy")
    (tmp_path / "file").write_text("x")
    with pytest.raises(BatchError, match=r"output folder|is a file"):
        run([source], tmp_path / "file")
    with pytest.raises(BatchError, match="engine"):
        run([source], tmp_path / "o", engine="spark")
    with pytest.raises(BatchError, match="--engine ray"):
        run([source], tmp_path / "o", address="ray://head:10001")


def test_an_article_that_trips_the_pipeline_is_reported_and_the_rest_kept(
    tmp_path: Path,
) -> None:
    source = shard(tmp_path / "a.jsonl", [*texts(2), "BOOM goes the parser."])
    out = tmp_path / "out"
    report = run([source], out, part_size=10)
    assert report.articles == 2 and report.rows["events"] == 2
    ((article_id, problem),) = report.failed
    assert article_id == content_id("BOOM goes the parser.") and "RuntimeError" in problem
    entry = json.loads((out / PARTS_LOG).read_text())
    assert entry["failed"] == [[article_id, problem]]


# -- loading into a store ------------------------------------------------------------------


TIMES = {"ingested_at", "applied_at"}  # when rows were written, not what they say


def without_ingest_times(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, sorted, without the columns that hold run times."""
    with sqlite3.connect(path) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        dump = {}
        for name in names:
            columns = [c[1] for c in conn.execute(f'PRAGMA table_info("{name}")')]
            kept = ", ".join(f'"{c}"' for c in columns if c not in TIMES)
            dump[name] = sorted(conn.execute(f'SELECT {kept} FROM "{name}"'), key=repr)
    return dump


def test_loading_a_batch_stores_what_a_direct_ingest_stores(tmp_path: Path) -> None:
    source = shard(tmp_path / "a.jsonl", [*texts(3), "Nothing happened today."])
    out = tmp_path / "out"
    run([source], out, part_size=3)
    with Store(tmp_path / "batch.db") as store:
        report = load_batch(out, store=store)
    assert (report.new, report.unchanged, report.events) == (4, 0, 3)
    with Store(tmp_path / "direct.db") as store:
        ingest([source], store=store, extractor=FakeExtractor())
    stored = without_ingest_times(tmp_path / "batch.db")
    assert stored == without_ingest_times(tmp_path / "direct.db")
    assert len(stored["articles"]) == 4 and len(stored["events"]) == 3
    with Store(tmp_path / "batch.db") as store:
        before = dump_db(tmp_path / "batch.db")
        again = load_batch(out, store=store)
    assert (again.new, again.unchanged) == (0, 4)
    assert dump_db(tmp_path / "batch.db") == before


def test_ingest_takes_batch_folders_and_article_files_together(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run([shard(tmp_path / "a.jsonl", texts(2))], out)
    other = shard(tmp_path / "b.jsonl", [*texts(1, start=5), "Nothing happened today."])
    with Store(":memory:") as store:
        report = batch.ingest_inputs([out, other], store=store, extractor=FakeExtractor())
        assert (report.new, report.events, report.errors) == (4, 3, ())
        assert store.counts().articles == 4


def test_loading_something_else_is_a_clear_error(tmp_path: Path) -> None:
    with Store(":memory:") as store, pytest.raises(BatchError, match="not a batch output"):
        load_batch(tmp_path, store=store)


# -- the command line ----------------------------------------------------------------------


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(cli, "make_extractor", FakeExtractor)
    return CliRunner()


def test_batch_has_help_and_its_examples_run(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "news").mkdir()
    shard(tmp_path / "news" / "wire.jsonl", texts(3))
    help_text = runner.invoke(cli.main, ["batch", "--help"]).output
    lines = [line.strip() for line in help_text.partition("Example:")[2].splitlines()
             if line.strip().startswith("detente ")]  # fmt: skip
    assert [shlex.split(line)[1] for line in lines] == ["batch", "ingest"]
    for line in lines:
        args = shlex.split(line)[1:]
        if args[0] == "batch":
            args += ["--workers", "1"]  # in this process, where the fake extractor is
        result = runner.invoke(cli.main, args, catch_exceptions=False)
        assert result.exit_code == 0, f"{line}\n{result.output}"
    assert (
        "parts: 1 coded, 0 already done; articles: 3"
        in runner.invoke(cli.main, ["batch", "news/", "--out", "again/", "--workers", "1"]).output
    )
    with Store("detente.db") as store:
        assert store.counts().articles == 3 and store.counts().events == 3


def test_batch_reports_bad_inputs_one_line_each_and_exits_1(
    tmp_path: Path, runner: CliRunner
) -> None:
    good = shard(tmp_path / "a.jsonl", texts(2))
    result = runner.invoke(
        cli.main,
        ["batch", str(good), str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "o"),
         "--workers", "1"],
    )  # fmt: skip
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "missing.jsonl: no such file" in errors[0]
    assert "articles: 2" in result.output


def test_batch_usage_errors_are_one_line(tmp_path: Path, runner: CliRunner) -> None:
    good = shard(tmp_path / "a.jsonl", texts(1))
    result = runner.invoke(
        cli.main, ["batch", str(good), "--out", str(tmp_path / "o"), "--address", "ray://x:1"]
    )
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: --address names a Ray cluster; add --engine ray"
    ]
