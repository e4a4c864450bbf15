"""The full check of a ledger document: every problem found, located and explained.

The fast path (:mod:`protrules.facts.fast`) decodes a good ledger in C and only says yes or
no; when it says no, or for CSV folders, this module reads the document value by value and
reports each departure from the format with its JSON pointer (or spreadsheet row and column)
and a "did you mean". Nothing is guessed or coerced (docs/facts.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Mapping
from decimal import Decimal
from typing import Any, Final

from protrules.facts import fast
from protrules.facts.model import Fact, FactType, FieldDecl, Judgement, Kind, Ledger, field_attribute
from protrules.facts.problems import DUPLICATE, FIELD, READ, REFERENCE, SHAPE, VALUE, Errors, Where, place
from protrules.facts.schema import (
    ENTITY,
    FORMAT,
    ID_FIELD,
    JUDGEMENT,
    BadValue,
    Invalid,
    decode_value,
    did_you_mean,
    expected,
    found,
    integer,
    pointer_segment,
)
from protrules.facts.typed import make_fact
from protrules.i18n import Text, joined, msg
from protrules.i18n.system import json_reason
from protrules.limits import MAX_NUMBER

__all__ = [
    "ABSENT", "Facts", "build_ledger", "field_name", "from_tree", "ident_of", "json_record", "judgement",
    "parse_json", "record",
]  # fmt: skip

_TOP_KEYS: Final = ("entity", "facts", "judgements", "format", "$schema")


class _Object(dict[str, Any]):
    """A JSON object that remembers the keys it saw more than once (the first value wins)."""

    duplicates: tuple[str, ...] = ()


ABSENT: Final = object()


def field_name(f: FieldDecl) -> str:
    """A field for a message: its name and, when declared, its Chinese title: ``"kind" (会议类型)``."""
    return f'"{f.name}" ({f.title})' if f.title else f'"{f.name}"'


def _declared(schema: Mapping[str, FactType]) -> Text:
    """The declared fact types, when few enough to list in a message."""
    if 0 < len(schema) <= 12:
        return msg("; the rule set declares {types}", types=joined(sorted(schema)))
    return ""


# --------------------------------------------------------------------------- records


def ident_of(raw: object, where: str, errs: Errors, *, cell: bool) -> str | None:
    if isinstance(raw, str) and raw:
        return raw
    shown = msg("an empty cell") if cell else found(raw)
    errs.add(where, msg("expected an id (non-empty text), found {found}", found=shown), FIELD)
    return None


def record(
    ft: FactType,
    cells: Mapping[str, object],
    where: Where,
    errs: Errors,
    *,
    cell: bool,
    skip: Collection[str] = (),
) -> dict[str, Any]:
    """Load a record's declared fields; absent and null/empty fields are allowed only if optional."""
    values: dict[str, Any] = {}
    for f in ft.fields:
        if f.name in skip:
            continue
        raw = cells.get(f.name, ABSENT)
        if raw is ABSENT or raw is None or (cell and raw == ""):
            if f.optional:
                continue
            if raw is ABSENT:
                message = msg(
                    "missing field {field}: {expected}", field=field_name(f), expected=expected(f.type)
                )
                errs.add(where(None), message, FIELD)
            else:
                shown = msg("an empty cell") if cell else "null"
                errs.add(
                    where(f.name),
                    msg(
                        "expected {expected}, found {found}; {field} is required",
                        expected=expected(f.type),
                        found=shown,
                        field=field_name(f),
                    ),
                    FIELD,
                )
            continue
        try:
            values[f.name] = decode_value(f.type, raw, cell=cell)
        except BadValue as bad:
            errs.add(where(f.name), bad.msg, VALUE)
    return values


def judgement(values: dict[str, Any], where: Where, errs: Errors, origin: str) -> Judgement | None:
    """A judgement from its loaded fields; who judged which rule must not be left blank."""
    for f in JUDGEMENT.fields:
        if f.name in ("rule", "by") and values.get(f.name) == "":
            message = msg('expected non-empty text, found ""; {field} is required', field=field_name(f))
            errs.add(where(f.name), message, FIELD)
            del values[f.name]
    if not {"rule", "verdict", "by", "date"} <= values.keys():
        return None
    return Judgement(
        values["rule"], values["verdict"], values["by"], values["date"], values.get("note", ""), origin
    )


