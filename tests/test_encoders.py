"""The pretrained encoders from PyPI packages: all-mpnet-base-v2 is one zip split over
five packages, joined and unpacked once (tested here on a small zip split by hand)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

import detente.encoders as encoders
from detente.errors import ResourceError


def _split_zip(tmp_path: Path, members: dict[str, bytes], parts: int = 3) -> list[Path]:
    whole = tmp_path / "whole.zip"
    with zipfile.ZipFile(whole, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(f"{encoders.MPNET_FOLDER}/{name}", data)
    data = whole.read_bytes()
    step = len(data) // parts + 1
    pieces = []
    for k in range(parts):
        piece = tmp_path / f"model.zip.00{k + 1}"
        piece.write_bytes(data[k * step : (k + 1) * step])
        pieces.append(piece)
    return pieces


def _model_files() -> dict[str, bytes]:
    return {name: f"<{name}>".encode() * 50 for name in encoders.MPNET_FILES}


def test_the_pieces_are_joined_and_the_model_unpacked_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pieces = _split_zip(tmp_path, {**_model_files(), "README.md": b"left packed"})
    home = tmp_path / "models"
    monkeypatch.setenv("DETENTE_MODELS", str(home))
    monkeypatch.setattr(encoders, "_pieces", lambda: pieces)
    folder = encoders.encoder_folder("mpnet")
    assert folder == home / encoders.MPNET_FOLDER
    assert (folder / "config.json").read_bytes() == b"<config.json>" * 50
    assert sorted(p.name for p in folder.iterdir()) == sorted(encoders.MPNET_FILES)
    assert [p.name for p in home.iterdir()] == [encoders.MPNET_FOLDER]  # no leftovers

    def no_pieces() -> list[Path]:
        raise AssertionError("unpacked again")

    monkeypatch.setattr(encoders, "_pieces", no_pieces)
    assert encoders.encoder_folder("mpnet") == folder
    # A copy with a file gone is unpacked again in the same place.
    (folder / "model.safetensors").unlink()
    monkeypatch.setattr(encoders, "_pieces", lambda: pieces)
    assert encoders.encoder_folder("mpnet") == folder
    assert (folder / "model.safetensors").read_bytes() == b"<model.safetensors>" * 50


def test_pieces_that_do_not_join_are_a_clear_error_and_leave_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pieces = _split_zip(tmp_path, _model_files())
    home = tmp_path / "models"
    monkeypatch.setenv("DETENTE_MODELS", str(home))
    monkeypatch.setattr(encoders, "_pieces", lambda: [pieces[0], pieces[2], pieces[1]])
    with pytest.raises(ResourceError, match="do not join"):
        encoders.encoder_folder("mpnet")
    assert list(home.iterdir()) == []
    # A zip without one of the files the model needs is refused too.
    partial = {k: v for k, v in _model_files().items() if k != "model.safetensors"}
    monkeypatch.setattr(encoders, "_pieces", lambda: _split_zip(tmp_path, partial))
    with pytest.raises(ResourceError, match="reinstall"):
        encoders.encoder_folder("mpnet")


def test_a_missing_part_package_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DETENTE_MODELS", str(tmp_path))
    monkeypatch.setattr(encoders, "MPNET_PARTS", ("no-such-detente-part-001",))
    with pytest.raises(ResourceError, match=r"no-such-detente-part-001.*requirements/model.txt"):
        encoders.encoder_folder("mpnet")
    with pytest.raises(ResourceError, match="unknown encoder"):
        encoders.encoder_folder("gpt")


def test_an_unwritable_home_falls_back_to_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pieces = _split_zip(tmp_path, _model_files())
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, not a folder")
    spare = tmp_path / "spare"
    monkeypatch.setattr(encoders, "_homes", lambda: [blocked, spare])
    monkeypatch.setattr(encoders, "_pieces", lambda: pieces)
    assert encoders.encoder_folder("mpnet") == spare / encoders.MPNET_FOLDER
    monkeypatch.setattr(encoders, "_homes", lambda: [blocked])
    with pytest.raises(ResourceError, match="DETENTE_MODELS"):
        encoders.encoder_folder("mpnet")


def test_an_unreadable_model_folder_says_how_to_unpack_it_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "config.json").write_text("{not json")
    monkeypatch.setattr(encoders, "encoder_folder", lambda name: tmp_path)
    with pytest.raises(ResourceError, match=r"cannot be read.*python -m detente.encoders"):
        encoders.load("mpnet")
