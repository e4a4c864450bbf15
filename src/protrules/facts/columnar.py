"""Ledgers from Arrow and Parquet tables, entity by entity (``pip install 'protrules[parquet]'``).

A district's facts often sit in columnar files, one table per fact type with an ``entity``
column, as a data warehouse exports them. :func:`read_parquet` streams such a folder as
:class:`~protrules.facts.model.Ledger` objects, one entity at a time, reading each file a
row group at a time and making Python values only for the entity at hand, so memory holds a
row group per file (columnar, compact) and one entity, never the district; each
entity's rows go through :func:`~protrules.facts.ledgers.ledger_from_mapping`, so they are
checked exactly as a JSON ledger is (types, real dates, ids, references), with a located error.

The folder (docs/facts.md, "Parquet and Arrow"):

- ``entity.parquet``: the columns ``id`` and ``name``, one row per entity, and optionally
  ``covers`` (a list of fact type names: the types this entity's ledger covers), ``fictional``
  and ``note`` (an example entity's mark, docs/facts.md);
- ``<fact type>.parquet`` for each covered fact type: ``entity``, ``id`` and the declared
  fields (an optional field's column may be left out; a null is an absent value);
- ``judgements.parquet`` (optional): ``entity``, ``rule``, ``verdict``, ``by``, ``date``, ``note``.

Every file is sorted by entity id (as text), so the files can be read side by side; a row
out of order, or for an entity ``entity.parquet`` does not list, is an error. A fact type
whose file is there is covered for every entity (an entity without rows had none) unless
``covers`` says otherwise; one whose file is not is not covered. Arrow types: ``date32`` for
dates, ``int64``, ``decimal128`` or ``double`` for numbers, ``bool``, ``string`` for the rest.

:func:`evaluate_parquet` evaluates such a folder, serially or with an executor (a process
pool, Dask's ``Client.get_executor()``): the parent reads only ``entity.parquet``'s ids and
sends each worker a range of them; the worker reads its rows itself, with Parquet's row-group
statistics skipping the rest.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import os
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Executor
from typing import Any, Final, Protocol

from protrules.errors import ProtrulesError
from protrules.facts import fast
from protrules.facts.ledgers import FactError, FactErrors, bounded, ledger_from_mapping
from protrules.facts.model import FactType, Kind, Ledger
from protrules.facts.problems import SHAPE
from protrules.i18n import Text, msg


class RuleSet(Protocol):
    """What :func:`evaluate_parquet` needs of a rule set (``protrules.RuleSet``; named by its
    shape because the facts stage comes before the compiling stage)."""

    @property
    def fact_types(self) -> Mapping[str, FactType]: ...

    def default_as_of(self) -> dt.date: ...

    def evaluate_many(
        self, ledgers: Iterable[Ledger], as_of: dt.date | None = None, *, checks: bool = True
    ) -> Iterator[Any]: ...


EntityResult = Any  # protrules.EntityResult

__all__ = ["evaluate_parquet", "ledgers_from_tables", "parquet_parts", "read_parquet", "write_parquet"]

BATCH: Final = 1024  # rows a file is read in at a time (Arrow's columns, not Python objects)
_OTHER: Final = ("entity.parquet", "judgements.parquet")


def _arrow() -> Any:
    try:
        import pyarrow.parquet as pq  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - the extra is not installed
        raise ProtrulesError(
            msg("reading Parquet needs pyarrow: pip install 'protrules[parquet]'"), code="PRL401"
        ) from None
    return pq


class _Groups:
    """One file's rows as (entity, rows) groups, in file order, checking the order.

    For a fact type's file whose columns are all declared fields, each row is a tuple in the
    order of the type's row class (:func:`~protrules.facts.typed.row_class`), made from the
    batch's columns at C speed; otherwise (judgements, or a file with a column the type does
    not declare, which the full check must report) each row is a dict, as Arrow makes it.
    """

    def __init__(self, path: str, batches: Iterable[Any], ft: FactType | None = None) -> None:
        self.path = path
        self.batches = iter(batches)
        self.fields = None if ft is None else ("id", *(f.name for f in ft.fields))  # the row order
        # columns whose values repeat (enumerations, references): made once per distinct value
        self.shared = frozenset() if ft is None else frozenset(
            f.name for f in ft.fields if f.type.kind in (Kind.ENUM, Kind.FACT)
        )
        self.entities: list[Any] = []
        self.rows: list[Any] = []  # the current record batch's rows, without the entity
        self.present: tuple[int, ...] | None = None  # rows are tuples: the positions of the file's columns
        self.at = 0  # the next row of the current batch
        self.row = 1  # rows are numbered from 1 in the file, for messages
        self.last: str | None = None
        self.in_order = True  # the current batch's entity ids are text in order
        self.done = False
        self._fill()

    def _fill(self) -> None:
        import pyarrow.types as types  # type: ignore[import-untyped]

        while self.at >= len(self.entities):
            batch = next(self.batches, None)
            if batch is None:
                self.done = True
                return
            if "entity" not in batch.schema.names:
                raise _error(self.path, msg('no "entity" column: each row says which entity it belongs to'))
            column = batch.column("entity")
            text = types.is_string(column.type) or types.is_large_string(column.type)
            try:
                self.entities = entities = _values(column, text)
                self.in_order = text and column.null_count == 0 and entities == sorted(entities)
                self.at = 0
                # Python values made for the whole batch at once (Arrow's cost per call, paid per
                # entity's slice, was as much again as the values), as rows of tuples where it can.
                batch = batch.drop_columns(["entity"])
                names, fields = batch.schema.names, self.fields
                if fields is not None and len(set(names)) == len(names) and set(names) <= set(fields):
                    pairs = zip(names, batch.columns, strict=True)
                    columns = {name: _values(c, name in self.shared) for name, c in pairs}
                    nones = [None] * len(entities)
                    self.rows = list(zip(*(columns.get(name, nones) for name in fields), strict=True))
                    self.present = tuple(i for i, name in enumerate(fields) if name in columns)
                else:
                    self.rows, self.present = _texts(batch).to_pylist(), None
            except UnicodeDecodeError:
                raise _error(
                    f"{self.path}:rows {self.row}–{self.row + batch.num_rows - 1}",
                    msg("text that is not UTF-8: write text columns as UTF-8"),
                ) from None

    def as_dicts(self, rows: list[Any]) -> list[Any]:
        """Rows as the dicts Arrow would have made (only the file's columns)."""
        if self.present is None or self.fields is None:
            return rows
        names = [self.fields[i] for i in self.present]
        return [dict(zip(names, (row[i] for i in self.present), strict=True)) for row in rows]

    def peek(self) -> str | None:
        return None if self.done else self.entities[self.at]

    def take(self, entity: str) -> list[dict[str, Any]]:
        """The rows of ``entity`` if they come next (else none), checking entity order."""
        taken: list[dict[str, Any]] = []
        while not self.done and self.entities[self.at] == entity:
            # a batch is sorted by entity: the entity's rows end where a bisection says
            end = bisect.bisect_right(self.entities, entity, self.at) if self.in_order else self.at + 1
            taken += self.rows[self.at : end]
            self.row += end - self.at
            self.at = end
            if self.at >= len(self.entities):
                self._fill()
        self.last = entity if taken else self.last
        upcoming = self.peek()
        if upcoming is not None and (not isinstance(upcoming, str) or upcoming <= entity):
            raise _error(
                f"{self.path}:row {self.row}",
                msg(
                    "rows for the entity {upcoming} come after those of {entity}, or entity.parquet does"
                    " not list it: sort every file by entity id and list every entity in entity.parquet",
                    upcoming=repr(upcoming),
                    entity=repr(entity),
                ),
            )
        return taken


def _values(column: Any, shared: bool) -> list[Any]:
    """An Arrow column's Python values, each distinct value made once where values repeat.

    Dates always (:func:`_dates`). Other columns through Arrow's dictionary encoding (a hash a
    value, at C speed), then the distinct values made and looked up at C speed: about a third
    of making each value, and memory holds each once. ``shared`` marks the columns whose values
    repeat in any district (enumerations, references); any other text column is shared when at
    most half its values in the batch are distinct (each street numbering its records ``M001``…,
    units and titles repeated), else made value by value (the encoding's hash is then lost).
    """
    import pyarrow.types as types

    kind = column.type
    if types.is_date(kind):
        return _dates(column)
    if not (shared or types.is_string(kind) or types.is_large_string(kind)):
        values: list[Any] = column.to_pylist()
        return values
    encoded = column.dictionary_encode()
    if not shared and 2 * len(encoded.dictionary) > len(column):
        values = column.to_pylist()
        return values
    distinct = encoded.dictionary.to_pylist()
    indices = encoded.indices
    if indices.null_count:
        indices = indices.fill_null(len(distinct))
        distinct.append(None)
    return list(map(distinct.__getitem__, indices.to_pylist()))


def _dates(column: Any) -> list[Any]:
    """A date column's values as ``datetime.date`` objects, one per day for the process: Arrow
    makes each date through a slow path of its own (1.5 µs a value); its day numbers come at
    C speed and are looked up here (40 ns a value). A day no ``datetime.date`` can hold (Arrow's
    dates reach far beyond the year 9999) becomes Arrow's text of it, which the fact classes
    refuse and the full check reports."""
    import pyarrow as pa

    days = column.cast(pa.date32()).cast(pa.int32()).to_pylist()
    try:
        return list(map(_DAYS.__getitem__, days))
    except KeyError:
        pass
    if len(_DAYS) > 50_000:  # a district of dates beyond a century and a half: made each time
        return [_DAYS[d] if d in _DAYS else _day(d) for d in days]
    for day in set(days).difference(_DAYS):
        _DAYS[day] = _day(day)
    return list(map(_DAYS.__getitem__, days))


def _day(number: int) -> Any:
    """Arrow's day number as a date, or as Arrow's text of it when no date can hold it."""
    try:
        return _EPOCH + dt.timedelta(days=number)
    except OverflowError:
        import pyarrow as pa

        return pa.array([number], pa.int32()).cast(pa.date32()).cast(pa.string())[0].as_py()


_EPOCH: Final = dt.date(1970, 1, 1)
_DAYS: dict[int | None, Any] = {None: None}


def _texts(batch: Any) -> Any:
    """The batch with its date columns as ISO text, which the fact classes read in C: Arrow
    makes each ``datetime.date`` through a slow path of its own (0.6 µs a value, against 0.05
    for the text)."""
    import pyarrow as pa

    if any(pa.types.is_date(t) for t in batch.schema.types):
        columns = [c.cast(pa.string()) if pa.types.is_date(c.type) else c for c in batch.columns]
        batch = pa.RecordBatch.from_arrays(columns, names=batch.schema.names)
    return batch


def _rows(batch: Any) -> list[dict[str, Any]]:
    """A record batch as a list of dicts, one per row."""
    rows: list[dict[str, Any]] = _texts(batch).to_pylist()
    return rows


def _error(where: str, message: Text) -> FactErrors:
    return FactErrors([FactError(where, message, code=SHAPE)])


def read_parquet(
    folder: str | os.PathLike[str],
    schema: Mapping[str, FactType],
    *,
    entities: tuple[str | None, str | None] = (None, None),
) -> Iterator[Ledger]:
    """The ledgers of a folder of Parquet files (see the module doc), one entity at a time.

    ``entities=(lo, hi)`` reads only the entities whose id is ``>= lo`` and ``< hi`` (either
    may be None), reading only the row groups that can hold them. Raises
    :class:`~protrules.facts.FactErrors` for a bad file or a bad entity, when its turn comes.
    """
    pq = _arrow()
    root = os.fspath(folder)
    lo, hi = entities
    filters = [("entity", ">=", lo)] if lo is not None else []
    filters += [("entity", "<", hi)] if hi is not None else []
    names = sorted(os.listdir(root)) if os.path.isdir(root) else []
    if "entity.parquet" not in names:
        raise _error(root, msg("no entity.parquet: a Parquet ledger folder needs entity.parquet (id, name)"))
    unknown = [n for n in names if n.endswith(".parquet") and n not in _OTHER and n[:-8] not in schema]
    if unknown:
        message = msg('"{name}" is not a declared fact type', name=unknown[0][:-8])
        raise _error(os.path.join(root, unknown[0]), message)

    def batches(name: str, key: str) -> Iterator[Any]:
        path = os.path.join(root, name)
        try:
            file = pq.ParquetFile(path, pre_buffer=False, memory_map=True)
        except Exception as exc:  # pyarrow's errors name no common base
            raise _error(path, msg("cannot read the Parquet file: {reason}", reason=str(exc))) from None
        if not (lo is None and hi is None):
            table = pq.read_table(path, filters=[(key, op, value) for _, op, value in filters] or None)
            yield from table.to_batches(BATCH)
            return
        yield from file.iter_batches(batch_size=BATCH, use_threads=False)

    tables = {n[:-8]: _Groups(os.path.join(root, n), batches(n, "entity"), schema[n[:-8]])
              for n in names if n.endswith(".parquet") and n[:-8] in schema}  # fmt: skip
    judged = _Groups(os.path.join(root, "judgements.parquet"), batches("judgements.parquet", "entity")) if (
        "judgements.parquet" in names
    ) else None
    entity_path = os.path.join(root, "entity.parquet")
    previous: str | None = None
    row = 0
    for batch in batches("entity.parquet", "id"):
        for entity in _rows(batch):
            row += 1
            ident = entity.get("id")
            if not isinstance(ident, str) or (previous is not None and ident <= previous):
                message = msg("expected entity ids as text, sorted, each once")
                raise _error(f"{entity_path}:row {row}", message)
            previous = ident
            covers = entity.pop("covers", None)
            facts = {name: groups.take(ident) for name, groups in tables.items()}
            if covers is not None:  # the fact types this entity's ledger covers
                facts = {name: rows for name, rows in facts.items() if name in covers or rows}
            document: dict[str, Any] = {"entity": entity, "facts": facts}
            if judged is not None:
                document["judgements"] = judged.take(ident)
            yield _ledger(document, tables, schema, f"{root}[{ident}]")
    for groups in (*tables.values(), judged):
        if groups is not None and not groups.done:
            message = msg(
                "rows for the entity {entity}, which entity.parquet does not list", entity=repr(groups.peek())
            )
            raise _error(f"{groups.path}:row {groups.row}", message)


def _ledger(
    document: dict[str, Any], tables: Mapping[str, _Groups], schema: Mapping[str, FactType], origin: str
) -> Ledger:
    """The ledger of one entity's rows: straight from the rows when they are tuples and all is
    well, else through ``ledger_from_mapping`` as dicts (which says what is wrong)."""
    facts = document["facts"]
    if all(tables[name].present is not None for name in facts):
        bounded(sum(map(len, facts.values())), origin)
        ledger = fast.from_rows(document, schema, origin)
        if ledger is not None:
            return ledger
    document["facts"] = {name: tables[name].as_dicts(rows) for name, rows in facts.items()}
    return ledger_from_mapping(document, schema, origin=origin)


def ledgers_from_tables(
    table: Any, schema: Mapping[str, FactType], *, entities: Any = None, origin: str = "<arrow>"
) -> Iterator[Ledger]:
    """Ledgers from one Arrow table with ``entity`` and ``type`` columns (a row per fact: its
    ``id`` and its type's fields; the other types' columns null), sorted by entity.

    ``entities`` is an optional table of ``id`` and ``name`` (else an entity's name is its id).
    A fact type that appears anywhere in the table is covered for every entity.
    """
    names: dict[str, str] = {}
    if entities is not None:
        names = dict(zip(entities.column("id").to_pylist(), entities.column("name").to_pylist(), strict=True))
    covered = sorted(set(table.column("type").to_pylist()))
    current: str | None = None
    facts: dict[str, list[dict[str, Any]]] = {}
    for number, row in enumerate((r for batch in table.to_batches() for r in _rows(batch)), start=1):
        entity, kind = row.pop("entity"), row.pop("type")
        if entity != current:
            if current is not None:
                yield _from_rows(current, names, facts, schema, origin)
            if current is not None and (not isinstance(entity, str) or entity < current):
                raise _error(f"{origin}:row {number}", msg("expected rows sorted by entity id"))
            current, facts = entity, {name: [] for name in covered}
        facts.setdefault(kind, []).append({k: v for k, v in row.items() if v is not None})
    if current is not None:
        yield _from_rows(current, names, facts, schema, origin)


def _from_rows(
    entity: str, names: Mapping[str, str], facts: dict[str, list[dict[str, Any]]],
    schema: Mapping[str, FactType], origin: str,
) -> Ledger:  # fmt: skip
    document = {"entity": {"id": entity, "name": names.get(entity, entity)}, "facts": facts}
    return ledger_from_mapping(document, schema, origin=f"{origin}[{entity}]")


def parquet_parts(folder: str | os.PathLike[str], size: int = 256) -> list[tuple[str | None, str | None]]:
    """Ranges of entity ids, about ``size`` entities each, that together cover the folder:
    from entity.parquet's ``id`` column alone."""
    pq = _arrow()
    ids = pq.read_table(os.path.join(os.fspath(folder), "entity.parquet"), columns=["id"]).column("id")
    values = ids.to_pylist()
    bounds: list[str | None] = [None, *values[size::size], None]
    return list(itertools.pairwise(bounds))


def _evaluate_part(
    rules: RuleSet, folder: str, part: tuple[str | None, str | None], as_of: dt.date, checks: bool
) -> list[EntityResult] | ProtrulesError:
    try:
        return list(rules.evaluate_many(read_parquet(folder, rules.fact_types, entities=part), as_of,
                                        checks=checks))  # fmt: skip
    except ProtrulesError as error:
        return error


def evaluate_parquet(
    rules: RuleSet,
    folder: str | os.PathLike[str],
    as_of: dt.date | None = None,
    *,
    executor: Executor | None = None,
    part: int = 256,
    checks: bool = True,
) -> Iterator[EntityResult]:
    """Every entity of a Parquet folder evaluated, in entity order.

    Serially, the folder is streamed (:func:`read_parquet`). With an executor, the parent
    splits the entity ids into ranges of ``part`` entities (:func:`parquet_parts`) and each
    worker reads and evaluates one range: only the folder's path, the range and the rule set
    travel to it, and the results come back. The first bad ledger raises its
    :class:`~protrules.facts.FactErrors` after the results before it.
    """
    day = as_of or rules.default_as_of()
    root = os.fspath(folder)
    if executor is None:
        yield from rules.evaluate_many(read_parquet(root, rules.fact_types), day, checks=checks)
        return
    parts = parquet_parts(root, part)
    futures = [executor.submit(_evaluate_part, rules, root, p, day, checks) for p in parts]
    for future in futures:
        outcome = future.result()
        if isinstance(outcome, ProtrulesError):
            raise outcome
        yield from outcome


def write_parquet(
    ledgers: Iterable[Ledger], schema: Mapping[str, FactType], folder: str | os.PathLike[str],
    *, row_group: int = 65536,
) -> int:  # fmt: skip
    """Write ledgers as a Parquet folder :func:`read_parquet` reads (sorted by entity id);
    returns the number of entities. For generators, tests and benchmarks; holds the rows of
    every ledger until it writes, so it is for moderate sizes."""
    import pyarrow as pa

    from protrules.facts.ledgers import ledger_to_mapping
    from protrules.facts.model import Kind

    pq = _arrow()
    root = os.fspath(folder)
    os.makedirs(root, exist_ok=True)
    documents = sorted((ledger_to_mapping(ledger, schema) for ledger in ledgers), key=_entity_id)
    arrow = {Kind.DATE: pa.date32(), Kind.INTEGER: pa.int64(), Kind.DECIMAL: pa.float64(),
             Kind.BOOLEAN: pa.bool_()}  # fmt: skip
    entity = pa.table({
        "id": [d["entity"]["id"] for d in documents], "name": [d["entity"]["name"] for d in documents],
        "covers": [sorted(d["facts"]) for d in documents],
    } | {  # marked as example data: written when any entity is
        key: [d["entity"].get(key, empty) for d in documents]
        for key, empty in (("fictional", False), ("note", ""))
        if any(key in d["entity"] for d in documents)
    })  # fmt: skip
    pq.write_table(entity, os.path.join(root, "entity.parquet"), row_group_size=row_group)
    for name, ft in schema.items():
        rows = [(d["entity"]["id"], r) for d in documents for r in d["facts"].get(name, ())]
        if not any(name in d["facts"] for d in documents):
            continue
        columns: dict[str, Any] = {"entity": pa.array([e for e, _ in rows], pa.string()),
                                   "id": pa.array([r["id"] for _, r in rows], pa.string())}  # fmt: skip
        for f in ft.fields:
            values = [r.get(f.name) for _, r in rows]
            if f.type.kind is Kind.DATE:
                values = [None if v is None else dt.date.fromisoformat(v) for v in values]
            columns[f.name] = pa.array(values, arrow.get(f.type.kind, pa.string()))
        pq.write_table(pa.table(columns), os.path.join(root, f"{name}.parquet"), row_group_size=row_group)
    judged = [(d["entity"]["id"], j) for d in documents for j in d["judgements"]]
    if judged:
        table = pa.table({
            "entity": [e for e, _ in judged], "rule": [j["rule"] for _, j in judged],
            "verdict": [j["verdict"] for _, j in judged], "by": [j["by"] for _, j in judged],
            "date": pa.array([dt.date.fromisoformat(j["date"]) for _, j in judged], pa.date32()),
            "note": [j.get("note") for _, j in judged],
        })  # fmt: skip
        pq.write_table(table, os.path.join(root, "judgements.parquet"), row_group_size=row_group)
    return len(documents)



def _entity_id(document: Mapping[str, Any]) -> str:
    return str(document["entity"]["id"])
