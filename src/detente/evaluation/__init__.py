"""Scorers for detente: one module per task, one entry point.

    metrics = run_task("plover-dyads", [Path("plover_dyads_dev.tsv")], Path("eval-out/d"))

Each task is a function `evaluate(paths, *, extractor=None, **options) -> (predictions,
metrics)`; `run_task` writes out_dir/predictions.jsonl (one JSON object per predicted
item) and out_dir/metrics.json and returns the metrics. A gold file that is not of the
task's format raises EvalError naming the file and the problem.

Tasks: `actors` (actor phrases -> country + sector, detente.evaluation.actors),
`plover-gsr` (whole PLOVER records: actors and event type, detente.evaluation.plover_gsr),
`plover-dyads` (event type of a marked dyad, detente.evaluation.plover_dyads) and
`seed` (a whole Reading against a hand-coded gold reading, detente.evaluation.seed).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from detente.errors import EvalError


def _plover_dyads(paths: Sequence[Path], **options: Any) -> tuple[list[dict], dict]:
    from detente.evaluation import plover_dyads

    return plover_dyads.evaluate(paths, **options)


def _geo(paths: Sequence[Path], **options: Any) -> tuple[list[dict], dict]:
    from detente.evaluation import geo

    return geo.evaluate(paths, **options)


def _event_location(paths: Sequence[Path], **options: Any) -> tuple[list[dict], dict]:
    from detente.evaluation import event_location

    return event_location.evaluate(paths, **options)


def _actors(paths: Sequence[Path], **options: Any) -> tuple[list[dict], dict]:
    from detente.evaluation import actors

    return actors.evaluate(paths, **options)


def _plover_gsr(paths: Sequence[Path], **options: Any) -> tuple[list[dict], dict]:
    from detente.evaluation import plover_gsr

    return plover_gsr.evaluate(paths, **options)


def _petr2(paths: Sequence[Path], **options: Any) -> tuple[list[dict], dict]:
    from detente.evaluation import petr2

    return petr2.evaluate(paths, **options)


def _acled(paths: Sequence[Path], **options: Any) -> tuple[list[dict], dict]:
    from detente.evaluation import acled

    return acled.evaluate(paths, **options)


def _seed(paths: Sequence[Path], **options: Any) -> tuple[list[dict], dict]:
    from detente.evaluation import seed

    return seed.evaluate(paths, **options)


def _provisions(paths: Sequence[Path], **options: Any) -> tuple[list[dict], dict]:
    from detente.evaluation import provisions

    return provisions.evaluate(paths, **options)


def _timex(paths: Sequence[Path], **options: Any) -> tuple[list[dict], dict]:
    from detente.evaluation import timex

    return timex.evaluate(paths, **options)


# Task name -> evaluate(paths, *, extractor=None, **options) -> (predictions, metrics).
TASKS: dict[str, Callable[..., tuple[list[dict[str, Any]], dict[str, Any]]]] = {
    "plover-dyads": _plover_dyads,
    "petr2": _petr2,
    "acled": _acled,
    "actors": _actors,
    "plover-gsr": _plover_gsr,
    "geo": _geo,
    "event-location": _event_location,
    "seed": _seed,
    "timex": _timex,
    "provisions": _provisions,
}
# Tasks whose paths may also be folders of gold files.
FOLDER_TASKS = frozenset({"timex"})


def run_task(
    task: str,
    paths: Sequence[Path],
    out_dir: Path,
    *,
    extractor: Any = None,
    **options: Any,
) -> dict[str, Any]:
    """Score TASK on the gold files; write predictions.jsonl and metrics.json to out_dir.

    Options go to the task (seed takes `corpus_dir`; plover-dyads `nlp`, `lexicon`).
    """
    if task not in TASKS:
        raise EvalError(f"unknown task {task!r}; tasks: {', '.join(sorted(TASKS))}")
    if not paths:
        raise EvalError(f"task {task!r} needs at least one gold file")
    for path in paths:
        if not (Path(path).is_file() or (task in FOLDER_TASKS and Path(path).is_dir())):
            raise EvalError(f"{path}: no such gold file for task {task!r}")
    predictions, metrics = TASKS[task]([Path(p) for p in paths], extractor=extractor, **options)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / "predictions.jsonl").open("w", encoding="utf-8") as fh:
        for item in predictions:
            fh.write(json.dumps(item, ensure_ascii=False, default=str) + "\n")
    (out_dir / "metrics.json").write_text(
        json.dumps(metrics, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    return metrics


__all__ = ["TASKS", "run_task"]
