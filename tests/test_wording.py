"""Dates, periods, durations and deadlines in words (protrules.calendar.wording): as a Chinese
official writes them, and in English; the calendar tells 调休上班日 and 法定节假日."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from protrules.calendar import Duration, Period
from protrules.calendar.periods import Notice
from protrules.calendar.wording import (
    day_words,
    due_words,
    duration_words,
    holiday_words,
    period_words,
    span_words,
    weekday_words,
)
from protrules.calendar.workdays import WorkCalendar, china

D = dt.date


def test_days_say_what_kind_of_day_they_are() -> None:
    cal = china()
    assert day_words(D(2023, 10, 7), "zh", cal) == "2023年10月7日（调休上班日）"
    assert day_words(D(2023, 10, 7), "en", cal) == "2023-10-07 (make-up working day)"
    assert day_words(D(2023, 10, 2), "zh", cal) == "2023年10月2日（法定节假日）"
    assert day_words(D(2023, 10, 5), "zh", cal) == "2023年10月5日"  # a day off, not statutory
    assert day_words(D(2023, 10, 7), "zh") == "2023年10月7日"  # no calendar, no annotation
    assert day_words(D(2023, 10, 9), "en", cal) == "2023-10-09"
    assert weekday_words(D(2023, 10, 7), "zh") == "星期六"


def test_a_year_without_a_notice_is_written_without_annotation() -> None:
    assert day_words(D(2031, 10, 1), "zh", china()) == "2031年10月1日"


def test_a_loaded_notice_makes_its_make_up_days_known() -> None:
    notice = Notice(2031, (D(2031, 10, 1),), (D(2031, 9, 28),), (D(2031, 10, 1),), source="test")
    cal = WorkCalendar(notices=[notice])
    assert day_words(D(2031, 9, 28), "zh", cal) == "2031年9月28日（调休上班日）"


@pytest.mark.parametrize(
    ("start", "end", "unit", "zh", "en"),
    [
        (D(2023, 1, 1), D(2023, 12, 31), None, "2023年", "2023"),
        (D(2023, 1, 1), D(2023, 6, 30), None, "2023年上半年", "first half of 2023"),
        (D(2023, 7, 1), D(2023, 12, 31), "half year", "2023年下半年", "second half of 2023"),
        (D(2023, 10, 1), D(2023, 12, 31), None, "2023年第四季度", "Q4 2023"),
        (D(2023, 4, 1), D(2023, 6, 30), "quarter", "2023年第二季度", "Q2 2023"),
        (D(2023, 4, 1), D(2023, 4, 30), None, "2023年4月", "April 2023"),
        (D(2023, 11, 13), D(2023, 11, 19), None, "2023年第46周（11月13日至19日）",
         "week 46 of 2023 (2023-11-13 to 2023-11-19)"),
        (D(2023, 11, 27), D(2023, 12, 3), "week", "2023年第48周（11月27日至12月3日）",
         "week 48 of 2023 (2023-11-27 to 2023-12-03)"),
        (D(2024, 12, 30), D(2025, 1, 5), "week", "2025年第1周（2024年12月30日至2025年1月5日）",
         "week 1 of 2025 (2024-12-30 to 2025-01-05)"),
        (D(2023, 4, 1), D(2024, 3, 31), None, "2023年4月1日至2024年3月31日", "2023-04-01 to 2024-03-31"),
        (D(2023, 6, 22), D(2023, 6, 24), "holiday", "2023年端午节假期（6月22日至24日）",
         "2023 Dragon Boat Festival holiday (2023-06-22 to 2023-06-24)"),
        (D(2023, 9, 29), D(2023, 10, 6), "holiday", "2023年中秋节、国庆节假期（9月29日至10月6日）",
         "2023 Mid-Autumn Festival, National Day holiday (2023-09-29 to 2023-10-06)"),
        (D(2023, 12, 30), D(2024, 1, 1), "holiday", "2024年元旦假期（2023年12月30日至2024年1月1日）",
         "2024 New Year's Day holiday (2023-12-30 to 2024-01-01)"),
        (D(2023, 10, 7), D(2023, 10, 7), None, "2023年10月7日", "2023-10-07"),
    ],
)  # fmt: skip
def test_periods_read_as_an_official_writes_them(
    start: dt.date, end: dt.date, unit: str | None, zh: str, en: str
) -> None:
    period = Period(start, end)
    assert period_words(period, "zh", unit=unit) == zh
    assert period_words(period, "en", unit=unit) == en


def test_a_vacation_is_named() -> None:
    summer = Period(D(2023, 7, 1), D(2023, 8, 31))
    assert period_words(summer, "zh", unit="vacation", name="2023年暑假") == "2023年暑假（7月1日至8月31日）"
    in_english = period_words(summer, "en", unit="vacation", name="2023年暑假")
    assert in_english == "2023年暑假 (2023-07-01 to 2023-08-31)"


def test_a_holiday_block_needs_a_festival_to_be_named() -> None:
    assert holiday_words(Period(D(2023, 6, 22), D(2023, 6, 24)), "zh").startswith("2023年端午节假期")


def test_spans_leave_out_only_the_year_the_reader_knows() -> None:
    assert span_words(D(2023, 6, 22), D(2023, 6, 24), "zh") == "2023年6月22日至24日"
    assert span_words(D(2023, 6, 22), D(2023, 6, 24), "zh", year=2023) == "6月22日至24日"
    assert span_words(D(2023, 12, 22), D(2024, 1, 4), "zh", year=2023) == "2023年12月22日至2024年1月4日"


@pytest.mark.parametrize(
    ("duration", "zh", "en"),
    [
        (Duration(30, "working_days"), "30个工作日", "30 working days"),
        (Duration(1, "working_days"), "1个工作日", "1 working day"),
        (Duration(3, "months"), "3个月", "3 months"),
        (Duration(1, "years"), "1年", "1 year"),
        (Duration(2, "weeks"), "2周", "2 weeks"),
        (Duration(10, "days"), "10天", "10 days"),
        (Duration(1, "quarters"), "1个季度", "1 quarter"),
        (Duration(3, "hours"), "3小时", "3 hours"),
    ],
)
def test_durations(duration: Duration, zh: str, en: str) -> None:
    assert duration_words(duration, "zh") == zh
    assert duration_words(duration, "en") == en


def test_deadlines_read_by_verdict() -> None:
    cal = china()
    assert due_words(D(2023, 10, 7), "pending", "zh", cal) == "2023年10月7日（调休上班日）到期"
    assert due_words(D(2023, 12, 31), "fail", "zh", cal) == "截至2023年12月31日"
    assert due_words(D(2023, 12, 31), "pending", "en") == "due 2023-12-31"
    assert due_words(D(2023, 12, 31), "fail", "en") == "by 2023-12-31"


@given(st.dates(D(2001, 1, 1), D(2026, 12, 31)), st.integers(0, 400))
def test_every_span_reads_both_its_ends(start: dt.date, days: int) -> None:
    end = start + dt.timedelta(days=days)
    text = period_words(Period(start, end), "zh")
    assert text  # every period has words
    words = span_words(start, end, "zh")
    assert words.startswith(f"{start.year}年{start.month}月{start.day}日")
    assert words.endswith(f"{end.day}日")
