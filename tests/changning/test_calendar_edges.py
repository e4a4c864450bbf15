"""Calendar edge cases on the Changning rules: the days where a naive calendar gives the wrong verdict.

Each case sits on a boundary that docs/calendar.md fixes: working days across the National Day
block with its make-up Saturdays and Sunday (3.3.1), the Civil Code's month periods with
month-end clamping and the roll to the next working day (10.2.1, 10.2.2), rest days versus
make-up working days versus school vacations (5.4.1), and ISO weeks that straddle the start of
评估期 (9.2.1).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from protrules.calendar.workdays import WorkCalendar
from tests.changning.small import document, result, staff, verdict

CALENDAR = WorkCalendar.china()


def test_the_calendar_facts_the_cases_rely_on() -> None:
    """If upstream holiday data changed, the cases below would test something else."""
    assert CALENDAR.deadline(dt.date(2023, 9, 15), working_days=30) == dt.date(2023, 11, 2)
    assert CALENDAR.is_working_day(dt.date(2023, 10, 7))  # 国庆调休上班（星期六）
    assert CALENDAR.is_working_day(dt.date(2023, 10, 8))  # 国庆调休上班（星期日）
    assert CALENDAR.is_statutory_holiday(dt.date(2023, 10, 2))
    assert CALENDAR.deadline(dt.date(2023, 1, 31), months=3) == dt.date(2023, 5, 4)
    assert CALENDAR.is_working_day(dt.date(2024, 2, 4))  # 春节调休上班，但在寒假内


# ------------------------------------------------------------------ 3.3.1: 30 working days


def background_case(termination: str | None) -> dict[str, Any]:
    """An employee in post since 2020, re-checked in March 2023 (clean) and again in September
    2023; the result, received on Friday 2023-09-15, shows a record. The 30 working days run
    across the National Day block: 09-29 and 10-02..10-06 are off, Saturday 10-07 and Sunday
    10-08 are make-up working days, so the 30th working day is Thursday 2023-11-02 (a count of
    Mondays to Fridays would give 2023-10-27; 30 calendar days would give 2023-10-15)."""
    employee: dict[str, Any] = {"id": "E1", "name": "张某", "unit": "某幼儿园", "start": "2020-01-06"}
    if termination is not None:
        employee["end"] = termination
    checks = [
        {
            "person": "E1",
            "kind": "定期查询",
            "date": "2023-03-01",
            "result_date": "2023-03-10",
            "result": "无记录",
        },
        {
            "person": "E1",
            "kind": "定期查询",
            "date": "2023-09-01",
            "result_date": "2023-09-15",
            "result": "有记录",
        },
    ]
    return {
        "document": [document("入职查询制度")],
        "employee": [employee],
        "background_check": checks,
        "termination": [] if termination is None else [{"person": "E1", "date": termination}],
    }


@pytest.mark.parametrize(
    ("termination", "expected"),
    [
        ("2023-10-27", "pass"),  # the 30th Monday-to-Friday: well inside the period
        ("2023-11-02", "pass"),  # the 30th working day itself (届满日 counts, Art. 1259 以内)
        ("2023-11-03", "fail"),  # the 31st working day
    ],
)
def test_3_3_1_thirtieth_working_day_across_national_day(termination: str, expected: str) -> None:
    assert verdict("3.3.1", **background_case(termination)) == expected


def test_3_3_1_before_the_thirtieth_working_day_it_is_pending() -> None:
    # On 2023-10-31 the 30 working days are not over and nobody has been let go yet.
    outcome = result("3.3.1", as_of=dt.date(2023, 10, 31), **background_case(None))
    assert outcome.verdict == "pending"
    assert outcome.due == dt.date(2023, 11, 2)


def test_3_3_1_after_the_thirtieth_working_day_with_no_termination_fails() -> None:
    assert verdict("3.3.1", as_of=dt.date(2023, 11, 3), **background_case(None)) == "fail"


# ------------------------------------------------------------------ 10.2.1 / 10.2.2: 3 months


def appointment_case(
    role: str, appointed: str, trained: str, subject: str = "儿童社会工作"
) -> dict[str, Any]:
    """One newly appointed person and their induction training."""
    training = {
        "person": "P1",
        "date": trained,
        "kind": "入职培训",
        "subject": subject,
        "child_share": "60%",
        "materials_kept": True,
    }
    return {"staff": [staff(role, appointed, id="P1")], "training": [training]}


@pytest.mark.parametrize(
    ("appointed", "trained", "expected"),
    [
        # Appointed Thursday 2023-06-15: 3 months end on Friday 2023-09-15, a working day.
        ("2023-06-15", "2023-09-15", "pass"),  # the last day of the window
        ("2023-06-15", "2023-09-16", "fail"),  # the day after
        # Appointed 2023-01-31: +3 months in one step clamps to 2023-04-30 (Art. 202), a Sunday
        # inside the 劳动节 block 04-29..05-03, so the period ends on Thursday 2023-05-04 (Art. 203).
        ("2023-01-31", "2023-04-30", "pass"),
        ("2023-01-31", "2023-05-04", "pass"),  # rolled to the next working day
        ("2023-01-31", "2023-05-05", "fail"),
    ],
)
def test_10_2_1_induction_within_three_months(appointed: str, trained: str, expected: str) -> None:
    assert verdict("10.2.1", **appointment_case("儿童主任", appointed, trained)) == expected


def test_10_2_1_three_months_are_added_in_one_step() -> None:
    """2023-01-31 plus one month three times would be 02-28 → 03-28 → 04-28 (a Friday): a training
    on 04-29 would wrongly fail. Added in one step the period runs to 05-04."""
    assert verdict("10.2.1", **appointment_case("儿童督导员", "2023-01-31", "2023-04-29")) == "pass"


def test_10_2_1_before_the_window_closes_it_is_pending() -> None:
    case = appointment_case("儿童主任", "2023-06-15", "2023-12-01")
    outcome = result("10.2.1", as_of=dt.date(2023, 9, 14), **case)
    assert outcome.verdict == "pending"
    assert outcome.due == dt.date(2023, 9, 15)


@pytest.mark.parametrize(("trained", "expected"), [("2023-05-04", "pass"), ("2023-05-05", "fail")])
def test_10_2_2_induction_window_rolls_too(trained: str, expected: str) -> None:
    case = appointment_case("强制报告责任人员", "2023-01-31", trained, subject="强制报告制度")
    assert verdict("10.2.2", **case) == expected


# ------------------------------------------------------------------ 5.4.1: rest days and vacations


def tutoring(day: str, *, academic: bool = True, compulsory: bool = True) -> dict[str, Any]:
    klass = {
        "institution": "T1",
        "date": day,
        "students": 20,
        "compulsory_stage": compulsory,
        "academic": academic,
    }
    return {
        "tutoring_institution": [{"id": "T1", "name": "某培训机构", "mode": "线下"}],
        "tutoring_class": [klass],
    }


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2023-10-07", "pass"),  # Saturday, but a make-up working day (调休上班): not a breach
        ("2023-10-08", "pass"),  # Sunday, also a make-up working day
        ("2023-10-02", "fail"),  # 国庆节, a strict statutory holiday
        ("2023-10-05", "fail"),  # a day off of the National Day block (not a strict holiday)
        ("2023-10-14", "fail"),  # an ordinary Saturday: a rest day
        ("2023-07-12", "fail"),  # a Wednesday working day inside the 2023 summer vacation
        ("2024-02-04", "fail"),  # a make-up working Sunday, but inside the 2024 winter vacation
        ("2023-09-12", "pass"),  # an ordinary school-term Tuesday
    ],
)
def test_5_4_1_group_classes_on_rest_days_and_in_vacations(day: str, expected: str) -> None:
    assert verdict("5.4.1", **tutoring(day)) == expected


# ------------------------------------------------------------------ 9.2.1: ISO weeks at the edges


def opening_case(first_monday: dt.date, *, skip: dt.date | None = None) -> dict[str, Any]:
    """A 关爱服务场所 open every day, 3.5 hours, from `first_monday` to 2024-03-31 (a Sunday)."""
    venue = {
        "id": "V1",
        "name": "某街道未成年人关爱服务站",
        "kind": "未成年人关爱服务场所",
        "minors_gathering": True,
    }
    sessions = []
    day = first_monday
    while day <= dt.date(2024, 3, 31):
        if day != skip:
            sessions.append({"venue": "V1", "date": day.isoformat(), "hours": 3.5})
        day += dt.timedelta(days=1)
    return {"venue": [venue], "venue_session": sessions}


def test_9_2_1_the_week_straddling_the_start_is_not_assessed() -> None:
    """评估期 starts on Saturday 2023-04-01: ISO week 2023-W13 (03-27..04-02) lies partly outside
    it and is not assessed, so a venue first open on Monday 2023-04-03 passes."""
    assert dt.date(2023, 4, 1).isocalendar()[1] == 13
    assert verdict("9.2.1", **opening_case(dt.date(2023, 4, 3))) == "pass"


def closed_on(case: dict[str, Any], *days: str) -> dict[str, Any]:
    return {**case, "venue_session": [s for s in case["venue_session"] if s["date"] not in days]}


def test_9_2_1_the_first_whole_week_is_assessed() -> None:
    # Opening only from Tuesday 2023-04-04: W14 (04-03..04-09) still has 6 days, two of them at
    # the weekend, so it passes.
    assert verdict("9.2.1", **opening_case(dt.date(2023, 4, 4))) == "pass"
    # Closed on its Saturday and Sunday, W14 still passes: Wednesday 04-05 is 清明节, a rest day.
    every_day = opening_case(dt.date(2023, 4, 3))
    assert verdict("9.2.1", **closed_on(every_day, "2023-04-08", "2023-04-09")) == "pass"
    # W15 (04-10..04-16) has no holiday: closed at its weekend it has no rest-day opening.
    outcome = result("9.2.1", **closed_on(every_day, "2023-04-15", "2023-04-16"))
    assert outcome.verdict == "fail"
    assert [c.context for c in outcome.checks if c.verdict == "fail"] == [
        ("场所 = V1", "周 = 2023-W15 (04-10..04-16)")
    ]


def test_9_2_1_the_last_week_ends_with_the_period_and_is_assessed() -> None:
    # 2024-03-31 is a Sunday, so W13 of 2024 (03-25..03-31) is whole and assessed: with its
    # Sunday closed it still has Saturday as a rest-day opening; with four days only it fails.
    assert verdict("9.2.1", **opening_case(dt.date(2023, 4, 3), skip=dt.date(2024, 3, 31))) == "pass"
    case = opening_case(dt.date(2023, 4, 3))
    case["venue_session"] = [s for s in case["venue_session"] if s["date"] < "2024-03-29"]
    assert verdict("9.2.1", **case) == "fail"


def test_9_2_1_a_national_day_week_counts_its_make_up_sunday_as_a_working_day() -> None:
    """W40 of 2023 (10-02..10-08): every weekday is a day off and the weekend is worked. A venue
    open only on Saturday 10-07 and Sunday 10-08 plus three weekdays has its rest-day opening on
    a weekday holiday, not on the weekend."""
    case = opening_case(dt.date(2023, 4, 3))
    keep = ("2023-10-02", "2023-10-03", "2023-10-04", "2023-10-07", "2023-10-08")
    case["venue_session"] = [
        s
        for s in case["venue_session"]
        if not ("2023-10-02" <= s["date"] <= "2023-10-08") or s["date"] in keep
    ]
    assert verdict("9.2.1", **case) == "pass"
    only_weekend_and_make_up = [
        s for s in case["venue_session"] if not ("2023-10-02" <= s["date"] <= "2023-10-06")
    ]
    # Now W40 has two opening days only (10-07, 10-08): too few, and neither is a rest day.
    outcome = result("9.2.1", **{**case, "venue_session": only_weekend_and_make_up})
    assert outcome.verdict == "fail"
    failed = [c for c in outcome.checks if c.verdict == "fail"]
    assert len(failed) == 2
    assert all(c.context[-1].startswith("周 = 2023-W40") for c in failed)
