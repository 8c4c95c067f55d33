"""The command line: every command's help and example, bad inputs, idempotent ingest.

Most tests run in-process with click's CliRunner and a fake extractor that returns
hand-made Readings (fast, and independent of the extraction stages). Tests marked slow
run the installed `detente` script with the real model.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
import subprocess
import sys
import types
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from conftest import SHARED, build_reading, dump_db, requires_shared
from detente import cli
from detente.store import Store
from detente.vocabulary import Article, Reading

BIN = Path(sys.executable).parent / "detente"
BASE = "Ukraine and Russia met in Istanbul on June 2. Turkey hosted the talks."


class FakeExtractor:
    """Returns one hand-made CONSULT event for texts that carry the words it needs."""

    def extract_many(
        self, articles: Iterable[Article], *, batch_size: int = 32
    ) -> Iterator[Reading]:
        for article in articles:
            yield self.extract(article)

    def extract(self, article: Article) -> Reading:
        if not all(w in article.text for w in ("Ukraine", "Russia", "Turkey", "June 2", "met")):
            return Reading(article=article)
        made = build_reading(article.text, article_id=article.id)
        return replace(made, article=article)


@pytest.fixture(autouse=True)
def fake_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "make_extractor", FakeExtractor)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, *args: str | Path) -> Result:
    return runner.invoke(cli.main, [str(a) for a in args], catch_exceptions=False)


def write_article(folder: Path, name: str, text: str, published: str | None = None) -> Path:
    path = folder / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    if published:
        (folder / f"{name}.meta.json").write_text(json.dumps({"published": published}))
    return path


@pytest.fixture
def news(tmp_path: Path) -> Path:
    """A folder of three good articles (two with a dated event, one undated)."""
    folder = tmp_path / "news"
    folder.mkdir()
    write_article(folder, "a", BASE, "2025-06-01")
    write_article(folder, "b", BASE + " Again.", "2025-07-01")
    write_article(folder, "c", "Nothing happened today.", "2025-06-05")
    return folder


# -- help and examples ---------------------------------------------------------------------

COMMANDS = ["extract", "ingest", "events", "export", "search", "eval", "process"]


def example_lines(command: str | None) -> list[str]:
    """The `detente ...` lines under "Example:" in a command's help."""
    runner = CliRunner()
    args = [command, "--help"] if command else ["--help"]
    text = runner.invoke(cli.main, args).output
    _, _, tail = text.partition("Example:")
    return [line.strip() for line in tail.splitlines() if line.strip().startswith("detente ")]


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_command_has_help_and_an_example(command: str | None) -> None:
    assert example_lines(command), f"{command or 'detente'} --help shows no example"


