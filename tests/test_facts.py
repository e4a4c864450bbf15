"""Loading ledgers (protrules.facts): the good fixtures, every bad one, and properties.

The bad fixtures under tests/data/facts/bad/ each get exactly the errors written in
tests/data/facts/expected_errors.txt, which doubles as the catalogue of messages a clerk
sees. Refresh it with ``PROTRULES_UPDATE_GOLDEN=1 pytest tests/test_facts.py`` and review
the diff.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protrules.errors import ProtrulesError
from protrules.facts.ledgers import (
    MAX_ERRORS,
    FactError,
    FactErrors,
    ledger_from_json,
    ledger_from_mapping,
    ledger_to_mapping,
    load_ledger,
    load_ledgers,
)
from protrules.facts.model import (
    DURATION_UNITS,
    Duration,
    Fact,
    FactType,
    FieldDecl,
    Judgement,
    Kind,
    Ledger,
    Type,
)
from tests.goldens import UPDATE

DATA = Path(__file__).parent / "data" / "facts"
EXPECTED = DATA / "expected_errors.txt"
#: The same table in each language: the English one and the Chinese one beside it.
EXPECTED_IN = {"en": EXPECTED, "zh": DATA / "expected_errors.zh.txt"}


def _f(name: str, kind: Kind, title: str, optional: bool = False, **type_args: Any) -> FieldDecl:
    return FieldDecl(name, Type(kind, **type_args), optional, title)


SCHEMA: dict[str, FactType] = {
    "meeting": FactType(
        "meeting",
        "会议",
        (
            _f("date", Kind.DATE, "召开日期"),
            _f("kind", Kind.ENUM, "会议类型", members=("协调会议", "专题会议")),
            _f("minutes", Kind.BOOLEAN, "是否形成纪要"),
            _f("note", Kind.TEXT, "备注", optional=True),
        ),
    ),
    "staff": FactType(
        "staff",
        "工作人员",
        (
            _f("name", Kind.TEXT, "姓名"),
            _f("appointed", Kind.DATE, "任职日期"),
            _f("weekly_hours", Kind.INTEGER, "每周工作小时"),
            _f("area", Kind.TEXT, "负责片区", optional=True),
        ),
    ),
    "training": FactType(
        "training",
        "培训",
        (
            _f("person", Kind.FACT, "参训人员", fact="staff"),
            _f("date", Kind.DATE, "培训日期"),
            _f("specialist_share", Kind.PERCENTAGE, "专业课程占比"),
            _f("hours", Kind.DECIMAL, "培训时长（小时）"),
            _f("mentor", Kind.FACT, "带教老师", optional=True, fact="staff"),
        ),
    ),
    "case": FactType(
        "case",
        "个案",
        (
            _f("level", Kind.ENUM, "风险等级", members=("高", "中", "低")),
            _f("visit_every", Kind.DURATION, "家访间隔"),
            _f("opened", Kind.DATE, "立案日期"),
        ),
    ),
    "visit": FactType(
        "visit", "家访", (_f("case", Kind.FACT, "个案", fact="case"), _f("date", Kind.DATE, "家访日期"))
    ),
    "incident": FactType(
        "incident", "负面事件", (_f("date", Kind.DATE, "发生日期"), _f("item", Kind.TEXT, "负面清单条目"))
    ),
}


def snapshot(ledger: Ledger) -> tuple[Any, ...]:
    """A ledger as plain data, for equality: references as (type, id), value types kept, no origins."""

    def plain(value: Any) -> Any:
        return ("ref", value.type, value.id) if isinstance(value, Fact) else (type(value).__name__, value)

    facts = {
        name: [(f.type, f.id, {k: plain(v) for k, v in f.values.items()}) for f in items]
        for name, items in ledger.facts.items()
    }
    return ledger.id, ledger.name, facts, [attrs.evolve(j, origin="") for j in ledger.judgements]


def _digest(root: Path) -> dict[str, tuple[str, int]]:
    return {
        str(p): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module", autouse=True)
def inputs_untouched() -> Iterator[None]:
    """No test in this module may change a byte (or the mtime) of a fixture it reads."""
    before = _digest(DATA)
    yield
    written = {str(path) for path in EXPECTED_IN.values()} if UPDATE else set()
    after = {k: v for k, v in _digest(DATA).items() if k not in written}
    assert after == {k: v for k, v in before.items() if k not in written}


@pytest.fixture
def in_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from tests/data/facts, so locations read as in expected_errors.txt."""
    monkeypatch.chdir(DATA)


