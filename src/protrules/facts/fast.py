"""The fast way in: a whole ledger decoded by msgspec into typed facts, checked in C.

:func:`from_json` decodes a JSON ledger's bytes, and :func:`from_records` converts records
already in memory (a mapping shaped like the JSON document, whose records may be dicts,
dataclasses, attrs instances or named tuples, with dates as ``datetime.date`` or text), into
the fact classes of :mod:`protrules.facts.typed`: known keys only, every value of its declared
type, each date a real day. What is left is done here in a few passes over each table: absent
optional fields unset, decimals made exact, ids unique, references linked, origins noted.

Either function answers ``None`` as soon as anything is not right, and the caller then runs
the full check (:mod:`protrules.facts.ledgers`), which reports every problem with its JSON
pointer and a "did you mean". So a good ledger costs the C decoder and little more; a bad one
costs what it always did.

Two checks msgspec does not make are made here cheaply:

- **Duplicate keys** (msgspec keeps the last value). The keys of the decoded document are
  counted (each record's fields less its absent optional ones) and compared with the number of
  colons in the text. Every key is followed by one, and a colon inside a string can only add
  to the count, so equal counts prove there is no duplicate (one ``bytes.count``, about 0.06 µs
  a fact). When text values hold colons (a ledger's note often does), the colons of the decoded
  text are added to the keys, first those of the entity, the judgements and ``$schema``, then
  those of the facts' texts, enums and ids: where the text writes no colon as an escape, each is
  a distinct colon inside a string, so equal counts still prove it. Only then are the places
  where a ``"`` is followed by optional white space and ``:`` counted (a regular expression,
  0.5 µs a fact): every key ends so, and a match inside a string can only add to the count.
  Only a larger count than the keys sends the ledger to the full check, which finds the
  duplicate or finds nothing.
- **Unpaired surrogates**: msgspec refuses a lone ``\\ud800`` in JSON text itself; text from
  Python is encoded as UTF-8 once, all of a table's text joined (:func:`_surrogates`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import operator
import re
from collections.abc import Mapping
from itertools import repeat
from typing import Annotated, Any, Final, Literal

import attrs
import msgspec

from protrules.facts.model import FactType, Judgement, Kind, Ledger, TypedFact, field_attribute
from protrules.facts.schema import FORMAT
from protrules.facts.typed import UNSET, Finish, dec_hook, fact_class, finisher, json_decimal, row_class

__all__ = ["as_dicts", "from_json", "from_records", "from_rows"]

_ID = Annotated[str, msgspec.Meta(min_length=1)]
_KEY_END: Final = re.compile(rb'"[ \t\n\r]*:')
_ID_OF: Final = operator.attrgetter("id")


class _Entity(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    id: _ID
    name: str
    fictional: bool | msgspec.UnsetType = UNSET
    note: str | msgspec.UnsetType = UNSET


class _Judgement(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    rule: _ID
    verdict: Literal["pass", "fail"]
    by: _ID
    date: dt.date
    note: str | msgspec.UnsetType | None = UNSET


class _Plan:
    """What decoding one rule set's ledgers needs, made once per fact-type mapping."""

    def __init__(self, schema: Mapping[str, FactType]) -> None:
        self.schema = schema
        self.tables: list[tuple[str, str, Finish, Finish]] = []
        tables: list[Any] = []
        for i, (name, ft) in enumerate(schema.items()):
            attr = f"t{i}"
            cls = fact_class(ft)
            self.tables.append((name, attr, finisher(ft, decoded=True), finisher(ft)))
            tables.append((attr, list[cls] | msgspec.UnsetType, msgspec.field(default=UNSET, name=name)))  # type: ignore[valid-type]
        self.document = _document(tables)
        self._rows: Any = None
        self.decoder = msgspec.json.Decoder(self.document, dec_hook=dec_hook, float_hook=json_decimal)
        referenced = {str(f.type.fact) for t in schema.values() for f in t.fields if f.type.kind is Kind.FACT}
        self.keyed = {name for name in schema if name in referenced}
        self.keys_per_record = {name: 1 + len(ft.fields) for name, ft in schema.items()}
        self.texts = {
            name: tuple(field_attribute(f.name) for f in ft.fields if f.type.kind is Kind.TEXT)
            for name, ft in schema.items()
        }
        self.strings = {
            name: tuple(field_attribute(f.name) for f in ft.fields if f.type.kind in (Kind.TEXT, Kind.ENUM))
            for name, ft in schema.items()
        }


    @property
    def rows(self) -> Any:
        """The document whose tables are lists of rows (:func:`~protrules.facts.typed.row_class`)."""
        if self._rows is None:
            tables = []
            for i, (name, ft) in enumerate(self.schema.items()):
                rows: Any = list[row_class(ft)] | msgspec.UnsetType  # type: ignore[misc]
                tables.append((f"t{i}", rows, msgspec.field(default=UNSET, name=name)))
            self._rows = _document(tables)
        return self._rows


