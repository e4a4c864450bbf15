"""Golden files: compare output with a committed file; ``PROTRULES_UPDATE_GOLDEN=1`` rewrites them."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

UPDATE = os.environ.get("PROTRULES_UPDATE_GOLDEN") == "1"


#: The installed holidays version, wherever output records it (``computed_with``, a report's
#: footer): a golden keeps the version it was written with, and a newer holidays installed
#: by a fresh environment must not fail it.
_HOLIDAYS = re.compile(r'("holidays": "|holidays )[0-9][0-9.a-z]*')


def masked(text: str) -> str:
    """``text`` with the holidays version replaced, for comparing output across versions."""
    return _HOLIDAYS.sub(r"\g<1>VERSION", text)


def compare(path: Path, text: str) -> None:
    """``text`` must equal the golden file (but for the holidays version); a missing file is
    written and the test fails, to be reviewed."""
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"golden file {path.name} was missing and has been written; review it")
    wanted = path.read_text(encoding="utf-8")
    assert masked(text) == masked(wanted), f"{path} differs (PROTRULES_UPDATE_GOLDEN=1 refreshes)"