# --------------------------------------------------------------------------- good ledgers


def test_good_json_loads_with_every_kind_of_value(in_data: None) -> None:
    ledger = load_ledger("good.json", SCHEMA)
    assert (ledger.id, ledger.name, ledger.origin) == ("huayang", "华阳路街道", "good.json")
    assert list(ledger.facts) == ["meeting", "staff", "training", "case", "incident"]
    assert ledger.covers("incident") and ledger.facts["incident"] == ()  # covered: none happened
    assert not ledger.covers("visit")  # not covered: unknown to the rules
    m1, m2, m3 = ledger.facts["meeting"]
    assert [m.id for m in (m1, m2, m3)] == ["M-2023-01", "M-2023-02", "M-2023-03"]  # file order
    assert m1.values == {
        "date": dt.date(2023, 5, 10),
        "kind": "协调会议",
        "minutes": True,
        "note": "第一次协调会议",
    }
    assert "note" not in m2.values and "note" not in m3.values  # omitted and null: both absent
    assert m1.origin == "good.json:/facts/meeting/0"
    s1, s2 = ledger.facts["staff"]
    assert s1.values["weekly_hours"] == 40 and type(s1.values["weekly_hours"]) is int
    t1, t2 = ledger.facts["training"]
    assert t1.values["person"] is s1 and t1.values["mentor"] is s2  # linked to the facts themselves
    assert t1.values["specialist_share"] == Decimal("0.5") and t2.values["specialist_share"] == Decimal(
        "0.125"
    )
    assert t1.values["hours"] == Decimal("7.5") and type(t2.values["hours"]) is Decimal
    c1, c2 = ledger.facts["case"]
    assert c1.values["visit_every"] == Duration(1, "months")
    assert c2.values["visit_every"] == Duration(30, "working_days")
    assert ledger.judgements == (
        Judgement(
            "2.1.4",
            "pass",
            "评估组 李明",
            dt.date(2024, 3, 20),
            "协调机制作用发挥明显",
            "good.json:/judgements/0",
        ),
        Judgement("10.2.2", "fail", "评估组 张伟", dt.date(2024, 3, 21), "", "good.json:/judgements/1"),
    )


def test_csv_folder_equals_json(in_data: None) -> None:
    from_json = load_ledger("good.json", SCHEMA)
    from_csv = load_ledger("good_csv", SCHEMA)
    assert snapshot(from_csv) == snapshot(from_json)
    assert from_csv.origin == "good_csv"
    assert from_csv.facts["meeting"][0].origin == "good_csv/meeting.csv:row 2"
    assert from_csv.judgements[0].origin == "good_csv/judgements.csv:row 2"


def test_utf8_bom_is_accepted(in_data: None) -> None:
    assert (DATA / "good_bom.json").read_bytes().startswith(b"\xef\xbb\xbf")
    assert snapshot(load_ledger("good_bom.json", SCHEMA)) == snapshot(load_ledger("good.json", SCHEMA))


def test_mapping_equals_file(in_data: None) -> None:
    data = json.loads((DATA / "good.json").read_text("utf-8"))
    ledger = ledger_from_mapping(data, SCHEMA, origin="my-system")
    assert snapshot(ledger) == snapshot(load_ledger("good.json", SCHEMA))
    assert ledger.origin == "my-system" and ledger.facts["staff"][0].origin == "my-system:/facts/staff/0"


