"""The JSON Schema of the ledger format (protrules.facts.schema), checked against the loader.

The schema and the loader share their patterns and unit words (protrules.facts.schema), and
these tests hold them to agreeing: what the schema's patterns accept, the loader accepts.
Full validation uses ``jsonschema`` from the test extra (never a runtime dependency).
"""

from __future__ import annotations

import functools
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from protrules.errors import ProtrulesError
from protrules.facts.ledgers import FactErrors, ledger_from_mapping
from protrules.facts.model import Kind, Type
from protrules.facts.schema import (
    DATE_PATTERN,
    DURATION_PATTERN,
    DURATION_WORDS,
    PERCENT_PATTERN,
    BadValue,
    decode_value,
    fact_type_schema,
    json_schema,
)
from tests.test_facts import DATA, SCHEMA, canonical_documents

ROOT = Path(__file__).resolve().parent.parent
GOOD = json.loads((DATA / "good.json").read_text("utf-8"))


def _accepts(kind: Kind, text: str) -> bool:
    try:
        decode_value(Type(kind), text)
    except BadValue:
        return False
    return True


# --------------------------------------------------------------------------- shape


def test_one_definition_per_fact_type_sorted_and_closed() -> None:
    schema = json_schema(SCHEMA, title="示例 — ledger", rule_set_id="example-2023")
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "urn:protrules:ledger:example-2023" and schema["title"] == "示例 — ledger"
    assert list(schema["$defs"]) == sorted(SCHEMA)
    assert list(schema["properties"]["facts"]["properties"]) == sorted(SCHEMA)
    assert schema["properties"]["facts"]["additionalProperties"] is False
    assert schema["properties"]["format"] == {"const": "protrules-ledger/1"}
    for name, ft in SCHEMA.items():
        record = schema["$defs"][name]
        assert record["additionalProperties"] is False and record["description"] == ft.title
        assert record["required"] == ["id", *(f.name for f in ft.fields if not f.optional)]
        assert list(record["properties"]) == ["id", *(f.name for f in ft.fields)]
        assert schema["properties"]["facts"]["properties"][name]["items"] == {"$ref": f"#/$defs/{name}"}


def test_field_schemas() -> None:
    defs = json_schema(SCHEMA)["$defs"]
    meeting, training, staff = (
        defs["meeting"]["properties"],
        defs["training"]["properties"],
        defs["staff"]["properties"],
    )
    assert meeting["kind"] == {"type": "string", "enum": ["协调会议", "专题会议"], "description": "会议类型"}
    assert meeting["date"] == {
        "type": "string",
        "format": "date",
        "pattern": DATE_PATTERN,
        "description": "召开日期",
    }
    assert meeting["minutes"] == {"type": "boolean", "description": "是否形成纪要"}
    assert meeting["note"] == {"description": "备注", "anyOf": [{"type": "string"}, {"type": "null"}]}
    assert training["specialist_share"] == {
        "type": "string",
        "pattern": PERCENT_PATTERN,
        "description": "专业课程占比",
    }
    assert training["person"]["description"] == "参训人员: the id of a staff (工作人员) record in this ledger"
    assert training["mentor"]["anyOf"][1] == {"type": "null"}
    assert training["hours"]["type"] == "number" and staff["weekly_hours"]["type"] == "integer"
    assert staff["weekly_hours"]["maximum"] == 10**18
    assert defs["case"]["properties"]["visit_every"]["pattern"] == DURATION_PATTERN


def test_deterministic_whatever_the_declaration_order() -> None:
    backwards = dict(reversed(list(SCHEMA.items())))
    assert json.dumps(json_schema(backwards)) == json.dumps(json_schema(SCHEMA))


def test_fact_type_schema() -> None:
    assert fact_type_schema(SCHEMA, "staff") == json_schema(SCHEMA)["$defs"]["staff"]
    with pytest.raises(ProtrulesError, match='did you mean "meeting"'):
        fact_type_schema(SCHEMA, "meetings")


# --------------------------------------------------------------------------- patterns agree with the loader

SAMPLES = [
    "50%", "12.5%", "0%", "150%", "50 %", "50", "-5%", "５０%", "50%\n", ".5%", "5.%",
    "3 months", "3months", "30个工作日", "1 working day", "2 周", "3  months", "3 mths", "-3 months",
    "three months", "3 Months", "3 months\n", "",
]  # fmt: skip


@pytest.mark.parametrize("text", SAMPLES)
def test_percentage_and_duration_patterns_match_exactly_what_the_loader_accepts(text: str) -> None:
    # JSON Schema patterns are ECMA-262, where "$" matches only at the very end: \Z in Python.
    percent, duration = (re.compile(p[:-1] + r"\Z") for p in (PERCENT_PATTERN, DURATION_PATTERN))
    assert bool(percent.search(text)) == _accepts(Kind.PERCENTAGE, text)
    assert bool(duration.search(text)) == _accepts(Kind.DURATION, text)


def test_every_duration_word_is_in_the_pattern() -> None:
    for word in DURATION_WORDS:
        assert re.search(DURATION_PATTERN, f"3 {word}") and _accepts(Kind.DURATION, f"3 {word}")


def test_the_date_pattern_is_a_superset_of_real_dates() -> None:
    """The schema cannot know month lengths: 2023-02-30 fits the pattern, the loader refuses it."""
    for text in ("2023-05-10", "2024-02-29", "2023-02-30", "2023-13-01"):
        assert re.search(DATE_PATTERN, text)
    assert not _accepts(Kind.DATE, "2023-02-30") and _accepts(Kind.DATE, "2024-02-29")
    for text in ("2023/05/10", "２０２３-05-10", "2023-5-10"):
        assert not re.search(DATE_PATTERN, text) and not _accepts(Kind.DATE, text)


