"""One record through the fast path, alone: for tests that hold it to the full check.

:mod:`protrules.facts.fast` decodes whole ledgers; :func:`fast_record` runs one JSON-shaped
record through the same steps — msgspec's conversion into the fact type's class
(:mod:`protrules.facts.typed`) and the same finishing code — and returns ``(id, values)``,
references left as ids, or None wherever the whole-ledger path would hand the ledger to the
full check. ``tests/test_fact_fuzz.py`` requires that whenever it answers, the full check
gives the same id and values and finds nothing wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import msgspec

from protrules.facts.model import FactType
from protrules.facts.typed import dec_hook, fact_class, finisher

__all__ = ["FastRecord", "fast_record"]

FastRecord = Callable[[Mapping[str, object]], "tuple[str, dict[str, Any]] | None"]


class _Ids(dict[str, Any]):
    """A table in which every id names itself: references stay ids."""

    def __missing__(self, key: str) -> str:
        return key


class _AnyTable:
    def get(self, name: str, default: object) -> _Ids:
        return _Ids()


def fast_record(ft: FactType) -> FastRecord:
    """The fast path for one record of ``ft``."""
    cls, finish = fact_class(ft), finisher(ft)

    def decode(obj: Mapping[str, object]) -> tuple[str, dict[str, Any]] | None:
        try:
            fact = msgspec.convert(obj, cls, dec_hook=dec_hook)
            finish([fact], _AnyTable(), "")  # type: ignore[arg-type]
        except (msgspec.ValidationError, ValueError, ArithmeticError, UnicodeError):
            return None
        return fact.id, fact.values

    return decode