def _document(tables: list[Any]) -> Any:
    facts = msgspec.defstruct("facts", tables, forbid_unknown_fields=True, gc=False)
    return msgspec.defstruct(
        "ledger",
        [
            ("entity", _Entity),
            ("facts", facts),
            ("judgements", list[_Judgement] | msgspec.UnsetType, UNSET),
            ("format", Literal[FORMAT] | msgspec.UnsetType, UNSET),
            ("schema", str | msgspec.UnsetType, msgspec.field(default=UNSET, name="$schema")),
        ],
        forbid_unknown_fields=True,
        gc=False,
    )


_PLANS: dict[int, tuple[Mapping[str, FactType], tuple[FactType, ...], _Plan]] = {}


def _plan(schema: Mapping[str, FactType]) -> _Plan:
    found = _PLANS.get(id(schema))
    if found is not None and found[0] is schema and found[1] == tuple(schema.values()):
        return found[2]
    plan = _Plan(schema)
    if len(_PLANS) > 256:
        _PLANS.clear()
    _PLANS[id(schema)] = (schema, tuple(schema.values()), plan)
    return plan


def from_json(data: bytes, schema: Mapping[str, FactType], origin: str) -> Ledger | None:
    """The ledger in a JSON document's bytes, or None: then only the full check can say why."""
    plan = _plan(schema)
    try:
        document = plan.decoder.decode(data)
    except (msgspec.ValidationError, msgspec.DecodeError, RecursionError):
        return None
    built = _assemble(plan, document, origin)
    if built is None:
        return None
    ledger, keys = built
    colons = data.count(b":")
    if colons == keys or _no_duplicate_key(data, colons, keys, plan, document, ledger):
        return ledger
    return None  # a duplicate key, or a colon after a quote inside a string: the full check says


def _no_duplicate_key(
    data: bytes, colons: int, keys: int, plan: _Plan, document: Any, ledger: Ledger
) -> bool:
    """Whether the ledger's text had no duplicate key, when it holds more colons than keys.

    Where no colon is written as an escape (``\\u003a``), each colon in a decoded string is a
    distinct colon inside a string of the text (a value a duplicate key replaced only takes
    colons away), so colons = keys + the colons of some decoded strings still proves that no key
    came twice. The strings read first are the few of the entity, the judgements and
    ``$schema`` (a ledger's note often holds a colon), then every text, enum and id of the facts;
    only then the regular expression (0.5 µs a fact)."""
    if b"\\" not in data or b"\\u003" not in data:  # memchr first: most ledgers have no escape
        few = [ledger.id, ledger.name, ledger.note]
        if document.schema is not UNSET:
            few.append(document.schema)
        for j in ledger.judgements:
            few += (j.rule, j.by, j.note)
        inside = "".join(few).count(":")
        if colons == keys + inside:
            return True
        for name, facts in ledger.facts.items():
            inside += "".join(map(_ID_OF, facts)).count(":")
            for attr in plan.strings[name]:
                inside += "".join(map(getattr, facts, repeat(attr), repeat(""))).count(":")
        if colons == keys + inside:
            return True
    return len(_KEY_END.findall(data)) == keys


def from_records(data: Mapping[str, Any], schema: Mapping[str, FactType], origin: str) -> Ledger | None:
    """The ledger in a JSON-shaped mapping of Python records, or None (see the module doc)."""
    plan = _plan(schema)
    try:
        document = msgspec.convert(data, plan.document, dec_hook=dec_hook)
    except (msgspec.ValidationError, RecursionError, UnicodeError):
        if not isinstance(data, dict) or not isinstance(data.get("facts"), dict):
            return None
        dicts = {**data, "facts": {name: as_dicts(records) for name, records in data["facts"].items()}}
        try:  # records that are objects: once more, as dicts of their fields
            document = msgspec.convert(dicts, plan.document, dec_hook=dec_hook)
        except (msgspec.ValidationError, RecursionError, UnicodeError):
            return None
    built = _assemble(plan, document, origin, source="python")
    return None if built is None or _surrogates(plan, built[0]) else built[0]


