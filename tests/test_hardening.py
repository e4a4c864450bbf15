"""Inputs that once escaped as Python's own exceptions (issue 15): each now gives protrules'
error or its answer."""

from __future__ import annotations

import datetime as dt

import protrules
from protrules.evaluation.reference import decided, evaluate_reference
from protrules.facts.ledgers import ledger_from_mapping

AS_OF = dt.date(2024, 3, 31)

NUL = """standard "q\x00":
    title: "q\x00"
    assessment: 评估期
period 评估期 "期\x00" = 2023-04-01 .. 2024-03-31
fact meeting "会议\x00":
    date: date "日期"
    kind: enum("a\x00b", "c") "类型\x00"
    note: text "备注"
area 1 "a\x00":
    rule 1.1 "r\x00":
        clause: "c\x00"
        note: "\x00"
        require count(meeting where meeting.kind = "a\x00b" and meeting.note != "\x00\x00") >= 1
        require every(meeting, meeting.note = "x\x00y")
"""


def test_a_nul_in_texts_of_the_rule_file_reaches_no_python_file_name_or_source() -> None:
    """A condition's text once named the code compiled for it: a NUL inside a `where` string
    raised ``ValueError: embedded null character`` at the first evaluation. Generated code is
    named by rule id and kind only, and takes the file's constants by reference."""
    program = protrules.check(protrules.parse(NUL, "nul.prl"), protrules.Source("nul.prl", NUL))
    rules = protrules.compile(program)
    meeting = {"id": "M\x001", "date": "2023-05-01", "kind": "a\x00b", "note": "x\x00y"}
    ledger = ledger_from_mapping(
        {"entity": {"id": "e", "name": "街道\x00"}, "facts": {"meeting": [meeting]}}, rules.fact_types
    )
    for _ in range(40):  # past the 32 evaluations after which code was once first generated
        result = rules.evaluate(ledger, AS_OF)
    assert result.verdicts == {"1.1": "pass"}
    assert decided(result) == evaluate_reference(rules.program, ledger, AS_OF)
    assert rules.explain(ledger, as_of=AS_OF)[0].verdict == "pass"
    source = rules.generated_source("1.1", checks=True)
    assert source is not None and "\x00" not in source