def test_json_text_equals_file_and_bad_text_is_located(in_data: None) -> None:
    """``ledger_from_json`` (standard input) takes the fast path as a file does, and its
    failures the full check, with the same located errors."""
    text = (DATA / "good.json").read_text("utf-8")
    ledger = ledger_from_json(text, SCHEMA, origin="<stdin>")
    assert snapshot(ledger) == snapshot(load_ledger("good.json", SCHEMA))
    assert ledger.facts["staff"][0].origin == "<stdin>:/facts/staff/0"
    bad = (DATA / "bad" / "duplicate_keys.json").read_text("utf-8")
    with pytest.raises(FactErrors) as info:
        ledger_from_json(bad, SCHEMA, origin="<stdin>")
    with pytest.raises(FactErrors) as from_file:
        load_ledger("bad/duplicate_keys.json", SCHEMA)
    assert [e.location for e in info.value.errors] == [
        e.location.replace("bad/duplicate_keys.json", "<stdin>") for e in from_file.value.errors
    ]
    for surrogate in ("\\ud800", "\ud800"):  # written as JSON's escape, or held by the string
        with pytest.raises(FactErrors, match="unpaired surrogate") as info:
            ledger_from_json(text.replace("华阳路街道", surrogate), SCHEMA)
        assert info.value.errors[0].location == "<data>:/entity/name"


def test_ledger_to_mapping_is_json_ready_and_deterministic(in_data: None) -> None:
    ledger = load_ledger("good.json", SCHEMA)
    mapping = ledger_to_mapping(ledger, SCHEMA)
    assert list(mapping) == ["format", "entity", "facts", "judgements"]
    assert list(mapping["facts"]) == ["meeting", "staff", "training", "case", "incident"]  # declaration order
    training = {"id": "T1", "person": "S01", "date": "2023-04-20", "specialist_share": "50%", "hours": 7.5}
    assert mapping["facts"]["training"][0] == training | {"mentor": "S02"}
    assert mapping["facts"]["case"][1]["visit_every"] == "30 working days"
    text = json.dumps(mapping, ensure_ascii=False)
    assert text == json.dumps(ledger_to_mapping(load_ledger("good_csv", SCHEMA), SCHEMA), ensure_ascii=False)
    assert snapshot(ledger_from_mapping(json.loads(text), SCHEMA)) == snapshot(ledger)


def test_ledger_to_mapping_rejects_a_type_the_schema_lacks() -> None:
    ledger = Ledger("x", "x", {"meetings": ()}, origin="mine")
    with pytest.raises(FactErrors, match='covers "meetings"'):
        ledger_to_mapping(ledger, SCHEMA)


# --------------------------------------------------------------------------- bad ledgers


def _expected_table(lang: str = "en") -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for line in EXPECTED_IN[lang].read_text("utf-8").splitlines():
        if line.startswith("  "):
            table[next(reversed(table))].append(line.strip())
        elif line and not line.startswith("#"):
            table[line] = []
    return table


def _errors_of(path: str, lang: str = "en") -> list[str]:
    with pytest.raises(FactErrors) as info:
        load_ledger(path, SCHEMA)
    return [f"{e.code} | {e.location_in(lang)} | {e.message_in(lang)}" for e in info.value.errors]


def _bad_inputs() -> list[str]:
    return sorted(f"bad/{p.name}" for p in (DATA / "bad").iterdir())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_bad_fixture_is_in_the_table(in_data: None, lang: str) -> None:
    if UPDATE:
        parts = [
            "# Every bad input under tests/data/facts/bad and the exact errors it gives:",
            "# code | location | message (paths relative to tests/data/facts).",
            "# Refresh: PROTRULES_UPDATE_GOLDEN=1 pytest tests/test_facts.py, then review the diff.",
        ]
        for path in _bad_inputs():
            parts += ["", path, *(f"  {line}" for line in _errors_of(path, lang))]
        EXPECTED_IN[lang].write_text("\n".join(parts) + "\n", encoding="utf-8")
    assert sorted(_expected_table(lang)) == _bad_inputs()


