"""Loading and validating ledgers: one street's facts, from a JSON file or a CSV folder.

Ledgers are typed by people, often in spreadsheets, and every verdict is only as good as
the facts under it. A value that was quietly coerced (``"3"`` taken for 3, 2023-02-30 rolled
into March, a GBK file read as mojibake) becomes a verdict nobody can trace back, so this
module never guesses: every departure from the format is an error, located by JSON pointer
or by spreadsheet row and column, and all errors of a file (up to 100) are reported at once
so a clerk can fix them in one pass. docs/facts.md describes both formats.

A fact type absent from a ledger is *not covered* (the rules say "unknown"); a type present
with no records means none happened (docs/domain.md, “Verdicts, status and score”), so the
loader keeps that distinction exactly: ``Ledger.facts`` holds a key for every covered type, even an empty one.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import stat
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final, TypeVar

from protrules.arguments import expect_path, expect_text, refuse
from protrules.errors import ProtrulesError
from protrules.facts import fast
from protrules.facts.model import Fact, FactType, FieldDecl, Judgement, Kind, Ledger, field_attribute
from protrules.facts.schema import (
    ENTITY,
    FORMAT,
    ID_FIELD,
    JUDGEMENT,
    BadValue,
    Invalid,
    decode_value,
    did_you_mean,
    encode_value,
    expected,
    found,
    integer,
    pointer_segment,
)
from protrules.facts.typed import make_fact
from protrules.i18n import Text, msg, msgn, render
from protrules.limits import FACTS_PER_LEDGER, LEDGER_BYTES, MAX_NUMBER

__all__ = [
    "FactError",
    "FactErrors",
    "ledger_from_json",
    "ledger_from_mapping",
    "ledger_paths",
    "ledger_to_mapping",
    "load_ledger",
    "load_ledgers",
    "note_entity",
]

MAX_BYTES: Final = LEDGER_BYTES  # a larger file is almost certainly not one street's ledger
MAX_ERRORS: Final = 100  # past this, more messages help nobody

# Error codes (PRL4xx: facts), documented in docs/facts.md.
READ: Final = "PRL401"  # the file cannot be read: missing, too large, not UTF-8, not JSON/CSV
SHAPE: Final = "PRL402"  # the document's structure: keys, lists, fact types, files, columns
FIELD: Final = "PRL403"  # a record's fields: unknown, missing, required but null or empty
VALUE: Final = "PRL404"  # a value does not match its declared type
DUPLICATE: Final = "PRL405"  # duplicate ids, keys, columns or entities
REFERENCE: Final = "PRL406"  # a reference to a record that is not there
TOO_MANY: Final = "PRL407"  # more facts than one ledger may hold (docs/limits.md)

_TOP_KEYS: Final = ("entity", "facts", "judgements", "format", "$schema")

T = TypeVar("T")
Where = Callable[[str | None], str]  # field name (None: the record itself) → location


class FactError(ProtrulesError):
    """One problem in a ledger: ``location`` says where, ``message`` what was found and expected."""

    code = VALUE

    def __init__(self, location: str, message: Text, *, code: str = VALUE) -> None:
        located = msg("{where}: {message}", where=location, message=message) if location else message
        super().__init__(located, code=code)
        self.location = location
        self._text = message

    @property
    def message(self) -> str:
        return render(self._text, "en")

    def message_in(self, lang: str) -> str:
        """What was found and expected, in ``lang`` (without the location)."""
        return render(self._text, lang)

    def __reduce__(self) -> tuple[Any, ...]:  # picklable, so errors cross process pools intact
        return (type(self), (self.location, self._text), self.__dict__)


class FactErrors(ProtrulesError):
    """Every problem found in one ledger (at most 100); the loaders raise only this."""

    def __init__(self, errors: Sequence[FactError], *, truncated: bool = False) -> None:
        self.errors: tuple[FactError, ...] = tuple(errors)
        self.truncated = truncated
        summary: Text = self.errors[0].msg if self.errors else msg("invalid ledger")
        if len(self.errors) > 1:
            summary = msg("{summary} (and {more} more)", summary=summary, more=len(self.errors) - 1)
        super().__init__(summary, code=self.errors[0].code if self.errors else SHAPE)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.errors,), self.__dict__)

    def render(self, lang: str = "en") -> str:
        """Each error in ``lang`` as ``error[CODE]: message`` with its location below, then a count."""
        error = msg("error").render(lang)
        parts = [f"{error}[{e.code}]: {e.message_in(lang)}\n  --> {e.location}" for e in self.errors]
        count = len(self.errors)
        end = msgn("{n} error found", "{n} errors found", count)
        if self.truncated:
            end = msg("{count}, stopped after {most}", count=end, most=MAX_ERRORS)
        parts.append(end.render(lang))
        return "\n".join(parts)


# --------------------------------------------------------------------------- error collection


class _Full(Exception):
    """Raised by the collector at MAX_ERRORS to stop work that can only add more errors."""


class _Errors:
    def __init__(self) -> None:
        self.items: list[FactError] = []

    def add(self, where: str, message: str, code: str) -> None:
        self.items.append(FactError(where, message, code=code))
        if len(self.items) >= MAX_ERRORS:
            raise _Full


def _collect(build: Callable[[_Errors], T | None]) -> T:
    """Run ``build`` with a fresh collector; raise FactErrors if it recorded anything."""
    errs = _Errors()
    try:
        result = build(errs)
    except _Full:
        raise FactErrors(errs.items, truncated=True) from None
    if errs.items or result is None:
        raise FactErrors(errs.items)
    return result


class _Object(dict[str, Any]):
    """A JSON object that remembers the keys it saw more than once (the first value wins)."""

    duplicates: tuple[str, ...] = ()


_ABSENT: Final = object()


def _name(f: FieldDecl) -> str:
    """A field for a message: its name and, when declared, its Chinese title: ``"kind" (会议类型)``."""
    return f'"{f.name}" ({f.title})' if f.title else f'"{f.name}"'


def _declared(schema: Mapping[str, FactType]) -> str:
    """The declared fact types, when few enough to list in a message."""
    return f"; the rule set declares {', '.join(sorted(schema))}" if 0 < len(schema) <= 12 else ""


# --------------------------------------------------------------------------- records


def _ident(raw: object, where: str, errs: _Errors, *, cell: bool) -> str | None:
    if isinstance(raw, str) and raw:
        return raw
    shown = "an empty cell" if cell else found(raw)
    errs.add(where, f"expected an id (non-empty text), found {shown}", FIELD)
    return None


def _record(
    ft: FactType,
    cells: Mapping[str, object],
    where: Where,
    errs: _Errors,
    *,
    cell: bool,
    skip: Collection[str] = (),
) -> dict[str, Any]:
    """Load a record's declared fields; absent and null/empty fields are allowed only if optional."""
    values: dict[str, Any] = {}
    for f in ft.fields:
        if f.name in skip:
            continue
        raw = cells.get(f.name, _ABSENT)
        if raw is _ABSENT or raw is None or (cell and raw == ""):
            if f.optional:
                continue
            if raw is _ABSENT:
                errs.add(where(None), f"missing field {_name(f)}: {expected(f.type)}", FIELD)
            else:
                shown = "an empty cell" if cell else "null"
                errs.add(
                    where(f.name),
                    f"expected {expected(f.type)}, found {shown}; {_name(f)} is required",
                    FIELD,
                )
            continue
        try:
            values[f.name] = decode_value(f.type, raw, cell=cell)
        except BadValue as bad:
            errs.add(where(f.name), bad.message, VALUE)
    return values


