"""The public API checks its arguments where they come in: a wrong-typed argument raises
:class:`protrules.ArgumentError` (a ProtrulesError and a TypeError) naming the function and the
argument, never Python's own error from deep inside (issue 15 item 7)."""

from __future__ import annotations

import datetime as dt
import pathlib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import protrules
from protrules import ArgumentError
from protrules.facts import ledgers

ROOT = Path(__file__).resolve().parent.parent
RULES = protrules.load_rules(ROOT / "rules" / "example.prl")
LEDGER = ledgers.load_ledger(ROOT / "examples" / "demo" / "xingxing.json", RULES.fact_types)
TEXT = (ROOT / "rules" / "example.prl").read_text(encoding="utf-8")
MODULE = protrules.parse(TEXT, "example.prl")
AS_OF = dt.date(2024, 3, 31)
LEDGER_PATH = str(ROOT / "examples" / "demo" / "xingxing.json")

#: Values of every kind a caller might pass by mistake.
WRONG = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.binary(max_size=8),
    st.sampled_from(
        [
            dt.datetime(2024, 3, 31, 12, 0),
            dt.date(2024, 3, 31),
            Decimal("1.5"),
            {"a": 1},
            [1, 2],
            ("1.1.1",),
            {"facts": {}},
            object(),
            pathlib.Path("nowhere.json"),
            RULES,
            LEDGER,
            MODULE,
        ]
    ),
)

#: Each entry point, with the arguments of a good call and the position or name to spoil.
CALLS: list[tuple[str, Callable[..., Any], tuple[Any, ...], dict[str, Any], int | str]] = [
    ("evaluate ledger", RULES.evaluate, (LEDGER, AS_OF), {}, 0),
    ("evaluate as_of", RULES.evaluate, (LEDGER, AS_OF), {}, 1),
    ("evaluate checks", RULES.evaluate, (LEDGER, AS_OF), {"checks": True}, "checks"),
    ("explain ledger", RULES.explain, (LEDGER,), {"as_of": AS_OF}, 0),
    ("explain rule_ids", RULES.explain, (LEDGER, ["1.1.1"]), {"as_of": AS_OF}, 1),
    ("explain as_of", RULES.explain, (LEDGER,), {"as_of": AS_OF}, "as_of"),
    ("evaluate_many ledgers", lambda *a, **k: list(RULES.evaluate_many(*a, **k)), ([LEDGER], AS_OF), {}, 0),
    (
        "evaluate_many item",
        lambda x, **k: list(RULES.evaluate_many([LEDGER, x], AS_OF, **k)),
        (LEDGER,),
        {},
        0,
    ),
    ("evaluate_many as_of", lambda *a, **k: list(RULES.evaluate_many(*a, **k)), ([LEDGER], AS_OF), {}, 1),
    (
        "evaluate_many chunk",
        lambda **k: list(RULES.evaluate_many([LEDGER], AS_OF, **k)),
        (),
        {"chunk": 4},
        "chunk",
    ),
    ("rule", RULES.rule, ("1.1.1",), {}, 0),
    ("generated_source", RULES.generated_source, ("1.1.1",), {}, 0),
    ("with_parameters", RULES.with_parameters, ({"每年会议次数": 3},), {}, 0),
    ("as_known_on ledger", RULES.as_known_on, (LEDGER, AS_OF), {}, 0),
    ("as_known_on as_of", RULES.as_known_on, (LEDGER, AS_OF), {}, 1),
    ("parse text", protrules.parse, (TEXT, "x.prl"), {}, 0),
    ("parse name", protrules.parse, (TEXT, "x.prl"), {}, 1),
    ("parse_file", protrules.parse_file, (str(ROOT / "rules" / "example.prl"),), {}, 0),
    ("check module", protrules.check, (MODULE, protrules.Source("example.prl", TEXT)), {}, 0),
    ("check source", protrules.check, (MODULE, protrules.Source("example.prl", TEXT)), {}, 1),
    ("compile program", protrules.compile, (RULES.program,), {}, 0),
    ("compile max_work", protrules.compile, (RULES.program,), {"max_work": 10}, "max_work"),
    ("compile generate", protrules.compile, (RULES.program,), {"generate": True}, "generate"),
    ("load_rules path", protrules.load_rules, (ROOT / "rules" / "example.prl",), {}, 0),
    ("load_rules cache", protrules.load_rules, (ROOT / "rules" / "example.prl",), {"cache": False}, "cache"),
    ("parse_date", protrules.parse_date, ("2024-03-31",), {}, 0),
    ("load_ledger path", ledgers.load_ledger, (LEDGER_PATH, RULES.fact_types), {}, 0),
    ("load_ledger schema", ledgers.load_ledger, (LEDGER_PATH, RULES.fact_types), {}, 1),
    (
        "load_ledgers paths",
        lambda *a: list(ledgers.load_ledgers(*a)),
        ([LEDGER_PATH], RULES.fact_types),
        {},
        0,
    ),
    (
        "load_ledgers schema",
        lambda *a: list(ledgers.load_ledgers(*a)),
        ([LEDGER_PATH], RULES.fact_types),
        {},
        1,
    ),
    (
        "ledger_from_mapping data",
        ledgers.ledger_from_mapping,
        ({"entity": {}, "facts": {}}, RULES.fact_types),
        {},
        0,
    ),
    ("ledger_from_mapping schema", ledgers.ledger_from_mapping, ({}, RULES.fact_types), {}, 1),
    ("ledger_from_json text", ledgers.ledger_from_json, ("{}", RULES.fact_types), {}, 0),
    ("ledger_from_json schema", ledgers.ledger_from_json, ("{}", RULES.fact_types), {}, 1),
    ("ledger_to_mapping ledger", ledgers.ledger_to_mapping, (LEDGER, RULES.fact_types), {}, 0),
    ("ledger_to_mapping schema", ledgers.ledger_to_mapping, (LEDGER, RULES.fact_types), {}, 1),
]


