"""Task `actors`: actor phrases coded without their sentence, NGEC's test-case format.

Format: JSON Lines, one case a line: `method`, `input` (a list: the text, then optionally
a context word and a date), `expected`, optional `test` (a name) and `xfail`.

    agent_to_code        text [, context, date] -> country (ISO3) and code_1 (sector)
    short_text_to_agent  noun -> code_1 (sector)
    search_nat           text -> country_code (and the remaining_text, not scored)
    query_wiki           name -> Wikipedia title

Each case is coded with `Registry.code` (detente.registry), the gazetteer giving the
country of a place named in the phrase; nothing is looked up on the network. Scoring:
accuracy per method, country and sector apart, over the cases whose `expected` gives
that field. Sectors are written in NGEC's vocabulary, which names two sectors differently
from detente's Phoenix-style codes: NGEC's `MED` is health (detente `HLH`) and `JRN` is
the media (detente `MED`); predictions carry `code_1` in NGEC's words and `sector` in
detente's. An empty expected value (country "" or code_1 "") means "none" and is
matched by no prediction; a placeholder made only of "?" is not scored. Sectors compare
on their first three letters. query_wiki is scored over the cases whose name the
registry links to a Wikipedia title (persons.txt `source: Wikipedia "..."`); `coverage`
says how many those are. Dates: ISO (2022-01-01), "10 May 2015", "October 1, 2021";
"today", and a case without a date, is the day the scorer runs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from detente.errors import EvalError
from detente.gazetteer import Gazetteer
from detente.registry import ActorCode, Registry

METHODS = ("agent_to_code", "short_text_to_agent", "search_nat", "query_wiki")
# detente sector -> NGEC's word for it (the other sectors are spelled alike).
NGEC_SECTORS = {"HLH": "MED", "MED": "JRN"}
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d %B %Y",
    "%d %b %Y",
    "%d %B, %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%B %Y",
    "%b %Y",
    "%Y-%m",
    "%Y",
)


def parse_day(text: str) -> date | None:
    """The date of a case's third input; None if it is empty or does not parse."""
    text = text.strip()
    if not text:
        return None
    if text.lower() == "today":
        return date.today()
    text = re.sub(r"(?i)\bsept\b", "Sep", text.replace(".", " ").replace("  ", " ")).strip()
    text = re.sub(r"\s+,", ",", re.sub(r"\s+", " ", text))
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(
                text.title() if "%B" in fmt or "%b" in fmt else text, fmt
            ).date()
        except ValueError:
            continue
    return None


def to_ngec(sector: str | None) -> str:
    """A detente sector in NGEC's vocabulary ("HLH" -> "MED", "MED" -> "JRN")."""
    return NGEC_SECTORS.get(sector or "", sector or "")