@pytest.mark.parametrize("path", _bad_inputs())
def test_bad_input_gives_exactly_the_expected_chinese_errors(path: str, in_data: None) -> None:
    """The same errors as a 区 clerk reads them (``--lang zh``): expected_errors.zh.txt."""
    assert _errors_of(path, "zh") == _expected_table("zh")[path]


@pytest.mark.parametrize("path", _bad_inputs())
def test_bad_input_gives_exactly_the_expected_errors(path: str, in_data: None) -> None:
    assert _errors_of(path) == _expected_table()[path]


@pytest.mark.parametrize(
    ("path", "location", "message"),
    [
        ("bad/dates.json", "bad/dates.json:/facts/meeting/0/date", "February 2023 has 28 days"),
        ("bad/dates.json", "bad/dates.json:/facts/meeting/1/date", 'found "2023/05/10"'),
        ("bad/dates.json", "bad/dates.json:/facts/meeting/2/date", "use ASCII digits"),
        ("bad/wrong_types.json", "bad/wrong_types.json:/facts/staff/0/weekly_hours", 'found "40"'),
        ("bad/wrong_types.json", "bad/wrong_types.json:/facts/staff/1/weekly_hours", "found true"),
        ("bad/wrong_types.json", "bad/wrong_types.json:/facts/staff/2/weekly_hours", "found the number 37.5"),
        ("bad/wrong_types.json", "bad/wrong_types.json:/facts/training/0/specialist_share", 'write "50%"'),
        (
            "bad/unknown_field.json",
            "bad/unknown_field.json:/facts/meeting/0/minuts",
            'did you mean "minutes"',
        ),
        (
            "bad/unknown_fact_type.json",
            "bad/unknown_fact_type.json:/facts/meetings",
            'did you mean "meeting"',
        ),
        ("bad/missing_and_null.json", "bad/missing_and_null.json:/facts/meeting/0", 'missing field "kind"'),
        ("bad/missing_and_null.json", "bad/missing_and_null.json:/facts/meeting/1/date", "found null"),
        ("bad/huge_integer.json", "bad/huge_integer.json:/facts/staff/0/weekly_hours", "out of range"),
        ("bad/duplicate_ids.json", "bad/duplicate_ids.json:/facts/meeting/2/id", "meeting/0"),
        ("bad/duplicate_keys.json", "bad/duplicate_keys.json:/facts/meeting/0/date", 'duplicate key "date"'),
        (
            "bad/references.json",
            "bad/references.json:/facts/training/0/person",
            'no staff record has the id "S09"',
        ),
        ("bad/references.json", "bad/references.json:/facts/visit/0/case", "does not cover case"),
        ("bad/gbk.json", "bad/gbk.json:4:40", "not UTF-8"),
        ("bad/enum_and_duration.json", "bad/enum_and_duration.json:/facts/meeting/0/kind", '"专题会议"'),
        ("bad/enum_and_duration.json", "bad/enum_and_duration.json:/facts/case/0/visit_every", '"3 mths"'),
        ("bad/truncated.json", "bad/truncated.json:19:5", "is it truncated?"),
        ("bad/csv_unknown_column", "bad/csv_unknown_column/meeting.csv:row 1, column 4", '"minuts"'),
        ("bad/csv_missing_column", "bad/csv_missing_column/meeting.csv:row 1", 'missing column "kind"'),
        ("bad/csv_stray_file", "bad/csv_stray_file/notes.txt", "unexpected file"),
        ("bad/csv_no_entity", "bad/csv_no_entity", "no entity.csv"),
        ("bad/csv_bad_cells", "bad/csv_bad_cells/staff.csv:row 2, column weekly_hours", 'found "40.0"'),
    ],
)
def test_named_problems_are_reported_where_they_are(
    path: str, location: str, message: str, in_data: None
) -> None:
    """The brief's list, spelt out: each problem is found at its place (the table pins the wording)."""
    assert any(e.startswith("PRL4") and f"| {location} |" in e and message in e for e in _errors_of(path))


