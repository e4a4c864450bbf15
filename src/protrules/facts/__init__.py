"""The facts stage: the fact model, the ledger format and its readers.

In: a rule set's fact declarations (:class:`~protrules.facts.model.FactType`) and a street's
records — JSON documents, CSV folders or Python mappings. Out: validated ledgers
(:class:`~protrules.facts.model.Ledger`) of typed facts, or a located error for every bad value.
The ledger format is declared once (:mod:`protrules.facts.schema`), with its JSON Schema.

``protrules.facts`` keeps the loading functions integrators call (``load_ledger``,
``load_ledgers``, ``ledger_from_mapping`` …) at the package level.
"""

from __future__ import annotations

from protrules.facts.ledgers import *  # noqa: F403  (the documented loading API)
from protrules.facts.ledgers import __all__ as __all__
