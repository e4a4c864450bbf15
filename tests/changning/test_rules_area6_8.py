"""Areas 6 (网络保护), 7 (政府保护) and 8 (司法保护) of rules/changning_2023.prl, one small ledger at a time.

For every rule, 6.1.1 … 8.5.1, a hand-written ledger that passes and, for each requirement, a
small variation of it that fails, with the reason in terms of the clause (and the rule's `note:`).
评估期 is 2023-04-01 .. 2024-03-31. The 节假日 blocks that 6.1.1 iterates are the real PRC ones
(State Council notices, checked against protrules.calendar.workdays); the 8.3.1 deadlines follow the Civil
Code (start day not counted, a rest-day end rolls to the next working day, make-up days included).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from protrules.calendar.workdays import Period, china
from tests.changning.small import AS_OF, activity, child, document, documents, result, staff, verdict

MID = dt.date(2023, 10, 1)  # an as-of date in the middle of 评估期
PERIOD = Period(dt.date(2023, 4, 1), dt.date(2024, 3, 31))  # 评估期

Ledger = dict[str, list[dict[str, Any]]]
Change = Callable[[Ledger], None]


# ------------------------------------------------------------------ builders


def inspection(date: str, kind: str = "网吧专项检查", **fields: Any) -> dict[str, Any]:
    return {"date": date, "kind": kind, **fields}



def benefit(
    cid: str, kind: str, month: str, amount: float = 2000, standard: float = 2000
) -> dict[str, Any]:
    return {"child": cid, "kind": kind, "month": month, "amount": amount, "standard": standard}


def service(kind: str, date: str = "2023-06-15", provider: str = "未保站", **fields: Any) -> dict[str, Any]:
    return {"date": date, "kind": kind, "provider": provider, **fields}


def rehab_policy(max_age: int = 10, **fields: Any) -> dict[str, Any]:
    return {
        "max_age": max_age,
        "household_relaxed": True,
        "income_relaxed": True,
        "issued": "2022-07-01",
        "evidence": "长民〔2022〕5号",
        **fields,
    }


def venue(kind: str, **fields: Any) -> dict[str, Any]:
    return {"name": f"{kind}一号", "kind": kind, "minors_gathering": False, **fields}


def police_case(cid: str, date: str = "2023-06-01", kind: str = "性侵害") -> dict[str, Any]:
    return {"id": cid, "date": date, "kind": kind, "unit": "派出所"}


def interview(case: str, date: str, recorded: bool = True, victim: str = "V1") -> dict[str, Any]:
    return {"case": case, "victim": victim, "date": date, "recorded": recorded}


def recommendation(rid: str, date: str) -> dict[str, Any]:
    return {"id": rid, "issuer": "派出所", "addressee": "某培训机构", "date": date}


def reply(rid: str, date: str) -> dict[str, Any]:
    return {"recommendation": rid, "date": date}


def months_of_period() -> list[str]:
    """The first day of each month of 评估期: 2023-04-01 … 2024-03-01."""
    return [f"2023-{m:02d}-01" for m in range(4, 13)] + [f"2024-{m:02d}-01" for m in range(1, 4)]


def failed(rule: str, as_of: dt.date = AS_OF, **tables: Any) -> list[str]:
    """Context and expression of each failing check (to assert *which* requirement broke)."""
    return [
        f"{' '.join(c.context)} {c.detail}"
        for c in result(rule, as_of=as_of, **tables).checks
        if c.verdict == "fail"
    ]


def changed(base: Ledger, change: Change) -> Ledger:
    facts = copy.deepcopy(base)
    change(facts)
    return facts


def drop(table: str, **match: Any) -> Change:
    """Remove the records of `table` whose fields equal `match` (all of them if no `match`)."""

    def change(facts: Ledger) -> None:
        facts[table] = [r for r in facts[table] if any(r.get(k) != v for k, v in match.items())]

    return change


def edit(table: str, index: int, **fields: Any) -> Change:
    """Change some fields of one record (fields given as None are removed)."""

    def change(facts: Ledger) -> None:
        row = facts[table][index]
        for key, value in fields.items():
            if value is None:
                row.pop(key, None)
            else:
                row[key] = value

    return change


# ------------------------------------------------------------------ 6.1.1 网吧专项检查

# The 节假日 blocks (maximal runs of rest days holding a statutory holiday) overlapping 评估期,
# and the school vacations declared in the rule file that overlap it.
BLOCKS = {
    "清明": ("2023-04-05", "2023-04-05"),
    "劳动节": ("2023-04-29", "2023-05-03"),
    "端午": ("2023-06-22", "2023-06-24"),
    "中秋国庆": ("2023-09-29", "2023-10-06"),
    "元旦": ("2023-12-30", "2024-01-01"),
    "春节": ("2024-02-10", "2024-02-17"),
}
VACATIONS = {"暑假2023": ("2023-07-01", "2023-08-31"), "寒假2024": ("2024-01-22", "2024-02-18")}


def test_6_1_1_blocks_are_the_real_prc_holiday_blocks() -> None:
    # The expectations below rely on this calendar: 2023 清明 is a one-day block (a Wednesday);
    # 2024 清明 (04-04..04-06) lies after 评估期; 元旦 2023-12-30..2024-01-01 is one block.
    blocks = china().holiday_blocks(PERIOD)
    assert [(b.start.isoformat(), b.end.isoformat()) for b in blocks] == list(BLOCKS.values())


def ledger_6_1_1() -> Ledger:
    # One 网吧专项检查 inside each 节假日 block and each school vacation overlapping 评估期.
    # 春节 (02-10..02-17) lies inside 寒假2024 (01-22..02-18), so 02-12 covers both.
    return {
        "inspection": [
            inspection("2023-04-05"),  # 清明
            inspection("2023-05-01"),  # 劳动节
            inspection("2023-06-22"),  # 端午
            inspection("2023-07-15"),  # 暑假2023
            inspection("2023-10-01"),  # 中秋国庆
            inspection("2024-01-01"),  # 元旦
            inspection("2024-02-12"),  # 春节 and 寒假2024
        ]
    }


def test_6_1_1_pass_one_inspection_in_each_vacation_and_holiday_block() -> None:
    res = result("6.1.1", **ledger_6_1_1())
    assert res.verdict == "pass"
    # each of the 6 blocks and each of the 2 vacations is checked once, and passes
    assert len(res.checks) == len(BLOCKS) + len(VACATIONS)
    assert all(c.verdict == "pass" for c in res.checks)


@pytest.mark.parametrize(
    ("day", "broken"),
    [
        ("2023-04-05", ["2023-04-05..2023-04-05"]),  # 清明 has no inspection
        ("2023-05-01", ["2023-04-29..2023-05-03"]),  # 劳动节
        ("2023-06-22", ["2023-06-22..2023-06-24"]),  # 端午
        ("2023-07-15", ["暑假"]),  # the summer vacation
        ("2023-10-01", ["2023-09-29..2023-10-06"]),  # 中秋国庆
        ("2024-01-01", ["2023-12-30..2024-01-01"]),  # 元旦
        ("2024-02-12", ["寒假", "2024-02-10..2024-02-17"]),  # neither 寒假 nor 春节
    ],
)
def test_6_1_1_fail_a_vacation_or_block_without_inspection(day: str, broken: list[str]) -> None:
    facts = changed(ledger_6_1_1(), drop("inspection", date=day))
    assert verdict("6.1.1", **facts) == "fail"
    fails = failed("6.1.1", **facts)
    assert len(fails) == len(broken)
    for fail, name in zip(fails, broken, strict=True):
        assert name in fail


@pytest.mark.parametrize(
    ("replacement", "expected"),
    [
        ("2023-09-29", "pass"),  # first day of the 中秋国庆 block (statutory 中秋)
        ("2023-10-06", "pass"),  # last day of the block (a rest day after 调休)
        ("2023-09-28", "fail"),  # the working day before the block
        ("2023-10-07", "fail"),  # 调休上班 make-up working Saturday right after it: not a holiday
    ],
)
def test_6_1_1_block_edges(replacement: str, expected: str) -> None:
    facts = changed(ledger_6_1_1(), edit("inspection", 4, date=replacement))
    assert verdict("6.1.1", **facts) == expected


def test_6_1_1_cross_year_block_counts_from_its_first_day() -> None:
    # 2023-12-30 (a Saturday of 2023) opens the 元旦 2024 block: an inspection then covers it.
    facts = changed(ledger_6_1_1(), edit("inspection", 5, date="2023-12-30"))
    assert verdict("6.1.1", **facts) == "pass"


def test_6_1_1_fail_春节_covered_only_by_a_vacation_day() -> None:
    # An inspection on 2024-02-05 is inside 寒假 but before the 春节 block: 春节 has none.
    facts = changed(ledger_6_1_1(), edit("inspection", 6, date="2024-02-05"))
    fails = failed("6.1.1", **facts)
    assert len(fails) == 1 and "2024-02-10..2024-02-17" in fails[0]


def test_6_1_1_fail_other_kind_of_inspection_does_not_count() -> None:
    # A 设施维护 check on 端午 is not a 网吧专项检查.
    facts = changed(ledger_6_1_1(), edit("inspection", 2, kind="设施维护"))
    fails = failed("6.1.1", **facts)
    assert len(fails) == 1 and "2023-06-22..2023-06-24" in fails[0]


def test_6_1_1_pending_mid_period_while_later_blocks_are_open() -> None:
    # On 2023-10-01 the blocks and vacations so far are covered; 元旦, 寒假 and 春节 are to come.
    facts = {"inspection": [i for i in ledger_6_1_1()["inspection"] if i["date"] <= "2023-10-01"]}
    assert verdict("6.1.1", as_of=MID, **facts) == "pending"
    # ... but a block already over without an inspection is failed, not pending.
    facts = changed(facts, drop("inspection", date="2023-04-05"))
    assert verdict("6.1.1", as_of=MID, **facts) == "fail"


# 网吧检查节点读法 (docs/domain.md, Readings): is every holiday block a 重要时间节点, or only the
# school vacations and the long holidays (春节, 国庆: blocks of at least 长假天数 = 7 days)?
KEY_NODES = {"网吧检查节点读法": "寒暑假和长假"}


def test_6_1_1_reading_key_nodes_only_excuses_the_short_blocks() -> None:
    # No inspection on the one-day 清明 block, nor on 劳动节, 端午 and 元旦.
    facts = {"inspection": [i for i in ledger_6_1_1()["inspection"]
                            if i["date"] in ("2023-07-15", "2023-10-01", "2024-02-12")]}
    assert verdict("6.1.1", **facts) == "fail"  # 读法一（默认）：每个节假日都要检查
    res = result("6.1.1", reading=KEY_NODES, **facts)
    assert res.verdict == "pass"  # 读法二：寒暑假、春节、国庆
    # the two vacations and the two long blocks are checked; the short blocks are not
    assert len(res.checks) == 4


@pytest.mark.parametrize("day", ["2023-10-01", "2024-02-12", "2023-07-15"])
def test_6_1_1_reading_key_nodes_still_needs_the_long_holidays_and_vacations(day: str) -> None:
    facts = changed(ledger_6_1_1(), drop("inspection", date=day))
    assert verdict("6.1.1", reading=KEY_NODES, **facts) == "fail"


def test_6_1_1_reading_key_nodes_length_is_a_parameter() -> None:
    # With 长假天数 = 5 the 劳动节 block (04-29..05-03) is a long holiday too.
    facts = {"inspection": [i for i in ledger_6_1_1()["inspection"] if i["date"] != "2023-05-01"]}
    assert verdict("6.1.1", reading=KEY_NODES, **facts) == "pass"
    assert verdict("6.1.1", reading={**KEY_NODES, "长假天数": "5"}, **facts) == "fail"


def test_6_1_1_unknown_without_inspection_data() -> None:
    assert verdict("6.1.1") == "unknown"


# ------------------------------------------------------------------ 6.1.2 网络素养教育


def test_6_1_2_pass_internet_literacy_education_in_period() -> None:
    assert verdict("6.1.2", activity=[activity("网络素养教育", "2023-04-01")]) == "pass"  # first day


@pytest.mark.parametrize(
    "activities",
    [
        [],  # no activity at all
        [activity("网络素养教育", "2023-03-31")],  # the day before 评估期
        [activity("自护教育", "2023-06-15")],  # another kind of education
    ],
)
def test_6_1_2_fail_no_internet_literacy_education_in_period(activities: list[dict[str, Any]]) -> None:
    assert verdict("6.1.2", activity=activities) == "fail"


def test_6_1_2_pending_mid_period_and_unknown_without_data() -> None:
    assert verdict("6.1.2", as_of=MID, activity=[]) == "pending"  # due at 评估期.end
    assert verdict("6.1.2") == "unknown"


# ------------------------------------------------------------------ 7.1.1 基本生活补贴


def ledger_7_1_1() -> Ledger:
    # An orphan on the register throughout, paid the 基本生活补贴 at the standard every month.
    return {
        "child": [child("c1", "孤儿")],
        "benefit": [benefit("c1", "基本生活补贴", m) for m in months_of_period()],
    }


def test_7_1_1_pass_allowance_every_month_at_standard() -> None:
    res = result("7.1.1", **ledger_7_1_1())
    assert res.verdict == "pass"
    assert len(res.checks) == 12  # one per month of 评估期 for the one orphan


@pytest.mark.parametrize(
    "change",
    [
        drop("benefit", month="2023-10-01"),  # October not paid
        edit("benefit", 6, amount=1800),  # October paid below the 文件标准
        edit("benefit", 6, kind="教育资助"),  # October: not the 基本生活补贴
        edit("benefit", 6, month="2023-03-01"),  # a payment for March 2023 is not October's
    ],
    ids=["month-missing", "below-standard", "wrong-kind", "wrong-month"],
)
def test_7_1_1_fail_a_month_not_paid_at_standard(change: Change) -> None:
    facts = changed(ledger_7_1_1(), change)
    fails = failed("7.1.1", **facts)
    assert len(fails) == 1 and "2023-10" in fails[0]


def test_7_1_1_fail_de_facto_unsupported_child_not_paid() -> None:
    # 事实无人抚养儿童 are covered too: a second child with no allowance fails every month.
    facts = changed(ledger_7_1_1(), lambda f: f["child"].append(child("c2", "事实无人抚养儿童")))
    assert verdict("7.1.1", **facts) == "fail"
    assert len(failed("7.1.1", **facts)) == 12


def test_7_1_1_boundary_only_whole_months_on_register() -> None:
    # Registered 2023-06-10: June is not a whole month on the register, so July on suffices.
    # Left 2023-12-15: December is not a whole month on the register either.
    facts: Ledger = {
        "child": [child("c1", "孤儿", registered="2023-06-10", left="2023-12-15")],
        "benefit": [benefit("c1", "基本生活补贴", m) for m in months_of_period()[3:8]],  # Jul..Nov
    }
    assert verdict("7.1.1", **facts) == "pass"
    # Left on 2023-12-31, the child was on the register the whole of December: it must be paid.
    facts["child"][0]["left"] = "2023-12-31"
    fails = failed("7.1.1", **facts)
    assert len(fails) == 1 and "2023-12" in fails[0]


def test_7_1_1_not_applicable_without_orphans() -> None:
    # A 家庭经济困难儿童 is not entitled to the 基本生活补贴 of this clause: nothing to check.
    assert verdict("7.1.1", child=[child("c1", "家庭经济困难儿童")], benefit=[]) == "n/a"


def test_7_1_1_unknown_without_benefit_data() -> None:
    assert verdict("7.1.1", child=[child("c1", "孤儿")]) == "unknown"


# ------------------------------------------------------------------ 7.2.1 教育资助、两免一补


def ledger_7_2_1() -> Ledger:
    # Two children of families in economic difficulty: one got 教育资助, the other 两免一补.
    return {
        "child": [child("c1", "家庭经济困难儿童"), child("c2", "家庭经济困难儿童", registered="2023-11-20")],
        "benefit": [benefit("c1", "教育资助", "2023-09-01"), benefit("c2", "两免一补", "2024-03-01")],
    }


def test_7_2_1_pass_each_child_got_education_aid() -> None:
    assert verdict("7.2.1", **ledger_7_2_1()) == "pass"


@pytest.mark.parametrize(
    "change",
    [
        drop("benefit", child="c2"),  # c2 got nothing
        edit("benefit", 1, kind="基本生活补贴"),  # c2 got a living allowance, not education aid
        edit("benefit", 1, month="2024-04-01"),  # c2's aid is for a month after 评估期
        edit("benefit", 1, child="c1"),  # both payments went to c1
    ],
    ids=["none", "wrong-kind", "after-period", "other-child"],
)
def test_7_2_1_fail_a_child_without_education_aid(change: Change) -> None:
    facts = changed(ledger_7_2_1(), change)
    fails = failed("7.2.1", **facts)
    assert len(fails) == 1 and "c2" in fails[0]


@pytest.mark.parametrize(
    ("registered", "left", "expected"),
    [
        ("2021-09-01", "2023-03-31", "n/a"),  # left the register before 评估期
        ("2024-04-01", None, "n/a"),  # registered after 评估期
        ("2021-09-01", "2023-04-01", "fail"),  # on the register on 评估期's first day: covered
    ],
)
def test_7_2_1_boundary_children_on_register_during_period(
    registered: str, left: str | None, expected: str
) -> None:
    extra = {"left": left} if left else {}
    pupil = child("c1", "家庭经济困难儿童", registered=registered, **extra)
    facts: Ledger = {"child": [pupil], "benefit": []}
    assert verdict("7.2.1", **facts) == expected


def test_7_2_1_pending_mid_period() -> None:
    facts = changed(ledger_7_2_1(), drop("benefit", child="c1"))
    assert verdict("7.2.1", as_of=MID, **facts) == "pending"  # due at 评估期.end
    # c2 joins the register on 2023-11-20: on 2023-10-01 it is not known yet, so nothing is
    # owed to it then
    facts = changed(ledger_7_2_1(), drop("benefit", child="c2"))
    assert verdict("7.2.1", as_of=MID, **facts) == "pass"


# ------------------------------------------------------------------ 7.3.1 康复救助政策


def test_7_3_1_pass_age_ten_and_both_limits_relaxed() -> None:
    # “10周岁以上” includes 10 (民法典 第一千二百五十九条).
    assert verdict("7.3.1", rehab_policy=[rehab_policy(10)]) == "pass"


def test_7_3_1_pass_repealed_only_after_period() -> None:
    assert verdict("7.3.1", rehab_policy=[rehab_policy(16, repealed="2024-04-01")]) == "pass"


@pytest.mark.parametrize(
    "policy",
    [
        rehab_policy(9),  # age range not extended to 10
        rehab_policy(household_relaxed=False),  # 户籍 limit kept
        rehab_policy(income_relaxed=False),  # 家庭经济条件 limit kept
        rehab_policy(repealed="2024-01-01"),  # repealed during 评估期: not in force at its end
        rehab_policy(issued="2024-04-10"),  # only in force after 评估期
    ],
    ids=["age-9", "household", "income", "repealed", "too-late"],
)
def test_7_3_1_fail_policy_short_of_the_clause(policy: dict[str, Any]) -> None:
    assert verdict("7.3.1", rehab_policy=[policy]) == "fail"


def test_7_3_1_fail_without_policy_pending_mid_period_unknown_without_data() -> None:
    assert verdict("7.3.1", rehab_policy=[]) == "fail"  # no policy at the end of 评估期
    assert verdict("7.3.1", as_of=MID, rehab_policy=[]) == "pending"  # due at 评估期.end
    assert verdict("7.3.1") == "unknown"


# ------------------------------------------------------------------ 7.3.2 残疾儿童康复服务


def ledger_7_3_2() -> Ledger:
    return {
        "child": [
            child("c1", "残疾儿童"),
            child("c2", "残疾儿童", registered="2023-08-01"),
            child("c3", "孤儿"),
        ],
        "service": [
            service("康复服务", "2023-05-10", child="c1"),
            service("特殊教育和康复指导", "2023-09-01", child="c2"),
        ],
    }


def test_7_3_2_pass_each_disabled_child_served() -> None:
    # The orphan c3 is not a 残疾儿童: no rehabilitation service is needed for it.
    assert verdict("7.3.2", **ledger_7_3_2()) == "pass"


@pytest.mark.parametrize(
    "change",
    [
        drop("service", child="c2"),  # c2 got nothing
        edit("service", 1, kind="精神慰藉"),  # not rehabilitation nor its guidance
        edit("service", 1, child="c1"),  # served c1 twice, not c2
        edit("service", 1, date="2024-04-01"),  # after 评估期
    ],
    ids=["none", "wrong-kind", "other-child", "after-period"],
)
def test_7_3_2_fail_a_disabled_child_without_service(change: Change) -> None:
    facts = changed(ledger_7_3_2(), change)
    fails = failed("7.3.2", **facts)
    assert len(fails) == 1 and "c2" in fails[0]


def test_7_3_2_not_applicable_pending() -> None:
    assert verdict("7.3.2", child=[child("c3", "孤儿")], service=[]) == "n/a"  # no disabled child
    facts = changed(ledger_7_3_2(), drop("service", child="c2"))
    assert verdict("7.3.2", as_of=MID, **facts) == "pending"


# ------------------------------------------------------------------ 7.3.3 护理补贴扩面提标


def test_7_3_3_pass_policy_in_force() -> None:
    assert verdict("7.3.3", document=documents("残疾儿童护理补贴扩面提标政策")) == "pass"


NO_EVIDENCE = document("残疾儿童护理补贴扩面提标政策")
del NO_EVIDENCE["evidence"]


@pytest.mark.parametrize(
    "docs",
    [
        [],  # no such policy
        [NO_EVIDENCE],  # no 文号 / archive evidence
        [document("残疾儿童护理补贴扩面提标政策", repealed="2023-12-31")],  # repealed in 评估期
        [document("无障碍建设管理要求")],  # another document
    ],
    ids=["none", "no-evidence", "repealed", "other-kind"],
)
def test_7_3_3_fail_no_policy_in_force(docs: list[dict[str, Any]]) -> None:
    assert verdict("7.3.3", document=docs) == "fail"


def test_7_3_3_pending_mid_period() -> None:
    # Issued 2023-12-01: not yet established on 2023-10-01, but due only at 评估期.end.
    docs = [document("残疾儿童护理补贴扩面提标政策", issued="2023-12-01")]
    assert verdict("7.3.3", as_of=MID, document=docs) == "pending"
    assert verdict("7.3.3", document=docs) == "pass"


# ------------------------------------------------------------------ 7.4.1 监护落实


def ledger_7_4_1() -> Ledger:
    # The 救助保护 mechanism; a child without temporary guardianship given 临时照料 the next day;
    # a runaway given 救助保护 the day registered; each assessed (监护能力评估) within a month.
    return {
        "document": documents("流浪和临时监护缺失未成年人救助保护工作机制"),
        "child": [
            child("t1", "临时监护缺失", registered="2023-05-01"),
            child("s1", "流浪未成年人", registered="2023-08-01"),
        ],
        "service": [
            service("临时照料", "2023-05-02", child="t1"),
            service("救助保护", "2023-08-01", child="s1"),
            service("监护能力评估", "2023-05-20", child="t1"),
            service("监护能力评估", "2023-09-01", child="s1"),
        ],
    }


def test_7_4_1_pass_all_four_requirements() -> None:
    assert verdict("7.4.1", **ledger_7_4_1()) == "pass"


@pytest.mark.parametrize(
    ("change", "broken"),
    [
        (drop("document"), "流浪和临时监护缺失未成年人救助保护工作机制"),  # no mechanism
        (drop("service", kind="临时照料"), "t1"),  # t1 not placed in 临时照料
        (edit("service", 0, date="2023-04-30"), "t1"),  # 临时照料 before t1 was registered
        (edit("service", 0, child="s1"), "t1"),  # 临时照料 given to someone else
        (drop("service", kind="救助保护"), "s1"),  # the runaway was not helped
        (edit("service", 3, date="2023-09-04"), "s1"),  # assessed after a month (due 2023-09-01)
        (edit("service", 2, child="s1"), "t1"),  # t1 never assessed
    ],
    ids=["mechanism", "no-care", "care-too-early", "care-other-child", "no-rescue", "assessment-late",
         "no-assessment"],
)
def test_7_4_1_fail_each_requirement(change: Change, broken: str) -> None:
    facts = changed(ledger_7_4_1(), change)
    fails = failed("7.4.1", **facts)
    assert len(fails) == 1 and broken in fails[0]


def test_7_4_1_an_assessment_not_yet_due_is_pending() -> None:
    # On 2023-08-10 s1 (registered 08-01) has until 2023-09-01 to be assessed.
    facts = changed(ledger_7_4_1(), drop("service", kind="监护能力评估", child="s1"))
    assert verdict("7.4.1", as_of=dt.date(2023, 8, 10), **facts) == "pending"
    assert verdict("7.4.1", **facts) == "fail"


def test_7_4_1_child_registered_before_period_is_not_assessed() -> None:
    # t1 entered the register before 评估期 (and its assessment fell due before it too): its
    # placement is not assessed here.
    facts = changed(ledger_7_4_1(), edit("child", 0, registered="2023-02-20"))
    facts = changed(facts, drop("service", kind="临时照料"))
    facts = changed(facts, drop("service", kind="监护能力评估", child="t1"))
    assert verdict("7.4.1", **facts) == "pass"


# ------------------------------------------------------------------ 8.1.1 / 8.1.2 专门人员与单独考核


def ledger_8_1(role: str, kind: str) -> Ledger:
    return {"staff": [staff(role)], "document": documents(kind)}


@pytest.mark.parametrize(
    "change",
    [
        drop("staff"),  # no designated officer
        edit("staff", 0, left="2024-03-01"),  # left before the end of 评估期
        edit("staff", 0, role="司法所涉未专门人员"),  # the justice office's, not the police's
        drop("document"),  # no 单独考核 rules
        edit("document", 0, repealed="2023-12-31"),  # repealed during 评估期
    ],
    ids=["no-staff", "left", "wrong-role", "no-document", "repealed"],
)
def test_8_1_1_police_specialist_and_separate_appraisal(change: Change) -> None:
    base = ledger_8_1("派出所涉未专门人员", "派出所涉未案件单独考核办法")
    assert verdict("8.1.1", **base) == "pass"
    assert verdict("8.1.1", **changed(base, edit("staff", 0, left="2024-04-01"))) == "pass"  # left after
    assert verdict("8.1.1", **changed(base, change)) == "fail"


def test_8_1_1_pending_mid_period() -> None:
    # Appointed 2023-11-01: not in post on 2023-10-01, but due only at 评估期.end.
    facts = ledger_8_1("派出所涉未专门人员", "派出所涉未案件单独考核办法")
    facts["staff"][0]["appointed"] = "2023-11-01"
    assert verdict("8.1.1", as_of=MID, **facts) == "pending"


@pytest.mark.parametrize(
    "change",
    [
        drop("staff"),  # no designated officer
        edit("staff", 0, left="2023-12-31"),  # left during 评估期
        edit("staff", 0, role="派出所涉未专门人员"),  # the police's, not the justice office's
        drop("document"),  # no 单独考核 rules
        edit("document", 0, evidence=None),  # no evidence of the rules
    ],
    ids=["no-staff", "left", "wrong-role", "no-document", "no-evidence"],
)
def test_8_1_2_justice_office_specialist_and_separate_appraisal(change: Change) -> None:
    base = ledger_8_1("司法所涉未专门人员", "司法所涉未工作单独考核办法")
    assert verdict("8.1.2", **base) == "pass"
    assert verdict("8.1.2", **changed(base, change)) == "fail"


# 专门机构读法 (docs/domain.md, Readings): “确定专门机构或者指定专门人员” — is a designated unit
# (a document setting it up) enough without a designated officer?
NEEDS_OFFICER = {"专门机构读法": "须有专门人员"}


@pytest.mark.parametrize(
    ("rule", "unit", "appraisal"),
    [
        ("8.1.1", "派出所涉未成年人案件专门机构", "派出所涉未案件单独考核办法"),
        ("8.1.2", "司法所涉未成年人工作专门机构", "司法所涉未工作单独考核办法"),
    ],
)
def test_8_1_x_reading_a_designated_unit_or_a_designated_officer(
    rule: str, unit: str, appraisal: str
) -> None:
    unit_only = {"staff": [], "document": documents(unit, appraisal)}
    assert verdict(rule, **unit_only) == "pass"  # 读法一（默认）：“或者”——专门机构即可
    assert verdict(rule, reading=NEEDS_OFFICER, **unit_only) == "fail"  # 读法二：须有专门人员
    # a unit whose document was repealed during 评估期 is no unit, under either reading
    repealed = changed(unit_only, edit("document", 0, repealed="2023-12-31"))
    assert verdict(rule, **repealed) == "fail"
    # an officer satisfies both readings
    role = "派出所涉未专门人员" if rule == "8.1.1" else "司法所涉未专门人员"
    officer = {"staff": [staff(role)], "document": documents(appraisal)}
    assert verdict(rule, **officer) == "pass"
    assert verdict(rule, reading=NEEDS_OFFICER, **officer) == "pass"


# ------------------------------------------------------------------ 8.1.3 办案场所


@pytest.mark.parametrize(
    ("venues", "expected"),
    [
        (["派出所涉未办案场所", "司法所涉未工作场所"], "pass"),  # both offices equipped
        (["派出所涉未办案场所"], "fail"),  # the justice office has none
        (["司法所涉未工作场所", "未保站"], "fail"),  # the police station has none
    ],
)
def test_8_1_3_venues_for_police_and_justice_office(venues: list[str], expected: str) -> None:
    assert verdict("8.1.3", venue=[venue(k) for k in venues]) == expected


def test_8_1_3_pending_mid_period_and_unknown_without_venue_data() -> None:
    # A plain `require` is due at the end of the assessment period (评估期): pending before it.
    assert verdict("8.1.3", as_of=MID, venue=[venue("未保站")]) == "pending"
    assert verdict("8.1.3") == "unknown"


# ------------------------------------------------------------------ 8.2.1 司法沟通会商


def ledger_8_2_1() -> Ledger:
    # Each 性侵害 / 暴力伤害 case of 评估期 was discussed with the judicial organs, on or after
    # the day it was accepted; the 其他侵害 case k3 needs no such meeting.
    return {
        "police_case": [
            police_case("k1", "2023-06-01", "性侵害"),
            police_case("k2", "2023-09-01", "暴力伤害"),
            police_case("k3", "2023-07-01", "其他侵害"),
        ],
        "meeting": [
            {"date": "2023-06-05", "kind": "司法沟通会商", "case": "k1"},
            {"date": "2023-09-01", "kind": "司法沟通会商", "case": "k2"},
        ],
    }


def test_8_2_1_pass_each_case_discussed() -> None:
    assert verdict("8.2.1", **ledger_8_2_1()) == "pass"


@pytest.mark.parametrize(
    ("change", "broken"),
    [
        (drop("meeting", case="k2"), "k2"),  # k2 never discussed
        (edit("meeting", 0, kind="个案会商"), "k1"),  # a case conference, not with the judiciary
        (edit("meeting", 0, date="2023-05-30"), "k1"),  # a meeting before the case was accepted
        (edit("meeting", 1, case="k3"), "k2"),  # the meeting was about the other case
    ],
    ids=["no-meeting", "wrong-kind", "before-case", "other-case"],
)
def test_8_2_1_fail_a_case_not_discussed(change: Change, broken: str) -> None:
    fails = failed("8.2.1", **changed(ledger_8_2_1(), change))
    assert len(fails) == 1 and broken in fails[0]


def test_8_2_1_not_applicable_without_such_cases_in_period() -> None:
    # A 性侵害 case accepted before 评估期 and an 其他侵害 case inside it: nothing to check.
    cases = [police_case("k0", "2023-03-10", "性侵害"), police_case("k3", "2023-07-01", "其他侵害")]
    assert verdict("8.2.1", police_case=cases, meeting=[]) == "n/a"


# ------------------------------------------------------------------ 8.2.2 一站式、同步录音录像


def ledger_8_2_2() -> Ledger:
    return {
        "document": documents("一站式取证救助机制"),
        "police_case": [police_case("k1", "2023-06-01")],
        "interview": [interview("k1", "2023-06-02"), interview("k1", "2023-06-03", victim="V2")],
    }


def test_8_2_2_pass_mechanism_and_every_interview_recorded() -> None:
    assert verdict("8.2.2", **ledger_8_2_2()) == "pass"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (drop("document"), "fail"),  # no 一站式 mechanism
        (edit("interview", 1, recorded=False), "fail"),  # one interview not recorded: not 100 %
        (edit("interview", 1, date="2023-03-20", recorded=False), "pass"),  # that one was before 评估期
        (drop("interview"), "pass"),  # no interview at all: 全覆盖 holds vacuously (note)
        (edit("interview", 1, victim="V1"), "pass"),  # V1 asked twice: only an `advise`
    ],
    ids=["no-mechanism", "unrecorded", "unrecorded-before-period", "no-interviews", "asked-twice"],
)
def test_8_2_2_variations(change: Change, expected: str) -> None:
    assert verdict("8.2.2", **changed(ledger_8_2_2(), change)) == expected


def test_8_2_2_full_coverage_stays_pending_until_period_end() -> None:
    # “every interview recorded” can still be broken by a later interview: pending mid-period.
    assert verdict("8.2.2", as_of=MID, **ledger_8_2_2()) == "pending"


# ------------------------------------------------------------------ 8.2.3 五项制度

FIVE_SYSTEMS = ("社会调查制度", "社会观护制度", "心理疏导制度", "司法救助制度", "诉讼教育制度")


def test_8_2_3_pass_all_five_systems() -> None:
    assert verdict("8.2.3", document=documents(*FIVE_SYSTEMS)) == "pass"


@pytest.mark.parametrize("missing", FIVE_SYSTEMS)
def test_8_2_3_fail_one_system_missing(missing: str) -> None:
    docs = documents(*(k for k in FIVE_SYSTEMS if k != missing))
    fails = failed("8.2.3", document=docs)
    assert len(fails) == 1 and missing in fails[0]


def test_8_2_3_fail_system_repealed_in_period() -> None:
    docs = documents(*FIVE_SYSTEMS)
    docs[4]["repealed"] = "2024-03-31"  # 诉讼教育制度 repealed on the last day: not in force at its end
    assert verdict("8.2.3", document=docs) == "fail"


# ------------------------------------------------------------------ 8.3.1 一个月内书面回复


@pytest.mark.parametrize(
    ("proposed", "rolled", "replied", "expected"),
    [
        # 05-31 + 1 month = 06-30, a Friday: no roll.
        ("2023-05-31", "2023-06-30", "2023-06-30", "pass"),
        ("2023-05-31", "2023-06-30", "2023-07-01", "fail"),
        # 04-28 + 1 month = 05-28, a Sunday: rolls to Monday 05-29.
        ("2023-04-28", "2023-05-29", "2023-05-29", "pass"),
        ("2023-04-28", "2023-05-29", "2023-05-30", "fail"),
        # 08-31 + 1 month = 09-30, inside the 中秋国庆 block: rolls to 10-07, a make-up working Saturday.
        ("2023-08-31", "2023-10-07", "2023-10-07", "pass"),
        ("2023-08-31", "2023-10-07", "2023-10-08", "fail"),
        # 2024-01-15 + 1 month = 02-15, a 春节 day off: rolls to 02-18, a make-up working Sunday.
        ("2024-01-15", "2024-02-18", "2024-02-18", "pass"),
        ("2024-01-15", "2024-02-18", "2024-02-19", "fail"),
        # a reply the same day is within the month
        ("2023-06-15", "2023-07-17", "2023-06-15", "pass"),
    ],
)
def test_8_3_1_reply_within_one_month_civil_code(
    proposed: str, rolled: str, replied: str, expected: str
) -> None:
    # The deadline is the rolled one (民法典 第二百零一条至第二百零三条).
    assert china().deadline(dt.date.fromisoformat(proposed), months=1) == dt.date.fromisoformat(rolled)
    facts = {"recommendation": [recommendation("r1", proposed)], "reply": [reply("r1", replied)]}
    assert verdict("8.3.1", **facts) == expected


@pytest.mark.parametrize(
    "extra_replies",
    [
        [],  # r1 never got a reply
        [reply("r2", "2023-06-20")],  # a second reply, but to r2: r1 still has none
    ],
)
def test_8_3_1_fail_recommendation_without_reply(extra_replies: list[dict[str, Any]]) -> None:
    recs = [recommendation("r1", "2023-06-15"), recommendation("r2", "2023-06-16")]
    fails = failed("8.3.1", recommendation=recs, reply=[reply("r2", "2023-06-21"), *extra_replies])
    assert len(fails) == 1 and "r1" in fails[0]


def test_8_3_1_pending_until_the_rolled_deadline() -> None:
    # Proposed 2023-08-31: the plain month ends 09-30, but the deadline rolls to 10-07, so on
    # 2023-10-01 no reply yet is still pending; on 2023-10-08 it is failed.
    facts: Ledger = {"recommendation": [recommendation("r1", "2023-08-31")], "reply": []}
    assert verdict("8.3.1", as_of=MID, **facts) == "pending"
    assert verdict("8.3.1", as_of=dt.date(2023, 10, 8), **facts) == "fail"


def test_8_3_1_assessed_when_the_reply_falls_due_inside_the_period() -> None:
    # A recommendation of 2023-02-20 was due 2023-03-20, before 评估期: not assessed, even with no reply.
    assert verdict("8.3.1", recommendation=[recommendation("r0", "2023-02-20")], reply=[]) == "n/a"
    # One of 2023-03-15 was due 2023-04-17 (04-15 is a Saturday), inside 评估期: unanswered, it fails.
    assert verdict("8.3.1", recommendation=[recommendation("r0", "2023-03-15")], reply=[]) == "fail"
    # One of 2024-03-20 is due 2024-04-22, after 评估期: it belongs to the next assessment and does
    # not leave this one pending.
    assert verdict("8.3.1", recommendation=[recommendation("r0", "2024-03-20")], reply=[]) == "n/a"


# ------------------------------------------------------------------ 8.4.1 法治宣传教育


def ledger_8_4_1() -> Ledger:
    # 禁毒 by the police in a community, 反邪教 by the justice office at a school, 国家安全 by the
    # 社区平安办 in a community: all three subjects, and both communities and schools reached.
    return {
        "activity": [
            activity("禁毒宣传教育", "2023-06-26", organiser="派出所", location="社区"),
            activity("反邪教宣传教育", "2023-09-20", organiser="司法所", location="学校"),
            activity("国家安全教育", "2024-03-15", organiser="社区平安办", location="社区"),
        ]
    }


def test_8_4_1_pass_three_subjects_in_communities_and_schools() -> None:
    assert verdict("8.4.1", **ledger_8_4_1()) == "pass"


@pytest.mark.parametrize(
    ("change", "broken"),
    [
        # one subject replaced by general 法治宣传 (same place, so only the subject is missing)
        (edit("activity", 0, kind="法治宣传"), "禁毒宣传教育"),  # no anti-drug education
        (edit("activity", 1, kind="法治宣传"), "反邪教宣传教育"),  # no anti-cult education
        (edit("activity", 2, kind="法治宣传"), "国家安全教育"),  # no national-security education
        (edit("activity", 1, location="社区"), "学校"),  # nothing in a school
        (lambda f: [a.update(location="学校") for a in f["activity"]], "社区"),  # nothing in a community
        (edit("activity", 0, organiser="街镇"), "禁毒宣传教育"),  # not by 平安办/派出所/司法所
        (edit("activity", 0, date="2023-03-31"), "禁毒宣传教育"),  # before 评估期
    ],
    ids=["no-drugs", "no-cults", "no-security", "no-school", "no-community", "wrong-organiser",
         "before-period"],
)
def test_8_4_1_fail_each_requirement(change: Change, broken: str) -> None:
    fails = failed("8.4.1", **changed(ledger_8_4_1(), change))
    assert len(fails) == 1 and broken in fails[0]


def test_8_4_1_pass_one_community_activity_is_enough() -> None:
    # 禁毒 moved into a school: 国家安全 in a community still reaches the community.
    assert verdict("8.4.1", **changed(ledger_8_4_1(), edit("activity", 0, location="学校"))) == "pass"


def test_8_4_1_pending_mid_period() -> None:
    assert verdict("8.4.1", as_of=MID, activity=[]) == "pending"


# ------------------------------------------------------------------ 8.4.2 未保法规宣传


@pytest.mark.parametrize(
    ("activities", "expected"),
    [
        ([activity("未保法规宣传", "2024-03-31")], "pass"),  # on the last day of 评估期
        ([activity("未保法规宣传", "2024-04-01")], "fail"),  # the day after 评估期
        ([activity("法治宣传", "2023-06-01")], "fail"),  # general legal publicity, not 未保法/条例
        ([], "fail"),
    ],
)
def test_8_4_2_minor_protection_law_publicity(activities: list[dict[str, Any]], expected: str) -> None:
    assert verdict("8.4.2", activity=activities) == expected


def test_8_4_2_pending_and_unknown() -> None:
    assert verdict("8.4.2", as_of=MID, activity=[]) == "pending"
    assert verdict("8.4.2") == "unknown"


# ------------------------------------------------------------------ 8.5.1 社会组织参与


def ledger_8_5_1() -> Ledger:
    # A case in 评估期; a 青少年事务社工机构 gave the child 心理干预 in that case.
    return {
        "police_case": [police_case("k1", "2023-06-01", "未成年人违法犯罪")],
        "service": [service("心理干预", "2023-06-20", provider="青少年事务社工机构", case="k1")],
    }


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda f: None, "pass"),
        (edit("service", 0, provider="社会组织"), "pass"),  # another kind of social organisation
        (edit("service", 0, provider="派出所"), "fail"),  # the police itself: no social force
        (edit("service", 0, case=None), "fail"),  # a service not about a case
        (edit("service", 0, date="2024-04-01"), "fail"),  # after 评估期
        (edit("police_case", 0, date="2023-03-01"), "n/a"),  # no case in 评估期: does not apply
    ],
    ids=["social-work", "social-organisation", "police", "no-case", "after-period", "no-case-in-period"],
)
def test_8_5_1_social_organisations_in_case_work(change: Change, expected: str) -> None:
    assert verdict("8.5.1", **changed(ledger_8_5_1(), change)) == expected


def test_8_5_1_unknown_without_service_data() -> None:
    # A case in 评估期 but no service ledger: whether social forces took part is not known.
    assert verdict("8.5.1", police_case=ledger_8_5_1()["police_case"]) == "unknown"