def test_gbk_message_names_the_likely_encoding(in_data: None) -> None:
    (error,) = _errors_of("bad/gbk.json")
    assert error.endswith("(GBK? save as UTF-8)")


def test_fact_errors_summary_and_rendering(in_data: None) -> None:
    with pytest.raises(FactErrors) as info:
        load_ledger("bad/dates.json", SCHEMA)
    error = info.value
    assert isinstance(error, ProtrulesError) and error.code == "PRL404"
    assert str(error) == f"{error.errors[0]} (and 3 more)"
    assert str(error.errors[0]).startswith("bad/dates.json:/facts/meeting/0/date: expected a date")
    rendered = error.render()
    assert rendered.startswith("error[PRL404]: expected a date YYYY-MM-DD")
    assert "  --> bad/dates.json:/facts/meeting/1/date" in rendered and rendered.endswith("4 errors found")


def test_fact_errors_survive_pickling(in_data: None) -> None:
    """Ledgers may be loaded in worker processes; their errors must come back whole."""
    import pickle

    with pytest.raises(FactErrors) as info:
        load_ledger("bad/dates.json", SCHEMA)
    again = pickle.loads(pickle.dumps(info.value))
    assert again.render() == info.value.render() and str(again) == str(info.value)
    assert [(e.code, e.location, e.message) for e in again.errors] == [
        (e.code, e.location, e.message) for e in info.value.errors
    ]


def test_errors_stop_at_one_hundred() -> None:
    data = {
        "entity": {"id": "x", "name": "x"},
        "facts": {"incident": [{"id": f"I{i}", "date": "2023-02-30", "item": "x"} for i in range(250)]},
    }
    with pytest.raises(FactErrors) as info:
        ledger_from_mapping(data, SCHEMA)
    assert len(info.value.errors) == MAX_ERRORS and info.value.truncated
    assert info.value.render().endswith("100 errors found, stopped after 100")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000, "nested too deeply"),
        ('{"entity": {"id": "x", "name": "\\ud800"}, "facts": {}}', "unpaired surrogate"),
        ('{"entity": {"id": "x", "name": "x"}, "facts": {"incident": [Infinity]}}', "Infinity, which is not"),
    ],
)
def test_json_oddities_are_errors(text: str, message: str, tmp_path: Path) -> None:
    path = tmp_path / "odd.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FactErrors, match=message):
        load_ledger(path, SCHEMA)


@pytest.mark.parametrize(
    ("note", "topic"),
    [
        ("Fictional data: made up", "a: b"),  # colons in text, written as colons
        ("\\u003a", "\\u003a"),  # colons written as escapes, which no byte count sees
        ("x\\\":", "y"),  # a quote and a colon inside the text
    ],
)
def test_a_duplicate_key_is_found_whatever_colons_the_text_holds(
    note: str, topic: str, tmp_path: Path
) -> None:
    """The fast path proves a ledger has no duplicate key by counting colons against keys and
    the colons of its decoded text; neither text with colons nor escaped colons may hide one."""
    record = f'{{"id": "M1", "date": "2023-05-10", "kind": "协调会议", "minutes": true, "note": "{topic}"'
    head = f'{{"entity": {{"id": "x", "name": "x", "note": "{note}"}}, "facts": {{"meeting": ['
    good = tmp_path / "good.json"
    good.write_text(head + record + "}]}}", encoding="utf-8")
    ledger = load_ledger(good, SCHEMA)
    assert ledger.facts["meeting"][0].get("note") == json.loads(f'"{topic}"')
    bad = tmp_path / "bad.json"
    bad.write_text(head + record + f', "note": "{topic}"}}]}}}}', encoding="utf-8")
    with pytest.raises(FactErrors, match='duplicate key "note"'):
        load_ledger(bad, SCHEMA)