class Facts:
    """The facts of one ledger as they are read: checks duplicate ids, then links references."""

    def __init__(self, schema: Mapping[str, FactType], errs: Errors) -> None:
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
            message = msg(
                'duplicate {type} id "{id}": the first is at {origin}',
                type=ft.name,
                id=ident,
                origin=place(first.origin),
            )
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
                message = msg(
                    '{field} refers to the undeclared fact type "{type}"', field=f.name, type=target
                )
                self.errs.add(where(f.name), message, REFERENCE)
            elif table is None:
                message = msg(
                    'refers to {type} "{id}", but the ledger does not cover {type}', type=target, id=ident
                )
                self.errs.add(where(f.name), message, REFERENCE)
            elif ident not in table:
                near = did_you_mean(ident, table) if len(table) <= 1000 else ""
                message = msg('no {type} record has the id "{id}"{hint}', type=target, id=ident, hint=near)
                self.errs.add(where(f.name), message, REFERENCE)
            else:
                setattr(fact, attr, table[ident])
        return {name: tuple(facts) for name, facts in self.facts.items()}


# --------------------------------------------------------------------------- JSON


def _reject_constant(name: str) -> Invalid:
    return Invalid(name, msg("not valid JSON"))


def _parse_int(text: str) -> int | Invalid:
    try:
        return integer(text)
    except BadValue:
        return Invalid(text, msg("out of range (±10^18)"))


def _parse_float(text: str) -> Decimal | Invalid:
    number = Decimal(text)
    return number if abs(number) <= MAX_NUMBER else Invalid(text, msg("out of range (±10^18)"))


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def parse_json(text: str, origin: str, errs: Errors) -> tuple[object, bool]:
    """The parsed document, and whether it needs :func:`_scan` (duplicate keys or ``\\ud800``)."""
    if not text.strip():
        errs.add(origin, msg("the file is empty: expected a JSON object with entity and facts"), READ)
        return ABSENT, False
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
        reason = json_reason(exc.msg)
        if not text[exc.pos :].strip():
            reason = msg("{reason} (the file ends early: is it truncated?)", reason=reason)
        errs.add(f"{origin}:{exc.lineno}:{exc.colno}", msg("invalid JSON: {reason}", reason=reason), READ)
    except RecursionError:
        errs.add(origin, msg("invalid JSON: nested too deeply"), READ)
    return ABSENT, False


def _scan(tree: object, at: Callable[[str], str], errs: Errors) -> None:
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
                message = msg("text contains an unpaired surrogate escape (\\ud800-\\udfff)")
                errs.add(pointer(trail), message, VALUE)
        elif isinstance(node, Mapping | list | tuple) and id(node) not in seen:
            seen.add(id(node))
            for key in getattr(node, "duplicates", ()):
                message = msg('duplicate key "{key}": a key may appear once', key=key)
                errs.add(pointer((trail, key)), message, DUPLICATE)
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


def json_record(
    ft: FactType, obj: object, pointer: str, at: Callable[[str], str], errs: Errors, *, has_id: bool = True
) -> tuple[str | None, dict[str, Any], Where] | None:
    """A JSON object checked against a declaration: its keys, its id and its fields."""
    if not isinstance(obj, Mapping):
        message = msg("expected a {type} record (an object), found {found}", type=ft.name, found=found(obj))
        errs.add(at(pointer), message, SHAPE)
        return None
    known = _keys(ft, has_id)
    for key in obj:
        if key not in known:
            errs.add(
                at(f"{pointer}/{pointer_segment(key)}"),
                msg(
                    'unknown field "{key}" of {type}{hint}',
                    key=key,
                    type=ft.name,
                    hint=did_you_mean(key, known),
                ),
                FIELD,
            )

    where = _where(at, pointer)
    ident = None
    if has_id:
        raw = obj.get("id", ABSENT)
        if raw is ABSENT:
            errs.add(
                where(None), msg("missing field {field}: non-empty text", field=field_name(ID_FIELD)), FIELD
            )
        elif isinstance(raw, str) and raw:
            ident = raw
        else:
            ident = ident_of(raw, where("id"), errs, cell=False)
    return ident, record(ft, obj, where, errs, cell=False), where


