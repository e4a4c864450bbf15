"""Area 3 (工作机制) of rules/changning_2023.prl, one small ledger at a time.

For every rule, 3.1.1 … 3.6.2, a hand-written ledger that passes and, for each requirement, a
small variation of it that fails, with the reason in terms of the clause (and the rule's `note:`).
评估期 is 2023-04-01 .. 2024-03-31; 每季度 = the quarters 2023-Q2 … 2024-Q1; a mechanism is a
`document` with evidence in force at the end of 评估期; 在岗 = in post at the end of 评估期.
3.3.1 (从业查询) has four parts — entry check, existing staff, periodic re-check, termination
after a hit — each with its own passing and failing ledgers. The calendar edge case of 3.3.1
(30th working day across National Day 2023) lives in another file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from tests.changning.small import (
    QUARTER_DAYS,
    activity,
    child,
    document,
    documents,
    failing,
    meeting,
    result,
    staff,
    verdict,
)

#: An as-of date in the middle of 评估期: a requirement due at 评估期.end is not yet due.
MID = dt.date(2023, 10, 1)

Row = dict[str, Any]
Ledger = dict[str, list[Row]]
Change = Callable[[Ledger], None]

#: One day in each quarter of 评估期, by name (for readable parametrize ids).
Q2, Q3, Q4, Q1 = QUARTER_DAYS


# ------------------------------------------------------------------ builders and helpers


def employee(eid: str, start: str, end: str | None = None) -> Row:
    """A 密切接触未成年人岗位工作人员 who started on `start` (and left on `end`, if given)."""
    row: Row = {"id": eid, "name": f"员工{eid}", "unit": "某幼儿园", "position": "保育员", "start": start}
    if end is not None:
        row["end"] = end
    return row


def check(
    person: str,
    date: str,
    kind: str = "定期查询",
    result_date: str | None = None,
    outcome: str | None = "无记录",
) -> Row:
    """A 违法犯罪记录查询 requested on `date`; by default the (clean) result is back 10 days later."""
    row: Row = {"person": person, "kind": kind, "date": date}
    if result_date is None and outcome is not None:
        result_date = (dt.date.fromisoformat(date) + dt.timedelta(days=10)).isoformat()
    if result_date is not None:
        row["result_date"] = result_date
    if outcome is not None:
        row["result"] = outcome
    return row


def termination(person: str, date: str) -> Row:
    return {"person": person, "date": date, "reason": "有性侵害违法犯罪记录"}



def service(kind: str, child_id: str | None, date: str = "2023-07-01", provider: str = "未保站") -> Row:
    row: Row = {"date": date, "kind": kind, "provider": provider}
    if child_id is not None:
        row["child"] = child_id
    return row


def exchange(partner: str, date: str) -> Row:
    return {"date": date, "partner": partner, "content": "重点服务对象信息"}


def entry(kind: str, date: str) -> Row:
    return {"date": date, "kind": kind, "system": "上海未成年人保护信息管理系统"}


def only_failing(rule: str, marker: str, **tables: Any) -> None:
    """The rule fails, and every failing check is the requirement whose text contains `marker`."""
    details = failing(rule, **tables)
    assert details, f"{rule} did not fail"
    assert all(marker in d for d in details), details


def unchanged(facts: Ledger) -> None:
    """The ledger as it is."""


def replace(**tables: list[Row]) -> Change:
    """Replace whole tables of the ledger."""

    def change(facts: Ledger) -> None:
        facts.update(tables)

    return change


def set_field(table: str, index: int, **fields: Any) -> Change:
    def change(facts: Ledger) -> None:
        facts[table][index] = {**facts[table][index], **fields}

    return change


# ------------------------------------------------------------------ 3.1 发现报告 · 3.2 个案会商
# One mechanism document each (3.1.2: two). Shared cases: a document issued on the last day of
# 评估期 or repealed only after it counts; one without evidence, of another kind, repealed during
# 评估期 or issued after it does not; mid-period an absent mechanism is pending; no document
# table at all is unknown.

DOC_PASS = [
    pytest.param({}, id="issued-before-period"),
    pytest.param({"issued": "2024-03-31"}, id="issued-on-last-day-of-period"),
    pytest.param({"repealed": "2024-04-01"}, id="repealed-only-after-period"),
]
DOC_FAIL = [
    pytest.param(None, id="missing"),
    pytest.param({"evidence": None}, id="no-evidence"),
    pytest.param({"repealed": "2023-12-31"}, id="repealed-during-period"),
    pytest.param({"issued": "2024-04-01"}, id="issued-after-period"),
    pytest.param({"kind": "入职查询制度", "title": "入职查询制度"}, id="only-another-clause's-mechanism"),
]


def mechanisms(
    kinds: tuple[str, ...], changed: str | None = None, how: dict[str, Any] | None = None
) -> list[Row]:
    """The documents of `kinds`, in force; the one of kind `changed` altered by `how` (None: left out)."""
    docs = []
    for kind in kinds:
        if kind != changed:
            docs.append(document(kind))
        elif how is not None:
            docs.append({**document(kind), **how})
    return docs


#: The case records a mechanism rule also reads, kept empty (nothing to act on) for the
#: tests of the mechanism alone.
NO_CASES: dict[str, dict[str, list[Row]]] = {
    "3.1.1": {"report": []},
    "3.1.2": {"report": []},
    "3.2.1": {"guardianship_case": [], "meeting": []},
}


def mechanism_verdict(rule: str, as_of: dt.date | None = None, **tables: Any) -> str:
    """The verdict with the rule's case records empty (see NO_CASES)."""
    extra = {} if as_of is None else {"as_of": as_of}
    return verdict(rule, **extra, **NO_CASES.get(rule, {}), **tables)


