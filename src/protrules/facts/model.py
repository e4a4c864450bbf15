"""The data model shared by every stage: value types, fact declarations, facts and ledgers.

A rule set declares fact types (:class:`FactType`) whose fields have a :class:`Type`; a
street's ledger (:class:`Ledger`) holds facts (:class:`Fact`) validated against them. The
checker uses the same types to type-check expressions, so a value that loads is a value the
rules understand.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from protrules.calendar.durations import DURATION_UNITS, Duration
from protrules.language.diagnostics import Span

__all__ = [
    "DURATION_UNITS",
    "Duration",
    "Fact",
    "FactType",
    "FieldDecl",
    "Judgement",
    "Kind",
    "Ledger",
    "LookupTable",
    "Type",
]


class Kind(enum.Enum):
    """The kinds of value a .prl expression or fact field can have."""

    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    PERCENTAGE = "percentage"
    BOOLEAN = "boolean"
    DATE = "date"
    DURATION = "duration"
    PERIOD = "period"
    DATES = "dates"  # a named set of dates and date ranges
    ENUM = "enum"
    FACT = "fact"  # one fact (a reference field, or the item of a selection)
    SET = "set"  # a selection of facts of one type
    LIST = "list"  # a list of values, `["a", "b"]`
    LOOKUP = "lookup"  # a lookup parameter's table: a value for each range of keys


#: Primitive type names usable in fact and parameter declarations.
PRIMITIVES: Mapping[str, Kind] = {
    "text": Kind.TEXT,
    "integer": Kind.INTEGER,
    "decimal": Kind.DECIMAL,
    "percentage": Kind.PERCENTAGE,
    "boolean": Kind.BOOLEAN,
    "date": Kind.DATE,
    "duration": Kind.DURATION,
}


@attrs.frozen
class Type:
    """A value type. ``enum`` lists an enumeration's members; ``fact`` names a fact type."""

    kind: Kind
    enum_name: str | None = None
    members: tuple[str, ...] = ()
    fact: str | None = None
    element: Type | None = None  # the items' type, for a list; the values' type, for a lookup
    key: Type | None = None  # the keys' type, for a lookup

    def __str__(self) -> str:
        if self.kind is Kind.LIST:
            return f"list of {self.element}"
        if self.kind is Kind.LOOKUP:
            return f"lookup {self.key} -> {self.element}"
        if self.kind is Kind.ENUM:
            return self.enum_name or "enum(" + ", ".join(f'"{m}"' for m in self.members) + ")"
        if self.kind is Kind.FACT:
            return str(self.fact)
        if self.kind is Kind.SET:
            return f"set of {self.fact}"
        return str(self.kind.value)

    @property
    def is_number(self) -> bool:
        return self.kind in (Kind.INTEGER, Kind.DECIMAL, Kind.PERCENTAGE)


@attrs.frozen
class FieldDecl:
    """A declared field of a fact type."""

    name: str
    type: Type
    optional: bool
    title: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class FactType:
    """A declared fact type: a ledger's table, e.g. ``meeting`` (会议)."""

    name: str
    title: str | None
    fields: tuple[FieldDecl, ...]
    span: Span | None = attrs.field(default=None, eq=False, repr=False)

    def field(self, name: str) -> FieldDecl | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None


@attrs.frozen
class LookupTable:
    """A lookup parameter's value: rows of (lower bound, value), by increasing bound.

    A key takes the value of the last row whose bound it reaches, as a standard's table
    reads: "已满1年不满10年的 5天；已满10年不满20年的 10天；已满20年的 15天" is the rows
    ``from 1: 5 days``, ``from 10: 10 days``, ``from 20: 15 days``. A key below the first
    bound has no value."""

    rows: tuple[tuple[Any, Any], ...]

    def find(self, key: Any) -> tuple[bool, Any]:
        """(True, the value) for a key the table covers, (False, None) for one below it."""
        found: tuple[bool, Any] = (False, None)
        for bound, value in self.rows:
            if key < bound:
                break
            found = (True, value)
        return found


@attrs.define(slots=True, eq=False)
class Fact:
    """One record of a ledger: a meeting, a training, a background check …

    ``values`` maps field names to loaded values (absent optional fields are missing
    from the mapping); reference fields hold the referenced :class:`Fact` once the
    ledger is linked, so rules can follow ``training.person.appointed``.
    """

    type: str
    id: str
    values: dict[str, Any]
    origin: str = ""  # where it was read from: "file.json:/facts/meeting/3" or "dir/meeting.csv:4"

    def __repr__(self) -> str:
        return f"Fact({self.type}:{self.id})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as its constructor arguments: a ledger sent to a worker process loads
        # about three times faster than through attrs' generic state protocol.
        return (Fact, (self.type, self.id, self.values, self.origin))


@attrs.frozen
class Judgement:
    """An assessor's recorded judgement of an ``assessed`` rule."""

    rule: str
    verdict: str  # "pass" or "fail"
    by: str
    date: dt.date
    note: str = ""
    origin: str = ""


@attrs.frozen
class Ledger:
    """One entity (a street) and its facts.

    ``facts`` holds only the fact types the ledger covers: a type that is absent is
    *unknown* to the rules ("no data on meetings"); a type present with no records
    means none happened.
    """

    id: str
    name: str
    facts: Mapping[str, tuple[Fact, ...]]
    judgements: tuple[Judgement, ...] = ()
    origin: str = ""

    def covers(self, fact_type: str) -> bool:
        return fact_type in self.facts


Number = int | Decimal