def from_tree(
    data: object, schema: Mapping[str, FactType], origin: str, errs: Errors, *, scan: bool = True
) -> Ledger | None:
    """Validate a parsed JSON ledger (or a caller's mapping) and build the Ledger."""

    def at(pointer: str) -> str:
        return f"{origin}:{pointer}" if pointer else origin

    if scan:
        _scan(data, at, errs)
    if not isinstance(data, Mapping):
        errs.add(
            origin,
            msg("expected a JSON object with entity and facts, found {found}", found=found(data)),
            SHAPE,
        )
        return None
    for key in data:
        if key not in _TOP_KEYS:
            message = msg(
                'unknown key "{key}"{hint}; expected {keys}',
                key=key,
                hint=did_you_mean(key, _TOP_KEYS),
                keys=", ".join(_TOP_KEYS),
            )
            errs.add(at(f"/{pointer_segment(key)}"), message, SHAPE)
    fmt = data.get("format", FORMAT)
    if not (isinstance(fmt, str) and fmt == FORMAT):
        errs.add(
            at("/format"), msg('expected "{format}", found {found}', format=FORMAT, found=found(fmt)), SHAPE
        )
    if not isinstance(data.get("$schema", ""), str):
        message = msg("expected text (a schema URL), found {found}", found=found(data["$schema"]))
        errs.add(at("/$schema"), message, SHAPE)
    for key, what in (
        ("entity", msg("an object with id and name")),
        ("facts", msg("an object of fact lists")),
    ):
        if key not in data:
            errs.add(origin, msg('missing key "{key}" ({what})', key=key, what=what), SHAPE)
    entity = json_record(ENTITY, data["entity"], "/entity", at, errs) if "entity" in data else None

    facts = Facts(schema, errs)
    tables = data.get("facts", {})
    if not isinstance(tables, Mapping):
        errs.add(
            at("/facts"),
            msg("expected an object mapping fact types to lists, found {found}", found=found(tables)),
            SHAPE,
        )
        tables = {}
    for name, records in tables.items():
        pointer = f"/facts/{pointer_segment(name)}"
        ft = schema.get(name) if isinstance(name, str) else None
        if ft is None:
            hint = did_you_mean(name, schema) or _declared(schema)
            errs.add(at(pointer), msg('unknown fact type "{name}"{hint}', name=name, hint=hint), SHAPE)
            continue
        if not isinstance(records, list | tuple):
            message = msg("expected a list of {type} records, found {found}", type=name, found=found(records))
            errs.add(at(pointer), message, SHAPE)
            continue
        facts.cover(name)
        for i, obj in enumerate(fast.as_dicts(records)):
            here = f"{pointer}/{i}"
            loaded = json_record(ft, obj, here, at, errs)
            if loaded is not None:
                facts.add(ft, loaded[0], loaded[1], at(here), loaded[2])

    judgements = []
    items = data.get("judgements", [])
    if not isinstance(items, list | tuple):
        errs.add(
            at("/judgements"), msg("expected a list of judgements, found {found}", found=found(items)), SHAPE
        )
        items = []
    for i, obj in enumerate(items):
        loaded = json_record(JUDGEMENT, obj, f"/judgements/{i}", at, errs, has_id=False)
        if loaded is not None:
            judgements.append(judgement(loaded[1], loaded[2], errs, at(f"/judgements/{i}")))
    return build_ledger(entity, facts, judgements, origin)


# --------------------------------------------------------------------------- files


def build_ledger(
    entity: tuple[str | None, dict[str, Any], Where] | None,
    facts: Facts,
    judgements: list[Judgement | None],
    origin: str,
) -> Ledger | None:
    """Link the references and assemble the ledger; None if an error already sank it."""
    linked = facts.link()
    if entity is None or entity[0] is None or "name" not in entity[1] or None in judgements:
        return None
    about = entity[1]
    return Ledger(
        entity[0],
        about["name"],
        linked,
        tuple(j for j in judgements if j),
        origin,
        fictional=bool(about.get("fictional", False)),
        note=str(about.get("note", "")),
    )