def _call(
    function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], at: int | str, value: Any
) -> None:
    args, kwargs = list(args), dict(kwargs)
    if isinstance(at, int):
        args[at] = value
    else:
        kwargs[at] = value
    function(*args, **kwargs)


@pytest.mark.parametrize(("name", "function", "args", "kwargs", "at"), CALLS, ids=[c[0] for c in CALLS])
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(value=WRONG)
def test_a_wrong_argument_is_an_argument_error_or_an_answer(
    name: str,
    function: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    at: int | str,
    value: Any,
) -> None:
    """Whatever is passed: a protrules error (ArgumentError when the type is wrong, the
    stage's own error when the type is right and the value is not), or the answer."""
    try:
        _call(function, args, kwargs, at, value)
    except ArgumentError as error:
        assert isinstance(error, TypeError) and error.code == "PRL009"
        function_name, _, rest = str(error).partition(": ")
        assert function_name.split(".")[-1] in name.replace(" ", "_") and " must be " in rest
    except protrules.ProtrulesError:
        pass


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: RULES.evaluate(LEDGER, "2024-03-31"),
            "as_of must be a datetime.date or None, not str '2024-03-31'",
        ),
        (
            lambda: RULES.evaluate(LEDGER, dt.datetime(2024, 3, 31)),
            "as_of must be a datetime.date, not datetime",
        ),
        (lambda: RULES.evaluate({"facts": {}}), "ledger must be a Ledger"),
        (lambda: RULES.explain(LEDGER, "1.1.1"), "rule_ids must be a list of rule ids"),
        (lambda: ledgers.load_ledger(LEDGER_PATH, RULES), "pass rules.fact_types"),
        (lambda: protrules.parse(b"standard", "x.prl"), "decode it"),
    ],
)
def test_the_issue_s_misuses_say_what_was_wrong(call: Callable[[], Any], message: str) -> None:
    with pytest.raises(ArgumentError) as info:
        call()
    assert message in str(info.value)
