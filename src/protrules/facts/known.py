"""A ledger as it stood on the as-of date: what an assessment on that day could know.

An assessment as of a date cannot count a record made after it (docs/domain.md, “Time”). A
fact type declares the date from which each of its records is known (``fact meeting … known
from date``): the day it happened, was issued, began, was received. A record whose date is
after the as-of date is left out. A later entry on a record — an instruction's completion
date, a check's result, the day someone left a post — declares its own date (``completed:
date? … known from completed``, ``result: … known from result_date``) and reads as not yet
recorded while that date is after the as-of date. A fact type that declares no date (a
venue, a residential area) is always known. Judgements dated after the as-of date are left
out too.

:func:`as_known_on` is applied where facts enter an evaluation (``RuleSet.evaluate``,
``RuleSet.explain``), never inside the rules: whatever the rules are compiled to, they see
the ledger of the day. It returns the ledger itself when nothing is after the as-of date,
and says what it left out (:class:`LeftOut`), which ``explain`` prints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from protrules.facts.model import Fact, FactType, Kind, Ledger, field_attribute
from protrules.i18n import Message, joined, msg, msgn

__all__ = ["LeftOut", "as_known_on"]

#: How many left-out records a summary names as examples.
EXAMPLES = 3


@attrs.frozen
class LeftOut:
    """What :func:`as_known_on` left out of a ledger: records and later entries dated after
    the as-of date, and judgements recorded after it."""

    as_of: dt.date
    #: (fact type, records left out), in the rule file's order of fact types.
    records: tuple[tuple[str, int], ...] = ()
    #: (fact type, field, entries read as not yet recorded).
    entries: tuple[tuple[str, str, int], ...] = ()
    judgements: int = 0
    #: A few of the records left out, ``type:id (date)``, earliest first.
    examples: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.records or self.entries or self.judgements)

    def text(self, lang: str = "en") -> str:
        """One line for a report: ``known on 2023-11-01: left out 57 records dated after it …``."""
        if not self:
            return msg(
                "截至 known on {as_of}: every record is dated on or before it", as_of=self.as_of
            ).render(lang)
        parts: list[Message] = []
        if self.records:
            total = sum(n for _, n in self.records)
            counts = joined(f"{name} {n}" for name, n in self.records)
            each: Message | tuple[str, ...] = counts
            if self.examples:
                each = msg("{counts}; e.g. {examples}", counts=counts, examples=joined(self.examples))
            parts.append(
                msgn(
                    "left out {n} record dated after it ({each})",
                    "left out {n} records dated after it ({each})",
                    total,
                    each=each,
                )
            )
        if self.entries:
            total = sum(n for _, _, n in self.entries)
            fields = joined(f"{name}.{field} {n}" for name, field, n in self.entries)
            parts.append(
                msgn(
                    "{n} later entry not yet made ({each})",
                    "{n} later entries not yet made ({each})",
                    total,
                    each=fields,
                )
            )
        if self.judgements:
            parts.append(msgn("{n} judgement made after it", "{n} judgements made after it", self.judgements))
        said = msg("; ").render(lang).join(part.render(lang) for part in parts)
        return msg("截至 known on {as_of}: {left_out}", as_of=self.as_of, left_out=said).render(lang)

    def as_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "records": dict(self.records),
            "entries": {f"{name}.{field}": n for name, field, n in self.entries},
            "judgements": self.judgements,
            "examples": list(self.examples),
        }


def as_known_on(ledger: Ledger, schema: Mapping[str, FactType], as_of: dt.date) -> tuple[Ledger, LeftOut]:
    """The ledger as it stood at the end of ``as_of``, and what was left out of it.

    A fact of a type the rule set does not declare, or whose declaration names no date, is
    kept. When nothing is dated after ``as_of`` the ledger itself is returned. The answer is
    kept with the ledger, so that every evaluation of it on that date sees the same facts.
    """
    plan = _plan(schema)
    key = (as_of, plan)
    found = ledger.known.get(key)
    if found is None:
        found = ledger.known[key] = _cut(ledger, schema, plan, as_of)
    cut, left = found
    return (ledger if cut is None else cut), left


#: Per fact type: (name, the attribute its records are known from, (later field, its attribute,
#: the attribute of its date)…) — attributes as facts hold them (facts.model.field_attribute).
Plan = tuple[tuple[str, str | None, tuple[tuple[str, str, str], ...]], ...]
_PLANS: dict[int, tuple[Mapping[str, FactType], Plan]] = {}


def _plan(schema: Mapping[str, FactType]) -> Plan:
    """What the cut reads of the declarations, worked out once per schema (kept alive with it,
    so that its id is not reused while cached)."""
    found = _PLANS.get(id(schema))
    if found is not None and found[0] is schema:
        return found[1]
    attr = field_attribute
    plan = tuple(
        (
            name,
            attr(ft.known_from) if ft.known_from else None,
            tuple((f.name, attr(f.name), attr(f.known_from)) for f in ft.fields if f.known_from),
        )
        for name, ft in schema.items()
        if ft.known_from or any(f.known_from for f in ft.fields)
    )
    if len(_PLANS) > 32:
        _PLANS.clear()
    _PLANS[id(schema)] = (schema, plan)
    return plan


def _cut(
    ledger: Ledger, schema: Mapping[str, FactType], plan: Plan, as_of: dt.date
) -> tuple[Ledger | None, LeftOut]:
    """The ledger of the day (None: the ledger itself, kept out of its own cache) and what was
    left out."""
    records: list[tuple[str, int]] = []
    entries: dict[tuple[str, str], int] = {}
    dropped: list[tuple[dt.date, str]] = []
    changed: dict[int, Fact] = {}  # id(original) → copy without the entries not yet made
    facts = dict(ledger.facts)
    for name, known, later in plan:
        rows = facts.get(name)
        if not rows:
            continue
        if known is not None:
            late = [f for f in rows if (day := getattr(f, known, None)) is not None and day > as_of]
            if late:
                records.append((name, len(late)))
                dropped.extend((getattr(f, known), f"{name}:{f.id}") for f in late)
                gone = {id(f) for f in late}
                rows = facts[name] = tuple(f for f in rows if id(f) not in gone)
        hidden: dict[int, list[str]] = {}
        for field, there, date in later:
            for fact in rows:
                if (day := getattr(fact, date, None)) is not None and day > as_of and hasattr(fact, there):
                    hidden.setdefault(id(fact), []).append(field)
                    entries[(name, field)] = entries.get((name, field), 0) + 1
        for fact in rows if hidden else ():
            fields = hidden.get(id(fact))
            if fields:
                kept = {k: v for k, v in fact.values.items() if k not in fields}
                changed[id(fact)] = Fact(fact.type, fact.id, kept, fact.origin)
    judgements = tuple(j for j in ledger.judgements if j.date <= as_of)
    dropped.sort()
    left = LeftOut(
        as_of,
        tuple(records),
        tuple((name, field, n) for (name, field), n in entries.items()),
        len(ledger.judgements) - len(judgements),
        tuple(f"{ref} ({day})" for day, ref in dropped[:EXAMPLES]),
    )
    if not left:
        return None, left
    if changed:
        facts = _relinked(facts, changed, schema)
    return attrs.evolve(ledger, facts=facts, judgements=judgements, known={}), left


def _relinked(
    facts: dict[str, tuple[Fact, ...]], changed: dict[int, Fact], schema: Mapping[str, FactType]
) -> dict[str, tuple[Fact, ...]]:
    """Every fact replaced by its copy, and every fact that refers to a copied one copied too,
    so that ``training.person.left`` reads the post holder as of the day, like ``staff.left``."""
    refs = {
        name: [(f.name, field_attribute(f.name)) for f in ft.fields if f.type.kind is Kind.FACT]
        for name, ft in schema.items()
        if any(f.type.kind is Kind.FACT for f in ft.fields)
    }
    done: dict[int, Fact] = {}

    def current(fact: Fact) -> Fact:
        key = id(fact)
        if key in done:
            return done[key]
        base = changed.get(key, fact)
        done[key] = base  # a reference cycle ends here
        moved = {}
        for field, attribute in refs.get(fact.type, ()):
            target = getattr(base, attribute, None)
            if isinstance(target, Fact):
                now = current(target)
                if now is not target:
                    moved[field] = now
        if moved:
            base = done[key] = Fact(base.type, base.id, {**base.values, **moved}, base.origin)
        return base

    return {name: tuple(current(f) for f in rows) for name, rows in facts.items()}
