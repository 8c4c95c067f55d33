"""The scorers of actor resolution: `detente eval actors` and `detente eval plover-gsr`,
on small hand-written files of each format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.errors import EvalError
from detente.evaluation import run_task
from detente.evaluation.actors import parse_day
from detente.evaluation.plover_gsr import gold_pairs, gold_type

CASES = [
    {
        "method": "agent_to_code",
        "input": ["Ukrainian negotiators"],
        "expected": {"country": "UKR", "code_1": "GOV"},
        "test": "negotiators",
    },
    {
        "method": "agent_to_code",
        "input": ["Ankara", "", "2025-01-01"],
        "expected": {"country": "TUR", "code_1": "GOV"},
    },
    {
        "method": "agent_to_code",
        "input": ["the border police", "Polish", "today"],
        "expected": {"country": "POL", "code_1": "COP"},
    },
    {"method": "agent_to_code", "input": ["Ukrainians"], "expected": {"country": "RUS"}},
    {"method": "short_text_to_agent", "input": ["soldiers"], "expected": {"code_1": "MIL"}},
    {
        "method": "search_nat",
        "input": ["a Turkish frigate"],
        "expected": {"country_code": "TUR", "remaining_text": "frigate"},
    },
    {"method": "query_wiki", "input": ["Rustem Umerov"], "expected": {"title": "Rustem Umerov"}},
    {"method": "query_wiki", "input": ["Nobody Known"], "expected": {"title": "Nobody"}},
]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_actors_task(tmp_path: Path) -> None:
    gold = write_jsonl(tmp_path / "cases.jsonl", CASES)
    metrics = run_task("actors", [gold], tmp_path / "out")
    per = metrics["per_method"]
    # one wrong country on purpose (Ukrainians are not RUS)
    assert per["agent_to_code"]["country"] == {"accuracy": 0.75, "correct": 3, "n": 4}
    assert per["agent_to_code"]["sector"]["accuracy"] == 1.0
    assert per["short_text_to_agent"]["sector"]["accuracy"] == 1.0
    assert per["search_nat"]["country"]["accuracy"] == 1.0
    # titles are scored where the registry links one: one of two cases
    assert per["query_wiki"]["coverage"] == 0.5
    assert per["query_wiki"]["title"]["accuracy"] == 1.0
    assert metrics["country"]["n"] == 5 and metrics["sector"]["n"] == 4
    predictions = [json.loads(x) for x in (tmp_path / "out" / "predictions.jsonl").open()]
    assert [p["id"] for p in predictions[:2]] == ["negotiators", 1]


def test_actors_task_rejects_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"method": "guess", "input": ["x"], "expected": {}}\n', encoding="utf-8")
    with pytest.raises(EvalError, match="line 1"):
        run_task("actors", [bad], tmp_path / "out")


def test_parse_day() -> None:
    assert str(parse_day("10 May 2015")) == "2015-05-10"
    assert str(parse_day("October 1, 2021")) == "2021-10-01"
    assert parse_day("someday") is None
    assert str(parse_day("15 Sept. 2021")) == "2021-09-15"
    assert str(parse_day("2021/10/01")) == "2021-10-01"
    assert str(parse_day("March 2022")) == "2022-03-01"


def test_gold_reading_of_plover_records() -> None:
    assert gold_type("DEMAND") == "REQUEST" and gold_type("FIGHT") == "ASSAULT"
    assert gold_type("DISAPPROVE") == gold_type("INVESTIGATE") == "ACCUSE"
    assert gold_pairs([{"code": "RUS", "sector": "GOVmil"}, {"code": "UKR"}]) == {
        ("RUS", "GOV"),
        ("UKR", ""),
    }
    assert gold_pairs("diplomatic") == set() and gold_pairs(None) == set()


@pytest.mark.slow
def test_plover_gsr_task(tmp_path: Path, nlp) -> None:
    from detente.pipeline import Extractor

    records = [
        {
            "id": "r1",
            "date": "2025-01-01",
            "event": "DISAPPROVE",
            "text": "Poland condemned Belarus on Friday.",
            "source": [{"actorText": "Poland", "code": "POL"}],
            "target": [{"actorText": "Belarus", "code": "BLR"}],
        },
        {
            "id": "r2",
            "date": "2025-01-01",
            "event": "CONSULT",
            "text": "Moldovan officials stayed at home.",
            "source": [{"actorText": "Moldovan officials", "code": "MDA", "sector": "GOV"}],
        },
    ]
    gold = tmp_path / "gsr.json"
    gold.write_text(json.dumps(records), encoding="utf-8")
    metrics = run_task("plover-gsr", [gold], tmp_path / "out", extractor=Extractor(nlp=nlp))
    assert metrics["n"] == 2
    assert metrics["actors"]["recall"] == 1.0 and metrics["actors"]["precision"] == 1.0
    assert metrics["event_type"]["correct"] == 1  # r2 has no event: wrong by definition
    assert metrics["no_event"] == 1
    lines = (tmp_path / "out" / "predictions.jsonl").read_text().splitlines()
    assert [json.loads(x)["id"] for x in lines] == ["r1", "r2"]


def test_plover_gsr_rejects_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"text": "not an array"}', encoding="utf-8")
    with pytest.raises(EvalError, match="array"):
        run_task("plover-gsr", [bad], tmp_path / "out")


def test_ngec_sector_vocabulary() -> None:
    from detente.evaluation.actors import to_ngec

    assert to_ngec("HLH") == "MED"  # NGEC's MED is health
    assert to_ngec("MED") == "JRN"  # and JRN the media
    assert to_ngec("GOV") == "GOV"
    assert to_ngec(None) == ""
