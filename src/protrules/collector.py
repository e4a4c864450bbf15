"""Pausing Python's cyclic garbage collector while protrules builds a rule set.

Parsing, checking and compiling the Changning standard make about 100 000 objects in a few
hundred milliseconds, and at CPython's default thresholds the collector re-examines them —
and everything else the process holds — dozens of times while they are made, which took a
third of the time. Almost none of them form reference cycles, so they are freed as usual
when they are dropped; a cycle among them is collected at the next collection after the call.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["paused"]


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Run with the collector off, if it was on, and turn it back on after. Evaluation never
    touches the collector: how often a long-running process collects is its own call
    (``docs/api.md``, "Batch runs")."""
    enabled = gc.isenabled()
    if enabled:
        gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
