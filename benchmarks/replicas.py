"""Example ledgers (examples/changning/, examples/demo/) replicated to any number of entities.

The whole Changning standard needs facts of ~40 types; the example streets written by
``examples/changning/generate.py`` have them (about 1 600 facts a street). ``replicated``
yields N entities cycling through those ledgers, each with its own id and name; replicas share
the loaded fact objects (evaluation never changes a fact), so the stream costs no memory per
entity — use :mod:`ledgers` for a stream whose every entity is freshly built.

Ledgers are read with ``protrules.facts.load_ledger`` when protrules has it; otherwise with the
small JSON reader below (enough for the example files: dates, decimals, percentages, durations,
references), so the benchmarks do not depend on the loader's progress.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from protrules.facts.model import Duration, Fact, FactType, Judgement, Kind, Ledger

__all__ = ["example_ledgers", "load", "replicated"]

_UNITS = {
    "working day": "working_days", "working days": "working_days", "个工作日": "working_days",
    "工作日": "working_days", "day": "days", "days": "days", "天": "days", "日": "days",
    "week": "weeks", "weeks": "weeks", "周": "weeks", "month": "months", "months": "months",
    "个月": "months", "月": "months", "quarter": "quarters", "quarters": "quarters",
    "个季度": "quarters", "季度": "quarters", "year": "years", "years": "years", "年": "years",
    "hour": "hours", "hours": "hours", "小时": "hours", "minute": "minutes", "minutes": "minutes",
    "分钟": "minutes",
}  # fmt: skip


def _duration(text: str) -> Duration:
    match = re.fullmatch(r"\s*(\d+)\s*(.+?)\s*", text)
    if match is None or match.group(2) not in _UNITS:
        raise ValueError(f"not a duration: {text!r}")
    return Duration(int(match.group(1)), _UNITS[match.group(2)])


def _value(kind: Kind, raw: Any) -> Any:
    if kind is Kind.DATE:
        return dt.date.fromisoformat(raw)
    if kind is Kind.DECIMAL:
        return Decimal(str(raw))
    if kind is Kind.PERCENTAGE:
        return Decimal(raw.rstrip("%")) / 100 if isinstance(raw, str) else Decimal(str(raw))
    if kind is Kind.DURATION:
        return _duration(raw)
    return raw


def _read_json(path: Path, fact_types: Mapping[str, FactType]) -> Ledger:
    import json

    data = json.loads(path.read_text(encoding="utf-8"))
    facts: dict[str, list[Fact]] = {}
    by_id: dict[tuple[str, str], Fact] = {}
    links: list[tuple[Fact, str, str, str]] = []
    for type_name, records in data["facts"].items():
        declared = fact_types.get(type_name)
        if declared is None:
            continue
        kinds = {f.name: f.type for f in declared.fields}
        out = facts[type_name] = []
        for record in records:
            values: dict[str, Any] = {}
            refs: list[tuple[str, str, str]] = []
            for name, raw in record.items():
                if name == "id" or raw is None or name not in kinds:
                    continue
                field_type = kinds[name]
                if field_type.kind is Kind.FACT:
                    refs.append((name, str(field_type.fact), str(raw)))
                else:
                    values[name] = _value(field_type.kind, raw)
            fact = Fact(type_name, str(record["id"]), values, origin=f"{path.name}:/facts/{type_name}")
            links += [(fact, *ref) for ref in refs]
            by_id[(type_name, fact.id)] = fact
            out.append(fact)
    for fact, name, target, ident in links:
        fact.values[name] = by_id[(target, ident)]
    judgements = tuple(
        Judgement(j["rule"], j["verdict"], j["by"], dt.date.fromisoformat(j["date"]), j.get("note", ""))
        for j in data.get("judgements", ())
    )
    entity = data.get("entity", {})
    return Ledger(
        str(entity.get("id", path.stem)),
        str(entity.get("name", path.stem)),
        {k: tuple(v) for k, v in facts.items()},
        judgements,
        str(path),
    )


def load(path: Path, fact_types: Mapping[str, FactType]) -> Ledger:
    """One ledger, with protrules' own loader if it has one (JSON files and CSV folders)."""
    try:
        from protrules.facts.ledgers import load_ledger  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        if path.is_dir():
            raise
        return _read_json(path, fact_types)
    ledger: Ledger = load_ledger(path, fact_types)
    return ledger


def example_ledgers(folder: Path, fact_types: Mapping[str, FactType]) -> list[Ledger]:
    """Every street ledger in ``folder`` (JSON files; CSV folders too with protrules' loader),
    not the district ledger (``_district.json``: no street; see :func:`with_district`)."""
    found = []
    for path in sorted(folder.iterdir()):
        if path.stem == DISTRICT:
            continue
        if path.suffix == ".json" or (path.is_dir() and (path / "entity.csv").exists()):
            try:
                found.append(load(path, fact_types))
            except ImportError:
                continue
    return found


