"""Small hand-written ledgers for testing one Changning rule at a time.

A test names only the fact types the rule reads; every other fact type is left out of the
ledger, so the rules that need it are `unknown` and do not get in the way. Records need no
ids unless another record refers to them: `ledger` numbers the rest (`meeting1`, …).

    verdict("2.1.3", meeting=[meeting("2023-03-01"), meeting("2023-11-01")])  # -> "pass"
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import protrules
from protrules.facts.ledgers import ledger_from_mapping
from protrules.facts.model import Ledger

ROOT = Path(__file__).resolve().parents[2]
RULE_FILE = ROOT / "rules" / "changning_2023.prl"
#: 组织评估截止, the day the assessment group scores the streets; 评估期 is 2023-04-01..2024-03-31.
AS_OF = dt.date(2024, 3, 31)
#: A day inside each of the four whole quarters of 评估期 (2023-Q2 … 2024-Q1).
QUARTER_DAYS = ("2023-05-15", "2023-08-15", "2023-11-15", "2024-02-15")

Record = Mapping[str, Any]
#: A ledger being written in a test: fact type → records (the keyword arguments of `verdict`).
Tables = dict[str, list[dict[str, Any]]]


@functools.cache
def rules() -> protrules.RuleSet:
    """The Changning rules, run as generated code from the first evaluation (docs/evaluation.md)."""
    return protrules.load_rules(RULE_FILE)


@functools.cache
def _read(reading: tuple[tuple[str, str], ...]) -> protrules.RuleSet:
    """The Changning rules with some readings (parameters) set (docs/domain.md, Readings)."""
    return rules().with_parameters(dict(reading))


def ledger(judgements: Iterable[Record] = (), **tables: Iterable[Record]) -> Ledger:
    """A ledger of a fictional street holding exactly the given fact types."""
    facts: dict[str, list[dict[str, Any]]] = {}
    for name, records in tables.items():
        rows = []
        for i, record in enumerate(records, 1):
            row = dict(record)
            row.setdefault("id", f"{name}{i}")
            rows.append(row)
        facts[name] = rows
    data = {"entity": {"id": "test", "name": "测试街道"}, "facts": facts, "judgements": list(judgements)}
    return ledger_from_mapping(data, rules().fact_types, origin="<test>")


def result(
    rule: str,
    *,
    as_of: dt.date = AS_OF,
    judgements: Iterable[Record] = (),
    reading: Mapping[str, str] | None = None,
    **tables: Iterable[Record],
) -> protrules.RuleResult:
    """The rule's full result (verdict, reason, checks) for a ledger of the given facts;
    ``reading`` sets parameters, e.g. ``{"节假日开放读法": "每个节假日"}``."""
    ruleset = _read(tuple(sorted(reading.items()))) if reading else rules()
    outcome = ruleset.evaluate(ledger(judgements, **tables), as_of).result(rule)
    assert outcome is not None, f"no rule {rule}"
    return outcome


def verdict(
    rule: str,
    *,
    as_of: dt.date = AS_OF,
    judgements: Iterable[Record] = (),
    reading: Mapping[str, str] | None = None,
    **tables: Iterable[Record],
) -> str:
    return result(rule, as_of=as_of, judgements=judgements, reading=reading, **tables).verdict


def failing(rule: str, as_of: dt.date = AS_OF, **tables: Any) -> list[str]:
    """The details of the checks that fail (to assert *which* requirement broke)."""
    return [c.detail for c in result(rule, as_of=as_of, **tables).checks if c.verdict == "fail"]


def drop_kind(table: str, kind: str) -> Callable[[Tables], None]:
    """A change to a ledger being written: remove the table's records of one kind."""

    def change(facts: Tables) -> None:
        facts[table] = [row for row in facts[table] if row["kind"] != kind]

    return change


# ------------------------------------------------------------------ record builders


def document(kind: str, issued: str = "2022-06-01", **fields: Any) -> dict[str, Any]:
    """A 制度机制文件 with evidence (文号), in force throughout 评估期 unless told otherwise."""
    return {"kind": kind, "title": kind, "issued": issued, "evidence": "长宁〔2022〕1号", **fields}


def documents(*kinds: str) -> list[dict[str, Any]]:
    return [document(kind) for kind in kinds]


def staff(role: str, appointed: str = "2022-01-10", **fields: Any) -> dict[str, Any]:
    """A post held from `appointed` (in post throughout 评估期 unless `left` is given)."""
    return {"name": f"{role}甲", "role": role, "unit": "测试街道", "appointed": appointed, **fields}


def judgement(rule: str, verdict: str = "pass", date: str = "2024-03-20") -> dict[str, Any]:
    """An assessor's recorded judgement."""
    return {"rule": rule, "verdict": verdict, "by": "区未保办评估组 王芳", "date": date, "note": "现场评估"}


def activity(kind: str, date: str = "2023-06-15", **fields: Any) -> dict[str, Any]:
    return {"date": date, "kind": kind, "title": kind, "organiser": "街镇", "record_kept": True, **fields}


def child(
    cid: str, category: str = "监护困境儿童", registered: str = "2022-01-01", **fields: Any
) -> dict[str, Any]:
    """A 重点未成年人 on the register from `registered`; its id is also its code."""
    return {"id": cid, "code": cid, "category": category, "registered": registered, **fields}


def meeting(date: str, kind: str = "协调会议", **fields: Any) -> dict[str, Any]:
    return {"date": date, "kind": kind, **fields}