def _judgement(values: dict[str, Any], where: Where, errs: _Errors, origin: str) -> Judgement | None:
    """A judgement from its loaded fields; who judged which rule must not be left blank."""
    for f in JUDGEMENT.fields:
        if f.name in ("rule", "by") and values.get(f.name) == "":
            errs.add(where(f.name), f'expected non-empty text, found ""; {_name(f)} is required', FIELD)
            del values[f.name]
    if not {"rule", "verdict", "by", "date"} <= values.keys():
        return None
    return Judgement(
        values["rule"], values["verdict"], values["by"], values["date"], values.get("note", ""), origin
    )


class _Facts:
    """The facts of one ledger as they are read: checks duplicate ids, then links references."""

    def __init__(self, schema: Mapping[str, FactType], errs: _Errors) -> None:
        self.schema, self.errs = schema, errs
        self.facts: dict[str, list[Fact]] = {}
        self.ids: dict[str, dict[str, Fact]] = {}
        self.refs: list[tuple[Fact, FieldDecl, Where]] = []
        self.ref_fields: dict[str, tuple[FieldDecl, ...]] = {}  # per fact type: its reference fields

    def cover(self, name: str) -> None:
        self.facts.setdefault(name, [])
        self.ids.setdefault(name, {})

    def add(self, ft: FactType, ident: str | None, values: dict[str, Any], origin: str, where: Where) -> None:
        if ident is None:
            return
        first = self.ids[ft.name].get(ident)
        if first is not None:
            message = f'duplicate {ft.name} id "{ident}": the first is at {first.origin}'
            self.errs.add(where("id"), message, DUPLICATE)
            return
        fact = make_fact(ft, ident, values, origin)
        self.facts[ft.name].append(fact)
        self.ids[ft.name][ident] = fact
        refs = self.ref_fields.get(ft.name)
        if refs is None:
            refs = self.ref_fields[ft.name] = tuple(f for f in ft.fields if f.type.kind is Kind.FACT)
        for f in refs:
            if f.name in values:
                self.refs.append((fact, f, where))

    def link(self) -> dict[str, tuple[Fact, ...]]:
        """Replace each reference's id by the referenced fact (or report why it cannot be)."""
        for fact, f, where in self.refs:  # a location becomes text only when an error needs it
            attr = field_attribute(f.name)
            target, ident = str(f.type.fact), getattr(fact, attr)
            table = self.ids.get(target)
            if target not in self.schema:
                message = f'{f.name} refers to the undeclared fact type "{target}"'
                self.errs.add(where(f.name), message, REFERENCE)
            elif table is None:
                message = f'refers to {target} "{ident}", but the ledger does not cover {target}'
                self.errs.add(where(f.name), message, REFERENCE)
            elif ident not in table:
                near = did_you_mean(ident, table) if len(table) <= 1000 else ""
                self.errs.add(where(f.name), f'no {target} record has the id "{ident}"{near}', REFERENCE)
            else:
                setattr(fact, attr, table[ident])
        return {name: tuple(facts) for name, facts in self.facts.items()}


