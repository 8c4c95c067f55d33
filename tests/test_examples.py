"""The example articles: UTF-8 text, metadata that parses, the formats detente.read reads."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TEXTS = sorted(EXAMPLES.glob("*.txt"))
JSONL = sorted(EXAMPLES.glob("*.jsonl"))
META_KEYS = {"id", "published", "title", "url", "outlet"}
OUTLET = "detente sample (written for the project)"


def check_metadata(meta: object, where: str) -> None:
    assert isinstance(meta, dict), f"{where}: metadata must be a JSON object"
    assert {"published", "title", "url", "outlet"} <= meta.keys(), where
    assert set(meta) <= META_KEYS | {"text"}, f"{where}: unexpected keys {set(meta) - META_KEYS}"
    date.fromisoformat(meta["published"])
    assert isinstance(meta["title"], str) and meta["title"].strip(), where
    assert meta["url"] is None, f"{where}: samples have no URL"
    assert meta["outlet"] == OUTLET, where
    if "id" in meta:
        assert isinstance(meta["id"], str) and meta["id"].strip(), where


def check_text(text: str, where: str) -> None:
    words = len(text.split())
    assert 100 <= words <= 400, f"{where}: {words} words"
    assert "\ufffd" not in text and "\x00" not in text, where


def test_there_are_examples() -> None:
    assert len(TEXTS) >= 5
    assert JSONL, "examples/more.jsonl is missing"


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.name)
def test_text_example(path: Path) -> None:
    text = path.read_bytes().decode("utf-8")  # strict: fails on bad UTF-8
    check_text(text, path.name)
    meta_path = path.with_name(path.name[: -len(".txt")] + ".meta.json")
    assert meta_path.exists(), f"{path.name} has no {meta_path.name}"
    meta = json.loads(meta_path.read_bytes().decode("utf-8"))
    check_metadata(meta, meta_path.name)
    assert "text" not in meta


@pytest.mark.parametrize("path", JSONL, ids=lambda p: p.name)
def test_jsonl_examples(path: Path) -> None:
    lines = path.read_bytes().decode("utf-8").splitlines()
    assert lines
    for number, line in enumerate(lines, start=1):
        row = json.loads(line)
        check_metadata(row, f"{path.name}:{number}")
        assert isinstance(row.get("text"), str), f"{path.name}:{number} has no text"
        check_text(row["text"], f"{path.name}:{number}")


def test_ids_are_unique() -> None:
    sidecars = [p.with_name(p.stem + ".meta.json") for p in TEXTS]
    ids = [json.loads(p.read_text("utf-8")).get("id") for p in sidecars]
    ids += [json.loads(line)["id"] for p in JSONL for line in p.read_text("utf-8").splitlines()]
    assert len(ids) == len(set(ids))


def test_detente_reads_every_example() -> None:
    from detente.errors import InputError
    from detente.read import read_articles

    items = list(read_articles([EXAMPLES]))
    errors = [item for item in items if isinstance(item, InputError)]
    assert not errors, errors
    assert len(items) == len(TEXTS) + sum(len(p.read_text("utf-8").splitlines()) for p in JSONL)
    assert all(item.published is not None and item.text.strip() for item in items)
