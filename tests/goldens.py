"""Golden files: compare output with a committed file; ``PROTRULES_UPDATE_GOLDEN=1`` rewrites them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

UPDATE = os.environ.get("PROTRULES_UPDATE_GOLDEN") == "1"


def compare(path: Path, text: str) -> None:
    """``text`` must equal the golden file; a missing file is written and the test fails, to be reviewed."""
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"golden file {path.name} was missing and has been written; review it")
    assert text == path.read_text(encoding="utf-8"), f"{path} differs (PROTRULES_UPDATE_GOLDEN=1 refreshes)"