# --------------------------------------------------------------------------- JSON


def _reject_constant(name: str) -> Invalid:
    return Invalid(name, "not valid JSON")


def _parse_int(text: str) -> int | Invalid:
    try:
        return integer(text)
    except BadValue:
        return Invalid(text, "out of range (±10^18)")


def _parse_float(text: str) -> Decimal | Invalid:
    number = Decimal(text)
    return number if abs(number) <= MAX_NUMBER else Invalid(text, "out of range (±10^18)")


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _parse_json(text: str, origin: str, errs: _Errors) -> tuple[object, bool]:
    """The parsed document, and whether it needs :func:`_scan` (duplicate keys or ``\\ud800``)."""
    if not text.strip():
        errs.add(origin, "the file is empty: expected a JSON object with entity and facts", READ)
        return _ABSENT, False
    suspect = bool(_SURROGATE_ESCAPE.search(text))

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal suspect
        obj = _Object(pairs)
        if len(obj) < len(pairs):  # rare: rebuild, keeping each key's first value and noting the rest
            obj = _Object()
            for key, value in pairs:
                if key in obj:
                    obj.duplicates += (key,)
                else:
                    obj[key] = value
            suspect = True
        return obj

    try:
        tree = json.loads(
            text, parse_int=_parse_int, parse_float=_parse_float,
            parse_constant=_reject_constant, object_pairs_hook=hook,
        )  # fmt: skip
        return tree, suspect
    except json.JSONDecodeError as exc:
        message = exc.msg[:1].lower() + exc.msg[1:]
        if not text[exc.pos :].strip():
            message += " (the file ends early: is it truncated?)"
        errs.add(f"{origin}:{exc.lineno}:{exc.colno}", f"invalid JSON: {message}", READ)
    except RecursionError:
        errs.add(origin, "invalid JSON: nested too deeply", READ)
    return _ABSENT, False