def read_cases(path: Path) -> list[dict[str, Any]]:
    """The cases of one file; EvalError names the file and line when one is malformed."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalError(f"{path}: cannot be read as UTF-8 JSON Lines ({exc})") from exc
    cases = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalError(f"{path}: line {number} is not JSON ({exc.msg})") from exc
        if (
            not isinstance(case, dict)
            or case.get("method") not in METHODS
            or not isinstance(case.get("input"), list)
            or not case["input"]
            or not isinstance(case.get("expected"), dict)
        ):
            raise EvalError(
                f"{path}: line {number} is not an actor case: it needs `method` (one of "
                f"{', '.join(METHODS)}), a non-empty `input` list and an `expected` object"
            )
        case["_index"] = len(cases)
        cases.append(case)
    if not cases:
        raise EvalError(f"{path}: no cases; an actors file holds one JSON object a line")
    return cases


def predict(
    case: dict[str, Any],
    *,
    registry: Registry,
    place: Callable[[str], str | None] | None = None,
) -> dict[str, Any]:
    """The prediction of one case: `id`, method and the predicted fields."""
    text, *more = [str(x) for x in case["input"]]
    context = more[0] if more else ""
    # No date: today, as the source of the format reads it.
    on = (parse_day(more[1]) if len(more) > 1 else None) or date.today()
    coded: ActorCode = registry.code(text, context=context, on=on, place=place)
    out: dict[str, Any] = {
        "id": case.get("test") or case["_index"],
        "index": case["_index"],
        "method": case["method"],
        "input": case["input"],
    }
    method = case["method"]
    if method == "agent_to_code":
        out.update(
            country=coded.country or "",
            code_1=to_ngec(coded.sector),
            sector=coded.sector or "",
            kind=coded.kind,
            name=coded.name,
            wiki=coded.wikipedia or "",
        )
    elif method == "short_text_to_agent":
        out.update(
            code_1=to_ngec(coded.sector), sector=coded.sector or "", country=coded.country or ""
        )
    elif method == "search_nat":
        country, remaining = registry.search_nationality(text)
        out.update(country_code=country or "", remaining_text=remaining)
    else:
        out.update(title=coded.wikipedia or "")
    return out


def _unscored(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value != "" and set(value) <= {"?"})


def score(cases: Sequence[dict[str, Any]], predictions: Sequence[dict[str, Any]]) -> dict:
    """Accuracy per method: country and sector apart (and Wikipedia titles)."""
    fields = {
        "agent_to_code": (("country", "country"), ("sector", "code_1")),
        "short_text_to_agent": (("sector", "code_1"),),
        "search_nat": (("country", "country_code"),),
        "query_wiki": (("title", "title"),),
    }
    per_method: dict[str, Any] = {}
    totals: dict[str, list[int]] = {"country": [0, 0], "sector": [0, 0]}
    for method in METHODS:
        pairs = [(c, p) for c, p in zip(cases, predictions, strict=True) if c["method"] == method]
        if not pairs:
            continue
        row: dict[str, Any] = {"n": len(pairs)}
        for name, key in fields[method]:
            scored = [
                (c, p)
                for c, p in pairs
                if key in c["expected"] and not _unscored(c["expected"][key])
            ]
            if method == "query_wiki":
                linked = [(c, p) for c, p in scored if p["title"]]
                row["coverage"] = len(linked) / len(scored) if scored else 0.0
                scored = linked
            right = sum(_same(name, c["expected"][key], p[key]) for c, p in scored)
            row[name] = {
                "accuracy": right / len(scored) if scored else None,
                "correct": right,
                "n": len(scored),
            }
            if name in totals:
                totals[name][0] += right
                totals[name][1] += len(scored)
        per_method[method] = row
    return {
        "task": "actors",
        "n": len(cases),
        "country": {
            "accuracy": totals["country"][0] / totals["country"][1]
            if totals["country"][1]
            else None,
            "n": totals["country"][1],
        },
        "sector": {
            "accuracy": totals["sector"][0] / totals["sector"][1] if totals["sector"][1] else None,
            "n": totals["sector"][1],
        },
        "per_method": per_method,
    }


def _same(name: str, gold: Any, predicted: Any) -> bool:
    gold, predicted = str(gold or ""), str(predicted or "")
    if name == "sector":
        return gold[:3].upper() == predicted[:3].upper()
    if name == "title":
        return gold == predicted
    return gold.upper() == predicted.upper()


def evaluate(
    paths: Sequence[Path], *, extractor: Any = None, registry: Registry | None = None
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Predictions and metrics over all files (per file too when there are several)."""
    registry = registry or (extractor.registry if extractor is not None else Registry.default())
    files = {str(p): read_cases(Path(p)) for p in paths}
    gazetteer = extractor.gazetteer if extractor is not None else Gazetteer.default()

    def place(name: str) -> str | None:
        found = gazetteer.resolve(name)
        return found.country if found is not None else None

    cases: list[dict[str, Any]] = []
    predictions: list[dict[str, Any]] = []
    for name, items in files.items():
        for case in items:
            prediction = predict(case, registry=registry, place=place)
            prediction["file"] = name
            expected = case["expected"]
            prediction["expected"] = expected
            cases.append(case)
            predictions.append(prediction)
    metrics = score(cases, predictions)
    if len(files) > 1:
        metrics["per_file"] = {
            name: score(
                [c for c, p in zip(cases, predictions, strict=True) if p["file"] == name],
                [p for p in predictions if p["file"] == name],
            )
            for name in files
        }
    return predictions, metrics


__all__ = ["METHODS", "evaluate", "parse_day", "predict", "read_cases", "score", "to_ngec"]
