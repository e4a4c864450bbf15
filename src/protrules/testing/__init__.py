"""Testing support: tests kept beside the rules, and property-based testing of rule sets.

In: a compiled rule set and its tests (``test`` blocks, JSON test files). Out: which expectations
hold (:mod:`.prltest`, behind ``protrules test``) and hypothesis strategies and ready-made
properties derived from a rule set's declarations (:mod:`.strategies`, which needs the ``test``
extra). The strategies are importable from here, as ``protrules.testing.check_properties``; they
are loaded on first use, so ``protrules test`` never needs hypothesis.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from protrules.testing.strategies import (
        as_of_dates,
        check_as_of_stability,
        check_determinism,
        check_monotonicity,
        check_order_independence,
        check_properties,
        check_veto_dominance,
        dates,
        fact_records,
        ledgers,
        monotone_rules,
    )

__all__ = [
    "as_of_dates",
    "check_as_of_stability",
    "check_determinism",
    "check_monotonicity",
    "check_order_independence",
    "check_properties",
    "check_veto_dominance",
    "dates",
    "fact_records",
    "ledgers",
    "monotone_rules",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("protrules.testing.strategies"), name)
    raise AttributeError(f"module 'protrules.testing' has no attribute {name!r}")