def check_mechanism_rule(rule: str, kinds: tuple[str, ...]) -> None:
    """Mid-period an absent mechanism is pending (due at 评估期.end); no document table: unknown."""
    assert mechanism_verdict(rule, as_of=MID, document=[]) == "pending"
    assert mechanism_verdict(rule, as_of=MID, document=mechanisms(kinds, kinds[-1])) == "pending"
    assert mechanism_verdict(rule, document=[]) == "fail"
    assert mechanism_verdict(rule) == "unknown"


# 3.1.1 检举控告报告受理处置程序
PROCEDURE_3_1_1 = ("检举控告报告受理处置程序",)


@pytest.mark.parametrize("how", DOC_PASS)
def test_3_1_1_pass(how: dict[str, Any]) -> None:
    # 受理处置程序已建立，有文号，评估期末仍有效（评估期最后一天印发、期后才废止也算）。
    assert mechanism_verdict("3.1.1", document=mechanisms(PROCEDURE_3_1_1, PROCEDURE_3_1_1[0], how)) == "pass"


@pytest.mark.parametrize("how", DOC_FAIL)
def test_3_1_1_fail(how: dict[str, Any] | None) -> None:
    # 未建立（或无佐证、评估期内废止、期后才印发、只有别的制度）：不符合“建立及时受理、处置工作程序”。
    assert mechanism_verdict("3.1.1", document=mechanisms(PROCEDURE_3_1_1, PROCEDURE_3_1_1[0], how)) == "fail"


def test_3_1_1_pending_and_unknown() -> None:
    check_mechanism_rule("3.1.1", PROCEDURE_3_1_1)


# 3.1.2 强制报告制度 + 追责问责机制
REPORTING_3_1_2 = ("强制报告线索受理调查处置反馈制度", "强制报告追责问责机制")


@pytest.mark.parametrize("how", DOC_PASS)
def test_3_1_2_pass(how: dict[str, Any]) -> None:
    # 受理调查处置反馈制度、追责问责机制都已明确且评估期末有效。
    assert mechanism_verdict("3.1.2", document=mechanisms(REPORTING_3_1_2, REPORTING_3_1_2[1], how)) == "pass"


@pytest.mark.parametrize("how", DOC_FAIL)
@pytest.mark.parametrize("broken", REPORTING_3_1_2)
def test_3_1_2_fail(broken: str, how: dict[str, Any] | None) -> None:
    # 两项之一未明确（缺失、无佐证、评估期内废止、期后才印发）即不符合。
    assert mechanism_verdict("3.1.2", document=mechanisms(REPORTING_3_1_2, broken, how)) == "fail"


def test_3_1_2_pending_and_unknown() -> None:
    check_mechanism_rule("3.1.2", REPORTING_3_1_2)


# 3.2.1 个案会商制度
CASE_CONFERENCE_3_2_1 = ("个案会商制度",)


@pytest.mark.parametrize("how", DOC_PASS)
def test_3_2_1_pass(how: dict[str, Any]) -> None:
    # 个案会商制度已建立且评估期末有效。
    docs = mechanisms(CASE_CONFERENCE_3_2_1, CASE_CONFERENCE_3_2_1[0], how)
    assert mechanism_verdict("3.2.1", document=docs) == "pass"


@pytest.mark.parametrize("how", DOC_FAIL)
def test_3_2_1_fail(how: dict[str, Any] | None) -> None:
    # 未建立个案会商制度（或无佐证、评估期内废止、期后才印发）。
    docs = mechanisms(CASE_CONFERENCE_3_2_1, CASE_CONFERENCE_3_2_1[0], how)
    assert mechanism_verdict("3.2.1", document=docs) == "fail"


def test_3_2_1_pending_and_unknown() -> None:
    check_mechanism_rule("3.2.1", CASE_CONFERENCE_3_2_1)


# ------------------------------------------------------------------ 3.3.1 从业查询
# The mechanism: 入职查询制度 in force.


def test_3_3_1_mechanism_required() -> None:
    # 没有入职查询制度文件（其余查询均合规）：不符合“建立…入职查询制度”；评估期中则 pending。
    facts = ledger_3_3_1_existing()
    facts["document"] = []
    assert verdict("3.3.1", **facts) == "fail"
    only_failing("3.3.1", "入职查询制度", **facts)
    assert verdict("3.3.1", as_of=MID, **facts) == "pending"


def test_3_3_1_nothing_to_check_is_not_a_failure() -> None:
    # 制度已建立、没有密切接触岗位人员和查询记录：各 for each 无可检查，n/a；规则取最差 = pass。
    r = result("3.3.1", document=documents("入职查询制度"), employee=[], background_check=[], termination=[])
    assert r.verdict == "pass"
    assert [c.verdict for c in r.checks].count("n/a") == 4


# (1) 招聘时查询：评估期内入职的，入职日前已收到入职查询结果。