@pytest.mark.parametrize(
    ("written", "loaded"), [("12.5", Decimal("12.5")), ("2.50", Decimal("2.50")), ("1E1", Decimal("1E+1"))]
)
def test_json_decimals_are_exact_and_out_of_range_ones_are_located(
    written: str, loaded: Decimal, tmp_path: Path
) -> None:
    def ledger(hours: str) -> Path:
        path = tmp_path / "t.json"
        path.write_text(
            '{"entity": {"id": "x", "name": "x"}, "facts": {"staff": [{"id": "S1", "name": "n", '
            '"appointed": "2023-01-02", "weekly_hours": 40}], "training": [{"id": "T1", "person": "S1", '
            f'"date": "2023-02-01", "specialist_share": "50%", "hours": {hours}}}]}}}}',
            encoding="utf-8",
        )
        return path

    for _ in range(2):  # the second time from what the first remembered
        hours = load_ledger(ledger(written), SCHEMA).facts["training"][0].get("hours")
        assert hours == loaded and str(hours) == str(loaded) and type(hours) is Decimal
    with pytest.raises(FactErrors, match=r"t.json:/facts/training/0/hours"):
        load_ledger(ledger("1e19"), SCHEMA)


def test_paths_that_are_not_ledgers(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("{}", encoding="utf-8")
    cases = {
        tmp_path / "missing.json": "no such file or folder",
        tmp_path / "notes.txt": "expected a .json file or a CSV ledger folder",
        tmp_path: "no entity.csv",
    }
    for path, message in cases.items():
        with pytest.raises(FactErrors) as info:
            load_ledger(path, SCHEMA)
        assert any(message in e.message for e in info.value.errors), info.value.render()


def test_a_file_over_64_mib_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.truncate(64 * 2**20 + 1)  # sparse: costs no disk, and reading it would take a while
    with pytest.raises(FactErrors, match="larger than the 64 MiB limit"):
        load_ledger(path, SCHEMA)


# --------------------------------------------------------------------------- many ledgers


def _write(path: Path, entity: str) -> None:
    path.write_text(json.dumps({"entity": {"id": entity, "name": entity}, "facts": {}}), encoding="utf-8")


def test_load_ledgers_expands_folders_in_sorted_order_lazily(tmp_path: Path) -> None:
    _write(tmp_path / "b.json", "b")
    _write(tmp_path / "a.json", "a")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "entity.csv").write_text("id,name\nc,丙\n", encoding="utf-8")
    (tmp_path / "generate.py").write_text("print()\n", encoding="utf-8")  # other files are left alone
    (tmp_path / "d.json").write_text("{", encoding="utf-8")
    stream = load_ledgers([tmp_path], SCHEMA)
    assert [next(stream).id for _ in range(3)] == ["a", "b", "c"]  # before d.json is even read
    with pytest.raises(FactErrors, match=r"d\.json:1:2: invalid JSON"):
        next(stream)


def test_load_ledgers_refuses_two_entities_with_one_id(tmp_path: Path) -> None:
    _write(tmp_path / "one.json", "same")
    _write(tmp_path / "two.json", "same")
    with pytest.raises(FactErrors, match=r'entity id "same" is also the id of .*one.json'):
        list(load_ledgers([tmp_path / "one.json", tmp_path / "two.json"], SCHEMA))


def test_load_ledgers_reports_folders_that_hold_no_ledger(tmp_path: Path) -> None:
    (tmp_path / "street").mkdir()
    (tmp_path / "street" / "meeting.csv").write_text("id,date,kind,minutes\n", encoding="utf-8")
    with pytest.raises(FactErrors, match=r"CSV files but no entity\.csv"):
        list(load_ledgers([tmp_path], SCHEMA))
    (tmp_path / "empty").mkdir()
    with pytest.raises(FactErrors, match="no ledgers here"):
        list(load_ledgers([tmp_path / "empty"], SCHEMA))


