"""One fact class per declared fact type: the representation every loader builds.

A rule set's ``fact meeting: date: date, kind: enum(…), topic: text?`` becomes a
``msgspec.Struct`` class ``meeting`` with the fields ``id``, ``date``, ``kind`` and ``topic``,
typed as the declaration says. msgspec decodes JSON bytes — or converts Python records —
straight into instances of it, checking each value's type in C (docs/facts.md, "How a ledger
is read"), and generated code reads a field as an attribute (``s.date``), which costs less than
any mapping. The class is a :class:`~protrules.facts.model.TypedFact`, so everything else reads
it like any fact (``values``, ``origin``, ``get``).

Kinds msgspec does not know are written to it as follows, and finished in Python by
:func:`finish` (only for the declarations that have them):

- ``decimal``: any JSON value (``Any``), JSON floats read as exact ``Decimal`` by the decoder's
  ``float_hook``; :func:`finish` keeps only numbers within range (a string ``"12.5"`` is an
  error, as it is in the full check);
- ``percentage`` and ``duration``: text, read by :func:`finish` as the full check reads it;
- a reference: its id (non-empty text), replaced by the referenced fact when the ledger links.

Classes are made once per declaration (equal declarations share one) and pickle by their
declaration, so a fact sent to a worker process arrives as the same class there.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Annotated, Any, Final, Literal, cast

import msgspec

from protrules.facts.model import Fact, FactType, Kind, Type, TypedFact, field_attribute
from protrules.facts.schema import BadValue, decode_value
from protrules.limits import MAX_NUMBER

__all__ = ["UNSET", "dec_hook", "fact_class", "finisher", "json_decimal", "make_fact", "row_class", "texts"]

UNSET: Final = msgspec.UNSET
_ID = Annotated[str, msgspec.Meta(min_length=1)]
_INT = Annotated[int, msgspec.Meta(ge=-MAX_NUMBER, le=MAX_NUMBER)]


def dec_hook(kind: type, value: Any) -> Any:
    """msgspec's hook for types it does not know; a fact class declares none, so any call is
    a value of the wrong kind."""
    raise TypeError(f"unexpected {type(value).__name__}")


def _annotation(t: Type) -> Any:
    kind = t.kind
    if kind is Kind.TEXT:
        return str
    if kind is Kind.INTEGER:
        return _INT
    if kind is Kind.DECIMAL:
        return Any  # checked and made exact by finish()
    if kind is Kind.PERCENTAGE or kind is Kind.DURATION:
        return str  # read by finish()
    if kind is Kind.BOOLEAN:
        return bool
    if kind is Kind.DATE:
        return dt.date
    if kind is Kind.ENUM:
        return Literal[t.members] if t.members else Annotated[str, msgspec.Meta(pattern="$.^")]
    if kind is Kind.FACT:
        return _ID
    return Any  # a kind no ledger can hold: rejected by finish()


_CLASSES: dict[FactType, type[TypedFact]] = {}
_BY_ID: dict[int, tuple[FactType, type[TypedFact]]] = {}


def fact_class(ft: FactType) -> type[TypedFact]:
    """The class of ``ft``'s facts (made on first use; equal declarations share it).

    The facts of a type without reference fields hold no other fact, so they can never be
    part of a cycle: they are left out of the cyclic collector's lists (msgspec's ``gc=False``),
    which makes loading and every later collection cheaper.
    """
    found = _BY_ID.get(id(ft))
    if found is not None and found[0] is ft:
        return found[1]
    cls = _CLASSES.get(ft)
    if cls is None:
        fields: list[Any] = [("id", _ID)]
        names = []
        for f in ft.fields:
            attr = field_attribute(f.name)
            names.append((f.name, attr))
            annotation = _annotation(f.type)
            if f.optional:
                annotation = annotation | None | msgspec.UnsetType
            default: Any = UNSET if f.optional else msgspec.NODEFAULT
            if attr != f.name:  # read from JSON under the declared name
                default = msgspec.field(default=default, name=f.name)
            fields.append((attr, annotation) if default is msgspec.NODEFAULT else (attr, annotation, default))
        namespace = {
            "type": ft.name,
            "__fields__": tuple(names),
            "__declaration__": ft,
            "__repr__": TypedFact.__repr__,
            "__reduce__": _reduce,
        }
        made: type[TypedFact] = msgspec.defstruct(  # type: ignore[assignment]
            ft.name if ft.name.isidentifier() else "fact",
            fields,
            bases=(msgspec.Struct, TypedFact),
            namespace=namespace,
            module=__name__,
            forbid_unknown_fields=True,
            kw_only=True,
            eq=False,
            gc=any(f.type.kind is Kind.FACT for f in ft.fields),
        )
        if len(_CLASSES) > 4096:
            _CLASSES.clear()
        _CLASSES[ft] = cls = made
    if len(_BY_ID) > 4096:
        _BY_ID.clear()
    _BY_ID[id(ft)] = (ft, cls)
    return cls


_ROWS: dict[type[TypedFact], type[TypedFact]] = {}


def row_class(ft: FactType) -> type[TypedFact]:
    """A subclass of ``ft``'s fact class that msgspec fills from a row, a sequence of values
    in the order of ``__struct_fields__`` (``id`` first; None for an absent optional field),
    checking each as it checks a record's: columnar readers (:mod:`protrules.facts.columnar`)
    convert a table's columns to rows at C speed, where a dict a row cost as much again.
    Its facts are facts of ``ft`` in every way (they pickle as the fact class's)."""
    cls = fact_class(ft)
    rows = _ROWS.get(cls)
    if rows is None:
        rows = cast("type[TypedFact]", type(cls.__name__, (cls,), {}, array_like=True))
        if len(_ROWS) > 4096:
            _ROWS.clear()
        _ROWS[cls] = rows
    return rows


def _reduce(fact: TypedFact) -> tuple[Any, ...]:
    """A typed fact pickles as its declaration and its attributes (missing ones as UNSET)."""
    cls = type(fact)
    state = tuple(getattr(fact, name, UNSET) for name in cls.__struct_fields__)
    return (_restore, (cls.__declaration__, state, getattr(fact, "_o", ""), getattr(fact, "_i", -1)))


def _restore(ft: FactType, state: tuple[Any, ...], where: str, index: int) -> TypedFact:
    cls = fact_class(ft)
    fact = cast(TypedFact, cls.__new__(cls))
    for name, value in zip(cls.__struct_fields__, state, strict=True):
        if value is not UNSET:
            setattr(fact, name, value)
    fact._o, fact._i = where, index
    return fact


def make_fact(ft: FactType, ident: str, values: Mapping[str, Any], origin: str) -> TypedFact:
    """A typed fact from values already checked (the full check's and CSV's way in)."""
    cls = fact_class(ft)
    fact = cast(TypedFact, cls.__new__(cls))
    fact.id = ident  # type: ignore[misc]
    for name, attr in cls.__fields__:
        if name in values:
            setattr(fact, attr, values[name])
    fact._o, fact._i = origin, -1
    return fact


Finish = Callable[[list[TypedFact], Mapping[str, Mapping[str, TypedFact]], str], int]


def finisher(ft: FactType, *, decoded: bool = False) -> Finish:
    """What loading must still do to ``ft``'s decoded facts, in Python, as one function of
    straight-line code (one loop over the facts, a block per field that needs it):
    ``finish(facts, tables, where)``, where ``tables`` maps each covered fact type that
    references point at to its facts by id, and ``where`` is the table's origin, which each fact
    notes with its position. It returns how many optional fields were absent (not even
    ``null``), for the duplicate-key count.

    Absent and ``null`` optional fields become unset attributes (as missing as a missing key);
    decimals must be numbers within range and become ``Decimal``; percentages and durations
    are read from their text; a reference's id is replaced by the fact it names. Raises
    ``ValueError`` when a value is wrong, ``KeyError`` when a reference names no fact: the caller
    then runs the full check, which says where and why. Rule files are data: a field reaches
    the code only as its :func:`field_attribute` name, a Python identifier, and every other
    value as a name bound to the object.

    ``decoded``: the facts come from JSON decoded with :func:`json_decimal` as the float hook,
    so a ``Decimal`` is already one within range (a caller's own ``Decimal`` is checked).
    """
    odd = [f for f in ft.fields if f.type.kind in (Kind.PERIOD, Kind.DATES, Kind.SET, Kind.LIST)]
    if odd:

        def refuse(facts: list[TypedFact], tables: object, where: str) -> int:
            if facts:
                raise ValueError(f"{ft.name}.{odd[0].name} cannot be written in a ledger")
            return 0

        return refuse
    head = ["def finish(facts, tables, where):", "    absent = 0"]
    lines = ["    for i, f in enumerate(facts):", "        f._o = where", "        f._i = i"]
    namespace: dict[str, Any] = {
        "__builtins__": {}, "UNSET": UNSET, "Decimal": Decimal, "LO": _LO, "HI": _HI, "_decimal": _decimal,
        "EMPTY": {}, "INTS": _INTS, "FLOATS": _FLOATS, "int": int, "float": float, "len": len,
        "enumerate": enumerate,
    }  # fmt: skip
    for i, f in enumerate(ft.fields):
        kind = f.type.kind
        if not f.optional and kind not in (Kind.DECIMAL, Kind.PERCENTAGE, Kind.DURATION, Kind.FACT):
            continue
        attr = field_attribute(f.name)
        lines.append(f"        v = f.{attr}")
        indent = "        "
        if f.optional:
            lines += [
                "        if v is None or v is UNSET:",
                "            absent += v is UNSET",
                f"            del f.{attr}",
            ]
            if kind not in (Kind.DECIMAL, Kind.PERCENTAGE, Kind.DURATION, Kind.FACT):
                continue
            lines.append("        else:")
            indent = "            "
        if kind is Kind.DECIMAL and decoded:  # JSON's decimals came in range from the float hook
            lines += [
                indent + "c = v.__class__",
                indent + "if c is not Decimal:",
                indent + "    d = INTS.get(v) if c is int else None",
                indent + f"    f.{attr} = d if d is not None else _decimal(v)",
            ]
        elif kind is Kind.DECIMAL:  # no call for a Decimal within range or a number seen before
            lines += [
                indent + "c = v.__class__",
                indent + "if c is Decimal:",
                indent + "    if not (LO <= v <= HI):",
                indent + f"        f.{attr} = _decimal(v)",
                indent + "else:",
                indent + "    d = INTS.get(v) if c is int else FLOATS.get(v) if c is float else None",
                indent + f"    f.{attr} = d if d is not None else _decimal(v)",
            ]
        elif kind is Kind.FACT:  # the id of a fact in the same ledger, replaced by the fact
            namespace[f"N{i}"] = str(f.type.fact)
            head.append(f"    t{i} = tables.get(N{i}, EMPTY)")
            lines.append(indent + f"f.{attr} = t{i}[v]")
        else:  # a percentage or a duration, read once per text seen (a ledger's repeat)
            namespace[f"read{i}"] = functools.partial(_text, f.type)
            namespace[f"seen{i}"] = _SEEN.setdefault(f.type.kind, {})
            lines += [
                indent + f"r = seen{i}.get(v)",
                indent + "if r is None:",
                indent + f"    r = read{i}(v)",
                indent + f"    if len(seen{i}) < 4096:",
                indent + f"        seen{i}[v] = r",
                indent + f"f.{attr} = r",
            ]
    lines.append("    return absent")
    source = "\n".join(head + lines) + "\n"
    exec(compile(source, f"<protrules finish {ft.name}>", "exec"), namespace)
    finish: Finish = namespace["finish"]
    return finish


def json_decimal(text: str) -> Decimal:
    """The JSON decoder's float hook: a number with a fraction or an exponent as an exact
    ``Decimal`` within range (``ValueError`` otherwise, which hands the ledger to the full
    check); each text is read once (a ledger's amounts and hours repeat)."""
    found = _JSON_DECIMALS.get(text)
    if found is None:
        found = Decimal(text)
        if not (_LO <= found <= _HI):
            raise ValueError("not a number within range")
        if len(_JSON_DECIMALS) < 4096:
            _JSON_DECIMALS[text] = found
    return found


_JSON_DECIMALS: dict[str, Decimal] = {}

#: Percentages and durations read, by kind and text: their values are immutable and repeat.
_SEEN: dict[Kind, dict[str, Any]] = {}

_LO: Final = Decimal(-MAX_NUMBER)
_HI: Final = Decimal(MAX_NUMBER)


def _text(t: Type, value: str) -> Any:
    try:
        return decode_value(t, value)
    except BadValue as bad:
        raise ValueError(bad.message) from None


def _decimal(value: Any) -> Decimal:
    """A decimal field's value as an exact ``Decimal``, or ValueError; ints and floats seen
    are remembered (a ledger's amounts and hours repeat), each kind apart: 1 and 1.0 are
    ``Decimal("1")`` and ``Decimal("1.0")``."""
    kind = type(value)
    if kind is Decimal:
        if value.is_finite() and _LO <= value <= _HI:
            return value  # type: ignore[no-any-return]
    elif kind is int:
        if -MAX_NUMBER <= value <= MAX_NUMBER:
            exact = Decimal(value)
            if len(_INTS) < 4096:
                _INTS[value] = exact
            return exact
    elif kind is float and value == value and abs(value) <= MAX_NUMBER:
        exact = Decimal(repr(value))  # a Python caller's float, read as it prints
        if value and len(_FLOATS) < 4096:  # not 0.0: -0.0 would find it
            _FLOATS[value] = exact
        return exact
    raise ValueError("not a number within range")


_INTS: dict[int, Decimal] = {}
_FLOATS: dict[float, Decimal] = {}


def texts(facts: Iterable[Fact], attrs: tuple[str, ...]) -> Iterable[str]:
    """Every text attribute of the facts named by ``attrs`` (for the unpaired-surrogate check)."""
    for fact in facts:
        for attr in attrs:
            value = getattr(fact, attr, None)
            if type(value) is str:
                yield value