def _scan(tree: object, at: Callable[[str], str], errs: _Errors) -> None:
    """Report duplicate keys and unpaired surrogates (``"\\ud800"``) anywhere in a JSON tree.

    A separate pass, because they can hide anywhere, even inside values the schema check
    rejects for another reason; iterative, because a tree may be as deep as json allows.
    Pointers are built only for what is reported: each node carries a (parent, key) trail.
    """
    Trail = tuple[Any, Any] | None
    stack: list[tuple[object, Trail]] = [(tree, None)]
    seen: set[int] = set()

    def pointer(trail: Trail) -> str:
        keys = []
        while trail is not None:
            trail, key = trail
            keys.append(f"/{pointer_segment(key)}")
        return at("".join(reversed(keys)))

    while stack:
        node, trail = stack.pop()
        if isinstance(node, str):
            try:
                node.encode("utf-8")
            except UnicodeEncodeError:
                errs.add(
                    pointer(trail), "text contains an unpaired surrogate escape (\\ud800-\\udfff)", VALUE
                )
        elif isinstance(node, Mapping | list | tuple) and id(node) not in seen:
            seen.add(id(node))
            for key in getattr(node, "duplicates", ()):
                errs.add(pointer((trail, key)), f'duplicate key "{key}": a key may appear once', DUPLICATE)
            pairs = list(node.items()) if isinstance(node, Mapping) else list(enumerate(node))
            for key, value in reversed(pairs):
                stack.append((value, (trail, key)))
                if isinstance(key, str):
                    stack.append((key, (trail, key)))


_KEYS: dict[tuple[int, bool], tuple[FactType, tuple[str, ...]]] = {}


def _keys(ft: FactType, has_id: bool) -> tuple[str, ...]:
    """The keys a record of ``ft`` may have, in declaration order (for "did you mean"),
    remembered by identity: hashing a declaration costs more than listing its fields."""
    found = _KEYS.get((id(ft), has_id))
    if found is not None and found[0] is ft:
        return found[1]
    keys = ("id", *(f.name for f in ft.fields)) if has_id else tuple(f.name for f in ft.fields)
    if len(_KEYS) > 1024:
        _KEYS.clear()
    _KEYS[(id(ft), has_id)] = (ft, keys)
    return keys


def _where(at: Callable[[str], str], pointer: str) -> Where:
    """Where a record's field is: its JSON pointer, for the messages that name it."""

    def where(name: str | None) -> str:
        return at(f"{pointer}/{pointer_segment(name)}" if name else pointer)

    return where


def _json_record(
    ft: FactType, obj: object, pointer: str, at: Callable[[str], str], errs: _Errors, *, has_id: bool = True
) -> tuple[str | None, dict[str, Any], Where] | None:
    """A JSON object checked against a declaration: its keys, its id and its fields."""
    if not isinstance(obj, Mapping):
        errs.add(at(pointer), f"expected a {ft.name} record (an object), found {found(obj)}", SHAPE)
        return None
    known = _keys(ft, has_id)
    for key in obj:
        if key not in known:
            errs.add(
                at(f"{pointer}/{pointer_segment(key)}"),
                f'unknown field "{key}" of {ft.name}{did_you_mean(key, known)}',
                FIELD,
            )

    where = _where(at, pointer)
    ident = None
    if has_id:
        raw = obj.get("id", _ABSENT)
        if raw is _ABSENT:
            errs.add(where(None), f"missing field {_name(ID_FIELD)}: non-empty text", FIELD)
        elif isinstance(raw, str) and raw:
            ident = raw
        else:
            ident = _ident(raw, where("id"), errs, cell=False)
    return ident, _record(ft, obj, where, errs, cell=False), where