def ledger_3_3_1_new_hire() -> Ledger:
    # 2023-06-01 入职的新员工，2023-05-10 提出入职查询，2023-05-20 收到“无记录”结果。
    return {
        "document": documents("入职查询制度"),
        "employee": [employee("e1", "2023-06-01")],
        "background_check": [check("e1", "2023-05-10", kind="入职查询", result_date="2023-05-20")],
        "termination": [],
    }


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(unchanged, id="result-before-start"),
        pytest.param(set_field("background_check", 0, result_date="2023-06-01"), id="result-on-start-day"),
    ],
)
def test_3_3_1_entry_check_pass(change: Change) -> None:
    facts = ledger_3_3_1_new_hire()
    change(facts)
    assert verdict("3.3.1", **facts) == "pass"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(set_field("background_check", 0, result_date="2023-06-02"), id="result-after-start"),
        pytest.param(set_field("background_check", 0, kind="定期查询"), id="not-an-entry-check"),
        pytest.param(replace(background_check=[]), id="never-checked"),
        pytest.param(
            replace(background_check=[check("e1", "2023-05-10", kind="入职查询", outcome=None)]),
            id="result-not-back-yet",
        ),
        # 评估期第一天入职也是评估期内招聘。
        pytest.param(
            replace(employee=[employee("e1", "2023-04-01")], background_check=[]),
            id="hired-on-first-day-unchecked",
        ),
    ],
)
def test_3_3_1_entry_check_fail(change: Change) -> None:
    # 招聘时未在入职前取得查询结果：违反“招聘工作人员时…查询应聘者有无…违法犯罪记录”。
    facts = ledger_3_3_1_new_hire()
    change(facts)
    only_failing("3.3.1", '"入职查询"', **facts)


# (2) 现有工作人员：评估期开始时在岗的，开始前一个复查间隔（1年）内查询过。
# (3) 定期查询：每次查询后，复查间隔届满前再查一次（届满日在评估期内、届时仍在岗）。


def ledger_3_3_1_existing() -> Ledger:
    # 2020 年起在岗的员工：2022-09-01 查询（评估期开始前一年内），复查期限 2023-09-01，
    # 2023-08-20 按期复查（其复查期限 2024-08-20 在评估期外，不再要求）。
    return {
        "document": documents("入职查询制度"),
        "employee": [employee("e1", "2020-01-01")],
        "background_check": [check("e1", "2022-09-01"), check("e1", "2023-08-20")],
        "termination": [],
    }


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(unchanged, id="checked-2022-09-01"),
        # 评估期开始当天查询也是“开始前一个间隔内”；其复查期限 2024-04-01 在评估期外。
        pytest.param(replace(background_check=[check("e1", "2023-04-01")]), id="checked-on-2023-04-01"),
        # 2023-03-31 离职的人评估期开始时已不在岗，无需查询。
        pytest.param(
            replace(employee=[employee("e1", "2020-01-01", "2023-03-31")], background_check=[]),
            id="left-before-period",
        ),
    ],
)
def test_3_3_1_existing_staff_pass(change: Change) -> None:
    facts = ledger_3_3_1_existing()
    change(facts)
    assert verdict("3.3.1", **facts) == "pass"


@pytest.mark.parametrize(
    "change",
    [
        # 仅 2022-03-01 查询过：早于评估期开始前一年（其复查期限 2023-03-01 也不在评估期内）。
        pytest.param(set_field("background_check", 0, date="2022-03-01"), id="last-check-over-a-year-before"),
        # 评估期内才第一次查询：评估期开始时的现有人员未“开展一次查询”。
        pytest.param(
            replace(background_check=[check("e1", "2023-08-20")]), id="first-check-only-during-period"
        ),
        # 查询的是另一名（2022 年底已离职的）员工，不是 e1。
        pytest.param(
            replace(
                employee=[employee("e1", "2020-01-01"), employee("e2", "2020-01-01", "2022-12-31")],
                background_check=[check("e2", "2022-09-01"), check("e1", "2023-08-20")],
            ),
            id="someone-else-checked",
        ),
        # 评估期第一天才离职的也是评估期开始时在岗的现有人员。
        pytest.param(
            replace(employee=[employee("e1", "2020-01-01", "2023-04-01")], background_check=[]),
            id="left-on-first-day-unchecked",
        ),
    ],
)
def test_3_3_1_existing_staff_fail(change: Change) -> None:
    # 对现有工作人员未“开展一次查询”（评估期开始前一年内无查询）。
    facts = ledger_3_3_1_existing()
    change(facts)
    only_failing("3.3.1", "评估期.start - 复查间隔", **facts)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(unchanged, id="rechecked-before-due"),
        pytest.param(set_field("background_check", 1, date="2023-09-01"), id="rechecked-on-due-day"),
        # 复查从提出查询之日起算，结果尚未返回也算按期复查。
        pytest.param(
            replace(background_check=[check("e1", "2022-09-01"), check("e1", "2023-08-20", outcome=None)]),
            id="recheck-result-not-back",
        ),
        # 2023-08-31 离职：复查期限 2023-09-01 届满时已不在岗，无需复查。
        pytest.param(
            replace(
                employee=[employee("e1", "2020-01-01", "2023-08-31")],
                background_check=[check("e1", "2022-09-01")],
            ),
            id="left-before-recheck-due",
        ),
    ],
)
def test_3_3_1_periodic_recheck_pass(change: Change) -> None:
    facts = ledger_3_3_1_existing()
    change(facts)
    assert verdict("3.3.1", **facts) == "pass"


@pytest.mark.parametrize(
    "change",
    [
        # 2023-09-04 才复查：晚于复查期限 2023-09-01。
        pytest.param(set_field("background_check", 1, date="2023-09-04"), id="rechecked-late"),
        pytest.param(replace(background_check=[check("e1", "2022-09-01")]), id="never-rechecked"),
        # 2023-01-10 查询后复查期限 2024-01-10 在评估期内，届满仍未复查。
        pytest.param(replace(background_check=[check("e1", "2023-01-10")]), id="due-2024-01-10-missed"),
    ],
)
def test_3_3_1_periodic_recheck_fail(change: Change) -> None:
    # 查询之后未“定期查询”：复查间隔（1年）届满前未再次查询。
    facts = ledger_3_3_1_existing()
    change(facts)
    only_failing("3.3.1", "复查期限", **facts)


