"""The data model shared by every stage: value types, fact declarations, facts and ledgers.

A rule set declares fact types (:class:`FactType`) whose fields have a :class:`Type`; a
street's ledger (:class:`Ledger`) holds facts (:class:`Fact`) validated against them. The
checker uses the same types to type-check expressions, so a value that loads is a value the
rules understand.
"""

from __future__ import annotations

import datetime as dt
import enum
import keyword
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar, Final

import attrs

from protrules.calendar.durations import DURATION_UNITS, Duration
from protrules.i18n import Message, msg
from protrules.language.diagnostics import Span
from protrules.pickling import pickle_module_classes

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
    "PlainFact",
    "Type",
    "TypedFact",
    "field_attribute",
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


#: Each simple kind in words (the message ids are the .prl type names).
_KIND_WORDS: Mapping[Kind, Message] = {
    Kind.TEXT: msg("text"),
    Kind.INTEGER: msg("integer"),
    Kind.DECIMAL: msg("decimal"),
    Kind.PERCENTAGE: msg("percentage"),
    Kind.BOOLEAN: msg("boolean"),
    Kind.DATE: msg("date"),
    Kind.DURATION: msg("duration"),
    Kind.PERIOD: msg("period"),
    Kind.DATES: msg("dates"),
    Kind.ENUM: msg("enum"),
    Kind.FACT: msg("fact"),
    Kind.SET: msg("set"),
    Kind.LIST: msg("list"),
    Kind.LOOKUP: msg("lookup"),
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

    def __message__(self) -> Message:
        """The type in words, in either language (its English text is ``str(type)``)."""
        if self.kind is Kind.LIST:
            return msg("list of {element}", element=self.element)
        if self.kind is Kind.LOOKUP:
            return msg("lookup {key} -> {element}", key=self.key, element=self.element)
        if self.kind is Kind.SET:
            return msg("set of {fact}", fact=self.fact)
        if self.kind in (Kind.ENUM, Kind.FACT):
            return Message(str(self).replace("{", "{{").replace("}", "}}"))
        return _KIND_WORDS[self.kind]

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
    #: `known from 字段`: a later entry on a record (an instruction's completion date, a check's
    #: result), known from the date in that field: read as not yet recorded before it.
    known_from: str | None = None


@attrs.frozen
class FactType:
    """A declared fact type: a ledger's table, e.g. ``meeting`` (会议)."""

    name: str
    title: str | None
    fields: tuple[FieldDecl, ...]
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    #: `known from 字段`: the date field from which a record is known (docs/domain.md, “Time”);
    #: None for a timeless record (a venue, a residential area).
    known_from: str | None = None

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


class Fact:
    """One record of a ledger: a meeting, a training, a background check …

    Every fact has ``type`` (its fact type's name), ``id``, ``values`` (field name → loaded
    value; an absent optional field is missing from the mapping) and ``origin`` (where it was
    read: ``"file.json:/facts/meeting/3"``, ``"dir/meeting.csv:row 4"``). Reference fields hold
    the referenced fact once the ledger is linked, so rules can follow ``training.person.appointed``.

    Two kinds of object are facts. The loaders build **typed facts** (:class:`TypedFact`): one
    class per declared fact type (:mod:`protrules.facts.typed`), each field an attribute, decoded
    straight from JSON or from Python records at C speed. ``Fact(type, id, values, origin)``
    builds a **plain fact** (:class:`PlainFact`) holding its values in a dict, for tests and
    generators; both read the same way — :func:`field_attribute` names the attribute generated
    code reads, and ``getattr(fact, field_attribute(name))`` raises ``AttributeError`` for a
    missing field on either kind.
    """

    __slots__ = ()

    type: str
    id: str

    def __new__(cls, *args: Any, **kwargs: Any) -> Fact:
        # ``Fact(type, id, values, origin)`` keeps working: it makes a plain fact.
        return object.__new__(PlainFact if cls is Fact else cls)

    @property
    def values(self) -> dict[str, Any]:
        raise NotImplementedError  # pragma: no cover - every kind of fact defines it

    @property
    def origin(self) -> str:
        raise NotImplementedError  # pragma: no cover

    def get(self, name: str, default: Any = None) -> Any:
        """The value of field ``name`` (``id`` included), or ``default`` when it is missing."""
        if name == "id":
            return self.id
        return getattr(self, field_attribute(name), default)


class PlainFact(Fact):
    """A fact whose values are a dict: what ``Fact(type, id, values, origin)`` builds."""

    __slots__ = ("id", "origin", "type", "values")

    def __init__(self, type: str, id: str, values: dict[str, Any], origin: str = "") -> None:
        self.type, self.id, self.values, self.origin = type, id, values, origin  # type: ignore[misc]

    def __getattr__(self, name: str) -> Any:
        # Reached only for names that are not slots: a field, read as generated code reads it.
        try:
            return self.values[_FIELD_NAMES.get(name, name)]
        except KeyError:
            raise AttributeError(name) from None

    def __repr__(self) -> str:
        return f"Fact({self.type}:{self.id})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as its constructor arguments: small and quick to load in a worker process.
        return (PlainFact, (self.type, self.id, self.values, self.origin))


class TypedFact(Fact):
    """The base of the per-declaration fact classes that :mod:`protrules.facts.typed` makes.

    Each class is a ``msgspec.Struct`` whose fields are ``id`` and the declared fields (under
    :func:`field_attribute` names); an absent optional field is an unset attribute. ``_o`` and
    ``_i`` are where it was read: the origin of its table and its position in it (JSON), or
    the whole origin and -1 (CSV); the text is made only when asked for.
    """

    __slots__ = ("_i", "_o")

    _o: str
    _i: int
    #: (declared name, attribute) of each declared field; set on each class.
    __fields__: ClassVar[tuple[tuple[str, str], ...]] = ()
    __declaration__: ClassVar[FactType]
    __struct_fields__: ClassVar[tuple[str, ...]]  # msgspec's: the attributes, ``id`` first

    @property
    def values(self) -> dict[str, Any]:
        """The present fields as a new dict (a copy: changing it changes nothing)."""
        missing = _MISSING
        found = {name: getattr(self, attr, missing) for name, attr in self.__fields__}
        return {name: value for name, value in found.items() if value is not missing}

    @property
    def origin(self) -> str:
        where: str = getattr(self, "_o", "")
        index: int = getattr(self, "_i", -1)
        return where if index < 0 else f"{where}/{index}"

    def __repr__(self) -> str:
        return f"Fact({self.type}:{self.id})"


_MISSING: Any = object()

#: Names a field's attribute may not have: the fact's own attributes and methods.
_RESERVED: Final = frozenset(("id", "type", "values", "origin", "get"))
_FIELD_NAMES: dict[str, str] = {}  # mangled attribute → field name, for plain facts


def field_attribute(name: str) -> str:
    """The attribute that holds field ``name`` on a fact (generated code reads ``fact.<it>``).

    The field's own name when Python reads it back unchanged; otherwise (a keyword, a name
    that NFKC-normalises to another, one of the fact's own attributes, a leading underscore)
    ``_f_`` and the name's UTF-8 in hex, which no declared name can collide with. Remembered:
    indexes ask for it each time they are built, once or more an entity.
    """
    known = _ATTRIBUTES.get(name)
    if known is not None:
        return known
    if len(_ATTRIBUTES) > 4096:
        _ATTRIBUTES.clear()
    _ATTRIBUTES[name] = attribute = _attribute(name)
    return attribute


_ATTRIBUTES: dict[str, str] = {}


def _attribute(name: str) -> str:
    if (
        name.isidentifier()
        and not keyword.iskeyword(name)
        and not name.startswith("_")
        and name not in _RESERVED
        and unicodedata.normalize("NFKC", name) == name
    ):
        return name
    mangled = "_f_" + name.encode("utf-8", "surrogatepass").hex()
    _FIELD_NAMES[mangled] = name
    return mangled


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
    #: The entity says its records are invented (an example, a training ledger): reports say so.
    fictional: bool = False
    #: A note about the entity that reports print (e.g. what is invented in it).
    note: str = ""
    #: The ledger as known on a date, once worked out (protrules.facts.known): evaluating a
    #: ledger twice on one date sees the same facts, so the two results are equal.
    known: dict[Any, Any] = attrs.field(factory=dict, eq=False, repr=False)

    def covers(self, fact_type: str) -> bool:
        return fact_type in self.facts


Number = int | Decimal


#: Classes pickle as a call with their fields (protrules.pickling): a program loads faster from the cache.
pickle_module_classes(globals())