# --------------------------------------------------------------------------- docs/facts.md

ROOT = Path(__file__).resolve().parent.parent
DOCS = (ROOT / "docs" / "facts.md").read_text("utf-8")


def test_the_documented_examples_load_with_the_example_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    import protrules

    monkeypatch.chdir(ROOT)
    fact_types = protrules.load_rules("rules/example.prl").fact_types
    from_json = load_ledger("tests/data/facts/example/xingxing.json", fact_types)
    assert snapshot(load_ledger("tests/data/facts/example/xingxing_csv", fact_types)) == snapshot(from_json)
    assert (DATA / "example" / "xingxing.json").read_text("utf-8") in DOCS
    assert not from_json.covers("session") and from_json.facts["incident"] == ()


@pytest.mark.parametrize("name", ["typos.json", "bad_csv", "gbk.json", "truncated.json"])
def test_the_documented_error_output_is_real(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import protrules

    monkeypatch.chdir(ROOT)
    fact_types = protrules.load_rules("rules/example.prl").fact_types
    path = f"tests/data/facts/example/{name}"
    with pytest.raises(FactErrors) as info:
        load_ledger(path, fact_types)
    assert f"$ protrules check rules/example.prl {path}\n{info.value.render()}\n```" in DOCS


# --------------------------------------------------------------------------- properties

_TEXTS = st.text(min_size=1, max_size=8)
_WORDS = sorted(DURATION_UNITS)
_VALUES: dict[Kind, st.SearchStrategy[Any]] = {
    Kind.TEXT: st.text(max_size=8),
    Kind.INTEGER: st.integers(-(10**18), 10**18),
    # Canonical JSON numbers for decimals: fractional floats that read back exactly.
    Kind.DECIMAL: st.decimals(-(10**6), 10**6, places=2)
    .filter(lambda d: d != d.to_integral_value())
    .map(float)
    | st.integers(-(10**18), 10**18),
    Kind.PERCENTAGE: st.builds(
        lambda whole, fraction: f"{whole}{fraction}%",
        st.integers(0, 1000),
        st.sampled_from(["", ".5", ".25", ".125", ".3"]),
    ),
    Kind.BOOLEAN: st.booleans(),
    Kind.DATE: st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(dt.date.isoformat),
    Kind.DURATION: st.builds(
        lambda n, unit: str(Duration(n, unit)), st.integers(0, 500), st.sampled_from(_WORDS)
    ),
}


@st.composite
def canonical_documents(draw: st.DrawFn) -> dict[str, Any]:
    """JSON ledgers exactly as ledger_to_mapping writes them (so the round trip is the identity)."""
    ids: dict[str, list[str]] = {}
    facts: dict[str, list[dict[str, Any]]] = {}
    for name, ft in SCHEMA.items():
        if not draw(st.booleans(), label=f"cover {name}"):
            continue
        # Declaration order puts referenced types first; with no record to refer to, none here.
        required = [str(f.type.fact) for f in ft.fields if f.type.kind is Kind.FACT and not f.optional]
        possible = all(ids.get(target) for target in required)
        ids[name] = draw(st.lists(_TEXTS, unique=True, max_size=4 if possible else 0))
        records = []
        for ident in ids[name]:
            record: dict[str, Any] = {"id": ident}
            for f in ft.fields:
                if f.type.kind is Kind.FACT:
                    pool = ids.get(str(f.type.fact), [])
                    value = draw(st.sampled_from(pool)) if pool else None
                elif f.type.kind is Kind.ENUM:
                    value = draw(st.sampled_from(f.type.members))
                else:
                    value = draw(_VALUES[f.type.kind])
                if value is not None and not (f.optional and draw(st.booleans())):
                    record[f.name] = value
            records.append(record)
        facts[name] = records
    judgements = [
        {"rule": rule, "verdict": verdict, "by": by, "date": date} | ({"note": note} if note else {})
        for rule, verdict, by, date, note in draw(
            st.lists(
                st.tuples(
                    _TEXTS, st.sampled_from(["pass", "fail"]), _TEXTS, _VALUES[Kind.DATE], st.text(max_size=5)
                )
            )
        )
    ]
    entity = {"id": draw(_TEXTS), "name": draw(st.text(max_size=8))}
    return {"format": "protrules-ledger/1", "entity": entity, "facts": facts, "judgements": judgements}


examples = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@examples
@given(canonical_documents())
def test_round_trip_through_mapping_and_json_text(document: dict[str, Any]) -> None:
    ledger = ledger_from_mapping(document, SCHEMA)
    again = ledger_to_mapping(ledger, SCHEMA)
    assert again == document
    assert json.dumps(again, ensure_ascii=False) == json.dumps(document, ensure_ascii=False)  # key order too
    reread = ledger_from_mapping(json.loads(json.dumps(again), parse_float=Decimal), SCHEMA)
    assert snapshot(reread) == snapshot(ledger)


_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.decimals()
    | st.text(max_size=6)
    | st.sampled_from(["2023-02-30", "50%", "50%\n", "3 months", "S01", "协调会议", "", "pass", "\ud800"])
)
_GARBAGE = st.recursive(
    _LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)