def test_3_3_1_periodic_recheck_pending_before_due() -> None:
    # 2023-01-10 查询、复查期限 2024-01-10：2023-10-01 时尚未到期，未复查只是 pending。
    facts = ledger_3_3_1_existing()
    facts["background_check"] = [check("e1", "2023-01-10")]
    assert verdict("3.3.1", as_of=MID, **facts) == "pending"


# (4) 收到有记录的查询结果后30个工作日内解除工作关系。


def ledger_3_3_1_hit() -> Ledger:
    # 现有员工 2023-08-20 复查，2023-11-01 收到“有记录”结果（30个工作日期限为 2023-12-13），
    # 2023-11-20 解除工作关系。
    return {
        "document": documents("入职查询制度"),
        "employee": [employee("e1", "2020-01-01")],
        "background_check": [
            check("e1", "2022-09-01"),
            check("e1", "2023-08-20", result_date="2023-11-01", outcome="有记录"),
        ],
        "termination": [termination("e1", "2023-11-20")],
    }


@pytest.mark.parametrize(
    "date",
    [
        pytest.param("2023-11-20", id="within-30-working-days"),
        pytest.param("2023-11-01", id="on-the-day-the-result-arrives"),
        pytest.param("2023-12-13", id="on-the-30th-working-day"),
    ],
)
def test_3_3_1_termination_pass(date: str) -> None:
    facts = ledger_3_3_1_hit()
    facts["termination"] = [termination("e1", date)]
    assert verdict("3.3.1", **facts) == "pass"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(replace(termination=[]), id="never-terminated"),
        # 2023-12-14 是收到结果后第31个工作日。
        pytest.param(replace(termination=[termination("e1", "2023-12-14")]), id="terminated-on-31st-day"),
        # 解除的是另一人。
        pytest.param(
            lambda facts: facts.update(
                employee=[*facts["employee"], employee("e2", "2023-06-01")],
                background_check=[*facts["background_check"], check("e2", "2023-05-10", kind="入职查询")],
                termination=[termination("e2", "2023-11-20")],
            ),
            id="someone-else-terminated",
        ),
    ],
)
def test_3_3_1_termination_fail(change: Change) -> None:
    # 收到有记录的查询结果后30个工作日内未与其解除工作关系。
    facts = ledger_3_3_1_hit()
    change(facts)
    only_failing("3.3.1", "termination", **facts)


def test_3_3_1_termination_pending_and_unknown() -> None:
    # 2023-11-15 时30个工作日期限（2023-12-13）未到：未解除只是 pending。
    facts = ledger_3_3_1_hit()
    facts["termination"] = []
    assert verdict("3.3.1", as_of=dt.date(2023, 11, 15), **facts) == "pending"
    # 有命中但不提供解除工作关系台账：unknown。
    del facts["termination"]
    assert verdict("3.3.1", **facts) == "unknown"


def test_3_3_1_a_hit_received_just_before_the_period_is_assessed_by_its_deadline() -> None:
    # 2023-03-20 收到“有记录”结果，30个工作日期限 2023-05-04 在评估期内：从未解除 → fail。
    facts = {
        "document": documents("入职查询制度"),
        "employee": [employee("e1", "2020-01-01")],
        "background_check": [check("e1", "2023-03-01", result_date="2023-03-20", outcome="有记录")],
        "termination": [],
    }
    only_failing("3.3.1", "termination", **facts)
    facts["termination"] = [termination("e1", "2023-05-04")]
    assert verdict("3.3.1", **facts) == "pass"


def test_3_3_1_a_hit_whose_deadline_falls_after_the_period_belongs_to_the_next_assessment() -> None:
    # 2024-03-20 收到“有记录”结果，期限 2024-05-06 在评估期后：本期不评估，结果不因此待定。
    facts = {
        "document": documents("入职查询制度"),
        "employee": [employee("e1", "2020-01-01")],
        "background_check": [
            check("e1", "2023-03-01"),
            check("e1", "2024-02-26", result_date="2024-03-20", outcome="有记录"),
        ],
        "termination": [],
    }
    assert verdict("3.3.1", **facts) == "pass"


# ------------------------------------------------------------------ 3.4.1 发现机制与信息数据交互

PARTNERS = ("学校", "派出所", "医疗机构", "居委会")


def ledger_3_4_1() -> Ledger:
    # 发现机制有效；每个季度与学校、派出所、医疗机构、居委会各交互一次。
    return {
        "document": documents("心理健康发现机制"),
        "data_exchange": [exchange(p, day) for day in QUARTER_DAYS for p in PARTNERS],
    }


def test_3_4_1_pass() -> None:
    assert verdict("3.4.1", **ledger_3_4_1()) == "pass"


def _drop_exchange(partner: str, day: str) -> Change:
    def change(facts: Ledger) -> None:
        facts["data_exchange"] = [
            x for x in facts["data_exchange"] if not (x["partner"] == partner and x["date"] == day)
        ]

    return change


def _q2_school_before_period(facts: Ledger) -> None:
    facts["data_exchange"] = [
        exchange("学校", "2023-03-31") if (x["partner"], x["date"]) == ("学校", Q2) else x
        for x in facts["data_exchange"]
    ]


