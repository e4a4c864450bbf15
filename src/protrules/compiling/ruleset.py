"""The compiled rule set: what :func:`protrules.compile` returns and integrators keep.

A :class:`RuleSet` is built once and evaluates any number of ledgers: nothing is parsed and
no syntax tree is walked at evaluation time — each rule runs as Python generated from it,
written at its first evaluation (:mod:`protrules.compiling.rules`). It pickles (it keeps the
checked program, and a worker writes the code again, once), so process pools and Dask workers
never reparse.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import os
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor
from typing import Any

from protrules.arguments import (
    expect_date,
    expect_flag,
    expect_mapping,
    expect_positive,
    expect_texts,
    expect_type,
    refuse,
)
from protrules.calendar.workdays import WorkCalendar
from protrules.checking import ir
from protrules.checking.programme import RECORDS
from protrules.compiling.batch import BatchError, Failed, evaluate_batch, item_of, results_of
from protrules.compiling.rules import CompiledRule, RuleTooComplexError, Saved, explain_rule, run_rule
from protrules.errors import ProtrulesError
from protrules.evaluation.results import EntityResult, RuleResult
from protrules.evaluation.runtime import Ctx, EvaluationLimitError
from protrules.evaluation.verdicts import decide_entity
from protrules.facts.district import with_district
from protrules.facts.known import LeftOut, as_known_on
from protrules.facts.model import FactType, Ledger
from protrules.i18n import msg
from protrules.limits import WORK_PER_ENTITY

__all__ = ["RuleSet", "compile"]


class UnknownRuleError(ProtrulesError):
    code = "PRL601"


class RuleSet:
    """A checked, compiled standard, ready to evaluate ledgers."""

    #: Facts a single entity's evaluation may visit before it stops with EvaluationLimitError.
    DEFAULT_MAX_WORK = WORK_PER_ENTITY

    #: Deprecated and unused: a rule's code is written at its first evaluation.
    GENERATE_AFTER = 0

    def __init__(
        self,
        program: ir.Program,
        *,
        max_work: int = DEFAULT_MAX_WORK,
        generate: bool = True,
        generate_after: int | None = None,
    ) -> None:
        _deprecated(generate_after)
        wanted = msg("a checked Program (protrules.check(…) returns one)")
        expect_type(program, ir.Program, "compile", "program", wanted)
        expect_positive(max_work, "compile", "max_work")
        expect_flag(generate, "compile", "generate")
        self.program = program
        self.max_work = max_work
        self.generate = generate
        self._calendar: WorkCalendar | None = None
        self._rules = tuple(CompiledRule(rule, generate, program.source_text) for rule in program.rules)
        self._params = {name: p.values for name, p in program.params.items()}
        #: The district ledger every evaluated ledger is read with (:meth:`with_district`).
        self.district: Ledger | None = None

    # -- pickling: keep the program, write the code again
    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle the checked program only; a worker process rebuilds each distinct rule set
        once (keyed by its source) and reuses it for every later batch."""
        text = self.program.source_text
        # Parameters set for this evaluation are part of what the rule set is.
        text += repr(self.program.overrides) if text and self.program.overrides else ""
        key = hashlib.sha256(text.encode("utf-8")).hexdigest() if text else ""
        return (_restore, (key, self.program, self.max_work, self.generate, self.district))

    @property
    def calendar(self) -> WorkCalendar:
        """The working-day calendar with the file's notices and vacations, built on first use
        (loading the `holidays` data takes ~60 ms; checking, linting or formatting never needs it)."""
        if self._calendar is None:
            self._calendar = WorkCalendar.china(
                notices=self.program.notices, vacations=self.program.vacations
            )
        return self._calendar

    # -- introspection
    @property
    def id(self) -> str:
        return self.program.id

    @property
    def title(self) -> str:
        return self.program.title

    @property
    def fact_types(self) -> Mapping[str, FactType]:
        return self.program.fact_types

    @property
    def rules(self) -> tuple[ir.RuleDef, ...]:
        return self.program.rules

    def with_parameters(self, values: Mapping[str, Any]) -> RuleSet:
        """This rule set with some parameters holding other values: another reading of a
        clause, another threshold (docs/domain.md, “Readings”).

        ``values`` maps parameter names to values of their types, or to text written as in a
        rule file (``"每个节假日"``, ``"60%"``, ``"3 months"``). The rule set itself is left
        as it is. Raises :class:`~protrules.checking.parameters.ParameterError` for an unknown
        name or a value of the wrong type.
        """
        wanted = msg("a mapping of parameter names to values")
        expect_mapping(values, "RuleSet.with_parameters", "values", wanted)
        for name in values:
            expect_type(name, str, "RuleSet.with_parameters", "values", wanted)
        if not values:
            return self
        from protrules.checking.parameters import override

        changed = RuleSet(override(self.program, values), max_work=self.max_work, generate=self.generate)
        return changed.with_district(self.district)

    def with_district(self, district: Ledger | None) -> RuleSet:
        """This rule set reading every ledger with a district ledger's facts added: the facts
        that hold for every street of the district, kept once (protrules.facts.district). The
        compiled rules are shared; the rule set itself is left as it is."""
        if district is self.district:
            return self
        other = copy.copy(self)
        other.district = district
        return other

    def rule(self, rule_id: str) -> ir.RuleDef:
        expect_type(rule_id, str, "RuleSet.rule", "rule_id", msg("a rule id such as \"1.1.1\""))
        found = self.program.rule(rule_id)
        if found is None:
            from protrules.language.diagnostics import suggest

            guess = suggest(rule_id, [r.id for r in self.program.rules])
            if guess:
                raise UnknownRuleError(
                    msg("unknown rule id {rule}; did you mean {guess}?", rule=rule_id, guess=guess)
                )
            raise UnknownRuleError(msg("unknown rule id {rule}", rule=rule_id))
        return found

    def generated_source(self, rule_id: str, *, checks: bool = False, exact: bool = False) -> str:
        """The Python a rule runs as, to read: its evaluation without (or with) checks for
        definite values or, with ``exact`` or where the rule uses something that code is not
        written for, its exact three-valued code (``docs/evaluation.md``)."""
        expect_type(rule_id, str, "RuleSet.generated_source", "rule_id", msg("a rule id such as \"1.1.1\""))
        expect_flag(checks, "RuleSet.generated_source", "checks")
        expect_flag(exact, "RuleSet.generated_source", "exact")
        compiled = self._rules[self._index(rule_id)]
        found = None if exact else compiled.source("checks" if checks else "tally")
        if found is None:
            found = compiled.source("exact")
        assert found is not None
        return found

    def save_functions(self, kinds: Sequence[str]) -> tuple[dict[str, Saved], ...]:
        """Each rule's functions of the given kinds, written now where they were not, as the
        program cache keeps them (:mod:`protrules.compiling.cache`). A function Python refuses
        to compile is left out: it raises where it is used, as without the cache."""
        out = []
        for compiled in self._rules:
            kept: dict[str, Saved] = {}
            for kind in kinds:
                try:
                    kept[kind] = compiled.save(kind)
                except RuleTooComplexError:
                    continue
            out.append(kept)
        return tuple(out)

    def restore_functions(self, functions: Sequence[dict[str, Saved]]) -> None:
        """Functions the program cache kept (:meth:`save_functions`), each installed when first
        needed."""
        for compiled, saved in zip(self._rules, functions, strict=True):
            compiled.restore(saved)

    def _index(self, rule_id: str) -> int:
        rule = self.rule(rule_id)
        return self.program.rules.index(rule)

    def default_as_of(self) -> dt.date:
        """The end of the assessment period, or today if the standard declares none."""
        name = self.program.assessment
        if name is not None and name in self.program.periods:
            end: dt.date = self.program.periods[name].end
            return end
        return dt.date.today()

    # -- evaluation
    def _context(self, ledger: Ledger, as_of: dt.date, trace: bool = False) -> Ctx:
        return Ctx(
            ledger=ledger,
            as_of=as_of,
            calendar=self.calendar,
            params=self._params,
            trace=[] if trace else None,
            max_work=self.max_work,
        )

    def evaluate(self, ledger: Ledger, as_of: dt.date | None = None, *, checks: bool = True) -> EntityResult:
        """Every rule's verdict for one ledger, and the entity's status and score.

        With ``checks=False`` each rule result leaves out its checks and lets (``checks`` and
        ``lets`` are empty, ``EntityResult.with_checks`` is False); its verdict, reason, due
        date and evidence are exactly those of a full evaluation. It is faster, and the
        results are smaller: what ranking and batch runs need.

        The rules see the ledger as it stood on the as-of date: records dated after it are left
        out and later entries not yet made are read as missing (:meth:`as_known_on`).
        """
        _expect_ledger(ledger, "RuleSet.evaluate")
        expect_date(as_of, "RuleSet.evaluate")
        expect_flag(checks, "RuleSet.evaluate", "checks")
        day = as_of or self.default_as_of()
        known, _ = self._known(ledger, day)
        ctx = self._context(known, day)
        results = []
        for rule in self._rules:
            try:
                results.append(run_rule(rule, ctx, checks=checks))
            except EvaluationLimitError:
                raise self._over_budget(ledger, rule.rule) from None
        return decide_entity(ledger, day, results, with_checks=checks)

    def _over_budget(self, ledger: Ledger, rule: ir.RuleDef) -> EvaluationLimitError:
        """The budget error, naming the entity and the rule (and where the rule is written)."""
        span = rule.span
        where = f"{span.source}:{span.line}" if span is not None else self.program.source_name
        entity = f"{ledger.name} ({ledger.id})" if ledger.name and ledger.name != ledger.id else ledger.id
        return EvaluationLimitError.of(self.max_work, entity, rule.id, where)

    def as_known_on(self, ledger: Ledger, as_of: dt.date) -> tuple[Ledger, LeftOut]:
        """The ledger as an assessment on ``as_of`` knows it, and what was left out of it: with
        the district ledger's facts (:meth:`with_district`), each fact type's records known
        from the date its declaration names (``known from``; docs/domain.md, “Time”). Every
        evaluation goes through it."""
        _expect_ledger(ledger, "RuleSet.as_known_on")
        expect_date(as_of, "RuleSet.as_known_on", optional=False)
        return self._known(ledger, as_of)

    def _known(self, ledger: Ledger, as_of: dt.date) -> tuple[Ledger, LeftOut]:
        """:meth:`as_known_on` for arguments already checked."""
        own = RECORDS if self.program.programme is not None else ()  # the programme's, not a street's
        return as_known_on(with_district(ledger, self.district, own), self.program.fact_types, as_of)

    def explain(
        self, ledger: Ledger, rule_ids: Sequence[str] | None = None, as_of: dt.date | None = None
    ) -> list[RuleResult]:
        """Rule results with a trace of every requirement's sub-expressions (their code written
        on demand)."""
        _expect_ledger(ledger, "RuleSet.explain")
        if rule_ids is not None:
            expect_texts(rule_ids, "RuleSet.explain", "rule_ids", msg("a list of rule ids or None"))
        expect_date(as_of, "RuleSet.explain")
        day = as_of or self.default_as_of()
        wanted = [self._index(r) for r in rule_ids] if rule_ids else range(len(self._rules))
        known, _ = self._known(ledger, day)
        out = []
        for i in wanted:
            try:
                out.append(explain_rule(self._rules[i], self._context(known, day, trace=True)))
            except EvaluationLimitError:
                raise self._over_budget(ledger, self._rules[i].rule) from None
        return out

    def evaluate_many(
        self,
        ledgers: Iterable[Ledger | str | os.PathLike[str]],
        as_of: dt.date | None = None,
        *,
        executor: Executor | None = None,
        chunk: int = 64,
        checks: bool = True,
    ) -> Iterator[EntityResult]:
        """Evaluate ledgers lazily, in input order; with an executor, in parallel.

        Any ``concurrent.futures.Executor`` works (threads, processes, Dask's
        ``Client.get_executor()``). Ledgers go to the workers in batches that grow from one
        to ``chunk``, so every worker starts at once; the rule set travels with each batch and
        a worker rebuilds it only once.

        An item may be a :class:`Ledger` or the path of one (a ``.json`` file or a CSV
        folder). A path is loaded where it is evaluated: with an executor that is in the
        worker, so the caller's process neither parses the facts nor ships them.

        One entity's error stops that entity only: a path that does not load
        (:class:`~protrules.facts.FactErrors`) or an evaluation past its budget
        (:class:`~protrules.evaluation.runtime.EvaluationLimitError`, naming the entity and the
        rule) is noted, every other result is yielded in order, and then
        :class:`~protrules.compiling.batch.BatchError` is raised, its ``failures`` listing each
        such entity with its place in the input and its error.

        ``checks=False`` evaluates as :meth:`evaluate` does with it: verdicts, reasons, due
        dates and evidence without the per-check records; with an executor the results that
        cross back from the workers are then a fraction of the size.
        """
        if isinstance(ledgers, Ledger | str | os.PathLike | Mapping) or not isinstance(ledgers, Iterable):
            refuse("RuleSet.evaluate_many", "ledgers", msg("an iterable of Ledgers or paths"), ledgers,
                   msg("a list, e.g. [ledger]"))  # fmt: skip
        expect_date(as_of, "RuleSet.evaluate_many")
        expect_positive(chunk, "RuleSet.evaluate_many", "chunk")
        expect_flag(checks, "RuleSet.evaluate_many", "checks")
        if executor is not None and not callable(getattr(executor, "submit", None)):
            wanted = msg("a concurrent.futures.Executor or None")
            refuse("RuleSet.evaluate_many", "executor", wanted, executor)
        day = as_of or self.default_as_of()
        failures: list[Failed] = []
        total = 0
        if executor is None:
            for total, item in enumerate(ledgers, 1):
                one = [(total - 1, item_of(item, total - 1))]
                yield from results_of(evaluate_batch(self, one, day, checks), failures)
        else:
            pending = []
            batch: list[tuple[int, Ledger | str]] = []
            limit = max(2, (os.cpu_count() or 2) * 2)
            size = 1  # batches grow 1, 2, 4 … up to `chunk`: every worker has work at once
            for total, item in enumerate(ledgers, 1):
                batch.append((total - 1, item_of(item, total - 1)))
                if len(batch) >= size:
                    pending.append(executor.submit(evaluate_batch, self, batch, day, checks))
                    batch = []
                    size = min(chunk, size * 2)
                    while len(pending) >= limit:
                        yield from results_of(pending.pop(0).result(), failures)
            if batch:
                pending.append(executor.submit(evaluate_batch, self, batch, day, checks))
            for future in pending:
                yield from results_of(future.result(), failures)
        if failures:
            raise BatchError(failures, total)

    def ledger_of(self, item: Ledger | str) -> Ledger:
        """A batch item's ledger: itself, or the ledger read from its path."""
        if isinstance(item, Ledger):
            return item
        from protrules.facts.ledgers import load_ledger

        return load_ledger(item, self.fact_types)


