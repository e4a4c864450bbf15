"""A cache of checked programs, so a rule file is parsed and checked once per change.

The key is a hash of the rule file's bytes, the grammar and the protrules version; the value
is the pickled :class:`~protrules.checking.ir.Program`. The cache lives in ``$PROTRULES_CACHE`` or
``~/.cache/protrules``; a cache that cannot be read or written is silently bypassed (it is
an optimisation, never a source of truth). Only files protrules wrote itself are read.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path

from protrules.checking import ir

__all__ = ["cache_dir", "load_cached", "store"]

_MAGIC = b"protrules-program-2\n"  # 2: spans are named tuples


def cache_dir() -> Path:
    configured = os.environ.get("PROTRULES_CACHE")
    if configured:
        return Path(configured)
    return Path.home() / ".cache" / "protrules"


def key(data: bytes) -> str:
    from protrules._version import __version__
    from protrules.language.parser import grammar_text

    digest = hashlib.sha256()
    for part in (__version__.encode(), grammar_text().encode("utf-8"), data):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def load_cached(data: bytes, directory: Path | None = None) -> ir.Program | None:
    path = (directory or cache_dir()) / f"{key(data)}.pickle"
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    if not raw.startswith(_MAGIC):
        return None
    try:
        program = pickle.loads(raw[len(_MAGIC) :])
    except Exception:
        return None
    return program if isinstance(program, ir.Program) else None


def store(data: bytes, program: ir.Program, directory: Path | None = None) -> None:
    folder = directory or cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        payload = _MAGIC + pickle.dumps(program, protocol=pickle.HIGHEST_PROTOCOL)
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        os.replace(temporary, folder / f"{key(data)}.pickle")
    except (OSError, pickle.PicklingError, RecursionError):
        return