def _q3_residents_replaced_by_civil_affairs(facts: Ledger) -> None:
    facts["data_exchange"] = [
        exchange("民政", Q3) if (x["partner"], x["date"]) == ("居委会", Q3) else x
        for x in facts["data_exchange"]
    ]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(replace(document=[]), id="no-mechanism"),
        pytest.param(set_field("document", 0, repealed="2023-10-01"), id="mechanism-repealed-during-period"),
        pytest.param(_drop_exchange("学校", Q2), id="no-school-exchange-2023-Q2"),
        pytest.param(_drop_exchange("派出所", Q3), id="no-police-exchange-2023-Q3"),
        pytest.param(_drop_exchange("医疗机构", Q4), id="no-hospital-exchange-2023-Q4"),
        pytest.param(_drop_exchange("居委会", Q1), id="no-residents-committee-exchange-2024-Q1"),
        pytest.param(_q2_school_before_period, id="school-exchange-2023-03-31-not-in-Q2"),
        pytest.param(_q3_residents_replaced_by_civil_affairs, id="民政-is-not-居委会"),
    ],
)
def test_3_4_1_fail(change: Change) -> None:
    # 未建立发现机制，或某季度未与四类单位之一“定期”交互。
    facts = ledger_3_4_1()
    change(facts)
    assert verdict("3.4.1", **facts) == "fail"


def test_3_4_1_mid_period() -> None:
    # 2023-10-01：2023-Q2、Q3 已交互齐全，Q4、2024-Q1 尚未结束 → pending。
    facts = ledger_3_4_1()
    facts["data_exchange"] = [x for x in facts["data_exchange"] if x["date"] in (Q2, Q3)]
    assert verdict("3.4.1", as_of=MID, **facts) == "pending"
    # 已结束的 2023-Q3 缺与派出所的交互 → 评估期中即 fail。
    _drop_exchange("派出所", Q3)(facts)
    assert verdict("3.4.1", as_of=MID, **facts) == "fail"
    # 不提供交互台账：unknown。
    assert verdict("3.4.1", document=facts["document"]) == "unknown"


# ------------------------------------------------------------------ 3.4.2 家-校-社-医联动 · 3.4.3 综合测评
# Same shape: the mechanism, and a service record of the rule's kind for every child needing
# psychological intervention newly registered in 评估期, on or after registration.

def ledger_psy(mechanism: str, kind: str) -> Ledger:
    # 2023-06-01 新发现需心理健康干预的 c1，2023-06-10 有对应服务记录。
    return {
        "document": documents(mechanism),
        "child": [child("c1", "需心理健康干预", "2023-06-01")],
        "service": [service(kind, "c1", "2023-06-10")],
    }


PSY_PASS = [
    pytest.param(unchanged, id="served-after-registration"),
    pytest.param(set_field("service", 0, date="2023-06-01"), id="served-on-registration-day"),
    # 2023-03-31 纳入名册的不是评估期内新发现的，不要求。
    pytest.param(
        replace(child=[child("c1", "需心理健康干预", "2023-03-31")], service=[]),
        id="registered-before-period",
    ),
    # 不是需心理健康干预的儿童，不要求（for each 无可检查 → n/a，规则 pass）。
    pytest.param(
        replace(child=[child("c1", "孤独症儿童", "2023-06-01")], service=[]),
        id="other-category",
    ),
]
PSY_FAIL = [
    pytest.param(replace(document=[]), id="no-mechanism"),
    pytest.param(replace(service=[]), id="no-service"),
    pytest.param(set_field("service", 0, date="2023-05-31"), id="service-before-registration"),
    pytest.param(set_field("service", 0, kind="心理干预"), id="service-of-another-kind"),
    pytest.param(
        lambda facts: facts.update(
            child=[*facts["child"], child("c2", "家庭经济困难儿童")],
            service=[{**facts["service"][0], "child": "c2"}],
        ),
        id="service-for-another-child",
    ),
    pytest.param(
        lambda facts: facts.update(service=[{k: v for k, v in facts["service"][0].items() if k != "child"}]),
        id="service-without-child",
    ),
]


@pytest.mark.parametrize("change", PSY_PASS)
def test_3_4_2_pass(change: Change) -> None:
    # 联动机制有效；评估期内新发现的需心理健康干预的 c1 有联动服务记录（或无人需要）。
    facts = ledger_psy("家校社医联动机制", "联动服务")
    change(facts)
    assert verdict("3.4.2", **facts) == "pass"


@pytest.mark.parametrize("change", PSY_FAIL)
def test_3_4_2_fail(change: Change) -> None:
    # 未建立联动机制，或新发现的需心理健康干预的未成年人没有（发现之后的）联动服务记录。
    facts = ledger_psy("家校社医联动机制", "联动服务")
    change(facts)
    assert verdict("3.4.2", **facts) == "fail"


def test_3_4_2_pending() -> None:
    # 2023-10-01 时新发现的 c1 尚无联动服务：到评估期末才到期 → pending。
    facts = ledger_psy("家校社医联动机制", "联动服务")
    facts["service"] = []
    assert verdict("3.4.2", as_of=MID, **facts) == "pending"


@pytest.mark.parametrize("change", PSY_PASS)
def test_3_4_3_pass(change: Change) -> None:
    # 评价机制有效；评估期内新发现的需心理健康干预的 c1 做过综合测评（或无人需要）。
    facts = ledger_psy("心理健康评价机制", "综合测评")
    change(facts)
    assert verdict("3.4.3", **facts) == "pass"


@pytest.mark.parametrize("change", PSY_FAIL)
def test_3_4_3_fail(change: Change) -> None:
    # 未建立评价机制，或新发现的需心理健康干预的未成年人没有（发现之后的）综合测评记录。
    facts = ledger_psy("心理健康评价机制", "综合测评")
    change(facts)
    assert verdict("3.4.3", **facts) == "fail"