def _expect_ledger(ledger: Any, function: str) -> None:
    if not isinstance(ledger, Ledger):
        hint = msg("protrules.facts.ledger_from_mapping(data, rules.fact_types) reads one") if isinstance(
            ledger, Mapping
        ) else msg("protrules.facts.load_ledger(path, rules.fact_types) reads one")
        refuse(function, "ledger", msg("a Ledger"), ledger, hint)


def _deprecated(generate_after: int | None) -> None:
    if generate_after is not None:
        warnings.warn(
            "generate_after is deprecated and ignored: a rule's code is written at its first evaluation",
            DeprecationWarning,
            stacklevel=3,
        )


_RESTORED: dict[tuple[str, int, bool], RuleSet] = {}


def _restore(
    key: str, program: ir.Program, max_work: int, generate: bool, district: Ledger | None = None
) -> RuleSet:
    def build() -> RuleSet:
        return RuleSet(program, max_work=max_work, generate=generate)

    if not key:  # a program checked without its source text: nothing to key a cache on
        return build().with_district(district)
    options = (key, max_work, generate)
    found = _RESTORED.get(options)
    if found is None:
        if len(_RESTORED) > 16:
            _RESTORED.clear()
        found = _RESTORED[options] = build()
    return found.with_district(district)


def compile(
    program: ir.Program,
    *,
    max_work: int = RuleSet.DEFAULT_MAX_WORK,
    generate: bool = True,
    generate_after: int | None = None,
) -> RuleSet:
    """Compile a checked program into a reusable :class:`RuleSet`.

    ``max_work`` bounds the facts one entity's evaluation may visit: a rule comparing every
    fact with every other fact of a huge ledger stops with a clear error instead of hanging.

    Each rule runs as Python generated from it, written at its first evaluation and kept
    (``docs/evaluation.md``): code for definite values (:mod:`protrules.compiling.codegen`),
    one function with checks and one without, and where a value is not definite the rule's
    exact three-valued code (:mod:`protrules.compiling.exact`). ``generate=False`` runs the
    exact code only: the same results more slowly (to compare, or to rule the faster code out
    while looking for a problem). ``generate_after`` is deprecated and ignored.
    """
    _deprecated(generate_after)
    return RuleSet(program, max_work=max_work, generate=generate)