def _from_tree(
    data: object, schema: Mapping[str, FactType], origin: str, errs: _Errors, *, scan: bool = True
) -> Ledger | None:
    """Validate a parsed JSON ledger (or a caller's mapping) and build the Ledger."""

    def at(pointer: str) -> str:
        return f"{origin}:{pointer}" if pointer else origin

    if scan:
        _scan(data, at, errs)
    if not isinstance(data, Mapping):
        errs.add(origin, f"expected a JSON object with entity and facts, found {found(data)}", SHAPE)
        return None
    for key in data:
        if key not in _TOP_KEYS:
            message = f'unknown key "{key}"{did_you_mean(key, _TOP_KEYS)}; expected {", ".join(_TOP_KEYS)}'
            errs.add(at(f"/{pointer_segment(key)}"), message, SHAPE)
    fmt = data.get("format", FORMAT)
    if not (isinstance(fmt, str) and fmt == FORMAT):
        errs.add(at("/format"), f'expected "{FORMAT}", found {found(fmt)}', SHAPE)
    if not isinstance(data.get("$schema", ""), str):
        errs.add(at("/$schema"), f"expected text (a schema URL), found {found(data['$schema'])}", SHAPE)
    for key, what in (("entity", "an object with id and name"), ("facts", "an object of fact lists")):
        if key not in data:
            errs.add(origin, f'missing key "{key}" ({what})', SHAPE)
    entity = _json_record(ENTITY, data["entity"], "/entity", at, errs) if "entity" in data else None

    facts = _Facts(schema, errs)
    tables = data.get("facts", {})
    if not isinstance(tables, Mapping):
        errs.add(
            at("/facts"), f"expected an object mapping fact types to lists, found {found(tables)}", SHAPE
        )
        tables = {}
    for name, records in tables.items():
        pointer = f"/facts/{pointer_segment(name)}"
        ft = schema.get(name) if isinstance(name, str) else None
        if ft is None:
            hint = did_you_mean(name, schema) or _declared(schema)
            errs.add(at(pointer), f'unknown fact type "{name}"{hint}', SHAPE)
            continue
        if not isinstance(records, list | tuple):
            errs.add(at(pointer), f"expected a list of {name} records, found {found(records)}", SHAPE)
            continue
        facts.cover(name)
        for i, obj in enumerate(fast.as_dicts(records)):
            here = f"{pointer}/{i}"
            loaded = _json_record(ft, obj, here, at, errs)
            if loaded is not None:
                facts.add(ft, loaded[0], loaded[1], at(here), loaded[2])

    judgements = []
    items = data.get("judgements", [])
    if not isinstance(items, list | tuple):
        errs.add(at("/judgements"), f"expected a list of judgements, found {found(items)}", SHAPE)
        items = []
    for i, obj in enumerate(items):
        loaded = _json_record(JUDGEMENT, obj, f"/judgements/{i}", at, errs, has_id=False)
        if loaded is not None:
            judgements.append(_judgement(loaded[1], loaded[2], errs, at(f"/judgements/{i}")))
    return _ledger(entity, facts, judgements, origin)


# --------------------------------------------------------------------------- files


def _read_bytes(path: str, errs: _Errors) -> bytes | None:
    """A file's bytes (a UTF-8 BOM skipped), never more than MAX_BYTES of them."""
    too_big = f"the file is larger than the {MAX_BYTES // 2**20} MiB limit for one ledger file"
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            errs.add(path, "not a regular file", READ)
            return None
        if info.st_size > MAX_BYTES:
            errs.add(path, too_big, READ)
            return None
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        errs.add(path, "no such file or folder", READ)
        return None
    except OSError as exc:
        errs.add(path, f"cannot read the file: {_reason(exc)}", READ)
        return None
    if len(data) > MAX_BYTES:
        errs.add(path, too_big, READ)
        return None
    return data.removeprefix(codecs.BOM_UTF8)


def _read_text(path: str, errs: _Errors) -> str | None:
    """A file's text, read as strict UTF-8 (a BOM is skipped), never more than MAX_BYTES of it."""
    data = _read_bytes(path, errs)
    return None if data is None else _decode(data, path, errs)


def _decode(data: bytes, path: str, errs: _Errors) -> str | None:
    """Bytes as strict UTF-8, or None after saying where they are not (and what they might be)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line, column = data.count(b"\n", 0, exc.start) + 1, len(data[line_start : exc.start].decode()) + 1
        guess = (
            "UTF-16? " if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "GBK? " if _decodes(data, "gbk") else ""
        )
        message = (
            f"the file is not UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded ({guess}save as UTF-8)"
        )
        errs.add(f"{path}:{line}:{column}", message, READ)
        return None


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _read_csv(path: str, errs: _Errors) -> list[list[str]] | None:
    """A CSV file's rows (the header first), or None after reporting why it cannot be read."""
    text = _read_text(path, errs)
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        return list(reader)
    except csv.Error as exc:
        errs.add(f"{path}:row {reader.line_num}", f"invalid CSV: {str(exc).lower()}", READ)
        return None