#: The district ledger's name in a folder of ledgers (protrules.facts.district.DISTRICT).
DISTRICT = "_district"


def with_district(rules: Any, folder: Path) -> Any:
    """``rules`` reading every street with the district ledger of ``folder`` (its
    ``_district.json``), as ``protrules check`` reads a folder; ``rules`` when there is none."""
    path = folder / f"{DISTRICT}.json"
    return rules.with_district(load(path, rules.fact_types)) if path.exists() else rules


def replicated(bases: Sequence[Ledger], n: int) -> Iterator[Ledger]:
    """``n`` entities cycling through ``bases``, each with its own id (facts are shared)."""
    for i in range(n):
        base = bases[i % len(bases)]
        yield Ledger(f"{base.id}-{i:06d}", f"{base.name}#{i}", base.facts, base.judgements, base.origin)


def fact_count(ledger: Ledger) -> int:
    return sum(len(facts) for facts in ledger.facts.values())


def copied(base: Ledger, ident: str, name: str) -> Ledger:
    """A fresh copy of ``base``: new fact objects of the same kind (references re-linked), as
    if read again."""
    new: dict[int, Fact] = {}
    facts: dict[str, tuple[Fact, ...]] = {}
    for type_name, records in base.facts.items():
        out = []
        for fact in records:
            copy = _copy(fact)
            new[id(fact)] = copy
            out.append(copy)
        facts[type_name] = tuple(out)
    for type_name, records in base.facts.items():  # the originals' references, to the copies
        for fact, copy in zip(records, facts[type_name], strict=True):
            for key, value in fact.values.items():
                if isinstance(value, Fact):
                    _set(copy, key, new[id(value)])
    return Ledger(ident, name, facts, base.judgements, base.origin)


def _copy(fact: Fact) -> Fact:
    if type(fact).__name__ == "PlainFact" or not hasattr(fact, "__struct_fields__"):
        return Fact(fact.type, fact.id, dict(fact.values), fact.origin)
    cls = type(fact)  # a typed fact: the same class, its own object, the same values
    copy: Fact = cls.__new__(cls)
    for name in (*cls.__struct_fields__, "_o", "_i"):
        value = getattr(fact, name, _UNSET)
        if value is not _UNSET:
            setattr(copy, name, value)
    return copy


_UNSET = object()


def _set(fact: Fact, key: str, value: Fact) -> None:
    if hasattr(fact, "__struct_fields__"):
        from protrules.facts.model import field_attribute

        setattr(fact, field_attribute(key), value)
    else:
        fact.values[key] = value


def fresh(bases: Sequence[Ledger], n: int) -> Iterator[Ledger]:
    """Like :func:`replicated`, but every entity is a fresh copy (memory per entity is real)."""
    for i in range(n):
        base = bases[i % len(bases)]
        yield copied(base, f"{base.id}-{i:06d}", f"{base.name}#{i}")


def parquet_folder(
    bases: Sequence[Ledger], n: int, folder: Path, fact_types: Mapping[str, FactType]
) -> Path:
    """A Parquet folder (``protrules.facts.columnar``) of ``n`` entities cycling through
    ``bases`` (entity ``e000000`` is a copy of the first base, and so on), written in row
    groups of 100 entities (about 140 000 facts) so that neither writing nor reading holds
    the district: a reader holds one row group of each file."""
    import tempfile

    import pyarrow as pa
    import pyarrow.parquet as pq

    from protrules.facts.columnar import write_parquet

    with tempfile.TemporaryDirectory() as scratch:
        write_parquet(bases, fact_types, scratch)
        tables = {p.name: pq.read_table(p) for p in Path(scratch).glob("*.parquet")}
    folder.mkdir(parents=True, exist_ok=True)
    order = sorted(b.id for b in bases)
    for name, table in tables.items():
        key = "id" if name == "entity.parquet" else "entity"
        per_base = {b: table.filter(pa.compute.equal(table.column(key), b)) for b in order}
        with pq.ParquetWriter(folder / name, table.schema) as writer:
            for start in range(0, n, 100):
                chunk = []
                for i in range(start, min(n, start + 100)):
                    part = per_base[order[i % len(order)]]
                    ident = pa.array([f"e{i:06d}"] * part.num_rows, pa.string())
                    part = part.set_column(part.schema.get_field_index(key), key, ident)
                    if name == "entity.parquet":
                        names = pa.array([f"{n_}#{i}" for n_ in part.column("name").to_pylist()])
                        part = part.set_column(part.schema.get_field_index("name"), "name", names)
                    chunk.append(part)
                writer.write_table(pa.concat_tables(chunk))
    return folder
