"""The facts stage: the fact model, the ledger format and its readers.

In: a rule set's fact declarations (:class:`~protrules.facts.model.FactType`) and a street's
records — JSON documents, CSV folders or Python mappings. Out: validated ledgers
(:class:`~protrules.facts.model.Ledger`) of typed facts, or a located error for every bad value.
The ledger format is declared once (:mod:`protrules.facts.schema`), with its JSON Schema.

``protrules.facts`` keeps the loading functions integrators call (``load_ledger``,
``load_ledgers``, ``ledger_from_mapping`` …) at the package level.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the documented loading API
    from protrules.facts.ledgers import (
        FactError,
        FactErrors,
        ledger_from_json,
        ledger_from_mapping,
        ledger_paths,
        ledger_to_mapping,
        load_ledger,
        load_ledgers,
        note_entity,
    )

#: The loading functions, read from :mod:`protrules.facts.ledgers` when first asked for: the
#: fact model (:mod:`protrules.facts.model`) is part of every checked program, and importing
#: it must not import the readers (msgspec, the CSV and JSON machinery) that checking,
#: linting or a rule set read from the program cache never use.
__all__ = [
    "FactError",
    "FactErrors",
    "ledger_from_json",
    "ledger_from_mapping",
    "ledger_paths",
    "ledger_to_mapping",
    "load_ledger",
    "load_ledgers",
    "note_entity",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from protrules.facts import ledgers

        return getattr(ledgers, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