def _csv_rows(
    path: str, rows: list[list[str]] | None, ft: FactType, errs: _Errors, *, has_id: bool = True
) -> Iterator[tuple[str | None, dict[str, Any], Where]]:
    """Check a CSV file's header against a declaration, then load its rows as records.

    Rows are numbered as a spreadsheet shows them (the header is row 1). A column missing
    from the header is reported once, not again in every row.
    """
    if rows is None:
        return
    columns = [ID_FIELD, *ft.fields] if has_id else list(ft.fields)
    known = [f.name for f in columns]
    if not rows:
        errs.add(path, f"the file is empty: expected a header row {','.join(known)}", SHAPE)
        return
    header, used = rows[0], set[str]()
    for column, name in enumerate(header, start=1):
        if name in used:
            errs.add(f"{path}:row 1, column {column}", f'duplicate column "{name}"', DUPLICATE)
        elif name not in known:
            hint = did_you_mean(name, known) or ("; separate columns with commas" if ";" in name else "")
            errs.add(f"{path}:row 1, column {column}", f'unknown column "{name}" of {ft.name}{hint}', SHAPE)
        used.add(name)
    for f in columns:
        if f.name not in used and not f.optional:
            errs.add(f"{path}:row 1", f"missing column {_name(f)}: {expected(f.type)}", SHAPE)
    skip = [name for name in known if name not in used]
    for number, row in enumerate(rows[1:], start=2):
        if not row:
            continue  # a blank line holds no data
        if len(row) != len(header):
            message = f"expected {len(header)} cells as in the header, found {len(row)}"
            errs.add(f"{path}:row {number}", message, SHAPE)
            continue
        cells: dict[str, Any] = {}
        for name, value in zip(header, row, strict=True):
            cells.setdefault(name, value)

        def where(name: str | None, number: int = number) -> str:
            return f"{path}:row {number}, column {name}" if name else f"{path}:row {number}"

        ident = _ident(cells["id"], where("id"), errs, cell=True) if has_id and "id" in cells else None
        yield ident, _record(ft, cells, where, errs, cell=True, skip=skip), where


def _from_folder(path: str, schema: Mapping[str, FactType], errs: _Errors) -> Ledger | None:
    """A CSV folder: entity.csv, one <fact type>.csv per covered type, judgements.csv."""
    try:
        names = sorted(os.listdir(path))
    except OSError as exc:
        errs.add(path, f"cannot read the folder: {_reason(exc)}", READ)
        return None
    allowed = ["entity.csv", "judgements.csv", *(f"{name}.csv" for name in schema)]
    for name in names:
        if not (name in allowed or name.startswith(".") or name == "README.md"):
            message = (
                "unexpected file: a CSV ledger folder holds entity.csv, judgements.csv and <fact type>.csv"
            )
            errs.add(os.path.join(path, name), message + did_you_mean(name, allowed), SHAPE)
    entity = None
    file = os.path.join(path, "entity.csv")
    if "entity.csv" not in names:
        errs.add(path, "no entity.csv: a CSV ledger folder needs entity.csv with the columns id,name", SHAPE)
    elif (rows := _read_csv(file, errs)) is not None:
        entities = list(_csv_rows(file, rows, ENTITY, errs))
        count = sum(1 for row in rows[1:] if row)
        if rows and count != 1:
            errs.add(file, f"expected one row below the header (the entity), found {count}", SHAPE)
        elif entities:
            entity = entities[0]

    facts = _Facts(schema, errs)
    for name, ft in schema.items():
        if f"{name}.csv" in names and name not in ("entity", "judgements"):
            facts.cover(name)
            file = os.path.join(path, f"{name}.csv")
            for ident, values, where in _csv_rows(file, _read_csv(file, errs), ft, errs):
                facts.add(ft, ident, values, where(None), where)
    judgements = []
    if "judgements.csv" in names:
        file = os.path.join(path, "judgements.csv")
        for _, values, where in _csv_rows(file, _read_csv(file, errs), JUDGEMENT, errs, has_id=False):
            judgements.append(_judgement(values, where, errs, where(None)))
    return _ledger(entity, facts, judgements, path)


def _ledger(
    entity: tuple[str | None, dict[str, Any], Where] | None,
    facts: _Facts,
    judgements: list[Judgement | None],
    origin: str,
) -> Ledger | None:
    """Link the references and assemble the ledger; None if an error already sank it."""
    linked = facts.link()
    if entity is None or entity[0] is None or "name" not in entity[1] or None in judgements:
        return None
    return Ledger(entity[0], entity[1]["name"], linked, tuple(j for j in judgements if j), origin)


# --------------------------------------------------------------------------- public API


