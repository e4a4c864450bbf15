"""Parquet folders and Arrow tables read as ledgers: the same facts as the JSON they came
from, checked the same way, streamed in entity order; bad files are located errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import protrules
from protrules.facts.columnar import evaluate_parquet, ledgers_from_tables, read_parquet, write_parquet
from protrules.facts.ledgers import FactErrors, ledger_to_mapping, load_ledgers

ROOT = Path(__file__).resolve().parent.parent
RULES = protrules.load_rules(ROOT / "rules" / "changning_2023.prl")
TYPES = RULES.fact_types


@pytest.fixture(scope="module")
def examples() -> list[protrules.Ledger]:
    return sorted(load_ledgers([ROOT / "examples" / "changning"], TYPES), key=lambda ledger: ledger.id)


@pytest.fixture(scope="module")
def folder(examples: list[protrules.Ledger], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("district")
    assert write_parquet(examples, TYPES, path) == len(examples)
    return path


def _plain(ledger: protrules.Ledger) -> object:
    document = ledger_to_mapping(ledger, TYPES)
    return document["entity"], document["facts"], document["judgements"]


def test_a_parquet_folder_holds_the_same_ledgers_as_the_json(
    examples: list[protrules.Ledger], folder: Path
) -> None:
    again = list(read_parquet(folder, TYPES))
    assert [ledger.id for ledger in again] == [ledger.id for ledger in examples]
    for ledger, read in zip(examples, again, strict=True):
        assert _plain(read) == _plain(ledger)
        assert set(read.facts) == set(ledger.facts)  # covered stays covered, unknown stays unknown


def test_results_from_parquet_equal_those_from_json(examples: list[protrules.Ledger], folder: Path) -> None:
    day = RULES.default_as_of()
    want = [(r.entity, r.status, r.verdicts) for r in RULES.evaluate_many(examples, day, checks=False)]
    got = [(r.entity, r.status, r.verdicts) for r in evaluate_parquet(RULES, folder, day, checks=False)]
    assert got == want


def test_a_range_of_entities_reads_only_those(examples: list[protrules.Ledger], folder: Path) -> None:
    ids = [ledger.id for ledger in examples]
    part = [ledger.id for ledger in read_parquet(folder, TYPES, entities=(ids[2], ids[5]))]
    assert part == ids[2:5]


def test_a_process_pool_reads_its_own_parts(examples: list[protrules.Ledger], folder: Path) -> None:
    from concurrent.futures import ProcessPoolExecutor

    day = RULES.default_as_of()
    with ProcessPoolExecutor(2) as pool:
        got = [r.entity for r in evaluate_parquet(RULES, folder, day, executor=pool, part=3, checks=False)]
    assert got == [ledger.id for ledger in examples]


def _refs_by_id(values: dict[str, object]) -> dict[str, object]:
    """A fact's values with each reference (a linked fact, equal only to itself) as its type and id."""
    return {k: (v.type, v.id) if isinstance(v, protrules.Fact) else v for k, v in values.items()}


def _copy(folder: Path, into: Path) -> Path:
    into.mkdir()
    for path in folder.iterdir():
        (into / path.name).write_bytes(path.read_bytes())
    return into


def test_a_bad_value_is_a_located_error(folder: Path, tmp_path: Path) -> None:
    bad = _copy(folder, tmp_path / "bad")
    table = pq.read_table(bad / "meeting.parquet")
    kinds = table.column("kind").to_pylist()
    kinds[0] = "协调会"
    table = table.set_column(table.schema.get_field_index("kind"), "kind", pa.array(kinds))
    pq.write_table(table, bad / "meeting.parquet")
    entity = table.column("entity")[0].as_py()
    with pytest.raises(FactErrors) as info:
        list(read_parquet(bad, TYPES))
    error = info.value.errors[0]
    assert error.location == f"{bad}[{entity}]:/facts/meeting/0/kind"
    assert 'did you mean "协调会议"' in error.message


def _rewrite(bad: Path, name: str, change: object) -> str:
    table = pq.read_table(bad / f"{name}.parquet")
    pq.write_table(change(table), bad / f"{name}.parquet")  # type: ignore[operator]
    return str(table.column("entity")[0].as_py())


def test_an_undeclared_column_and_a_missing_one_are_located_errors(folder: Path, tmp_path: Path) -> None:
    bad = _copy(folder, tmp_path / "columns")
    entity = _rewrite(bad, "meeting", lambda t: t.append_column("topics", pa.array(["x"] * t.num_rows)))
    _rewrite(bad, "venue", lambda t: t.drop_columns(["kind"]))
    with pytest.raises(FactErrors) as info:
        list(read_parquet(bad, TYPES))
    found = {(e.location, e.message.split(":")[0].split(";")[0]) for e in info.value.errors}
    assert (f"{bad}[{entity}]:/facts/meeting/0/topics", 'unknown field "topics" of meeting') in found
    assert any(where.startswith(f"{bad}[{entity}]:/facts/venue/") and what.startswith("missing field")
               for where, what in found)  # fmt: skip


