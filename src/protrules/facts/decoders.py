"""Per-declaration record decoders for JSON ledgers: the loader's fast path.

A JSON ledger's records are almost always right. For each fact type this module writes one
small Python function that decodes a record in a single pass — known keys, a non-empty id,
each declared field of its declared type — and returns ``(id, values)``, or None as soon as
anything is unusual; :func:`protrules.facts._json_record` then reads that record again and
reports exactly what is wrong. The function is straight-line code, one block per field, so a
record costs no loop over the declaration and no dispatch on each field's kind.

Rule files are data: a field's name reaches the code only as a string literal (``repr``), and
every other value (a type, an enumeration's members) as a name bound to the object itself.
``tests/test_fact_fuzz.py`` holds the decoders to the full check: whenever one answers, the
full check gives the same id and values and finds nothing wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from protrules.calendar.workdays import parse_date
from protrules.errors import CalendarError
from protrules.facts.model import FactType, Kind
from protrules.facts.schema import MAX_NUMBER, BadValue, decode_value

__all__ = ["FastRecord", "fast_record", "source"]

FastRecord = Callable[[Mapping[str, object]], "tuple[str, dict[str, Any]] | None"]
_FAST: dict[int, tuple[FactType, FastRecord]] = {}


def fast_record(ft: FactType) -> FastRecord:
    """The decoder of ``ft``'s records, remembered by the declaration's identity (hashing a
    declaration costs more than writing its decoder once)."""
    found = _FAST.get(id(ft))
    if found is not None and found[0] is ft:
        return found[1]
    namespace: dict[str, Any] = {
        "__builtins__": {},
        "_str": str, "_bool": bool, "_int": int, "_type": type, "_MAX": MAX_NUMBER,
        "_parse_date": parse_date, "_CalendarError": CalendarError,
        "_decode_value": decode_value, "_BadValue": BadValue,
        "KNOWN": frozenset(("id", *(f.name for f in ft.fields))),
    }  # fmt: skip
    for i, f in enumerate(ft.fields):
        namespace[f"T{i}"], namespace[f"M{i}"] = f.type, frozenset(f.type.members)
    exec(compile(source(ft), f"<protrules decoder {ft.name}>", "exec"), namespace)
    decode: FastRecord = namespace["decode"]
    if len(_FAST) > 1024:
        _FAST.clear()
    _FAST[id(ft)] = (ft, decode)
    return decode


def source(ft: FactType) -> str:
    """The Python text of ``ft``'s decoder (a function ``decode(obj)``)."""
    lines = [
        "def decode(obj):",
        "    if not KNOWN.issuperset(obj):",
        "        return None",
        "    get = obj.get",
        "    ident = get('id')",
        "    if _type(ident) is not _str or not ident:",
        "        return None",
        "    values = {}",
    ]
    for i, f in enumerate(ft.fields):
        key = repr(f.name)
        lines.append(f"    raw = get({key})")
        if f.optional:  # absent or null is fine: the field is left out
            lines.append("    if raw is not None:")
            indent = "        "
        else:
            lines += ["    if raw is None:", "        return None"]
            indent = "    "
        lines += [indent + line for line in _field(f.type.kind, key, i)]
    lines.append("    return ident, values")
    return "\n".join(lines) + "\n"


def _field(kind: Kind, key: str, i: int) -> list[str]:
    """The statements that check one present value and keep it in ``values``."""
    if kind is Kind.TEXT:
        return ["if _type(raw) is not _str:", "    return None", f"values[{key}] = raw"]
    if kind is Kind.FACT:  # the id of the referenced record, linked once the ledger is read
        return ["if _type(raw) is not _str or not raw:", "    return None", f"values[{key}] = raw"]
    if kind is Kind.ENUM:
        return [f"if _type(raw) is not _str or raw not in M{i}:", "    return None", f"values[{key}] = raw"]
    if kind is Kind.BOOLEAN:
        return ["if _type(raw) is not _bool:", "    return None", f"values[{key}] = raw"]
    if kind is Kind.DATE:
        return [
            "if _type(raw) is not _str:",
            "    return None",
            "try:",
            f"    values[{key}] = _parse_date(raw)",
            "except _CalendarError:",
            "    return None",
        ]
    decoded = [
        "try:",
        f"    values[{key}] = _decode_value(T{i}, raw)",
        "except _BadValue:",
        "    return None",
    ]
    if kind is Kind.INTEGER:  # the common case without a call
        return [
            "if _type(raw) is _int and -_MAX <= raw <= _MAX:",
            f"    values[{key}] = raw",
            "else:",
            *("    " + line for line in decoded),
        ]
    return decoded