def ledger_from_mapping(
    data: Mapping[str, Any], schema: Mapping[str, FactType], *, origin: str = "<data>"
) -> Ledger:
    """A ledger from a JSON-shaped mapping (as ``json.load`` gives), validated like a file.

    For callers that already hold the data (a database export, an API's records, a test);
    records may be dicts, dataclasses, attrs instances or named tuples, dates ``datetime.date``
    objects or ``YYYY-MM-DD`` text. Locations in errors are ``origin`` plus a JSON pointer.
    Raises :class:`FactErrors`.
    """
    _expect_schema(schema, "ledger_from_mapping")
    expect_text(origin, "ledger_from_mapping", "origin")
    facts = data.get("facts") if isinstance(data, Mapping) else None
    if isinstance(facts, Mapping):  # counted before any record is read
        _bounded(sum(len(r) for r in facts.values() if isinstance(r, Sequence)), origin)
    ledger = fast.from_records(data, schema, origin)
    return ledger if ledger is not None else _collect(lambda errs: _from_tree(data, schema, origin, errs))


def ledger_from_json(text: str, schema: Mapping[str, FactType], *, origin: str = "<data>") -> Ledger:
    """A ledger from the text of a JSON ledger (what a ``.json`` file holds), validated like a
    file; locations in errors are ``origin`` plus a JSON pointer. Raises :class:`FactErrors`.

    For text that never was a file, such as standard input (``protrules check rules.prl -``).
    """
    expect_text(text, "ledger_from_json", "text")
    _expect_schema(schema, "ledger_from_json")
    expect_text(origin, "ledger_from_json", "origin")

    def build(errs: _Errors) -> Ledger | None:
        tree, scan = _parse_json(text, origin, errs)
        return None if tree is _ABSENT else _from_tree(tree, schema, origin, errs, scan=scan)

    return _counted(_collect(build))


def load_ledger(path: str | os.PathLike[str], schema: Mapping[str, FactType]) -> Ledger:
    """A ledger from a ``.json`` file or a CSV folder (one with entity.csv). Raises :class:`FactErrors`.

    Files are only ever opened for reading.
    """
    expect_path(path, "load_ledger")
    _expect_schema(schema, "load_ledger")
    name = os.fspath(path)

    def build(errs: _Errors) -> Ledger | None:
        if os.path.isdir(name):
            return _from_folder(name, schema, errs)
        if os.path.exists(name) and not name.lower().endswith(".json"):
            errs.add(name, "expected a .json file or a CSV ledger folder (with entity.csv)", READ)
            return None
        data = _read_bytes(name, errs)
        if data is None:
            return None
        ledger = fast.from_json(data, schema, name)
        if ledger is not None:
            return ledger
        text = _decode(data, name, errs)  # the full check, which says what is wrong
        tree, scan = (_ABSENT, False) if text is None else _parse_json(text, name, errs)
        return None if tree is _ABSENT else _from_tree(tree, schema, name, errs, scan=scan)

    return _counted(_collect(build))


def load_ledgers(paths: Iterable[str | os.PathLike[str]], schema: Mapping[str, FactType]) -> Iterator[Ledger]:
    """Ledgers one at a time, so a whole district never has to fit in memory.

    Each path is a ledger (a ``.json`` file or a CSV folder) or a folder of ledgers, which
    expands to its ``*.json`` files and CSV sub-folders in sorted order (other files, such as
    a generator script, are left alone). Two ledgers with the same entity id are an error:
    their results could not be told apart.
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    if not isinstance(paths, Iterable) or isinstance(paths, bytes | Mapping):
        refuse("load_ledgers", "paths", msg("an iterable of paths"), paths)
    _expect_schema(schema, "load_ledgers")
    seen: dict[str, str] = {}
    for path in paths:
        expect_path(path, "load_ledgers", "paths")
        for item in _expand(os.fspath(path)):
            ledger = load_ledger(item, schema)
            note_entity(seen, ledger.id, item)
            yield ledger


def _counted(ledger: Ledger) -> Ledger:
    """The ledger, if it holds no more facts than one ledger may (docs/limits.md)."""
    _bounded(sum(len(facts) for facts in ledger.facts.values()), ledger.origin)
    return ledger


def _bounded(count: int, origin: str) -> None:
    if count > FACTS_PER_LEDGER:
        message = msg(
            "the ledger holds {count} facts; one ledger holds at most {limit} (docs/limits.md): "
            "split the entity's records, or evaluate a narrower period",
            count=f"{count:,}", limit=f"{FACTS_PER_LEDGER:,}",
        )  # fmt: skip
        raise FactErrors([FactError(origin, message, code=TOO_MANY)])


def _expect_schema(schema: Any, function: str) -> None:
    """A rule set's fact types (``rules.fact_types``): a mapping of names to FactType."""
    wanted = msg("a mapping of fact type names to FactType (rules.fact_types)")
    if not isinstance(schema, Mapping):
        hint = msg("pass rules.fact_types") if hasattr(schema, "fact_types") else None
        refuse(function, "schema", wanted, schema, hint)
    for value in schema.values():
        if not isinstance(value, FactType):
            refuse(function, "schema", wanted, value)