def from_rows(data: Mapping[str, Any], schema: Mapping[str, FactType], origin: str) -> Ledger | None:
    """The ledger in a JSON-shaped mapping whose records are rows, or None: each record a
    sequence of its values in the order of its row class's ``__struct_fields__`` (see
    :func:`~protrules.facts.typed.row_class`), as columnar readers make them from Arrow's
    columns. Arrow's text is UTF-8, which cannot hold an unpaired surrogate (Arrow's strict
    decoding refuses the bytes of one), so the text is not searched for them again."""
    plan = _plan(schema)
    try:
        document = msgspec.convert(data, plan.rows, dec_hook=dec_hook)
    except (msgspec.ValidationError, RecursionError, UnicodeError):
        return None
    built = _assemble(plan, document, origin, source="arrow")
    return None if built is None else built[0]


def as_dicts(records: Any) -> Any:
    """Records as dicts: a dataclass, attrs instance or named tuple gives all its fields (so
    a field the fact type does not declare is reported, not ignored); anything else is kept."""
    if not isinstance(records, list | tuple):
        return records
    out: list[Any] = []
    for record in records:
        kind = type(record)
        names = _FIELDS.get(kind)
        if names is None:
            if dataclasses.is_dataclass(kind):
                names = tuple(f.name for f in dataclasses.fields(kind))
            elif attrs.has(kind):
                names = tuple(a.name for a in attrs.fields(kind))
            elif issubclass(kind, tuple) and hasattr(kind, "_fields"):
                names = tuple(kind._fields)
            else:
                names = ()
            if len(_FIELDS) < 1024:
                _FIELDS[kind] = names
        out.append({name: getattr(record, name) for name in names} if names else record)
    return out


_FIELDS: dict[type, tuple[str, ...]] = {dict: ()}


def _assemble(
    plan: _Plan, document: Any, origin: str, *, source: Literal["json", "python", "arrow"] = "json"
) -> tuple[Ledger, int] | None:
    """The ledger from a decoded document and the number of keys it had, or None.

    ``source``: where the values came from. JSON's decimals were checked by the decoder's float
    hook; Python's and Arrow's are checked here. Python's text may hold unpaired surrogates
    (JSON's decoder and Arrow's UTF-8 refuse them), so its ids are searched for them here and
    its other text by :func:`_surrogates`.
    """
    python_text = source == "python"
    keys = 2 + 2 + sum(
        getattr(document, name) is not UNSET for name in ("judgements", "format", "schema")
    )  # top level: entity and facts; the entity's id and name
    decoded = document.facts
    present = [(name, records, from_json if source == "json" else from_python)
               for name, attr, from_json, from_python in plan.tables
               if (records := getattr(decoded, attr)) is not UNSET]  # fmt: skip
    tables: dict[str, dict[str, TypedFact]] = {}
    for name, records, _finish in present:
        idents = list(map(_ID_OF, records))
        if python_text and _unpaired("".join(idents)):
            return None
        if name in plan.keyed:
            table = dict(zip(idents, records, strict=True))
            tables[name] = table
            unique = len(table)
        else:
            unique = len(set(idents))
        if unique != len(records):
            return None  # a duplicate id
    facts: dict[str, tuple[TypedFact, ...]] = {}
    try:
        for name, records, finish in present:
            absent = finish(records, tables, f"{origin}:/facts/{name}")  # and notes each one's origin
            keys += 1 + len(records) * plan.keys_per_record[name] - absent
            facts[name] = tuple(records)
    except (ValueError, KeyError, ArithmeticError):  # ArithmeticError: a caller's Decimal("NaN")
        return None
    judgements = []
    items = document.judgements
    if items is not UNSET:
        for i, j in enumerate(items):
            note = j.note
            keys += 4 + (note is not UNSET)
            judgements.append(
                Judgement(j.rule, j.verdict, j.by, j.date, note or "", f"{origin}:/judgements/{i}")
            )
    entity = document.entity
    keys += (entity.fictional is not UNSET) + (entity.note is not UNSET)
    fictional = entity.fictional is True
    note = entity.note if entity.note is not UNSET else ""
    ledger = Ledger(entity.id, entity.name, facts, tuple(judgements), origin, fictional=fictional, note=note)
    return ledger, keys


def _surrogates(plan: _Plan, ledger: Ledger) -> bool:
    """Whether any text of the ledger besides the fact ids (:func:`_assemble` checks them) holds
    an unpaired surrogate, which no report could be written with (text from Python may): each
    text attribute of a table joined and encoded once."""
    parts = [ledger.id, ledger.name]
    for j in ledger.judgements:
        parts += (j.rule, j.by, j.note)
    if _unpaired("".join(parts)):
        return True
    for name, facts in ledger.facts.items():
        for attr in plan.texts[name]:
            if _unpaired("".join(map(getattr, facts, repeat(attr), repeat("")))):
                return True
    return False


def _unpaired(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return True
    return False
