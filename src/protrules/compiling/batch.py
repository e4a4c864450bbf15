"""Many entities at once: one entity's error stops that entity, never the batch.

A district's run covers hundreds of streets. A ledger that does not load, or an evaluation
past its budget (``docs/limits.md``), is a fact about that one street: :meth:`RuleSet.
evaluate_many <protrules.RuleSet.evaluate_many>` yields every other result in order and then
raises :class:`BatchError`, which lists each entity that failed with its own error. With an
executor, a worker's errors travel back beside its results.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any, Protocol

import attrs

from protrules.arguments import expect_path, refuse
from protrules.errors import ProtrulesError
from protrules.evaluation.results import EntityResult
from protrules.facts.model import Ledger
from protrules.i18n import msg


class _RuleSet(Protocol):  # RuleSet, which imports this module
    def evaluate(
        self, ledger: Ledger, as_of: dt.date | None = None, *, checks: bool = True
    ) -> EntityResult: ...

    def ledger_of(self, item: Ledger | str) -> Ledger: ...

__all__ = ["BatchError", "Failed", "evaluate_batch", "item_of", "label_of"]


@attrs.frozen
class Failed:
    """One entity of a batch that has no result: its place in the input, what it was (an
    entity id or a path) and why."""

    position: int
    item: str
    error: ProtrulesError


class BatchError(ProtrulesError):
    """Some entities of a batch have no result; ``failures`` lists each, in input order.
    Raised after the results of all the others."""

    code = "PRL604"

    def __init__(self, failures: list[Failed], total: int) -> None:
        first = failures[0]
        super().__init__(
            msg(
                "{n} of {total} entities could not be evaluated; the first, {item}: {error}",
                n=len(failures),
                total=total,
                item=first.item,
                error=first.error.msg,
            )
        )
        self.failures = failures
        self.total = total

    def __reduce__(self) -> tuple[Any, ...]:
        return (BatchError, (self.failures, self.total))


def item_of(item: Any, position: int) -> Ledger | str:
    """A batch item as it travels: a ledger, or a path as text; anything else is refused."""
    if isinstance(item, Ledger):
        return item
    if isinstance(item, str | os.PathLike):
        path = os.fspath(item)
        if isinstance(path, str):
            expect_path(path, "RuleSet.evaluate_many", f"ledgers[{position}]")
            return path
    refuse(
        "RuleSet.evaluate_many",
        f"ledgers[{position}]",
        msg("a Ledger or the path of one"),
        item,
    )


def label_of(item: Ledger | str) -> str:
    return item.id if isinstance(item, Ledger) else item


def evaluate_batch(
    ruleset: _RuleSet, items: list[tuple[int, Ledger | str]], as_of: dt.date, checks: bool = True
) -> list[EntityResult | Failed]:
    """A share of a batch (a worker's, or all of it): each item's result, or its failure."""
    out: list[EntityResult | Failed] = []
    for position, item in items:
        try:
            out.append(ruleset.evaluate(ruleset.ledger_of(item), as_of, checks=checks))
        except ProtrulesError as error:
            out.append(Failed(position, label_of(item), error))
    return out


def results_of(outcomes: list[EntityResult | Failed], failures: list[Failed]) -> Iterator[EntityResult]:
    """The results among ``outcomes``; their failures are noted in ``failures``."""
    for outcome in outcomes:
        if isinstance(outcome, Failed):
            failures.append(outcome)
        else:
            yield outcome