def test_the_documented_examples_run(
    tmp_path: Path,
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    fake_evaluation: list[tuple[Any, ...]],
) -> None:
    """Run each example in a folder holding the files the examples name (with the fake
    extractor, and a fake evaluation module for `eval`)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "news").mkdir()
    write_article(tmp_path / "news", "one", BASE, "2025-06-01")
    write_article(tmp_path, "article", BASE + " Later.", "2025-06-01")
    ordered = [*example_lines("ingest"), *example_lines(None)]
    ordered += example_lines("events") + example_lines("export") + example_lines("search")
    ordered += example_lines("extract")
    ordered += example_lines("eval")
    ordered += example_lines("process")  # define, then show by the parties' names, then list
    for line in ordered:
        result = run(runner, *shlex.split(line)[1:])
        assert result.exit_code == 0, f"{line}\n{result.output}"
    assert (tmp_path / "events.csv").read_text().startswith("id,article_id,date")
    assert [call[0] for call in fake_evaluation] == ["seed"]


# -- ingest --------------------------------------------------------------------------------


def test_ingest_stores_and_summarises(news: Path, tmp_path: Path, runner: CliRunner) -> None:
    db = tmp_path / "t.db"
    result = run(runner, "ingest", news, "--db", db)
    assert result.exit_code == 0, result.output
    assert "articles: 3 new, 0 unchanged; events stored: 2; errors: 0" in result.stdout


def test_ingest_published_overrides_every_article(
    news: Path, tmp_path: Path, runner: CliRunner
) -> None:
    db = tmp_path / "t.db"
    result = run(runner, "ingest", news, "--db", db, "--published", "2025-05-01T09:00:00Z")
    assert result.exit_code == 0, result.output
    with Store(db) as store:
        published = {a.article.published for a in store.articles()}
    assert published == {datetime(2025, 5, 1, 9, tzinfo=UTC)}


def test_reingest_changes_nothing(news: Path, tmp_path: Path, runner: CliRunner) -> None:
    db = tmp_path / "t.db"
    run(runner, "ingest", news, "--db", db)
    before = dump_db(db)
    result = run(runner, "ingest", news, "--db", db)
    assert result.exit_code == 0
    assert "articles: 0 new, 3 unchanged; events stored: 0; errors: 0" in result.stdout
    assert dump_db(db) == before
    counts = {name: len(rows) for name, rows in before.items()}
    assert counts["articles"] == 3 and counts["events"] == 2 and counts["evidence"] == 16


def make_bad_inputs(folder: Path) -> list[tuple[Path, str]]:
    """Bad inputs of every kind, each with the source its error line must name."""
    folder.mkdir()
    empty = folder / "empty.txt"
    empty.write_text("   \n")
    binary = folder / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02 not text")
    latin = folder / "latin.txt"
    latin.write_bytes(b"Caf\xe9 talks")
    dated = write_article(folder, "dated", BASE + " Dated.", None)
    (folder / "dated.meta.json").write_text('{"published": "1st of June"}')
    rows = folder / "rows.jsonl"
    rows.write_text('{"text": "' + BASE + ' Row one."}\n{oops\n{"title": "no text"}\n'
                    '{"text": "x", "published": "2025-06-31"}\n')  # fmt: skip
    return [
        (folder / "missing.txt", str(folder / "missing.txt")),
        (empty, str(empty)),
        (binary, str(binary)),
        (latin, str(latin)),
        (dated, str(folder / "dated.meta.json")),
        (rows, f"{rows}:2"),
        (rows, f"{rows}:3"),
        (rows, f"{rows}:4"),
    ]


def test_bad_inputs_one_line_each_others_stored_exit_nonzero(
    news: Path, tmp_path: Path, runner: CliRunner
) -> None:
    bad = make_bad_inputs(tmp_path / "bad")
    db = tmp_path / "t.db"
    paths = [*sorted({p for p, _ in bad}), news]
    result = run(runner, "ingest", *paths, "--db", db)
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(lines) == len(bad)
    for _, source in bad:
        assert any(line.startswith(f"error: {source}: ") for line in lines), source
    summary = [line for line in result.stderr.splitlines() if line.startswith("skipped ")]
    assert sum(int(line.split()[1].rstrip(":")) for line in summary) == len(bad)
    assert "skipped 1: looks like a binary file" in summary
    # the good articles: three in news/, and row 1 of rows.jsonl
    assert "articles: 4 new, 0 unchanged; events stored: 3; errors: 8" in result.stdout
    assert "Traceback" not in result.output


def test_bad_inputs_leave_the_database_unchanged(
    news: Path, tmp_path: Path, runner: CliRunner
) -> None:
    db = tmp_path / "t.db"
    run(runner, "ingest", news, "--db", db)
    before = dump_db(db)
    bad = make_bad_inputs(tmp_path / "bad")
    only_bad = sorted({p for p, s in bad if ":1" not in s})
    (tmp_path / "bad" / "rows.jsonl").write_text("{oops\n")
    result = run(runner, "ingest", *only_bad, "--db", db)
    assert result.exit_code == 1
    assert dump_db(db) == before


def test_an_id_stored_with_another_text_is_one_error_line(
    tmp_path: Path, runner: CliRunner
) -> None:
    db = tmp_path / "t.db"
    first, second = tmp_path / "1.jsonl", tmp_path / "2.jsonl"
    first.write_text(json.dumps({"id": "same", "text": BASE}) + "\n")
    second.write_text(json.dumps({"id": "same", "text": BASE + " Edited."}) + "\n")
    run(runner, "ingest", first, "--db", db)
    before = dump_db(db)
    result = run(runner, "ingest", second, "--db", db)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {second}:1: article id 'same' is already stored")
    assert dump_db(db) == before


def test_ingest_into_a_folder_is_a_clear_error(
    news: Path, tmp_path: Path, runner: CliRunner
) -> None:
    result = run(runner, "ingest", news, "--db", tmp_path)
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == f"error: {tmp_path}: is a folder; give a database file such as {tmp_path / 'detente.db'}"
    )


def test_ingest_into_a_file_that_is_not_sqlite(
    news: Path, tmp_path: Path, runner: CliRunner
) -> None:
    db = tmp_path / "notes.txt"
    db.write_text("my notes")
    result = run(runner, "ingest", news, "--db", db)
    assert result.exit_code == 1 and "is not a SQLite database" in result.stderr
    assert db.read_text() == "my notes"


def test_a_bad_published_option_is_a_usage_error(
    news: Path, tmp_path: Path, runner: CliRunner
) -> None:
    result = run(runner, "ingest", news, "--db", tmp_path / "t.db", "--published", "June")
    assert result.exit_code == 2 and "not ISO 8601" in result.stderr
    assert not (tmp_path / "t.db").exists()


# -- events and export ---------------------------------------------------------------------


@pytest.fixture
def db(news: Path, tmp_path: Path, runner: CliRunner) -> Path:
    path = tmp_path / "t.db"
    run(runner, "ingest", news, "--db", path)
    return path


def events_json(runner: CliRunner, db: Path, *args: str) -> list[dict[str, Any]]:
    result = run(runner, "events", "--db", db, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_events_filters(db: Path, runner: CliRunner) -> None:
    assert len(events_json(runner, db)) == 2
    assert len(events_json(runner, db, "--actor", "UKR")) == 2
    assert len(events_json(runner, db, "--actor", "tur")) == 2
    assert events_json(runner, db, "--actor", "FRA") == []
    assert len(events_json(runner, db, "--type", "CONSULT")) == 2
    assert events_json(runner, db, "--type", "ASSAULT") == []
    # both events are dated June 2 by their own time, whatever the article date
    assert len(events_json(runner, db, "--since", "2025-06-02", "--until", "2025-06-02")) == 2
    assert events_json(runner, db, "--since", "2025-06-03") == []


def test_events_formats(db: Path, runner: CliRunner) -> None:
    jsonl = run(runner, "events", "--db", db, "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in jsonl] == events_json(runner, db)
    table = run(runner, "events", "--db", db).stdout
    assert "CONSULT" in table and "2025-06-02" in table and "2 events" in table


def test_events_bad_date_is_a_usage_error(db: Path, runner: CliRunner) -> None:
    result = run(runner, "events", "--db", db, "--since", "last week")
    assert result.exit_code == 2 and "not ISO 8601" in result.stderr


def test_events_on_a_missing_database(tmp_path: Path, runner: CliRunner) -> None:
    result = run(runner, "events", "--db", tmp_path / "none.db")
    assert result.exit_code == 1 and "no such database" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_export_jsonl_to_stdout(db: Path, runner: CliRunner) -> None:
    result = run(runner, "export", "--db", db, "--format", "jsonl")
    assert [json.loads(line) for line in result.stdout.splitlines()] == events_json(runner, db)


def test_export_csv_to_a_file(db: Path, tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "events.csv"
    result = run(runner, "export", "--db", db, "--format", "csv", "--out", out)
    assert result.exit_code == 0 and "2 events written" in result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 2
    assert rows[0]["sources"] == "UKR" and rows[0]["place"] == "Istanbul"


def test_export_needs_a_format(db: Path, runner: CliRunner) -> None:
    result = run(runner, "export", "--db", db)
    assert result.exit_code == 2 and "--format" in result.stderr


# -- extract -------------------------------------------------------------------------------


def test_extract_formats(tmp_path: Path, runner: CliRunner) -> None:
    path = write_article(tmp_path, "a", BASE)
    as_json = json.loads(run(runner, "extract", path, "--published", "2025-06-01").stdout)
    assert [e["type"] for e in as_json] == ["CONSULT"]
    jsonl = run(runner, "extract", path, "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in jsonl] == as_json
    table = run(runner, "extract", path, "--format", "table").stdout
    assert "CONSULT" in table and "UKR" in table and "Istanbul" in table


def test_extract_a_bad_file(tmp_path: Path, runner: CliRunner) -> None:
    result = run(runner, "extract", tmp_path / "nope.txt")
    assert result.exit_code == 1
    assert (
        result.stderr == f"error: {tmp_path / 'nope.txt'}: no such file or folder; check the path\n"
    )
    assert result.stdout == ""


def test_extract_from_stdin(runner: CliRunner) -> None:
    result = runner.invoke(cli.main, ["extract", "-"], input=BASE)
    assert result.exit_code == 0
    assert json.loads(result.stdout)[0]["type"] == "CONSULT"


# -- eval ----------------------------------------------------------------------------------


@pytest.fixture
def fake_evaluation(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """A stand-in detente.evaluation whose run_task records its calls."""
    calls: list[tuple[Any, ...]] = []

    def run_task(task: str, paths: list[Path], out_dir: Path) -> dict[str, Any]:
        calls.append((task, paths, out_dir))
        return {"precision": 0.5, "recall": 0.25, "per_type": {"CONSULT": {"f1": 1.0}}, "n": 3}

    module = types.ModuleType("detente.evaluation")
    module.run_task = run_task  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "detente.evaluation", module)
    return calls


def test_eval_prints_metrics(
    fake_evaluation: list[tuple[Any, ...]], tmp_path: Path, runner: CliRunner
) -> None:
    result = run(runner, "eval", "seed", "gold.json", "--out", tmp_path / "o")
    assert result.exit_code == 0, result.output
    assert fake_evaluation == [("seed", [Path("gold.json")], tmp_path / "o")]
    assert re.search(r"\(all\)\s*│\s*3\s*│\s*0\.5000\s*│\s*0\.2500", result.stdout)
    assert re.search(r"per_type\.CONSULT\s*│.*1\.0000", result.stdout)
    assert "all metrics in" in result.stdout


def test_metrics_summary_is_small() -> None:
    metrics = {
        "n": 10,
        "accuracy": 0.5,
        "task": "x",
        "per_class": {"AGREE": {"precision": 1.0, "recall": 0.5, "f1": 0.6667}},
        "confusion": {"AGREE": {"AGREE": 1, "CONSULT": 2}},
        "per_file": {"a.tsv": {"accuracy": 0.5}},
        "events": {"f1": 1.0, "fields": {"type": 1.0}, "deep": {"er": {"f1": 0.1}}},
    }
    columns, rows = cli.summarize_metrics(metrics)
    assert columns == ["n", "accuracy", "precision", "recall", "f1"]
    assert [name for name, _ in rows] == ["(all)", "per_class.AGREE", "events"]


def test_eval_unknown_task_lists_the_tasks(tmp_path: Path, runner: CliRunner) -> None:
    """The real detente.evaluation: an unknown task fails before anything is read."""
    from detente.evaluation import TASKS

    result = run(runner, "eval", "nope", "gold.json", "--out", tmp_path / "o")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: unknown task 'nope'; tasks: {', '.join(sorted(TASKS))}"
    assert not (tmp_path / "o").exists()


def test_eval_bad_gold_path_is_one_line(tmp_path: Path, runner: CliRunner) -> None:
    result = run(runner, "eval", "seed", tmp_path / "none.json", "--out", tmp_path / "o")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {tmp_path / 'none.json'}")
    assert len(result.stderr.splitlines()) == 1


# -- the installed script, for real ---------------------------------------------------------


def test_help_runs_as_a_script() -> None:
    result = subprocess.run([BIN, "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "ingest" in result.stdout


@requires_shared
@pytest.mark.slow
def test_real_ingest_of_the_shared_corpus(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00binary")
    db = tmp_path / "t.db"
    args = [BIN, "ingest", SHARED / "corpus", bad, "--db", db]
    first = subprocess.run(args, capture_output=True, text=True, check=False)
    assert first.returncode == 1, first.stderr
    assert first.stderr.splitlines() == [
        f"error: {bad}: looks like a binary file (NUL bytes); give UTF-8 text",
        "skipped 1: looks like a binary file",
    ]
    assert first.stdout.startswith("articles: 1 new, 0 unchanged;")
    before = dump_db(db)
    second = subprocess.run([*args[:3], "--db", db], capture_output=True, text=True, check=False)
    assert second.returncode == 0, second.stderr
    assert second.stdout.startswith("articles: 0 new, 1 unchanged; events stored: 0; errors: 0")
    assert dump_db(db) == before


def test_importing_the_cli_does_not_load_spacy() -> None:
    """`detente --help` must stay fast: spaCy loads only inside commands that extract."""
    code = "import sys, detente.cli; print('spacy' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# -- process -------------------------------------------------------------------------------


@pytest.fixture
def talks_db(tmp_path: Path) -> Path:
    from test_api import talks_reading

    path = tmp_path / "talks.db"
    with Store(path) as store:
        store.add_reading(talks_reading())
    return path


def test_process_prints_rounds_proposals_matrix_and_overlap(
    talks_db: Path, runner: CliRunner
) -> None:
    result = run(runner, "process", "Russia-Ukraine", "--db", talks_db)
    assert result.exit_code == 0, result.output
    out = result.output
    for words in ("process:RUS-UKR", "Rounds", "2025-06-02", "ceasefire", "cease", "TjPrire",
                  "Positions", "rejects", "proposes (in ceasefire of 30 days)", "no overlap",
                  "Russia rejected the ceasefire."):  # fmt: skip
        assert words in out, words
    # every [n] in the tables is a note naming its article and characters
    notes = dict(re.findall(r"│ (\d+) +│ (\S+:\d+-\d+) ", out))
    refs = set(re.findall(r"\[(\d+)\]", out))
    assert refs and refs <= set(notes)


def test_process_as_json_cites_every_cell(talks_db: Path, runner: CliRunner) -> None:
    from test_api import TALKS

    result = run(runner, "process", "process:rus-ukr", "--db", talks_db, "--format", "json")
    assert result.exit_code == 0, result.output
    view = json.loads(result.output)
    assert [p["step"] for p in view["proposals"][0]["provisions"]] == [1, 2]
    for cell in view["cells"]:
        for entry in cell["history"]:
            cite = entry["cite"]
            assert TALKS[cite["sentence_start"] : cite["sentence_end"]] == cite["sentence"]
    assert {(c["party"], c["issue"], c["latest"]["stance"]) for c in view["cells"]} >= {
        ("RUS", "ceasefire", "rejects"),
        ("UKR", "prisoner_exchange", "accepts"),
    }


def test_process_lists_processes_without_a_name(talks_db: Path, runner: CliRunner) -> None:
    table = run(runner, "process", "--db", talks_db)
    assert table.exit_code == 0 and "process:RUS-UKR" in table.output
    listed = json.loads(run(runner, "process", "--db", talks_db, "--format", "json").output)
    assert [p["id"] for p in listed] == ["process:RUS-UKR"]


def test_an_unknown_process_is_a_usage_error_listing_the_known(
    talks_db: Path, runner: CliRunner
) -> None:
    result = run(runner, "process", "Atlantis", "--db", talks_db)
    assert result.exit_code == 2
    assert "no process 'Atlantis'" in result.stderr
    assert "Russia-Ukraine talks (process:RUS-UKR)" in result.stderr
    assert "Traceback" not in result.stderr


def test_define_a_process_and_find_it_by_alias(talks_db: Path, runner: CliRunner) -> None:
    made = run(runner, "process", "define", "Bosphorus talks", "--parties", "Ukraine,RUS",
               "--mediator", "TUR", "--alias", "The Istanbul track", "--db", talks_db)  # fmt: skip
    assert made.exit_code == 0, made.output
    assert made.output.strip() == "defined Bosphorus talks (process:RUS-UKR): parties RUS, UKR"
    shown = run(runner, "process", "the istanbul TRACK", "--db", talks_db)
    assert shown.exit_code == 0, shown.output
    assert "Bosphorus talks" in shown.output and "defined by a user" in shown.output
    assert "Russia-Ukraine talks" in shown.output  # the articles' name, kept as an alias


def test_define_refuses_a_single_party(talks_db: Path, runner: CliRunner, dump: Any) -> None:
    before = dump(talks_db)
    result = run(runner, "process", "define", "Alone", "--parties", "UKR", "--db", talks_db)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: process 'Alone': a process needs at least two")
    assert dump(talks_db) == before


def test_process_on_a_missing_database(tmp_path: Path, runner: CliRunner) -> None:
    result = run(runner, "process", "--db", tmp_path / "none.db")
    assert result.exit_code == 1 and "no such database" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_process_coding_sheet_as_csv(tmp_path: Path) -> None:
    from detente.vocabulary import Position

    made = build_reading()
    ukr = next(m.actor for m in made.actors if m.actor.country == "UKR")
    reading = replace(
        made, positions=(Position(ukr, "ceasefire", "demands", made.events[0].evidence),)
    )
    db = tmp_path / "p.db"
    with Store(db) as store:
        store.add_reading(reading)
    runner = CliRunner()
    define = runner.invoke(
        cli.main, ["process", "define", "Talks", "--parties", "UKR,RUS", "--db", str(db)]
    )
    assert define.exit_code == 0, define.output
    done = runner.invoke(cli.main, ["process", "Talks", "--db", str(db), "--format", "csv"])
    assert done.exit_code == 0, done.output
    rows = list(csv.DictReader(io.StringIO(done.output)))
    positions = [r for r in rows if r["kind"] == "position"]
    assert [(r["party"], r["issue"], r["stance"]) for r in positions] == [
        ("UKR", "ceasefire", "demands")
    ]
    assert positions[0]["sentence"].startswith("Ukraine and Russia met")
    listing = runner.invoke(cli.main, ["process", "--db", str(db), "--format", "csv"])
    assert listing.exit_code != 0 and "give its NAME" in listing.output