# --------------------------------------------------------------------------- validation (jsonschema)


def _validator(schema: dict[str, Any], *, formats: bool = True) -> Any:
    """A draft 2020-12 validator; ``formats`` makes ``format: date`` an assertion, not a note."""
    import jsonschema  # in the test extra
    jsonschema.Draft202012Validator.check_schema(schema)
    checker = jsonschema.FormatChecker() if formats else None
    return jsonschema.Draft202012Validator(schema, format_checker=checker)


def test_the_good_ledger_is_valid() -> None:
    assert list(_validator(json_schema(SCHEMA)).iter_errors(GOOD)) == []


def _with(path: str, value: Any) -> dict[str, Any]:
    """GOOD with one change: ``path`` is a /-separated pointer, ``value`` None deletes."""
    document: dict[str, Any] = json.loads(json.dumps(GOOD))
    *parents, last = path.split("/")
    node = document
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if value is None:
        del node[last]
    else:
        node[int(last) if isinstance(node, list) else last] = value
    return document


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("facts/meeting/0/minuts", True),  # unknown field
        ("facts/meeting/0/kind", None),  # missing required field
        ("facts/meeting/0/date", "2023/05/10"),
        ("facts/meeting/0/kind", "协调会"),  # not a member
        ("facts/meeting/0/minutes", "true"),
        ("facts/staff/0/weekly_hours", "40"),
        ("facts/staff/0/weekly_hours", 37.5),
        ("facts/staff/0/weekly_hours", 10**19),
        ("facts/staff/0/name", 4),
        ("facts/training/0/specialist_share", 50),
        ("facts/training/0/specialist_share", "50 %"),
        ("facts/training/0/person", ""),
        ("facts/case/0/visit_every", "3 mths"),
        ("facts/meetings", []),  # unknown fact type
        ("facts/incident", {}),
        ("entity/id", ""),
        ("entity", None),
        ("format", "protrules-ledger/2"),
        ("judgements/0/verdict", "passed"),
        ("judgements/0/by", ""),
        ("extra", 1),
    ],
)
def test_bad_documents_are_invalid_and_the_loader_agrees(path: str, value: Any) -> None:
    document = _with(path, value)
    assert list(_validator(json_schema(SCHEMA)).iter_errors(document)), (
        f"{path} = {value!r} passed the schema"
    )
    with pytest.raises(FactErrors):
        ledger_from_mapping(document, SCHEMA)


def test_an_optional_field_may_be_null_in_both() -> None:
    document = _with("facts/training/0/mentor", None)
    document["facts"]["meeting"][1]["note"] = None
    assert list(_validator(json_schema(SCHEMA)).iter_errors(document)) == []
    ledger_from_mapping(document, SCHEMA)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("facts/staff/0/weekly_hours", 40.0),  # JSON Schema's integer takes 40.0
        ("facts/training/0/person", "S09"),  # dangling reference
        ("facts/meeting/1/id", "M-2023-01"),  # duplicate id
    ],
)
def test_what_only_the_loader_can_see(path: str, value: Any) -> None:
    """Documented limits of any JSON Schema: these pass the schema and fail to load."""
    document = _with(path, value)
    assert list(_validator(json_schema(SCHEMA)).iter_errors(document)) == []
    with pytest.raises(FactErrors):
        ledger_from_mapping(json.loads(json.dumps(document), parse_float=Decimal), SCHEMA)


def test_a_day_that_does_not_exist_needs_format_assertion() -> None:
    """2023-02-30 fits the pattern; only a validator that asserts ``format: date`` refuses it."""
    document = _with("facts/meeting/0/date", "2023-02-30")
    assert list(_validator(json_schema(SCHEMA), formats=False).iter_errors(document)) == []
    assert list(_validator(json_schema(SCHEMA)).iter_errors(document))
    with pytest.raises(FactErrors, match="February 2023 has 28 days"):
        ledger_from_mapping(document, SCHEMA)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(canonical_documents())
def test_every_ledger_the_writer_produces_is_valid(document: dict[str, Any]) -> None:
    assert list(_schema_validator().iter_errors(document)) == []


@functools.cache
def _schema_validator() -> Any:
    return _validator(json_schema(SCHEMA))


def test_fact_type_names_outside_ascii_make_working_references() -> None:
    types = {"会议": SCHEMA["meeting"], "a/b~c": SCHEMA["incident"]}
    validator = _validator(json_schema(types))
    meeting = dict(GOOD["facts"]["meeting"][0])
    good: dict[str, Any] = {"entity": {"id": "x", "name": "x"}, "facts": {"会议": [meeting], "a/b~c": []}}
    assert list(validator.iter_errors(good)) == []
    meeting["kind"] = "例会"
    assert list(validator.iter_errors(good))


def test_the_example_ledgers_are_valid_for_their_rule_set() -> None:
    import protrules

    rules = protrules.load_rules(ROOT / "rules" / "changning_2023.prl")
    validator = _validator(json_schema(rules.fact_types, rule_set_id=rules.id))
    paths = sorted((ROOT / "examples" / "changning").glob("*.json"))
    assert paths
    for path in paths:
        errors = list(validator.iter_errors(json.loads(path.read_text("utf-8"))))
        assert errors == [], f"{path.name}: {errors[0].message}"