def test_3_4_3_pending_and_unknown() -> None:
    # 2023-10-01 时新发现的 c1 尚未测评 → pending；不提供个案服务台账 → unknown。
    facts = ledger_psy("心理健康评价机制", "综合测评")
    facts["service"] = []
    assert verdict("3.4.3", as_of=MID, **facts) == "pending"
    del facts["service"]
    assert verdict("3.4.3", **facts) == "unknown"


# ------------------------------------------------------------------ 3.4.4 转介机制

TRANSFER = ("心理健康转介机制", "心理健康专业资源清单")


def test_3_4_4_pass() -> None:
    # 转介机制和心理健康专业资源清单均有效。
    assert verdict("3.4.4", document=documents(*TRANSFER)) == "pass"


@pytest.mark.parametrize("missing", TRANSFER)
def test_3_4_4_fail(missing: str) -> None:
    # 缺转介机制，或未对专业资源“梳理、整合”（无资源清单）。
    docs = documents(*[k for k in TRANSFER if k != missing])
    assert verdict("3.4.4", document=docs) == "fail"
    # 清单在评估期内废止也不算。
    repealed = [document(k, repealed="2024-01-01") if k == missing else document(k) for k in TRANSFER]
    assert verdict("3.4.4", document=repealed) == "fail"


# ------------------------------------------------------------------ 3.4.5 应急处置、纠纷化解、权益保护

MECHANISMS_3_4_5 = ("安全保护应急事件处置机制", "纠纷化解机制", "合法权益保护机制")


def test_3_4_5_pass() -> None:
    assert verdict("3.4.5", document=documents(*MECHANISMS_3_4_5)) == "pass"


@pytest.mark.parametrize("missing", MECHANISMS_3_4_5)
def test_3_4_5_fail(missing: str) -> None:
    # 三项机制缺任何一项都不符合；评估期中缺的只是 pending。
    docs = documents(*[k for k in MECHANISMS_3_4_5 if k != missing])
    assert verdict("3.4.5", document=docs) == "fail"
    assert verdict("3.4.5", as_of=MID, document=docs) == "pending"


# ------------------------------------------------------------------ 3.4.6 孤独症儿童关爱服务体系


def ledger_3_4_6() -> Ledger:
    # 服务体系有效；在册的孤独症儿童 c1 评估期内得到未保站的孤独症儿童社区服务。
    return {
        "document": documents("孤独症儿童关爱服务体系"),
        "child": [child("c1", "孤独症儿童")],
        "service": [service("孤独症儿童社区服务", "c1", "2023-07-01")],
    }


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(unchanged, id="served-by-station"),
        # 2023-03-31 已退出名册：评估期内不在册，不要求。
        pytest.param(
            replace(child=[child("c1", "孤独症儿童", left="2023-03-31")], service=[]),
            id="left-register-before-period",
        ),
        # 没有孤独症儿童：for each 无可检查（n/a），规则 pass。
        pytest.param(replace(child=[], service=[]), id="no-autistic-children"),
    ],
)
def test_3_4_6_pass(change: Change) -> None:
    facts = ledger_3_4_6()
    change(facts)
    assert verdict("3.4.6", **facts) == "pass"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(replace(document=[]), id="no-service-system"),
        pytest.param(replace(service=[]), id="not-served"),
        pytest.param(set_field("service", 0, provider="居委会"), id="not-via-the-station"),
        pytest.param(set_field("service", 0, date="2023-03-31"), id="served-before-period"),
        pytest.param(set_field("service", 0, kind="康复服务"), id="other-service"),
        # 评估期内（到 2023-06-30）在册，未得到服务。
        pytest.param(
            replace(child=[child("c1", "孤独症儿童", left="2023-06-30")], service=[]),
            id="in-register-part-of-period",
        ),
    ],
)
def test_3_4_6_fail(change: Change) -> None:
    # 未建设服务体系，或在册孤独症儿童未“依托未保站”得到社区服务。
    facts = ledger_3_4_6()
    change(facts)
    assert verdict("3.4.6", **facts) == "fail"


# ------------------------------------------------------------------ 3.5.1 保护热线


def ledger_3_5_1() -> Ledger:
    # 热线联络员在岗；评估期内开展过热线宣传；没有热线转介个案。
    return {
        "staff": [staff("热线联络员", id="L1")],
        "activity": [activity("热线宣传", "2023-06-15")],
        "hotline_referral": [],
    }


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(unchanged, id="liaison-and-publicity"),
        pytest.param(set_field("activity", 0, date="2024-03-31"), id="publicity-on-last-day"),
        pytest.param(set_field("staff", 0, appointed="2024-03-31"), id="appointed-on-last-day"),
    ],
)
def test_3_5_1_pass(change: Change) -> None:
    facts = ledger_3_5_1()
    change(facts)
    assert verdict("3.5.1", **facts) == "pass"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(replace(staff=[]), id="nobody-responsible"),
        pytest.param(set_field("staff", 0, role="信息系统管理员"), id="other-role"),
        pytest.param(set_field("staff", 0, left="2024-03-01"), id="liaison-left-during-period"),
        pytest.param(replace(activity=[]), id="no-publicity"),
        pytest.param(set_field("activity", 0, date="2023-03-31"), id="publicity-before-period"),
        pytest.param(set_field("activity", 0, kind="法治宣传"), id="other-publicity"),
    ],
)
def test_3_5_1_fail(change: Change) -> None:
    # 无人负责热线转介个案（评估期末不在岗），或评估期内未做热线宣传。
    facts = ledger_3_5_1()
    change(facts)
    assert verdict("3.5.1", **facts) == "fail"


