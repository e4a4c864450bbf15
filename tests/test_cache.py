"""The program cache runs no code it did not write: planted, tampered and foreign entries are
ignored, and a folder others can write is refused (compiling/cache.py's threat model)."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

import protrules
from protrules.compiling import cache

RULES = Path(__file__).resolve().parent.parent / "rules" / "example.prl"


class _Payload:
    """Unpickling this creates a marker file: proof that the cache ran foreign code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (Path.write_text, (self.marker, "ran"))


def _entry(folder: Path) -> Path:
    return folder / f"{cache.key(RULES.read_bytes())}.program"


def _load(folder: Path) -> protrules.RuleSet:
    os.environ["PROTRULES_CACHE"] = str(folder)
    try:
        return protrules.load_rules(RULES, cache=True)
    finally:
        del os.environ["PROTRULES_CACHE"]


def test_an_entry_is_written_and_read_back(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    first = _load(folder)
    assert folder.stat().st_mode & 0o777 == 0o700
    assert (folder / "key").stat().st_mode & 0o777 == 0o600
    assert _entry(folder).exists()
    program = cache.load_cached(RULES.read_bytes(), folder)
    assert program is not None and program.id == first.id


def test_a_planted_pickle_never_runs(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    _load(folder)  # the folder and its key exist: only the entry is forged
    marker = tmp_path / "marker"
    forged = pickle.dumps(_Payload(marker))
    for raw in (
        cache._MAGIC + forged,  # the old format: magic, then the pickle
        cache._MAGIC + b"\0" * cache._TAG + forged,  # a guessed tag
        b"protrules-program-2\n" + forged,
    ):
        _entry(folder).write_bytes(raw)
        rules = _load(folder)
        assert not marker.exists()
        assert rules.title  # parsed and checked again instead
        assert cache.load_cached(RULES.read_bytes(), folder) is not None  # and written again


def test_a_tampered_entry_is_recompiled(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    _load(folder)
    raw = bytearray(_entry(folder).read_bytes())
    raw[-10] ^= 1
    _entry(folder).write_bytes(bytes(raw))
    assert cache.load_cached(RULES.read_bytes(), folder) is None
    _load(folder)
    assert cache.load_cached(RULES.read_bytes(), folder) is not None


def test_an_entry_from_another_key_does_not_verify(tmp_path: Path) -> None:
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    _load(mine)
    _load(theirs)
    _entry(mine).write_bytes(_entry(theirs).read_bytes())
    assert cache.load_cached(RULES.read_bytes(), mine) is None


def test_a_folder_others_can_write_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    _load(folder)
    marker = tmp_path / "marker"
    folder.chmod(0o777)
    _entry(folder).write_bytes(b"anything")
    with pytest.warns(cache.CacheWarning, match="others can write it"):
        rules = _load(folder)
    assert rules.title and not marker.exists()
    assert _entry(folder).read_bytes() == b"anything"  # neither read nor written


def test_a_key_others_can_read_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    _load(folder)
    (folder / "key").chmod(0o644)
    with pytest.warns(cache.CacheWarning, match="the cache key has mode 0644"):
        assert cache.load_cached(RULES.read_bytes(), folder) is None


def test_a_folder_of_another_user_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cache"
    _load(folder)
    monkeypatch.setattr(os, "geteuid", lambda: os.stat(folder).st_uid + 1)
    with pytest.warns(cache.CacheWarning, match="is owned by user"):
        assert cache.load_cached(RULES.read_bytes(), folder) is None


def test_a_linked_key_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    _load(folder)
    elsewhere = tmp_path / "elsewhere"
    (folder / "key").rename(elsewhere)
    (folder / "key").symlink_to(elsewhere)
    assert cache.load_cached(RULES.read_bytes(), folder) is None