def test_a_missing_optional_column_is_absent_and_facts_pickle_as_their_type(
    examples: list[protrules.Ledger], folder: Path, tmp_path: Path
) -> None:
    import pickle

    optional = next(f.name for f in TYPES["meeting"].fields if f.optional)
    bad = _copy(folder, tmp_path / "optional")
    _rewrite(bad, "meeting", lambda t: t.drop_columns([optional]))
    first = next(read_parquet(bad, TYPES))
    meeting = first.facts["meeting"][0]
    assert optional not in meeting.values and _refs_by_id(meeting.values) == {
        k: v for k, v in _refs_by_id(examples[0].facts["meeting"][0].values).items() if k != optional
    }
    again = pickle.loads(pickle.dumps(meeting))
    assert type(again) is type(examples[0].facts["meeting"][0])
    assert _refs_by_id(again.values) == _refs_by_id(meeting.values)
    assert again.origin == meeting.origin == f"{bad}[{first.id}]:/facts/meeting/0"


def test_a_date_no_python_date_can_hold_is_a_located_error(folder: Path, tmp_path: Path) -> None:
    """Arrow's dates reach far past the year 9999; such a day is reported, not a traceback."""
    bad = _copy(folder, tmp_path / "far")

    def far(table: pa.Table) -> pa.Table:
        days = table.column("date").cast(pa.int32()).to_pylist()
        days[0] = 3_000_000  # about the year 10183
        column = pa.array(days, pa.int32()).cast(pa.date32())
        return table.set_column(table.schema.get_field_index("date"), "date", column)

    entity = _rewrite(bad, "meeting", far)
    with pytest.raises(FactErrors) as info:
        list(read_parquet(bad, TYPES))
    error = info.value.errors[0]
    assert error.location == f"{bad}[{entity}]:/facts/meeting/0/date" and "expected a date" in error.message


def test_text_that_is_not_utf8_is_a_located_error(folder: Path, tmp_path: Path) -> None:
    bad = _copy(folder, tmp_path / "bytes")

    def mojibake(table: pa.Table) -> pa.Table:
        titles = [t.encode() for t in table.column("topic").cast(pa.string()).fill_null("").to_pylist()]
        titles[0] = "会议".encode("gbk")
        column = pa.array(titles, pa.binary()).cast(pa.string(), safe=False)
        return table.set_column(table.schema.get_field_index("topic"), "topic", column)

    _rewrite(bad, "meeting", mojibake)
    with pytest.raises(FactErrors) as info:
        list(read_parquet(bad, TYPES))
    error = info.value.errors[0]
    assert error.location.startswith(f"{bad / 'meeting.parquet'}:rows 1–") and "not UTF-8" in error.message


def test_repeated_values_are_made_once_and_nulls_stay_absent(
    examples: list[protrules.Ledger], folder: Path
) -> None:
    """Dates, enumerations and repeated text are one object per distinct value (memory and time
    for a district); an optional field's null is still an absent value."""
    ledgers = list(read_parquet(folder, TYPES))
    assert [_plain(x) for x in ledgers] == [_plain(x) for x in examples]
    meetings = [m for ledger in ledgers for m in ledger.facts["meeting"]]
    days = {m.get("date") for m in meetings}
    assert len({id(m.get("date")) for m in meetings}) == len(days)
    kinds = {m.get("kind") for m in meetings}
    assert len({id(m.get("kind")) for m in meetings}) == len(kinds)


def test_rows_out_of_entity_order_are_an_error(folder: Path, tmp_path: Path) -> None:
    bad = _copy(folder, tmp_path / "unsorted")
    table = pq.read_table(bad / "meeting.parquet")
    pq.write_table(table.take(list(reversed(range(table.num_rows)))), bad / "meeting.parquet")
    with pytest.raises(FactErrors, match="sort every file by entity id"):
        list(read_parquet(bad, TYPES))


def test_an_undeclared_fact_type_file_is_an_error(folder: Path, tmp_path: Path) -> None:
    bad = _copy(folder, tmp_path / "typo")
    (bad / "meeting.parquet").rename(bad / "meetings.parquet")
    with pytest.raises(FactErrors, match='"meetings" is not a declared fact type'):
        list(read_parquet(bad, TYPES))


def test_one_table_with_a_type_column() -> None:
    rules = protrules.load_rules(ROOT / "rules" / "example.prl")
    table = pa.table({
        "entity": ["a", "a", "b"],
        "type": ["meeting", "meeting", "meeting"],
        "id": ["M1", "M2", "M1"],
        "date": pa.array([dt.date(2023, 5, 10), dt.date(2023, 6, 1), dt.date(2023, 7, 1)], pa.date32()),
        "kind": ["协调会议", "专题会议", "协调会议"],
        "minutes": [True, False, True],
    })  # fmt: skip
    ledgers = list(ledgers_from_tables(table, rules.fact_types))
    assert [(ledger.id, [f.id for f in ledger.facts["meeting"]]) for ledger in ledgers] == [
        ("a", ["M1", "M2"]),
        ("b", ["M1"]),
    ]
    assert ledgers[0].facts["meeting"][1].values["date"] == dt.date(2023, 6, 1)


def test_a_folder_without_entity_parquet_is_told_so_in_chinese(folder: Path, tmp_path: Path) -> None:
    bad = _copy(folder, tmp_path / "no-entity")
    (bad / "entity.parquet").unlink()
    with pytest.raises(FactErrors) as info:
        list(read_parquet(bad, TYPES))
    (error,) = info.value.errors
    assert error.message.startswith("no entity.parquet: a Parquet ledger folder needs entity.parquet")
    assert error.message_in("zh").startswith("没有 entity.parquet：Parquet 台账文件夹需要 entity.parquet")