def test_3_5_1_pending_and_unknown() -> None:
    # 2023-10-01 尚未宣传：到评估期末才到期 → pending；不提供岗位台账 → unknown。
    facts = ledger_3_5_1()
    facts["activity"] = []
    assert verdict("3.5.1", as_of=MID, **facts) == "pending"
    assert verdict("3.5.1", activity=ledger_3_5_1()["activity"]) == "unknown"


# ------------------------------------------------------------------ 3.6.1 动态监测

ENTRY_KINDS = ("采集录入", "审核报送", "动态更新")


def ledger_3_6_1() -> Ledger:
    # 动态监测机制有效；每个季度采集录入、审核报送、动态更新各一次；评估期内与派出所通报共享。
    return {
        "document": documents("动态监测机制"),
        "data_entry": [entry(k, day) for day in QUARTER_DAYS for k in ENTRY_KINDS],
        "data_exchange": [exchange("派出所", "2023-09-01")],
    }


def test_3_6_1_pass() -> None:
    assert verdict("3.6.1", **ledger_3_6_1()) == "pass"


def _drop_entry(kind: str, day: str) -> Change:
    def change(facts: Ledger) -> None:
        facts["data_entry"] = [e for e in facts["data_entry"] if not (e["kind"] == kind and e["date"] == day)]

    return change


def _q1_only_summary(facts: Ledger) -> None:
    facts["data_entry"] = [e for e in facts["data_entry"] if e["date"] != Q1] + [entry("汇总分析", Q1)]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(replace(document=[]), id="no-mechanism"),
        pytest.param(_drop_entry("采集录入", Q2), id="no-collection-2023-Q2"),
        pytest.param(_drop_entry("审核报送", Q3), id="no-reporting-2023-Q3"),
        pytest.param(_drop_entry("动态更新", Q4), id="no-update-2023-Q4"),
        pytest.param(_q1_only_summary, id="2024-Q1-only-summary-analysis"),
        pytest.param(replace(data_exchange=[]), id="no-information-sharing"),
        pytest.param(
            replace(data_exchange=[exchange("派出所", "2023-03-31")]),
            id="sharing-before-period",
        ),
    ],
)
def test_3_6_1_fail(change: Change) -> None:
    # 未建动态监测机制、某季度缺某项数据工作，或评估期内无信息通报共享。
    facts = ledger_3_6_1()
    change(facts)
    assert verdict("3.6.1", **facts) == "fail"


def test_3_6_1_mid_period() -> None:
    # 2023-10-01：Q2、Q3 已齐全，后两个季度和通报共享尚未到期 → pending。
    facts = ledger_3_6_1()
    facts["data_entry"] = [e for e in facts["data_entry"] if e["date"] in (Q2, Q3)]
    facts["data_exchange"] = []
    assert verdict("3.6.1", as_of=MID, **facts) == "pending"
    # 已结束的 2023-Q2 缺审核报送 → fail。
    _drop_entry("审核报送", Q2)(facts)
    assert verdict("3.6.1", as_of=MID, **facts) == "fail"


# ------------------------------------------------------------------ 3.6.2 信息管理系统专人负责


def ledger_3_6_2() -> Ledger:
    # 信息系统管理员在岗；评估期内做过数据汇总分析。
    return {"staff": [staff("信息系统管理员")], "data_entry": [entry("汇总分析", "2023-12-20")]}


def test_3_6_2_pass() -> None:
    assert verdict("3.6.2", **ledger_3_6_2()) == "pass"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(replace(staff=[]), id="nobody-responsible"),
        pytest.param(set_field("staff", 0, role="热线联络员"), id="other-role"),
        pytest.param(set_field("staff", 0, left="2023-12-31"), id="administrator-left-during-period"),
        pytest.param(set_field("data_entry", 0, kind="采集录入"), id="no-summary-analysis"),
        pytest.param(set_field("data_entry", 0, date="2023-03-31"), id="summary-before-period"),
    ],
)
def test_3_6_2_fail(change: Change) -> None:
    # 未明确人员负责信息管理系统（评估期末无在岗管理员），或评估期内未做数据汇总分析。
    facts = ledger_3_6_2()
    change(facts)
    assert verdict("3.6.2", **facts) == "fail"


def test_3_6_2_pending_and_unknown() -> None:
    # 2023-10-01 尚未做汇总分析 → pending；不提供信息系统数据台账 → unknown。
    facts = ledger_3_6_2()
    facts["data_entry"] = []
    assert verdict("3.6.2", as_of=MID, **facts) == "pending"
    assert verdict("3.6.2", staff=facts["staff"]) == "unknown"


# ------------------------------------------------------------------ 3.1.x, 3.2.1, 3.5.1 from case records
# Where a street keeps case records the clause is computed from them as well as from its
# mechanism document (docs/domain.md, “Kinds of clause”); the time limits are parameters.


def lead(received: str, kind: str = "报告", **dates: str) -> Row:
    """A 检举、控告、报告线索 received on `received`; `dates` are accepted/investigated/handled/feedback."""
    return {"received": received, "kind": kind, "unit": "派出所", **dates}


def leads_ledger(*rows: Row) -> Ledger:
    return {"document": documents(*PROCEDURE_3_1_1, *REPORTING_3_1_2), "report": list(rows)}


