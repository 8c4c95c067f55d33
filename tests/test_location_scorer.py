"""The event-location scorer's own place finding, on hand-written rows (needs the model)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.evaluation.event_location import evaluate

pytestmark = pytest.mark.slow


def row(text: str, verb: str, location: str | None) -> dict:
    spans = [{"start": text.index(verb), "end": text.index(verb) + len(verb), "label": "VERB"}]
    if location is not None:
        at = text.index(location)
        spans.append({"start": at, "end": at + len(location), "label": "LOCATION"})
    return {"text": text, "spans": spans}


def test_a_known_town_the_model_called_an_organisation(tmp_path: Path) -> None:
    rows = [
        row(
            "Dozens of fighters were wounded in the Sinjar offensive last week.",
            "wounded",
            "Sinjar",
        ),
        row("Dozens of fighters were wounded in the Hasakah offensive.", "wounded", "Hasakah"),
        row("The minister resigned on Monday.", "resigned", None),
        row("Quintero was captured by soldiers as he ate at a cafe in Cali.", "captured", "Cali"),
    ]
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    predictions, metrics = evaluate([path])
    # A captive's name is no ground, though a town of the name exists.
    assert [p["text"] for p in predictions] == ["Sinjar", "Hasakah", None, "Cali"]
    assert all(p["right"] for p in predictions)
    assert metrics["files"]["rows.jsonl"]["accuracy"] == 1.0
