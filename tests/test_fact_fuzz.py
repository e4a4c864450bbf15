"""Mutated real ledgers (JSON files and the CSV folder) load or raise protrules' own errors,
never anything else, and the files read are never changed."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import protrules
from protrules.facts import FactErrors, load_ledger

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