# 2023-09-28 (Thu) + 1 working day = 2023-10-07 (a make-up working Saturday after 国庆).
ON_TIME = lead("2023-09-28", accepted="2023-10-07", handled="2023-11-01")


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        pytest.param(ON_TIME, "pass", id="accepted-next-working-day-handled-in-a-month"),
        pytest.param(
            lead("2023-09-28", accepted="2023-10-09", handled="2023-10-20"), "fail", id="accepted-late"
        ),
        # accepted 09-28: a month ends 10-28, a Saturday, so 10-30; 10-31 is late
        pytest.param(
            lead("2023-09-28", accepted="2023-09-28", handled="2023-10-31"), "fail", id="handled-late"
        ),
        pytest.param(lead("2023-09-28"), "fail", id="never-accepted"),
    ],
)
def test_3_1_1_each_lead_is_accepted_and_handled_in_time(row: Row, expected: str) -> None:
    assert verdict("3.1.1", **leads_ledger(row)) == expected


def test_3_1_1_an_open_lead_is_pending_until_its_time_limit() -> None:
    # On 2023-10-10 the lead accepted on 10-07 has until 2023-11-07 to be handled.
    open_lead = lead("2023-09-28", accepted="2023-10-07")
    assert verdict("3.1.1", as_of=dt.date(2023, 10, 10), **leads_ledger(open_lead)) == "pending"
    # handled on 2023-11-01: on 2023-10-10 that is still to come
    assert verdict("3.1.1", as_of=dt.date(2023, 10, 10), **leads_ledger(ON_TIME)) == "pending"
    # the time limit is a parameter: a week to handle it, and 2023-11-01 is late
    assert verdict("3.1.1", reading={"线索处置时限": "7 days"}, **leads_ledger(ON_TIME)) == "fail"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        pytest.param(
            lead("2023-06-05", "强制报告", accepted="2023-06-05", investigated="2023-06-12",
                 handled="2023-06-20", feedback="2023-06-30"),
            "pass", id="accepted-investigated-handled-fed-back"),
        pytest.param(
            lead("2023-06-05", "强制报告", accepted="2023-06-05", investigated="2023-06-12",
                 handled="2023-06-20", feedback="2023-07-10"),
            "fail", id="feedback-after-a-month"),
        pytest.param(
            lead("2023-06-05", "强制报告", accepted="2023-06-05", handled="2023-06-20",
                 feedback="2023-06-30"),
            "fail", id="no-investigation-recorded"),
        # an ordinary report needs no feedback under 3.1.2 (3.1.1 still follows it)
        pytest.param(
            lead("2023-06-05", accepted="2023-06-05", handled="2023-06-20"), "pass", id="not-mandatory"
        ),
    ],
)
def test_3_1_2_each_mandatory_report_is_followed_to_its_feedback(row: Row, expected: str) -> None:
    assert verdict("3.1.2", **leads_ledger(row)) == expected


def case_ledger(level: str = "高", opened: str = "2023-06-01", *meetings: Row) -> Ledger:
    return {
        "document": documents(*CASE_CONFERENCE_3_2_1),
        "child": [child("C1")],
        "guardianship_case": [{"id": "G1", "child": "C1", "level": level, "opened": opened}],
        "meeting": list(meetings),
    }


@pytest.mark.parametrize(
    ("level", "meetings", "expected"),
    [
        pytest.param(
            "高", [meeting("2023-06-20", "个案会商", child="C1")], "pass", id="conference-in-a-month"
        ),
        pytest.param("高", [meeting("2023-07-05", "个案会商", child="C1")], "fail", id="conference-too-late"),
        pytest.param(
            "高", [meeting("2023-06-20", "协调会议", child="C1")], "fail", id="not-a-case-conference"
        ),
        pytest.param("高", [meeting("2023-06-20", "个案会商")], "fail", id="conference-on-no-child"),
        pytest.param("中", [], "pass", id="medium-risk-needs-none"),
    ],
)
def test_3_2_1_a_high_risk_case_is_conferred_on(level: str, meetings: list[Row], expected: str) -> None:
    assert verdict("3.2.1", **case_ledger(level, "2023-06-01", *meetings)) == expected


def test_3_2_1_which_cases_start_a_conference_is_a_parameter() -> None:
    facts = case_ledger("中", "2023-06-01")
    assert verdict("3.2.1", reading={"会商启动等级": "中"}, **facts) == "fail"


def referral(received: str, handled: str | None = None, handler: str | None = "L1") -> Row:
    row: Row = {"received": received, "line": "12355"}
    row |= {"handled": handled} if handled else {}
    row |= {"handler": handler} if handler else {}
    return row


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        # 2023-09-28 + 5 working days = 2023-10-11 (国庆 in between)
        pytest.param(referral("2023-09-28", "2023-10-11"), "pass", id="handled-on-the-fifth-working-day"),
        pytest.param(referral("2023-09-28", "2023-10-12"), "fail", id="handled-late"),
        pytest.param(referral("2023-09-28"), "fail", id="never-handled"),
        pytest.param(referral("2023-09-28", "2023-10-09", handler=None), "fail", id="nobody-named"),
    ],
)
def test_3_5_1_each_referral_is_handled_by_the_liaison_in_time(row: Row, expected: str) -> None:
    facts = ledger_3_5_1()
    facts["hotline_referral"] = [row]
    assert verdict("3.5.1", **facts) == expected


def test_3_5_1_a_referral_handled_by_someone_else_does_not_count() -> None:
    facts = ledger_3_5_1()
    facts["staff"].append(staff("信息系统管理员", id="X1"))
    facts["hotline_referral"] = [referral("2023-09-28", "2023-10-09", handler="X1")]
    assert verdict("3.5.1", **facts) == "fail"