def note_entity(seen: dict[str, str], entity: str, path: str) -> None:
    """Record that the ledger at ``path`` holds ``entity``; a second ledger with an id already
    seen is an error, because their results could not be told apart."""
    if entity in seen:
        message = f'the entity id "{entity}" is also the id of {seen[entity]}'
        raise FactErrors([FactError(path, message, code=DUPLICATE)])
    seen[entity] = path


def ledger_paths(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """The ledgers the paths name, as :func:`load_ledgers` reads them, without loading any:
    a ledger path stays itself, a folder of ledgers expands to its ledgers in sorted order.
    For :meth:`RuleSet.evaluate_many`, which can load each in a worker process."""
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    if not isinstance(paths, Iterable) or isinstance(paths, bytes | Mapping):
        refuse("ledger_paths", "paths", msg("an iterable of paths"), paths)
    out = []
    for path in paths:
        expect_path(path, "ledger_paths", "paths")
        out += _expand(os.fspath(path))
    return out


def _expand(path: str) -> list[str]:
    """The ledgers a path names: itself, or the ledgers inside a folder of ledgers."""
    if not os.path.isdir(path) or os.path.exists(os.path.join(path, "entity.csv")):
        return [path]

    def build(errs: _Errors) -> list[str]:
        items: list[str] = []
        try:
            for name in sorted(os.listdir(path)):
                full = os.path.join(path, name)
                json_file = name.lower().endswith(".json") and os.path.isfile(full)
                if name.startswith("."):
                    continue
                if json_file or os.path.isfile(os.path.join(full, "entity.csv")):
                    items.append(full)
                elif os.path.isdir(full) and any(n.endswith(".csv") for n in os.listdir(full)):
                    errs.add(full, "CSV files but no entity.csv: add entity.csv (columns id,name)", SHAPE)
        except OSError as exc:
            errs.add(path, f"cannot read the folder: {_reason(exc)}", READ)
        if not items and not errs.items:
            errs.add(path, "no ledgers here: expected .json files or CSV folders with entity.csv", SHAPE)
        return items

    return _collect(build)


def ledger_to_mapping(ledger: Ledger, schema: Mapping[str, FactType]) -> dict[str, Any]:
    """The inverse of :func:`ledger_from_mapping`: a JSON-ready document, references as ids.

    Key order is fixed (format, entity, facts in declaration order, judgements; fields in
    declaration order) so the same ledger always serialises to the same bytes. Decimals
    become JSON numbers: an int when whole, else a float when the float reads back to the
    same decimal; the rare decimal that no float holds stays a Decimal, which ``json`` cannot
    write, rather than be rounded.
    """
    if not isinstance(ledger, Ledger):
        refuse("ledger_to_mapping", "ledger", msg("a Ledger"), ledger)
    _expect_schema(schema, "ledger_to_mapping")
    errors = [
        FactError(
            ledger.origin, f'the ledger covers "{name}", which the rule set does not declare', code=SHAPE
        )
        for name in ledger.facts
        if name not in schema
    ]
    if errors:
        raise FactErrors(errors)
    facts = {
        name: [_encoded(f, ft) for f in ledger.facts[name]]
        for name, ft in schema.items()
        if name in ledger.facts
    }
    judgements = []
    for j in ledger.judgements:
        item: dict[str, Any] = {"rule": j.rule, "verdict": j.verdict, "by": j.by, "date": j.date.isoformat()}
        judgements.append(item | ({"note": j.note} if j.note else {}))
    return {
        "format": FORMAT,
        "entity": {"id": ledger.id, "name": ledger.name},
        "facts": facts,
        "judgements": judgements,
    }


def _encoded(fact: Fact, ft: FactType) -> dict[str, Any]:
    values = fact.values
    return {"id": fact.id} | {
        f.name: encode_value(f.type, values[f.name]) for f in ft.fields if f.name in values
    }
