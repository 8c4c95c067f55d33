"""Schemathesis over the OpenAPI schema of a real server: no input gives a 5xx, and every
answer it documents matches its schema. Bounded to a few dozen examples per route."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from detente.api import create_app
from detente.store import Store
from test_api import served, talks_reading

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory, nlp: Any) -> Iterator[Any]:
    from detente.pipeline import Extractor

    path: Path = tmp_path_factory.mktemp("schema") / "schema.db"
    with Store(path) as store:
        store.add_reading(talks_reading())
    with served(create_app(path, extractor=Extractor(nlp=nlp))) as url:
        yield schemathesis.openapi.from_url(f"{url}/openapi.json")


def test_no_server_errors(api_schema: Any) -> None:
    """Positive and negative examples for every route (the pytest plugin of schemathesis 4
    does not run under pytest 9, so each operation's strategy is driven by hypothesis)."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 13
    negative = 0
    for operation in operations:
        _fuzz(operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
        try:
            _fuzz(operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
        except Unsatisfiable:  # no parameters, or only free strings: nothing is invalid
            continue
        else:
            negative += 1
    assert negative >= 5  # articles, events, proposals, positions, extract


def _fuzz(strategy: Any) -> None:
    @given(case=strategy)
    @settings(
        max_examples=15,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])

    run()
