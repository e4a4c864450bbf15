"""Areas 4 (家庭保护) and 5 (社会保护) of rules/changning_2023.prl, one small ledger at a time.

For every rule, 4.1.1 … 5.4.1, a hand-written ledger that passes and, for each requirement,
a small variation of it that fails, with the reason in terms of the clause (and the rule's
`note:`). 评估期 is 2023-04-01 .. 2024-03-31; 每季度 = the quarters 2023-Q2 … 2024-Q1. The
calendar edge cases of 5.4.1 (make-up working days, holidays, vacations) live in another file.
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
    drop_kind,
    failing,
    judgement,
    result,
    verdict,
)

MID = dt.date(2023, 10, 1)  # an as-of date in the middle of 评估期

Ledger = dict[str, list[dict[str, Any]]]
Change = Callable[[Ledger], None]


# ------------------------------------------------------------------ builders


def venue(kind: str, minors_gathering: bool = False, **fields: Any) -> dict[str, Any]:
    return {"name": f"{kind}一号", "kind": kind, "minors_gathering": minors_gathering, **fields}



def service(kind: str, date: str = "2023-06-15", **fields: Any) -> dict[str, Any]:
    return {"date": date, "kind": kind, "provider": "未保站", **fields}


def inspection(kind: str, date: str = "2023-06-15", **fields: Any) -> dict[str, Any]:
    return {"date": date, "kind": kind, **fields}


# ------------------------------------------------------------------ 4.1.1 家庭教育活动


def ledger_4_1_1() -> Ledger:
    # 家长学校和指导服务站点都已建；每个季度一次有记录的家庭教育活动；一次无烟家庭倡导。
    return {
        "venue": [venue("社区家长学校"), venue("家庭教育指导服务站点")],
        "activity": [
            activity("家庭教育宣传培训", QUARTER_DAYS[0]),
            activity("家庭教育指导", QUARTER_DAYS[1]),
            activity("家庭教育宣传培训", QUARTER_DAYS[2]),
            activity("家庭教育指导", QUARTER_DAYS[3]),
            activity("无烟家庭倡导", "2023-05-31"),
        ],
    }


def test_4_1_1_pass() -> None:
    assert verdict("4.1.1", **ledger_4_1_1()) == "pass"


def _no_activity_in_q3(facts: Ledger) -> None:
    facts["activity"] = [a for a in facts["activity"] if a["date"] != QUARTER_DAYS[1]]


def _q4_activity_without_record(facts: Ledger) -> None:
    facts["activity"][2]["record_kept"] = False


def _q2_activity_before_period(facts: Ledger) -> None:
    facts["activity"][0]["date"] = "2023-03-31"  # 2023-Q1 is not a quarter of 评估期


def _smoke_free_after_period(facts: Ledger) -> None:
    facts["activity"][4]["date"] = "2024-04-01"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(drop_kind("venue", "社区家长学校"), id="no-parent-school"),
        pytest.param(drop_kind("venue", "家庭教育指导服务站点"), id="no-guidance-station"),
        pytest.param(_no_activity_in_q3, id="2023-Q3-without-activity"),
        pytest.param(_q4_activity_without_record, id="activity-without-record-does-not-count"),
        pytest.param(_q2_activity_before_period, id="activity-just-before-period-not-in-Q2"),
        pytest.param(drop_kind("activity", "无烟家庭倡导"), id="no-smoke-free-family"),
        pytest.param(_smoke_free_after_period, id="smoke-free-just-after-period"),
    ],
)
def test_4_1_1_fail(change: Change) -> None:
    # 每一项要求单独破坏：场所未建、某季度无（有记录的）活动、评估期内未倡导无烟家庭。
    facts = ledger_4_1_1()
    change(facts)
    assert verdict("4.1.1", **facts) == "fail"


def test_4_1_1_mid_period_pending_and_unknown() -> None:
    # 2023-10-01 时 2023-Q4、2024-Q1 尚未结束，无烟家庭倡导也未到期：未做的只是 pending。
    facts = ledger_4_1_1()
    facts["activity"] = [a for a in facts["activity"] if a["date"] <= "2023-09-30"]
    facts["activity"] = [a for a in facts["activity"] if a["kind"] != "无烟家庭倡导"]
    assert verdict("4.1.1", as_of=MID, **facts) == "pending"
    # 不提供活动台账：unknown。
    assert verdict("4.1.1", venue=facts["venue"]) == "unknown"


# ------------------------------------------------------------------ 4.2.1 婴幼儿家庭照护支持


def test_4_2_1_pass() -> None:
    # 评估期内开展过一次3岁以下婴幼儿家庭照护支持服务。
    assert verdict("4.2.1", activity=[activity("婴幼儿家庭照护支持", "2023-04-01")]) == "pass"


@pytest.mark.parametrize(
    "activities",
    [
        pytest.param([], id="none-held"),
        pytest.param([activity("婴幼儿家庭照护支持", "2023-03-31")], id="just-before-period"),
        pytest.param([activity("家庭教育指导", "2023-06-15")], id="other-kind"),
    ],
)
def test_4_2_1_fail(activities: list[dict[str, Any]]) -> None:
    # 评估期内没有婴幼儿家庭照护支持服务（评估期前一天的不算，其他活动不算）。
    assert verdict("4.2.1", activity=activities) == "fail"


def test_4_2_1_pending_and_unknown() -> None:
    # 期中尚未开展：评估期末才到期，pending；没有活动台账：unknown。
    assert verdict("4.2.1", as_of=MID, activity=[]) == "pending"
    assert verdict("4.2.1") == "unknown"


# ------------------------------------------------------------------ 4.2.2 残疾和大病儿童家庭服务


def ledger_4_2_2() -> Ledger:
    # 一名残疾儿童得到上门探访，一名大病儿童得到精神慰藉；孤儿不属本条。
    return {
        "child": [child("d1", "残疾儿童"), child("s1", "大病儿童"), child("o1", "孤儿")],
        "service": [
            service("上门探访", "2023-05-10", child="d1"),
            service("精神慰藉", "2023-12-10", child="s1"),
        ],
    }


def test_4_2_2_pass() -> None:
    assert verdict("4.2.2", **ledger_4_2_2()) == "pass"


def _service_wrong_kind(facts: Ledger) -> None:
    facts["service"][1]["kind"] = "康复服务"  # 不是条款列举的四类服务之一


def _service_for_other_child(facts: Ledger) -> None:
    facts["service"][1]["child"] = "o1"


def _service_before_period(facts: Ledger) -> None:
    facts["service"][0]["date"] = "2023-03-31"


def _service_without_child(facts: Ledger) -> None:
    del facts["service"][0]["child"]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(_service_wrong_kind, id="wrong-kind"),
        pytest.param(_service_for_other_child, id="served-another-child"),
        pytest.param(_service_before_period, id="service-before-period"),
        pytest.param(_service_without_child, id="service-names-no-child"),
    ],
)
def test_4_2_2_fail(change: Change) -> None:
    # 某名在册残疾/大病儿童在评估期内没有得到四类服务中的任何一种。
    facts = ledger_4_2_2()
    change(facts)
    assert verdict("4.2.2", **facts) == "fail"


def test_4_2_2_who_is_counted() -> None:
    # 评估期开始前已退出名册、评估期结束后才纳入名册的儿童不要求服务。
    facts = ledger_4_2_2()
    facts["child"] += [
        child("d2", "残疾儿童", left="2023-03-31"),
        child("d3", "残疾儿童", registered="2024-04-01"),
    ]
    assert verdict("4.2.2", **facts) == "pass"
    # 评估期第一天退出名册的仍在期内在册，需要服务。
    facts["child"].append(child("d4", "残疾儿童", left="2023-04-01"))
    assert verdict("4.2.2", **facts) == "fail"


def test_4_2_2_no_such_children_is_na() -> None:
    # 名册中没有残疾或大病儿童：本条不适用。
    assert verdict("4.2.2", child=[child("o1", "孤儿")], service=[]) == "n/a"


# ------------------------------------------------------------------ 4.3.1 风险等级、家访频率与记录
# 家访间隔：高 1 个月、中 3 个月、低 6 个月（街镇自行明确）。期限按民法典计算，届满日为休息日的顺延。
#   old: 低风险，2022 年建档；2023-01-16 访（期限 2023-07-16 周日 → 07-17，跨入评估期）→ 06-15 访
#        （期限 12-15）→ 12-01 访（期限 2024-06-01，在评估期后，不再检查）。
#   new: 中风险，2023-10-10 建档；首访 11-01（期限 2024-01-10）→ 2024-01-20 访（期限 02-01）
#        → 下次期限 2024-04-20，在评估期后。


def guardianship_case(cid: str, level: str, opened: str, **fields: Any) -> dict[str, Any]:
    return {"id": cid, "child": "c1", "level": level, "opened": opened, **fields}


def home_visit(case: str, date: str, record_kept: bool = True) -> dict[str, Any]:
    return {"case": case, "date": date, "record_kept": record_kept}


def frequency(level: str, interval: str, issued: str = "2022-06-01") -> dict[str, Any]:
    return {"level": level, "interval": interval, "issued": issued, "evidence": "长宁〔2022〕2号"}


def ledger_4_3_1() -> Ledger:
    return {
        "document": documents("风险评估等级指标", "分级干预措施"),
        "visit_frequency": [
            frequency("高", "1 month"),
            frequency("中", "3 months"),
            frequency("低", "6 months"),
        ],
        "child": [child("c1")],
        "guardianship_case": [
            guardianship_case("old", "低", "2022-01-01"),
            guardianship_case("new", "中", "2023-10-10"),
        ],
        "home_visit": [
            home_visit("old", "2023-01-16"),
            home_visit("old", "2023-06-15"),
            home_visit("old", "2023-12-01"),
            home_visit("new", "2023-11-01"),
            home_visit("new", "2024-01-20"),
        ],
    }


def visits_without(*dates: str) -> Change:
    def change(facts: Ledger) -> None:
        facts["home_visit"] = [v for v in facts["home_visit"] if v["date"] not in dates]

    return change


def test_4_3_1_pass() -> None:
    assert verdict("4.3.1", **ledger_4_3_1()) == "pass"
    assert failing("4.3.1", **ledger_4_3_1()) == []


def _drop_level(level: str) -> Change:
    def change(facts: Ledger) -> None:
        facts["visit_frequency"] = [f for f in facts["visit_frequency"] if f["level"] != level]

    return change


def _record_missing(facts: Ledger) -> None:
    facts["home_visit"][1]["record_kept"] = False


def _new_case_first_visit_late(facts: Ledger) -> None:
    # 首访 2024-01-15 晚于期限 2024-01-10（其下次期限 04-15 在评估期后，不另查）。
    facts["home_visit"][3:] = [home_visit("new", "2024-01-15")]


def _old_case_lapsed_at_start(facts: Ledger) -> None:
    # 期初前最后一次家访 2022-09-01，期限 2023-03-01 早于评估期开始：期初已超过间隔。
    facts["home_visit"][0]["date"] = "2022-09-01"


def _repealed(kind: str) -> Change:
    def change(facts: Ledger) -> None:
        others = [d for d in facts["document"] if d["kind"] != kind]
        facts["document"] = [*others, document(kind, repealed="2023-12-01")]

    return change


@pytest.mark.parametrize(
    ("change", "broken"),
    [
        # 建立风险评估等级指标和分级干预措施（评估期末有效的文件）。
        pytest.param(drop_kind("document", "风险评估等级指标"), '"风险评估等级指标"', id="no-risk-index"),
        pytest.param(drop_kind("document", "分级干预措施"), '"分级干预措施"', id="no-intervention"),
        pytest.param(_repealed("分级干预措施"), '"分级干预措施"', id="intervention-repealed-in-period"),
        # 明确不同风险等级家访频率：高、中、低各有一个间隔。
        pytest.param(_drop_level("高"), 'f.level = "高"', id="no-high-frequency"),
        pytest.param(_drop_level("中"), 'f.level = "中"', id="no-medium-frequency"),
        pytest.param(_drop_level("低"), 'f.level = "低"', id="no-low-frequency"),
        # 做好家访情况记录：评估期内每次家访都有记录。
        pytest.param(_record_missing, "record_kept", id="visit-without-record"),
        # 评估期内新建档的个案：建档后一个间隔内首次家访。
        pytest.param(_new_case_first_visit_late, "新案", id="new-case-first-visit-late"),
        pytest.param(visits_without("2023-11-01", "2024-01-20"), "新案", id="new-case-never-visited"),
        # 评估期开始时在档的个案：开始时处于一个间隔之内。
        pytest.param(_old_case_lapsed_at_start, "旧案", id="old-case-lapsed-at-start"),
        # 每次家访后一个间隔内再次家访：06-15 之后到 12-15 没有家访。
        pytest.param(visits_without("2023-12-01"), "下次期限", id="next-visit-late-old-case"),
        # new：2023-11-01 之后到 2024-02-01 没有家访。
        pytest.param(visits_without("2024-01-20"), "下次期限", id="next-visit-missing-new-case"),
    ],
)
def test_4_3_1_fail(change: Change, broken: str) -> None:
    facts = ledger_4_3_1()
    change(facts)
    assert verdict("4.3.1", **facts) == "fail"
    failed = failing("4.3.1", **facts)
    assert failed, "some check should fail"
    assert all(broken in detail for detail in failed), failed


def test_4_3_1_next_visit_late_by_days() -> None:
    # new 的 2023-11-01 家访期限 2024-02-01（周四），2024-02-02 再访已超出间隔。
    facts = ledger_4_3_1()
    facts["home_visit"][4]["date"] = "2024-02-02"
    assert verdict("4.3.1", **facts) == "fail"
    # 期限当天再访符合要求。
    facts["home_visit"][4]["date"] = "2024-02-01"
    assert verdict("4.3.1", **facts) == "pass"


def test_4_3_1_deadline_moves_past_a_weekend() -> None:
    # old 的 2023-01-16 家访六个月后是 2023-07-16（周日），期限顺延到 07-17（周一）。
    facts = ledger_4_3_1()
    facts["home_visit"][1]["date"] = "2023-07-17"  # 在顺延后的期限当天再访：按期
    facts["home_visit"][2]["date"] = "2024-01-10"  # 07-17 + 6 个月 = 2024-01-17，01-10 按期
    assert verdict("4.3.1", **facts) == "pass"
    facts["home_visit"][1]["date"] = "2023-07-18"
    assert verdict("4.3.1", **facts) == "fail"


def test_4_3_1_outside_the_period() -> None:
    facts = ledger_4_3_1()
    # 评估期前的家访没有记录，不影响“评估期内家访均有记录”。
    facts["home_visit"][0]["record_kept"] = False
    # 评估期末才建档的个案，首访期限（2024-06-20）在评估期后：本期不查。
    facts["guardianship_case"].append(guardianship_case("late", "中", "2024-03-20"))
    # 评估期开始前已结案的个案不查。
    facts["guardianship_case"].append(guardianship_case("gone", "高", "2021-01-01", closed="2023-03-31"))
    assert verdict("4.3.1", **facts) == "pass"


def test_4_3_1_closed_before_next_visit_due() -> None:
    # old 于 2023-11-30 结案，早于 06-15 家访后的期限 12-15：不再要求下次家访。
    facts = ledger_4_3_1()
    visits_without("2023-12-01")(facts)
    facts["guardianship_case"][0]["closed"] = "2023-11-30"
    assert verdict("4.3.1", **facts) == "pass"
    # 期限（12-15）之后才结案的，仍要求期限内再访。
    facts["guardianship_case"][0]["closed"] = "2023-12-16"
    assert verdict("4.3.1", **facts) == "fail"


def test_4_3_1_mid_period_pending_and_unknown() -> None:
    # 2023-10-01：9 月 20 日新建档的中风险个案首访期限 2023-12-20 未到，尚未家访只是 pending。
    facts = ledger_4_3_1()
    facts["guardianship_case"][1]["opened"] = "2023-09-20"
    facts["home_visit"] = [home_visit("old", "2023-01-16"), home_visit("old", "2023-06-15")]
    res = result("4.3.1", as_of=MID, **facts)
    assert res.verdict == "pending"
    first = [c for c in res.checks if "新案" in c.detail]
    assert [c.verdict for c in first] == ["pending"]
    # 期中尚未明确频率、尚未建立文件：评估期末到期，pending 而非 fail。
    assert verdict("4.3.1", as_of=MID, **{**facts, "document": [], "visit_frequency": []}) == "pending"
    # 不提供家访台账：unknown。
    del facts["home_visit"]
    assert verdict("4.3.1", **facts) == "unknown"


# ------------------------------------------------------------------ 4.3.2 重点家庭排摸与服务


def ledger_4_3_2() -> Ledger:
    # 排摸一次；强制报告制度和未保站服务内容文件有效；在档的监护困境个案 G1（C1）建档后得到
    # 监护能力评估和家庭教育指导服务。
    return {
        "activity": [activity("重点家庭排摸", "2023-05-20")],
        "document": documents("强制报告线索受理调查处置反馈制度", "未保站重点家庭服务内容"),
        "child": [child("C1")],
        "guardianship_case": [{"id": "G1", "child": "C1", "level": "中", "opened": "2022-05-01"}],
        "service": [
            service("监护能力评估", "2023-07-03", child="C1"),
            service("家庭教育指导服务", "2024-03-31", child="C1"),
        ],
    }


def test_4_3_2_pass() -> None:
    assert verdict("4.3.2", **ledger_4_3_2()) == "pass"


def _document_without_evidence(facts: Ledger) -> None:
    del facts["document"][0]["evidence"]  # 无文号或存档位置，不算已建立


def _guidance_after_period(facts: Ledger) -> None:
    facts["service"][1]["date"] = "2024-04-01"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(drop_kind("activity", "重点家庭排摸"), id="no-survey"),
        pytest.param(drop_kind("document", "强制报告线索受理调查处置反馈制度"), id="no-mandatory-reporting"),
        pytest.param(_document_without_evidence, id="mandatory-reporting-without-evidence"),
        pytest.param(drop_kind("service", "监护能力评估"), id="no-guardianship-assessment"),
        pytest.param(drop_kind("service", "家庭教育指导服务"), id="no-family-education-service"),
        pytest.param(_guidance_after_period, id="family-education-after-period"),
        pytest.param(drop_kind("document", "未保站重点家庭服务内容"), id="not-in-station-services"),
    ],
)
def test_4_3_2_fail(change: Change) -> None:
    facts = ledger_4_3_2()
    change(facts)
    assert verdict("4.3.2", **facts) == "fail"


def test_4_3_2_every_family_in_need_is_served() -> None:
    # A second case G2 (C2), opened 2023-08-01, with no service of its own: the services of C1
    # do not serve C2's family.
    facts = ledger_4_3_2()
    facts["child"].append(child("C2"))
    facts["guardianship_case"].append({"id": "G2", "child": "C2", "level": "高", "opened": "2023-08-01"})
    assert verdict("4.3.2", **facts) == "fail"
    # an assessment from before the case was opened is not one of its family's
    facts["service"] += [service("监护能力评估", "2023-07-20", child="C2"),
                         service("家庭教育指导服务", "2023-09-01", child="C2")]
    assert verdict("4.3.2", **facts) == "fail"
    facts["service"][-2]["date"] = "2023-08-10"
    assert verdict("4.3.2", **facts) == "pass"
    # a case closed before 评估期 needs nothing here
    facts = ledger_4_3_2()
    facts["guardianship_case"][0]["closed"] = "2023-03-01"
    facts["service"] = []
    assert verdict("4.3.2", **facts) == "pass"


# ------------------------------------------------------------------ 5.1.1 社会力量参与


def ledger_5_1_1() -> Ledger:
    # 青少年事务社工机构、志愿服务组织、社会组织分别参与法治宣传、心理健康服务、自护教育。
    return {
        "activity": [
            activity("法治宣传", "2023-06-01", partner_kind="青少年事务社工机构"),
            activity("心理健康服务", "2023-09-10", partner_kind="志愿服务组织"),
            activity("自护教育", "2024-03-01", partner_kind="社会组织"),
        ]
    }


def test_5_1_1_pass() -> None:
    assert verdict("5.1.1", **ledger_5_1_1()) == "pass"


def _without_partner(index: int) -> Change:
    def change(facts: Ledger) -> None:
        del facts["activity"][index]["partner_kind"]  # 街镇自行开展，没有社会力量参与

    return change


def _law_before_period(facts: Ledger) -> None:
    facts["activity"][0]["date"] = "2023-03-31"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(drop_kind("activity", "法治宣传"), id="no-law-publicity"),
        pytest.param(drop_kind("activity", "心理健康服务"), id="no-mental-health"),
        pytest.param(drop_kind("activity", "自护教育"), id="no-self-protection"),
        pytest.param(_without_partner(0), id="law-publicity-without-social-partner"),
        pytest.param(_without_partner(2), id="self-protection-without-social-partner"),
        pytest.param(_law_before_period, id="law-publicity-before-period"),
    ],
)
def test_5_1_1_fail(change: Change) -> None:
    facts = ledger_5_1_1()
    change(facts)
    assert verdict("5.1.1", **facts) == "fail"


# ------------------------------------------------------------------ 5.1.2 品牌项目推介与供需对接平台


def ledger_5_1_2() -> Ledger:
    # 评估期内推介过品牌项目；资源共享、供需对接平台有文件为据。
    return {
        "activity": [activity("品牌项目推介", "2023-11-20")],
        "document": documents("资源共享供需对接平台"),
    }


def test_5_1_2_pass() -> None:
    assert verdict("5.1.2", **ledger_5_1_2()) == "pass"


def _platform_issued_after_period(facts: Ledger) -> None:
    facts["document"] = [document("资源共享供需对接平台", issued="2024-04-01")]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(drop_kind("activity", "品牌项目推介"), id="no-brand-promotion"),
        pytest.param(drop_kind("document", "资源共享供需对接平台"), id="no-platform"),
        pytest.param(_platform_issued_after_period, id="platform-only-after-period"),
    ],
)
def test_5_1_2_fail(change: Change) -> None:
    facts = ledger_5_1_2()
    change(facts)
    assert verdict("5.1.2", **facts) == "fail"


def test_5_1_2_mid_period_pending() -> None:
    # 期中还没有平台文件：评估期末到期，pending。
    assert verdict("5.1.2", as_of=MID, activity=ledger_5_1_2()["activity"], document=[]) == "pending"


# ------------------------------------------------------------------ 5.2.1 定期刊播公益广告


def test_5_2_1_pass() -> None:
    # “定期” = 评估期内每个季度至少刊播一次。
    assert verdict("5.2.1", activity=[activity("公益广告刊播", day) for day in QUARTER_DAYS]) == "pass"


@pytest.mark.parametrize("missing", range(4))
def test_5_2_1_fail(missing: int) -> None:
    # 某一个季度没有刊播。
    days = [day for i, day in enumerate(QUARTER_DAYS) if i != missing]
    assert verdict("5.2.1", activity=[activity("公益广告刊播", day) for day in days]) == "fail"


def test_5_2_1_quarter_boundaries() -> None:
    # 2024-04-01 的刊播不属于 2024-Q1；其他活动不算刊播。
    days = [*QUARTER_DAYS[:3], "2024-04-01"]
    ads = [activity("公益广告刊播", day) for day in days]
    assert verdict("5.2.1", activity=ads) == "fail"
    assert verdict("5.2.1", activity=[*ads, activity("法治宣传", "2024-02-15")]) == "fail"
    # 2023-10-01 时 2023-Q4 尚未结束：pending。
    assert (
        verdict("5.2.1", as_of=MID, activity=[activity("公益广告刊播", d) for d in QUARTER_DAYS[:2]])
        == "pending"
    )


# ------------------------------------------------------------------ 5.2.2 护未成长项目（assessed）


PROJECT = [activity("护未成长项目", "2023-08-01")]


def test_5_2_2_pass() -> None:
    # 评估组判断已实现“一站式”服务，且评估期内开展过护未成长项目。
    assert verdict("5.2.2", judgements=[judgement("5.2.2", "pass")], activity=PROJECT) == "pass"


@pytest.mark.parametrize(
    ("verdict_given", "activities"),
    [
        pytest.param("fail", PROJECT, id="assessor-says-fail"),
        pytest.param("pass", [], id="assessor-pass-but-no-project"),
        pytest.param("pass", [activity("护未成长项目", "2023-03-31")], id="project-before-period"),
    ],
)
def test_5_2_2_fail(verdict_given: str, activities: list[dict[str, Any]]) -> None:
    assert verdict("5.2.2", judgements=[judgement("5.2.2", verdict_given)], activity=activities) == "fail"


def test_5_2_2_without_judgement_is_unknown() -> None:
    # 没有评估组意见：unknown，不是 pass。
    assert verdict("5.2.2", activity=PROJECT) == "unknown"


# ------------------------------------------------------------------ 5.3.1 无障碍设施（assessed）


def test_5_3_1_pass() -> None:
    # 无障碍建设管理要求文件有效，评估组判断设施建设完善。
    assert (
        verdict("5.3.1", judgements=[judgement("5.3.1")], document=documents("无障碍建设管理要求")) == "pass"
    )


@pytest.mark.parametrize(
    ("verdict_given", "docs"),
    [
        pytest.param("fail", documents("无障碍建设管理要求"), id="assessor-says-fail"),
        pytest.param("pass", [], id="no-requirements-document"),
        pytest.param(
            "pass", [document("无障碍建设管理要求", repealed="2024-01-01")], id="repealed-in-period"
        ),
    ],
)
def test_5_3_1_fail(verdict_given: str, docs: list[dict[str, Any]]) -> None:
    assert verdict("5.3.1", judgements=[judgement("5.3.1", verdict_given)], document=docs) == "fail"


def test_5_3_1_without_judgement_is_unknown() -> None:
    assert verdict("5.3.1", document=documents("无障碍建设管理要求")) == "unknown"


# ------------------------------------------------------------------ 5.3.2 设施维护与警示、禁烟标志


def ledger_5_3_2() -> Ledger:
    # 一个未成年人集中活动场所：两种标志都有，每个季度一次设施维护。非集中活动场所不查。
    return {
        "venue": [
            venue("儿童之家", True, id="v1", safety_signs=True, no_smoking_signs=True),
            venue("图书馆", False, id="v2", safety_signs=False, no_smoking_signs=False),
        ],
        "inspection": [inspection("设施维护", day, venue="v1") for day in QUARTER_DAYS],
    }


def test_5_3_2_pass() -> None:
    assert verdict("5.3.2", **ledger_5_3_2()) == "pass"


def _no_sign(field: str) -> Change:
    def change(facts: Ledger) -> None:
        facts["venue"][0][field] = False

    return change


def _maintenance_missing_q(index: int) -> Change:
    def change(facts: Ledger) -> None:
        del facts["inspection"][index]

    return change


def _maintenance_of_other_venue(facts: Ledger) -> None:
    facts["inspection"][1]["venue"] = "v2"


def _other_inspection_kind(facts: Ledger) -> None:
    facts["inspection"][2]["kind"] = "无障碍设施检查"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(_no_sign("safety_signs"), id="no-safety-sign"),
        pytest.param(_no_sign("no_smoking_signs"), id="no-no-smoking-sign"),
        pytest.param(_maintenance_missing_q(0), id="2023-Q2-not-maintained"),
        pytest.param(_maintenance_missing_q(3), id="2024-Q1-not-maintained"),
        pytest.param(_maintenance_of_other_venue, id="maintenance-of-another-venue"),
        pytest.param(_other_inspection_kind, id="other-inspection-is-not-maintenance"),
    ],
)
def test_5_3_2_fail(change: Change) -> None:
    facts = ledger_5_3_2()
    change(facts)
    assert verdict("5.3.2", **facts) == "fail"


def test_5_3_2_boundaries() -> None:
    # 没有未成年人集中活动场所：不适用。
    assert verdict("5.3.2", venue=[venue("图书馆")], inspection=[]) == "n/a"
    # 未填写是否设有安全警示标志（而禁烟标志有）：数据缺失，unknown。
    facts = ledger_5_3_2()
    del facts["venue"][0]["safety_signs"]
    assert verdict("5.3.2", **facts) == "unknown"


# ------------------------------------------------------------------ 5.3.3 旅馆入住核查与报告制度


def ledger_5_3_3() -> Ledger:
    return {
        "document": documents("旅馆入住核查与报告制度"),
        "inspection": [inspection("旅馆入住核查", "2023-08-08")],
    }


def test_5_3_3_pass() -> None:
    # 制度有效，评估期内至少一次旅馆入住核查。
    assert verdict("5.3.3", **ledger_5_3_3()) == "pass"


def _check_after_period(facts: Ledger) -> None:
    facts["inspection"][0]["date"] = "2024-04-01"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(drop_kind("document", "旅馆入住核查与报告制度"), id="no-system"),
        pytest.param(drop_kind("inspection", "旅馆入住核查"), id="no-hotel-check"),
        pytest.param(_check_after_period, id="hotel-check-after-period"),
    ],
)
def test_5_3_3_fail(change: Change) -> None:
    facts = ledger_5_3_3()
    change(facts)
    assert verdict("5.3.3", **facts) == "fail"


# ------------------------------------------------------------------ 5.3.4 母婴室和幼儿卫生设施


def big_venue(kind: str, **fields: Any) -> dict[str, Any]:
    return venue(kind, **{"nursing_room": True, "child_sanitary": True, **fields})


def test_5_3_4_pass() -> None:
    # 大型公共场所、旅游景点、公共交通站点都设有母婴室和幼儿卫生设施；图书馆不属本条。
    venues = [big_venue("大型公共场所"), big_venue("旅游景点"), big_venue("公共交通站点"), venue("图书馆")]
    assert verdict("5.3.4", venue=venues) == "pass"


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(big_venue("大型公共场所", nursing_room=False), id="mall-without-nursing-room"),
        pytest.param(big_venue("旅游景点", child_sanitary=False), id="scenic-spot-without-child-toilet"),
        pytest.param(
            big_venue("公共交通站点", nursing_room=False, child_sanitary=False), id="station-lacks-both"
        ),
    ],
)
def test_5_3_4_fail(bad: dict[str, Any]) -> None:
    assert verdict("5.3.4", venue=[big_venue("大型公共场所"), bad]) == "fail"


def test_5_3_4_no_such_venues_is_na() -> None:
    assert verdict("5.3.4", venue=[venue("图书馆")]) == "n/a"


# ------------------------------------------------------------------ 5.3.5 免费或优惠开放，未成年人专场


def ledger_5_3_5() -> Ledger:
    # 图书馆、儿童之家免费；科技馆优惠（免费或优惠均可）；评估期内办过未成年人专场。
    return {
        "venue": [
            venue("图书馆", minor_admission="免费"),
            venue("儿童之家", minor_admission="免费"),
            venue("科技馆", minor_admission="优惠"),
            venue("纪念馆", minor_admission="免费"),
        ],
        "activity": [activity("未成年人专场", "2023-07-20")],
    }


def test_5_3_5_pass() -> None:
    assert verdict("5.3.5", **ledger_5_3_5()) == "pass"


def _admission(index: int, value: str) -> Change:
    def change(facts: Ledger) -> None:
        facts["venue"][index]["minor_admission"] = value

    return change


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(_admission(0, "优惠"), id="library-only-discounted"),  # 图书馆须免费
        pytest.param(_admission(1, "收费"), id="children-home-charges"),
        pytest.param(_admission(2, "收费"), id="science-museum-charges"),  # 科技馆须免费或优惠
        pytest.param(drop_kind("activity", "未成年人专场"), id="no-special-session"),
    ],
)
def test_5_3_5_fail(change: Change) -> None:
    facts = ledger_5_3_5()
    change(facts)
    assert verdict("5.3.5", **facts) == "fail"


# ------------------------------------------------------------------ 5.4.1 不得在休息日、寒暑假集体补课
# The calendar edge cases (调休上班日, 法定节假日, 寒暑假) are tested in another file.


def tutoring(date: str, academic: bool = True, compulsory_stage: bool = True) -> dict[str, Any]:
    return {
        "institution": "t1",
        "date": date,
        "students": 20,
        "academic": academic,
        "compulsory_stage": compulsory_stage,
    }


INSTITUTION = [{"id": "t1", "name": "某培训机构", "mode": "线下"}]


def test_5_4_1_pass() -> None:
    # 义务教育阶段学科类集体课只在学期中的工作日（2023-11-15 周三）上课。
    assert (
        verdict("5.4.1", tutoring_institution=INSTITUTION, tutoring_class=[tutoring("2023-11-15")]) == "pass"
    )


def test_5_4_1_fail() -> None:
    # 2023-11-18 是周六（休息日），为义务教育阶段学生集体补课：违反。
    classes = [tutoring("2023-11-15"), tutoring("2023-11-18")]
    assert verdict("5.4.1", tutoring_institution=INSTITUTION, tutoring_class=classes) == "fail"


@pytest.mark.parametrize(
    "saturday_class",
    [
        pytest.param(tutoring("2023-11-18", academic=False), id="non-academic"),
        pytest.param(tutoring("2023-11-18", compulsory_stage=False), id="not-compulsory-stage"),
    ],
)
def test_5_4_1_not_a_group_make_up_class(saturday_class: dict[str, Any]) -> None:
    # 非学科类课程、高中阶段课程不属于“组织义务教育阶段学生集体补课”，周六上课不违反本条。
    assert verdict("5.4.1", tutoring_institution=INSTITUTION, tutoring_class=[saturday_class]) == "pass"


def test_4_3_1_case_opened_just_before_the_period_is_in_its_first_interval() -> None:
    # 2023-03-25 建档的低风险个案：首访期限 2023-09-25 在评估期内，评估期开始时仍在首个间隔之内，
    # 不按“期初前已家访”检查，而按建档后一个间隔内首次家访检查。
    facts = ledger_4_3_1()
    facts["guardianship_case"].append(guardianship_case("recent", "低", "2023-03-25"))
    facts["home_visit"] += [home_visit("recent", "2023-06-20"), home_visit("recent", "2023-12-01")]
    assert verdict("4.3.1", **facts) == "pass"
    # 首访晚于 2023-09-25：不合格。
    facts["home_visit"][-2]["date"] = "2023-09-26"
    assert verdict("4.3.1", **facts) == "fail"


def test_4_3_1_case_closed_before_its_first_visit_was_due() -> None:
    # 2023-05-04 建档、05-20 结案的中风险个案，首访期限 08-04 前已结案：不再要求首访。
    facts = ledger_4_3_1()
    facts["guardianship_case"].append(guardianship_case("short", "中", "2023-05-04", closed="2023-05-20"))
    assert verdict("4.3.1", **facts) == "pass"
    # 期限后才结案的，仍要求期限内首访。
    facts["guardianship_case"][-1]["closed"] = "2023-08-07"
    assert verdict("4.3.1", **facts) == "fail"
