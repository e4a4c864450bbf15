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

This module is the public way in; the work is done by :mod:`~protrules.facts.fast` (a good
ledger, decoded in C), :mod:`~protrules.facts.validation` (the full check, which locates every
problem), :mod:`~protrules.facts.files` (bytes, text and CSV folders) and
:mod:`~protrules.facts.problems` (the errors).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from protrules.arguments import expect_path, expect_text, refuse
from protrules.facts import fast
from protrules.facts.district import is_district
from protrules.facts.files import MAX_BYTES as MAX_BYTES  # where callers found it before the split
from protrules.facts.files import decode, from_folder, read_bytes, reason
from protrules.facts.model import Fact, FactType, Ledger
from protrules.facts.problems import DUPLICATE, READ, SHAPE, TOO_MANY, Errors, FactError, FactErrors, collect
from protrules.facts.problems import FIELD as FIELD  # the error codes and the error limit, re-exported
from protrules.facts.problems import MAX_ERRORS as MAX_ERRORS
from protrules.facts.problems import REFERENCE as REFERENCE
from protrules.facts.problems import VALUE as VALUE
from protrules.facts.schema import FORMAT, encode_value
from protrules.facts.validation import ABSENT, from_tree, parse_json
from protrules.i18n import msg
from protrules.limits import FACTS_PER_LEDGER

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
        bounded(sum(len(r) for r in facts.values() if isinstance(r, Sequence)), origin)
    ledger = fast.from_records(data, schema, origin)
    return ledger if ledger is not None else collect(lambda errs: from_tree(data, schema, origin, errs))


def ledger_from_json(text: str, schema: Mapping[str, FactType], *, origin: str = "<data>") -> Ledger:
    """A ledger from the text of a JSON ledger (what a ``.json`` file holds), validated like a
    file; locations in errors are ``origin`` plus a JSON pointer. Raises :class:`FactErrors`.

    For text that never was a file, such as standard input (``protrules check rules.prl -``).
    """
    expect_text(text, "ledger_from_json", "text")
    _expect_schema(schema, "ledger_from_json")
    expect_text(origin, "ledger_from_json", "origin")
    # An unpaired surrogate (a Python string may hold one) becomes its JSON escape, which both
    # paths refuse and the full check reports where it is.
    data = text.encode("utf-8", "backslashreplace")
    fast_ledger = fast.from_json(data, schema, origin)  # the fast path, as for a file
    if fast_ledger is not None:
        return _counted(fast_ledger)
    text = data.decode("utf-8")

    def build(errs: Errors) -> Ledger | None:
        tree, scan = parse_json(text, origin, errs)
        return None if tree is ABSENT else from_tree(tree, schema, origin, errs, scan=scan)

    return _counted(collect(build))


def load_ledger(path: str | os.PathLike[str], schema: Mapping[str, FactType]) -> Ledger:
    """A ledger from a ``.json`` file or a CSV folder (one with entity.csv). Raises :class:`FactErrors`.

    Files are only ever opened for reading.
    """
    expect_path(path, "load_ledger")
    _expect_schema(schema, "load_ledger")
    name = os.fspath(path)

    def build(errs: Errors) -> Ledger | None:
        if os.path.isdir(name):
            return from_folder(name, schema, errs)
        if os.path.exists(name) and not name.lower().endswith(".json"):
            errs.add(name, msg("expected a .json file or a CSV ledger folder (with entity.csv)"), READ)
            return None
        data = read_bytes(name, errs)
        if data is None:
            return None
        ledger = fast.from_json(data, schema, name)
        if ledger is not None:
            return ledger
        text = decode(data, name, errs)  # the full check, which says what is wrong
        tree, scan = (ABSENT, False) if text is None else parse_json(text, name, errs)
        return None if tree is ABSENT else from_tree(tree, schema, name, errs, scan=scan)

    return _counted(collect(build))


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
    bounded(sum(len(facts) for facts in ledger.facts.values()), ledger.origin)
    return ledger


def bounded(count: int, origin: str) -> None:
    """Raise FactErrors when a ledger would hold more facts than one may (docs/limits.md)."""
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
        message = msg('the entity id "{entity}" is also the id of {path}', entity=entity, path=seen[entity])
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

    def build(errs: Errors) -> list[str]:
        items: list[str] = []
        try:
            for name in sorted(os.listdir(path)):
                full = os.path.join(path, name)
                json_file = name.lower().endswith(".json") and os.path.isfile(full)
                if name.startswith(".") or is_district(name):  # the district ledger is no street
                    continue
                if json_file or os.path.isfile(os.path.join(full, "entity.csv")):
                    items.append(full)
                elif os.path.isdir(full) and any(n.endswith(".csv") for n in os.listdir(full)):
                    errs.add(
                        full, msg("CSV files but no entity.csv: add entity.csv (columns id,name)"), SHAPE
                    )
        except OSError as exc:
            errs.add(path, msg("cannot read the folder: {reason}", reason=reason(exc)), READ)
        if not items and not errs.items:
            errs.add(path, msg("no ledgers here: expected .json files or CSV folders with entity.csv"), SHAPE)
        return items

    return collect(build)


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
            ledger.origin,
            msg('the ledger covers "{name}", which the rule set does not declare', name=name),
            code=SHAPE,
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
        "entity": {"id": ledger.id, "name": ledger.name}
        | ({"fictional": True} if ledger.fictional else {})
        | ({"note": ledger.note} if ledger.note else {}),
        "facts": facts,
        "judgements": judgements,
    }


def _encoded(fact: Fact, ft: FactType) -> dict[str, Any]:
    values = fact.values
    return {"id": fact.id} | {
        f.name: encode_value(f.type, values[f.name]) for f in ft.fields if f.name in values
    }
