"""The evaluation harness: metrics, the seed scorer on hand-built Readings, the
plover-dyads reader and task on a tiny hand-written TSV, and EvalError cases.

All texts here are our own; nothing is copied from the shared gold or eval files.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

from detente.errors import EvalError
from detente.evaluation import TASKS, run_task
from detente.evaluation.metrics import accuracy, confusion_matrix, macro_f1, per_class, prf
from detente.evaluation.plover_dyads import LABELS, read_dyads, to_label, unmark
from detente.evaluation.seed import km, line_of, load_gold, norm_text
from detente.vocabulary import (
    Actor,
    ActorMention,
    Article,
    Attribution,
    Event,
    Evidence,
    Place,
    PlaceMention,
    Position,
    Reading,
    Span,
    TimeValue,
)

# -- metrics -------------------------------------------------------------------------------


def test_accuracy_and_prf() -> None:
    assert accuracy(["A", "B", "C", "A"], ["A", "B", "A", "A"]) == 0.75
    assert accuracy([], []) == 0.0
    with pytest.raises(ValueError):
        accuracy(["A"], [])
    assert prf(2, 2, 0) == {"precision": 0.5, "recall": 1.0, "f1": pytest.approx(2 / 3)}
    assert prf(0, 0, 0) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}


def test_per_class_macro_and_confusion() -> None:
    gold = ["A", "A", "B", "C"]
    pred = ["A", "B", "B", "X"]
    table = per_class(gold, pred, labels=["A", "B", "C"])
    assert table["A"] == {"precision": 1.0, "recall": 0.5, "f1": pytest.approx(2 / 3), "support": 2}
    assert table["B"]["precision"] == 0.5 and table["B"]["recall"] == 1.0
    assert table["C"]["f1"] == 0.0
    assert macro_f1(gold, pred, labels=["A", "B", "C"]) == pytest.approx((2 / 3 + 2 / 3) / 3)
    matrix = confusion_matrix(gold, pred, labels=["A", "B", "C"])
    assert matrix["A"] == {"A": 1, "B": 1, "C": 0, "OTHER": 0}
    assert matrix["C"]["OTHER"] == 1


def test_helpers() -> None:
    assert line_of("one\ntwo\nthree", 5) == 2
    assert norm_text("The Swiss Foreign-Ministry!") == "swiss foreign ministry"
    assert km(46.2044, 6.1432, 46.2044, 6.1432) == 0.0
    assert 5 < km(46.20, 6.14, 46.25, 6.14) < 6


# -- plover-dyads ------------------------------------------------------------------------

DYAD_HEADER = "uid\tsentence_id\tsentence\tmarked_sentence\tsource\ttarget\tgold_root\tgold_penta\n"
DYAD_ROWS = [
    (
        "1",
        "Norway condemned Finland over the fishing dispute.",
        "<s>Norway</s> condemned <t>Finland</t> over the fishing dispute.",
        "ACCUSE",
        "3",
    ),
    (
        "2",
        "Rebels attacked a police station near the border.",
        "<s>Rebels</s> attacked <t>a police station</t> near the border.",
        "ASSAULT",
        "4",
    ),
    ("3", "The minister agreed to resign.", "<s>The minister</s> agreed to resign.", "YIELD", "2"),
]


def write_dyads(path: Path, rows: list[tuple[str, str, str, str, str]] = DYAD_ROWS) -> Path:
    lines = [DYAD_HEADER]
    for uid, sentence, marked, gold, penta in rows:
        source = marked.split("<s>")[1].split("</s>")[0] if "<s>" in marked else ""
        target = marked.split("<t>")[1].split("</t>")[0] if "<t>" in marked else ""
        lines.append("\t".join([uid, uid, sentence, marked, source, target, gold, penta]) + "\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_labels_and_unmark() -> None:
    assert len(LABELS) == 15 and "YIELD" in LABELS
    assert "CONCEDE" not in LABELS and "RETREAT" not in LABELS
    assert to_label("RETREAT") == "YIELD" and to_label("CONCEDE") == "YIELD"
    assert to_label("AID") == "AID" and to_label(None) is None
    text, spans = unmark("<s>Oslo</s> thanked <t>Helsinki</t>.")
    assert text == "Oslo thanked Helsinki."
    assert spans == {"s": [(0, 4)], "t": [(13, 21)]}


def test_read_dyads(tmp_path: Path) -> None:
    items = read_dyads(write_dyads(tmp_path / "d.tsv"))
    assert [i.gold for i in items] == ["ACCUSE", "ASSAULT", "YIELD"]
    first = items[0]
    assert first.text[slice(*first.source)] == "Norway"
    assert first.target is not None and first.text[slice(*first.target)] == "Finland"
    assert items[2].target is None


def test_read_dyads_errors(tmp_path: Path) -> None:
    bad_header = tmp_path / "header.tsv"
    bad_header.write_text("uid\tsentence\n1\tx\n", encoding="utf-8")
    with pytest.raises(EvalError, match=r"header\.tsv.*missing column"):
        read_dyads(bad_header)
    bad_label = write_dyads(
        tmp_path / "label.tsv", [("1", "A met B.", "<s>A</s> met <t>B</t>.", "HUG", "1")]
    )
    with pytest.raises(EvalError, match=r"label\.tsv: row 2.*'HUG'"):
        read_dyads(bad_label)
    unmarked = write_dyads(
        tmp_path / "unmarked.tsv", [("1", "A met B.", "A met B.", "CONSULT", "1")]
    )
    with pytest.raises(EvalError, match="marks neither"):
        read_dyads(unmarked)
    empty = tmp_path / "empty.tsv"
    empty.write_text(DYAD_HEADER, encoding="utf-8")
    with pytest.raises(EvalError, match="no rows"):
        read_dyads(empty)


@pytest.mark.slow
def test_plover_dyads_task(tmp_path: Path, nlp: Language) -> None:
    first = write_dyads(tmp_path / "a.tsv")
    second = write_dyads(tmp_path / "b.tsv", DYAD_ROWS[:1])
    out = tmp_path / "out"
    metrics = run_task("plover-dyads", [first, second], out, nlp=nlp)
    assert metrics["n"] == 4
    assert set(metrics["per_file"]) == {str(first), str(second)}
    assert metrics["accuracy"] >= 0.5
    assert 0.0 <= metrics["fallback_rate"] <= 1.0
    assert set(metrics["per_class"]) == set(LABELS)
    preds = [json.loads(x) for x in (out / "predictions.jsonl").read_text().splitlines()]
    assert len(preds) == 4
    assert {"uid", "predicted", "gold", "trigger"} <= set(preds[0])
    assert preds[0]["predicted"] == "ACCUSE" and preds[0]["trigger"] == "condemned"
    assert json.loads((out / "metrics.json").read_text())["n"] == 4


# -- seed ------------------------------------------------------------------------------------

MINI_TEXT = (
    "Norwegian and Finnish envoys will meet in Geneva on Tuesday, the Swiss Foreign "
    "Ministry said.\n"
    "Oslo accused Finland of blocking the fishing talks.\n"
)
MINI_GOLD: dict[str, Any] = {
    "article": "mini-talks",
    "published": "2030-03-01",
    "about": "hand-made for tests",
    "actors": [
        {
            "name": "Norway",
            "kind": "state",
            "country": "NOR",
            "mentions": ["Norwegian", "Oslo"],
            "lines": [1, 2],
        },
        {"name": "Finland", "kind": "state", "country": "FIN", "lines": [1, 2]},
        {
            "name": "Swiss Foreign Ministry",
            "kind": "organization",
            "country": "CHE",
            "sector": "GOV",
            "lines": [1],
        },
    ],
    "not_places": [{"text": "Oslo", "line": 2, "why": "the Norwegian government"}],
    "places": [{"name": "Geneva", "country": "CHE", "lat": 46.2044, "lon": 6.1432, "lines": [1]}],
    "times": [{"text": "on Tuesday", "line": 1, "value": "2030-03-05"}],
    "events": [
        {
            "id": "meet",
            "type": "CONSULT",
            "accept_types": ["CONSULT"],
            "status": "future",
            "actors": ["NOR", "FIN"],
            "place": "Geneva",
            "start": "2030-03-05",
            "attributed_to": "the Swiss Foreign Ministry",
            "lines": [1],
        },
        {
            "id": "accuse",
            "type": "ACCUSE",
            "status": "past",
            "source": "NOR",
            "target": "FIN",
            "lines": [2],
        },
    ],
    "negotiation": {
        "positions": [{"party": "NOR", "issue": "fishing_rights", "stance": "demands", "line": 2}],
    },
}

NOR = Actor("NOR", "Norway", "state", country="NOR")
FIN = Actor("FIN", "Finland", "state", country="FIN")
CHE_MFA = Actor("CHEGOV", "Swiss Foreign Ministry", "organization", country="CHE", sector="GOV")
GENEVA = Place("geonames:2660646", "Geneva", "city", country="CHE", lat=46.20, lon=6.15)


def _ev(article: Article, phrase: str, nth: int = 0) -> Evidence:
    start = -1
    for _ in range(nth + 1):
        start = article.text.index(phrase, start + 1)
    span = Span(article.id, start, start + len(phrase), phrase)
    return Evidence(span=span, extractor="test", version="0")


def perfect_reading(
    article: Article, *, drop_event: bool = False, far_geneva: bool = False
) -> Reading:
    """A Reading that says exactly what MINI_GOLD says."""
    geneva = Place(
        GENEVA.id,
        "Geneva",
        "city",
        country="CHE",
        lat=47.0 if far_geneva else GENEVA.lat,
        lon=GENEVA.lon,
    )
    nor1 = ActorMention(NOR, _ev(article, "Norwegian"))
    fin1 = ActorMention(FIN, _ev(article, "Finnish"))
    oslo = ActorMention(NOR, _ev(article, "Oslo"), metonym=True)
    fin2 = ActorMention(FIN, _ev(article, "Finland"))
    mfa = ActorMention(CHE_MFA, _ev(article, "Swiss Foreign Ministry"))
    place = PlaceMention(geneva, _ev(article, "Geneva"))
    tuesday = TimeValue("DATE", "2030-03-05", _ev(article, "on Tuesday"))
    meet = Event(
        id="e1",
        article_id=article.id,
        type="CONSULT",
        status="future",
        evidence=_ev(article, "meet"),
        sources=(nor1, fin1),
        symmetric=True,
        place=place,
        time=tuesday,
        attribution=Attribution("the Swiss Foreign Ministry"),
    )
    accuse = Event(
        id="e2",
        article_id=article.id,
        type="ACCUSE",
        status="past",
        evidence=_ev(article, "accused"),
        sources=(oslo,),
        targets=(fin2,),
        attribution=Attribution("author"),
    )
    position = Position(NOR, "fishing_rights", "demands", _ev(article, "fishing talks"))
    return Reading(
        article=article,
        actors=(nor1, fin1, mfa, oslo, fin2),
        places=(place,),
        times=(tuesday,),
        events=(meet,) if drop_event else (meet, accuse),
        positions=(position,),
    )


class FakeExtractor:
    """Stands in for detente.Extractor: returns a hand-built Reading of the article."""

    def __init__(self, **options: bool) -> None:
        self.options = options
        self.seen: list[Article] = []

    def extract(self, article: Article) -> Reading:
        self.seen.append(article)
        return perfect_reading(article, **self.options)


def write_mini(root: Path) -> Path:
    (root / "gold").mkdir(parents=True)
    (root / "corpus").mkdir()
    (root / "corpus" / "mini-talks.txt").write_text(MINI_TEXT, encoding="utf-8")
    (root / "corpus" / "mini-talks.meta.json").write_text(
        json.dumps({"id": "mini-talks", "title": "Envoys to meet"}), encoding="utf-8"
    )
    gold = root / "gold" / "mini-talks.gold.json"
    gold.write_text(json.dumps(MINI_GOLD), encoding="utf-8")
    return gold


def test_seed_perfect_reading(tmp_path: Path) -> None:
    gold = write_mini(tmp_path)
    extractor = FakeExtractor()
    metrics = run_task("seed", [gold], tmp_path / "out", extractor=extractor)
    assert extractor.seen[0].published == date(2030, 3, 1)
    assert extractor.seen[0].title == "Envoys to meet"
    for section in ("actors", "places", "times", "events"):
        assert metrics[section]["f1"] == 1.0, section
        assert all(v == 1.0 for v in metrics[section]["fields"].values()), metrics[section]
    assert metrics["not_places"] == {"n": 1, "accuracy": 1.0, "metonym_rate": 1.0}
    assert metrics["negotiation"]["positions"]["f1"] == 1.0
    assert metrics["negotiation"]["f1"] == 1.0
    assert metrics["overall"] == 1.0
    preds = [
        json.loads(x) for x in (tmp_path / "out" / "predictions.jsonl").read_text().splitlines()
    ]
    kinds = {p["kind"] for p in preds}
    assert {"actor", "place", "time", "event", "position"} <= kinds
    events = {p["matched"] for p in preds if p["kind"] == "event"}
    assert events == {"meet", "accuse"}


def test_seed_imperfect_reading(tmp_path: Path) -> None:
    gold = write_mini(tmp_path)
    extractor = FakeExtractor(drop_event=True, far_geneva=True)
    metrics = run_task("seed", [gold], tmp_path / "out", extractor=extractor)
    assert metrics["events"]["recall"] == 0.5 and metrics["events"]["precision"] == 1.0
    assert metrics["places"]["f1"] == 1.0
    assert metrics["places"]["fields"]["coordinates"] == 0.0
    assert metrics["overall"] < 1.0


def test_seed_companion_event_is_not_a_false_positive(tmp_path: Path) -> None:
    gold = write_mini(tmp_path)

    class WithCompanion(FakeExtractor):
        def extract(self, article: Article) -> Reading:
            reading = perfect_reading(article)
            meet = reading.events[0]
            agree = Event(
                id="e3",
                article_id=article.id,
                type="AGREE",
                status="past",
                evidence=_ev(article, "will meet"),
                sources=meet.sources,
                refers_to="e1",
            )
            stray = Event(
                id="e4",
                article_id=article.id,
                type="ASSAULT",
                status="past",
                evidence=_ev(article, "blocking"),
            )
            return Reading(
                article=article,
                actors=reading.actors,
                places=reading.places,
                times=reading.times,
                events=(*reading.events, agree, stray),
                positions=reading.positions,
            )

    metrics = run_task("seed", [gold], tmp_path / "out", extractor=WithCompanion())
    assert metrics["events"]["tp"] == 2 and metrics["events"]["fp"] == 1


def test_seed_empty_negotiation_scores_zero(tmp_path: Path) -> None:
    gold = write_mini(tmp_path)

    class Empty:
        def extract(self, article: Article) -> Reading:
            return Reading(article=article)

    metrics = run_task("seed", [gold], tmp_path / "out", extractor=Empty())
    assert metrics["negotiation"]["positions"]["recall"] == 0.0
    assert metrics["events"]["f1"] == 0.0
    assert metrics["not_places"]["accuracy"] == 1.0  # nothing was called a place
    assert metrics["not_places"]["metonym_rate"] == 0.0


def test_seed_article_lookup(tmp_path: Path) -> None:
    gold = write_mini(tmp_path)
    # Text beside the gold file, no corpus folder.
    other = tmp_path / "elsewhere" / "flat"
    other.mkdir(parents=True)
    (other / "mini-talks.gold.json").write_text(gold.read_text(), encoding="utf-8")
    with pytest.raises(EvalError, match=r"mini-talks\.txt not found"):
        run_task(
            "seed", [other / "mini-talks.gold.json"], tmp_path / "o1", extractor=FakeExtractor()
        )
    metrics = run_task(
        "seed",
        [other / "mini-talks.gold.json"],
        tmp_path / "o2",
        extractor=FakeExtractor(),
        corpus_dir=tmp_path / "corpus",
    )
    assert metrics["overall"] == 1.0
    (other / "mini-talks.txt").write_text(MINI_TEXT, encoding="utf-8")
    metrics = run_task(
        "seed", [other / "mini-talks.gold.json"], tmp_path / "o3", extractor=FakeExtractor()
    )
    assert metrics["events"]["f1"] == 1.0


def test_seed_several_files(tmp_path: Path) -> None:
    gold = write_mini(tmp_path)
    copy = gold.with_name("copy.gold.json")
    copy.write_text(gold.read_text(), encoding="utf-8")
    metrics = run_task("seed", [gold, copy], tmp_path / "out", extractor=FakeExtractor())
    assert metrics["n"] == 2 and len(metrics["per_file"]) == 2
    assert metrics["events"]["tp"] == 4 and metrics["overall"] == 1.0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "top level must be an object"),
        ('{"events": []}', "'article'"),
        ('{"article": "x", "events": {}}', "'events' must be a list"),
        (
            '{"article": "x", "events": [{"id": "e", "type": "HUG", "lines": [1]}]}',
            "unknown PLOVER type",
        ),
        (
            '{"article": "x", "events": [{"id": "e", "type": "AGREE", "lines": "1"}]}',
            "'lines' must be a list",
        ),
        ('{"article": "x", "times": [{"text": "today", "line": 1}]}', "needs 'line' and 'value'"),
        ('{"article": "x", "published": "June"}', "not an ISO date"),
    ],
)
def test_bad_gold_file(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.gold.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(EvalError, match=message) as info:
        load_gold(path)
    assert "bad.gold.json" in str(info.value)
    with pytest.raises(EvalError, match=r"bad\.gold\.json"):
        run_task("seed", [path], tmp_path / "out", extractor=FakeExtractor())


def test_exported_names() -> None:
    import detente.evaluation as evaluation

    assert sorted(evaluation.__all__) == ["TASKS", "run_task"]


def test_unknown_task_and_missing_file(tmp_path: Path) -> None:
    assert {"seed", "plover-dyads"} <= set(TASKS)
    with pytest.raises(EvalError, match=r"unknown task 'nope'; tasks: .*plover-dyads.*seed"):
        run_task("nope", [tmp_path / "x"], tmp_path / "out")
    with pytest.raises(EvalError, match="no such gold file"):
        run_task("seed", [tmp_path / "missing.json"], tmp_path / "out")