def _replace(tree: Any, path: list[int], value: Any) -> Any:
    """``tree`` with the node reached by following ``path`` (indices, taken modulo) replaced."""
    if not path or not isinstance(tree, dict | list) or not tree:
        return value
    keys = list(tree) if isinstance(tree, dict) else list(range(len(tree)))
    key = keys[path[0] % len(keys)]
    copy = dict(tree) if isinstance(tree, dict) else list(tree)
    copy[key] = _replace(tree[key], path[1:], value)
    return copy


@examples
@given(canonical_documents(), st.lists(st.integers(0, 50), max_size=6), _GARBAGE)
def test_garbage_only_ever_raises_fact_errors(document: dict[str, Any], path: list[int], junk: Any) -> None:
    for data in (junk, _replace(document, path, junk)):
        try:
            ledger = ledger_from_mapping(data, SCHEMA)
        except FactErrors as error:
            assert error.errors and all(isinstance(e, FactError) and e.location for e in error.errors)
            assert all(e.message and e.message[0].islower() for e in error.errors if e.message[0].isalpha())
        else:
            assert isinstance(ledger, Ledger)


_CSV_BYTES = (DATA / "good_csv" / "staff.csv").read_bytes()


@settings(max_examples=100, deadline=None)
@given(
    st.binary(max_size=200)
    | st.integers(0, 2000).map(lambda n: (DATA / "good.json").read_bytes()[:n])
    | st.lists(
        st.sampled_from([b",", b"\n", b'"', b"\r", b"\x00", b"S01", b"", b"\xe7\x8e"]), max_size=8
    ).map(lambda parts: _CSV_BYTES[:40] + b"".join(parts) + _CSV_BYTES[40:])
)
def test_any_bytes_in_a_file_only_ever_raise_fact_errors(data: bytes) -> None:
    """As a JSON file and as a CSV file of a ledger folder: a ledger or FactErrors, nothing else."""
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        json_file, csv_folder = Path(folder) / "x.json", Path(folder) / "street"
        json_file.write_bytes(data)
        shutil.copytree(DATA / "good_csv", csv_folder)
        (csv_folder / "staff.csv").write_bytes(data)
        for path in (json_file, csv_folder):
            with contextlib.suppress(FactErrors):
                load_ledger(path, SCHEMA)
        assert json_file.read_bytes() == data and (csv_folder / "staff.csv").read_bytes() == data
