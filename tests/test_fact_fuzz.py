"""Mutated real ledgers (JSON files and the CSV folder) load or raise protrules' own errors,
never anything else, and the files read are never changed."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import protrules
from protrules.facts.ledgers import FactErrors, load_ledger

ROOT = Path(__file__).resolve().parent.parent
RULES = protrules.load_rules(ROOT / "rules" / "changning_2023.prl")
JSON_FILES = sorted((ROOT / "examples" / "changning").glob("*.json"))
CSV_FOLDER = ROOT / "examples" / "changning" / "xinjing"
NOISE = [b"", b"\x00", b"\xff\xfe", b"\xe5\xb9\xb4", b'"', b",", b"{", b"]", b"2023-02-30", b"\xef\xbc\x92",
         b"1e999", b"99999999999999999999999", b"null", b"true", b"\n", b"\xef\xbb\xbf", b"-"]


def _mutate(data: bytes, draw: st.DrawFn) -> bytes:
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["delete", "insert", "truncate", "flip"]))
        if action == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 30)) :]
        elif action == "insert":
            data = data[:at] + draw(st.sampled_from(NOISE)) + data[at:]
        elif action == "truncate":
            data = data[:at]
        elif data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([data[at] ^ (1 << draw(st.integers(0, 7)))]) + data[at + 1 :]
    return data


def _load(path: Path) -> None:
    try:
        load_ledger(path, RULES.fact_types)
    except FactErrors as errors:
        assert errors.errors and str(errors)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_mutated_json_ledgers_only_raise_fact_errors(tmp_path_factory: object, data: st.DataObject) -> None:
    source = data.draw(st.sampled_from(JSON_FILES))
    folder = Path(str(tmp_path_factory.mktemp("json")))  # type: ignore[attr-defined]
    path = folder / source.name
    path.write_bytes(_mutate(source.read_bytes(), data.draw))
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    _load(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_mutated_csv_ledgers_only_raise_fact_errors(tmp_path_factory: object, data: st.DataObject) -> None:
    folder = Path(str(tmp_path_factory.mktemp("csv"))) / "xinjing"  # type: ignore[attr-defined]
    shutil.copytree(CSV_FOLDER, folder)
    victim = data.draw(st.sampled_from(sorted(folder.glob("*.csv"))))
    victim.write_bytes(_mutate(victim.read_bytes(), data.draw))
    _load(folder)


RAW = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**19), 10**19),
    st.sampled_from(["", "x", "2023-04-01", "2023-02-30", "2023-4-1", "3 months", "30个工作日", "50%", "12"]),
    st.sampled_from(["协调会议", "有记录", "入职查询", "学校", "E1", "高"]),
    st.text(max_size=5),
)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_the_fast_record_path_accepts_only_what_the_full_check_accepts(data: st.DataObject) -> None:
    """A JSON record is first decoded in one pass; anything that pass is unsure of goes to the
    full check. Whenever the pass answers, the full check must give the same id and values and
    find nothing wrong."""
    from protrules.facts.decoders import fast_record
    from protrules.facts.problems import Errors as _Errors
    from protrules.facts.validation import json_record as _json_record

    ft = data.draw(st.sampled_from(sorted(RULES.fact_types.values(), key=lambda t: t.name)))
    fields = {f.name: f for f in ft.fields}
    record: dict[str, object] = {"id": data.draw(st.one_of(st.just("R1"), RAW), label="id")}
    for name, f in fields.items():  # most values right for their type, some of anything
        if data.draw(st.integers(0, 9), label=f"{name}?") < 7:
            record[name] = _valid(f)
        elif data.draw(st.booleans(), label=f"{name} kept"):
            record[name] = data.draw(RAW, label=name)
    if data.draw(st.integers(0, 9), label="extra?") == 0:
        record["extra"] = "x"
    quick = fast_record(ft)(record)
    errs = _Errors()
    full = _json_record(ft, record, "/r", lambda pointer: pointer, errs)
    if quick is not None:
        assert not errs.items
        assert full is not None and (full[0], full[1]) == quick


def _valid(f: Any) -> object:
    from decimal import Decimal

    from protrules.facts.model import Kind

    kind = f.type.kind
    if kind is Kind.ENUM:
        return f.type.members[0]
    return {
        Kind.TEXT: "x", Kind.FACT: "E1", Kind.DATE: "2023-04-01", Kind.BOOLEAN: True, Kind.INTEGER: 3,
        Kind.DECIMAL: Decimal("2.5"), Kind.PERCENTAGE: "50%", Kind.DURATION: "3 months",
    }[kind]  # fmt: skip


def test_every_record_of_the_example_streets_takes_the_fast_path() -> None:
    import json

    from protrules.facts.decoders import fast_record

    for path in sorted((ROOT / "examples" / "changning").glob("*.json")):
        tables = json.loads(path.read_text(encoding="utf-8"))["facts"]
        for name, records in tables.items():
            fast = fast_record(RULES.fact_types[name])
            assert all(fast(record) is not None for record in records), (path.name, name)


def _snapshot(ledger: Any) -> Any:
    def value(v: Any) -> Any:
        return ("ref", v.type, v.id) if isinstance(v, protrules.Fact) else (type(v).__name__, v)

    facts = {
        name: [(f.id, f.origin, {k: value(v) for k, v in f.values.items()}) for f in items]
        for name, items in ledger.facts.items()
    }
    return ledger.id, ledger.name, ledger.origin, facts, ledger.judgements


KEYS = [b'"id": "M001", ', b'"date": "2023-05-10", ', b'"topic": null, ', b'"topic": "x", ', b'"a\\":": 1, ',
        b'"note": "a: b", ', b'"note": "\\u003a", ']


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_what_the_whole_ledger_fast_path_accepts_the_full_check_accepts_alike(data: st.DataObject) -> None:
    """Mutated JSON ledgers (bytes flipped, keys duplicated): whenever msgspec's path gives a
    ledger, the full check gives the same one, to every value and origin; a duplicated key
    always goes to the full check."""
    import json

    from protrules.facts import fast
    from protrules.facts.problems import collect as _collect
    from protrules.facts.validation import from_tree as _from_tree
    from protrules.facts.validation import parse_json as _parse_json

    source = data.draw(st.sampled_from(JSON_FILES))
    raw = source.read_bytes()
    if data.draw(st.booleans(), label="insert a key"):
        starts = [i + 1 for i, byte in enumerate(raw) if byte == ord("{")]
        at = data.draw(st.sampled_from(starts), label="where")
        raw = raw[:at] + data.draw(st.sampled_from(KEYS), label="key") + raw[at:]
    else:
        raw = _mutate(raw, data.draw)
    ledger = fast.from_json(raw, RULES.fact_types, "x.json")
    if ledger is None:
        return
    text = raw.decode("utf-8")
    assert json.loads(text)  # valid JSON

    def full(errs: Any) -> Any:
        tree, scan = _parse_json(text, "x.json", errs)
        return _from_tree(tree, RULES.fact_types, "x.json", errs, scan=scan)

    assert _snapshot(_collect(full)) == _snapshot(ledger)
