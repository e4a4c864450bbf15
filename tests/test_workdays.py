"""Known dates and worked examples for the working-day calendar (protrules.calendar.workdays).

The 2023 and 2024 tables are transcribed from the State Council notices
(国办发明电〔2022〕16号 for 2023, 国办发明电〔2023〕7号 for 2024), not from ``holidays``,
so these tests check the library data rather than echo it.
"""

from __future__ import annotations

import datetime as dt
import doctest
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from protrules.calendar.workdays import (
    Notice,
    Period,
    Vacation,
    WorkCalendar,
    china,
    parse_date,
    unit_of,
)
from protrules.errors import CalendarError, ProtrulesError

D = dt.date
CAL = china()


def days(first: str, last: str | None = None) -> Iterator[dt.date]:
    """Every day from ``first`` to ``last`` inclusive."""
    day, end = parse_date(first), parse_date(last or first)
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


# --------------------------------------------------------------------------- the notices

# (first day off, last day off) per holiday, as the notices word them (放假调休, 共N天).
DAYS_OFF = {
    2023: [
        ("2023-01-01", "2023-01-02"),  # 元旦 2022-12-31..2023-01-02
        ("2023-01-21", "2023-01-27"),  # 春节
        ("2023-04-05", None),  # 清明节
        ("2023-04-29", "2023-05-03"),  # 劳动节
        ("2023-06-22", "2023-06-24"),  # 端午节
        ("2023-09-29", "2023-10-06"),  # 中秋节、国庆节
    ],
    2024: [
        ("2024-01-01", None),  # 元旦 (with the weekend 2023-12-30/31)
        ("2024-02-10", "2024-02-17"),  # 春节
        ("2024-04-04", "2024-04-06"),  # 清明节
        ("2024-05-01", "2024-05-05"),  # 劳动节
        ("2024-06-10", None),  # 端午节 (with the weekend 06-08/09)
        ("2024-09-15", "2024-09-17"),  # 中秋节
        ("2024-10-01", "2024-10-07"),  # 国庆节
    ],
}
MAKE_UP = {
    2023: ["2023-01-28", "2023-01-29", "2023-04-23", "2023-05-06", "2023-06-25",
           "2023-10-07", "2023-10-08"],
    2024: ["2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11",
           "2024-09-14", "2024-09-29", "2024-10-12"],
}  # fmt: skip
STATUTORY = {
    2023: ["2023-01-01", "2023-01-22", "2023-01-23", "2023-01-24", "2023-04-05", "2023-05-01",
           "2023-06-22", "2023-09-29", "2023-10-01", "2023-10-02", "2023-10-03"],
    2024: ["2024-01-01", "2024-02-10", "2024-02-11", "2024-02-12", "2024-04-04", "2024-05-01",
           "2024-06-10", "2024-09-17", "2024-10-01", "2024-10-02", "2024-10-03"],
    # From 2025 (国务院令第795号): 春节 adds 除夕 (01-28), 劳动节 adds 05-02; 中秋 is 10-06.
    2025: ["2025-01-01", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31", "2025-04-04",
           "2025-05-01", "2025-05-02", "2025-05-31", "2025-10-01", "2025-10-02", "2025-10-03",
           "2025-10-06"],
}  # fmt: skip

OFF_DAYS = [d for year in DAYS_OFF for a, b in DAYS_OFF[year] for d in days(a, b)]
MAKE_UP_DAYS = [parse_date(t) for year in MAKE_UP for t in MAKE_UP[year]]


@pytest.mark.parametrize("day", OFF_DAYS, ids=str)
def test_every_day_off_is_a_rest_day(day: dt.date) -> None:
    assert CAL.is_rest_day(day)
    assert not CAL.is_working_day(day)


@pytest.mark.parametrize("day", MAKE_UP_DAYS, ids=str)
def test_every_make_up_day_is_a_weekend_working_day(day: dt.date) -> None:
    assert day.weekday() >= 5
    assert CAL.is_working_day(day)
    assert not CAL.is_rest_day(day)


@pytest.mark.parametrize("year", [2023, 2024])
def test_the_whole_year_matches_the_notice(year: int) -> None:
    """No day of the year differs from weekends + notice, so nothing extra hides in the data."""
    off = {d for a, b in DAYS_OFF[year] for d in days(a, b)}
    make_up = {parse_date(t) for t in MAKE_UP[year]}
    for day in days(f"{year}-01-01", f"{year}-12-31"):
        expected = day in make_up or (day.weekday() < 5 and day not in off)
        assert CAL.is_working_day(day) is expected, day
    assert CAL.notice(year).make_up_days == tuple(sorted(make_up))


@pytest.mark.parametrize("year", sorted(STATUTORY))
def test_strict_statutory_days(year: int) -> None:
    expected = {parse_date(t) for t in STATUTORY[year]}
    found = {d for d in days(f"{year}-01-01", f"{year}-12-31") if CAL.is_statutory_holiday(d)}
    assert found == expected
    assert len(found) == (13 if year >= 2025 else 11)


def test_observed_and_swapped_days_off_are_not_statutory() -> None:
    assert CAL.is_rest_day(D(2023, 1, 2)) and not CAL.is_statutory_holiday(D(2023, 1, 2))
    assert CAL.is_rest_day(D(2023, 10, 6)) and not CAL.is_statutory_holiday(D(2023, 10, 6))
    # 2015-09-03 (victory anniversary) and 2020-01-31 (Covid extension) were one-off days off.
    assert CAL.is_rest_day(D(2015, 9, 3)) and not CAL.is_statutory_holiday(D(2015, 9, 3))
    assert CAL.is_rest_day(D(2020, 1, 31)) and not CAL.is_statutory_holiday(D(2020, 1, 31))


def test_statutory_day_counts_follow_each_revision_of_the_law() -> None:
    """10 days (1999 rules) 2001–2007, 11 (2007 and 2013 rules) 2008–2024, 13 from 2025.

    In 2009 and 2020 中秋 fell on a 国庆 day (10-03, 10-01), so those years have 10
    distinct statutory dates.
    """
    for year in range(2001, 2027):
        expected = 10 if year <= 2007 or year in (2009, 2020) else 11 if year <= 2024 else 13
        assert len(CAL.notice(year).statutory) == expected, year


def test_every_library_year_is_valid_notice_data() -> None:
    for year in sorted(CAL.published_years):
        notice = CAL.notice(year)
        assert notice.year == year
        assert notice.make_up_days, f"{year} has no make-up days: an estimated year?"
        assert "holidays" in notice.source


def test_published_years_are_detected_from_the_library() -> None:
    years = CAL.published_years
    assert min(years) == 2001
    assert set(range(2001, 2027)) <= years
    assert years == frozenset(range(2001, max(years) + 1))
    assert max(years) + 1 not in years and 2000 not in years


def test_cross_year_make_up_day_from_the_next_years_notice() -> None:
    # 国办发明电〔2005〕35号: 2006 元旦 1月1日—3日放假 … 12月31日（星期六）上班.
    assert CAL.is_working_day(D(2005, 12, 31))
    assert D(2005, 12, 31) in CAL.notice(2005).make_up_days


# --------------------------------------------------------------------------- worked examples


@pytest.mark.parametrize(
    ("start", "kwargs", "expected"),
    [
        ("2024-09-01", {"months": 1}, "2024-10-08"),  # 10-01 is in the 国庆 block
        ("2023-01-31", {"months": 3}, "2023-05-04"),  # 04-30 -> past the 劳动节 block
        ("2023-09-28", {"working_days": 3}, "2023-10-09"),  # 10-07, 10-08 are make-up days
        ("2023-01-31", {"months": 1}, "2023-02-28"),  # Art. 202 month-end, a Tuesday
        ("2023-03-31", {"months": 1}, "2023-05-04"),  # 04-30 is a Sunday in 劳动节 04-29..05-03
    ],
    ids=str,
)
def test_deadline_worked_examples(start: str, kwargs: dict[str, int], expected: str) -> None:
    assert CAL.deadline(parse_date(start), **kwargs) == parse_date(expected)


def test_deadline_adds_months_in_one_step() -> None:
    # Chaining 1 month three times would give 01-31 -> 02-28 -> 03-28 -> 04-28.
    assert CAL.deadline(D(2023, 1, 31), months=3) != D(2023, 4, 28)
    assert CAL.deadline(D(2023, 1, 31), quarters=1) == CAL.deadline(D(2023, 1, 31), months=3)
    assert CAL.deadline(D(2024, 2, 29), years=1) == D(2025, 2, 28)
    assert CAL.deadline(D(2023, 5, 31), years=1, months=1) == D(2024, 7, 1)  # 06-30 is a Sunday


def test_deadline_days_weeks_and_roll_forward() -> None:
    assert CAL.deadline(D(2023, 3, 1), days=30) == D(2023, 3, 31)  # start day not counted
    assert CAL.deadline(D(2023, 3, 1), weeks=2) == D(2023, 3, 15)
    # 09-30 is in the 国庆 block; the next working day is the make-up Saturday 10-07.
    assert CAL.deadline(D(2023, 9, 20), days=10) == D(2023, 10, 7)
    assert CAL.deadline(D(2023, 10, 7)) == D(2023, 10, 7)  # a make-up Saturday is a working day
    assert CAL.deadline(D(2023, 10, 1)) == D(2023, 10, 7)  # all zero: rolled forward
    assert CAL.deadline(D(2023, 4, 1), days=2) == D(2023, 4, 3)


def test_deadline_refuses_bad_amounts() -> None:
    with pytest.raises(CalendarError, match="months must be a whole number"):
        CAL.deadline(D(2023, 1, 1), months=1.5)  # type: ignore[arg-type]
    with pytest.raises(CalendarError, match="outside the supported dates"):
        CAL.deadline(D(2023, 1, 1), years=9000)


# --------------------------------------------------------------------------- counting


def test_add_working_days() -> None:
    assert CAL.add_working_days(D(2023, 9, 28), 1) == D(2023, 10, 7)
    assert CAL.add_working_days(D(2023, 9, 28), 0) == D(2023, 9, 28)
    assert CAL.add_working_days(D(2023, 10, 1), 0) == D(2023, 10, 1)  # n == 0 -> d itself
    assert CAL.add_working_days(D(2023, 10, 9), -3) == D(2023, 9, 28)
    assert CAL.add_working_days(D(2023, 10, 7), -1) == D(2023, 9, 28)
    assert CAL.add_working_days(D(2023, 12, 29), 1) == D(2024, 1, 2)  # across the year
    assert CAL.add_working_days(D(2024, 1, 2), -1) == D(2023, 12, 29)
    assert CAL.add_working_days(D(2023, 1, 1), 249) == D(2023, 12, 29)


def test_add_working_days_over_many_years_and_past_the_data() -> None:
    assert CAL.working_days_between(D(2010, 1, 1), CAL.add_working_days(D(2010, 1, 1), 3000)) == 3000
    with pytest.raises(CalendarError, match="no published holiday notice for 2027"):
        CAL.add_working_days(D(2023, 1, 1), 30 * 249)
    with pytest.raises(CalendarError, match="no published holiday notice for 2000"):
        CAL.add_working_days(D(2001, 1, 5), -10)


def test_working_days_between() -> None:
    assert CAL.working_days_between(D(2023, 1, 1), D(2023, 12, 31)) == 249
    assert CAL.working_days_between(D(2023, 12, 31), D(2023, 1, 1)) == -249
    assert CAL.working_days_between(D(2023, 9, 28), D(2023, 10, 9)) == 3
    assert CAL.working_days_between(D(2023, 10, 9), D(2023, 10, 9)) == 0
    assert CAL.working_days_between(D(2023, 12, 31), D(2024, 1, 2)) == 1
    assert CAL.working_days_between(D(2022, 12, 31), D(2024, 12, 31)) == 249 + 251
    # The start day is not counted; the end day is.
    assert CAL.working_days_between(D(2023, 10, 8), D(2023, 10, 9)) == 1
    assert CAL.working_days_between(D(2023, 10, 7), D(2023, 10, 8)) == 1
    # (2000-12-31, 2001-01-02] lies in 2001 only: no 2000 data needed.
    assert CAL.working_days_between(D(2000, 12, 31), D(2001, 1, 2)) == 1


def test_next_working_day() -> None:
    assert CAL.next_working_day(D(2023, 9, 29)) == D(2023, 10, 7)
    assert CAL.next_working_day(D(2023, 9, 28)) == D(2023, 9, 28)


# --------------------------------------------------------------------------- blocks


def test_holiday_blocks() -> None:
    golden = Period(D(2023, 9, 29), D(2023, 10, 6))
    assert CAL.holiday_block(D(2023, 9, 29)) == golden
    assert CAL.holiday_block(D(2023, 10, 6)) == golden
    assert CAL.holiday_block(D(2023, 10, 7)) is None  # make-up working day
    assert CAL.holiday_block(D(2023, 9, 28)) is None  # working day
    assert CAL.holiday_block(D(2023, 10, 14)) is None  # plain weekend, no statutory day
    assert CAL.holiday_block(D(2024, 6, 8)) == Period(D(2024, 6, 8), D(2024, 6, 10))
    # A block crossing the year: the weekend of 2023 joined to 元旦 2024.
    across = Period(D(2023, 12, 30), D(2024, 1, 1))
    assert CAL.holiday_block(D(2023, 12, 30)) == across
    assert CAL.holiday_block(D(2024, 1, 1)) == across
    assert CAL.holiday_block(D(2022, 12, 31)) == Period(D(2022, 12, 31), D(2023, 1, 2))


def test_holiday_blocks_in_a_period() -> None:
    blocks = CAL.holiday_blocks(Period(D(2023, 1, 1), D(2023, 12, 31)))
    assert [str(b) for b in blocks] == [
        "2022-12-31..2023-01-02",
        "2023-01-21..2023-01-27",
        "2023-04-05..2023-04-05",
        "2023-04-29..2023-05-03",
        "2023-06-22..2023-06-24",
        "2023-09-29..2023-10-06",
        "2023-12-30..2024-01-01",
    ]
    assert CAL.holiday_blocks(Period(D(2023, 10, 9), D(2023, 12, 29))) == ()
    assert CAL.holiday_blocks(Period(D(2024, 1, 1), D(2024, 1, 1))) == (
        Period(D(2023, 12, 30), D(2024, 1, 1)),
    )


def test_block_at_the_edge_of_the_data_needs_the_neighbouring_year() -> None:
    # 2001-01-01 (元旦) may join a rest run in 2000, whose make-up days are unknown.
    with pytest.raises(CalendarError, match="no published holiday notice for 2000"):
        CAL.holiday_block(D(2001, 1, 1))


# --------------------------------------------------------------------------- unpublished years

# A made-up notice for 2027 (test data, not the real one, which is not published yet).
FAKE_2027 = Notice(
    2027,
    days_off=[D(2027, 1, 1), *days("2027-02-05", "2027-02-12")],
    make_up_days=[D(2027, 2, 20)],
    statutory=[D(2027, 1, 1), *days("2027-02-05", "2027-02-08")],
    source="test data (not a real notice)",
)


def test_unpublished_year_is_an_error() -> None:
    with pytest.raises(CalendarError) as info:
        CAL.is_working_day(D(2027, 3, 1))
    assert str(info.value) == (
        "no published holiday notice for 2027: protrules knows "
        f"2001–{max(CAL.published_years)}; load the year's notice as data"
        " (days off, make-up working days, source)"
    )
    assert info.value.code == "PRL501"
    assert isinstance(info.value, ProtrulesError)
    for call in (
        lambda: CAL.is_statutory_holiday(D(2027, 1, 1)),
        lambda: CAL.holiday_block(D(2027, 1, 1)),
        lambda: CAL.deadline(D(2026, 12, 1), months=2),
        lambda: CAL.working_days_between(D(2026, 12, 1), D(2027, 1, 5)),
        lambda: CAL.is_working_day(D(1999, 10, 1)),
        lambda: CAL.notice(2027),
    ):
        with pytest.raises(CalendarError, match="no published holiday notice"):
            call()


def test_loaded_notice_makes_an_unpublished_year_work() -> None:
    cal = CAL.with_notices([FAKE_2027])
    assert 2027 in cal.published_years and 2027 not in CAL.published_years
    assert cal.is_rest_day(D(2027, 2, 5)) and cal.is_statutory_holiday(D(2027, 2, 5))
    assert cal.is_working_day(D(2027, 2, 20))  # the make-up Saturday
    assert cal.is_working_day(D(2027, 3, 1))
    assert cal.holiday_block(D(2027, 2, 7)) == Period(D(2027, 2, 5), D(2027, 2, 14))
    assert cal.add_working_days(D(2027, 2, 4), 1) == D(2027, 2, 15)
    assert cal.deadline(D(2026, 12, 1), months=2) == D(2027, 2, 1)
    assert cal.notice(2027) is FAKE_2027
    with pytest.raises(CalendarError, match="no published holiday notice for 2028"):
        cal.is_working_day(D(2028, 1, 3))


def test_loaded_notice_replaces_the_library_year() -> None:
    bare = Notice(2023, [], [], [], "test data: a 2023 with no holidays")
    cal = WorkCalendar.china(notices=[bare])
    assert cal.is_working_day(D(2023, 10, 2))
    assert cal.is_rest_day(D(2023, 10, 7))
    assert not cal.is_statutory_holiday(D(2023, 10, 1))
    assert CAL.is_rest_day(D(2023, 10, 2))  # the original calendar is unchanged
    # A later notice for the same year replaces the earlier one.
    again = cal.with_notices([CAL.notice(2023)])
    assert again.is_rest_day(D(2023, 10, 2))


def test_two_notices_for_one_year_at_once_are_refused() -> None:
    other = Notice(2027, [], [], [], "another source")
    with pytest.raises(CalendarError, match="two different notices for 2027"):
        WorkCalendar.china(notices=[FAKE_2027, other])
    assert WorkCalendar.china(notices=[FAKE_2027, FAKE_2027]).published_years >= {2027}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"days_off": [D(2026, 11, 30)]},
         "2026-11-30 is not in 2027, the year of the notice, nor in the December before it"),
        ({"make_up_days": [D(2028, 1, 1)]},
         "2028-01-01 is not in 2027, the year of the notice, nor in the December before it"),
        ({"days_off": [D(2026, 12, 31)], "statutory": [D(2026, 12, 31)]},
         "statutory holiday 2026-12-31 is not in 2027, the year of the notice"),
        ({"make_up_days": [D(2027, 2, 17)]},
         "make-up working day 2027-02-17 is a Wednesday: make-up working days are Saturdays"),
        ({"statutory": [D(2027, 10, 1)]}, "statutory holiday 2027-10-01 is not among the days off"),
        ({"days_off": [D(2027, 2, 20)], "make_up_days": [D(2027, 2, 20)]},
         "2027-02-20 is both a day off and a make-up working day"),
        ({"source": " "}, "the notice for 2027 needs a source"),
        ({"days_off": ["2027-01-01"]}, "a notice day must be a date, not str `2027-01-01`"),
        ({"days_off": "2027-01-01"}, "expected a list of dates"),
        ({"year": 0}, "a notice's year must be 1..9999, not 0"),
        ({"year": True}, "a notice's year must be a whole number"),
    ],
)  # fmt: skip
def test_invalid_notice_data(kwargs: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "year": 2027, "days_off": [], "make_up_days": [], "statutory": [], "source": "test",
    }  # fmt: skip
    fields.update(kwargs)
    with pytest.raises(CalendarError, match=re.escape(message)):
        Notice(**fields)  # type: ignore[arg-type]


def test_a_notice_moves_days_of_the_december_before_its_year() -> None:
    """国办发明电〔2018〕15号 (2019): "2018年12月30日至2019年1月1日放假调休，共3天。2018年12月29日
    （星期六）上班。" The 2019 notice amends December 2018, whatever 2018's data is."""
    only_2018 = WorkCalendar.china(notices=[Notice(2018, [], [], [], "a 2018 without holidays")])
    assert only_2018.is_working_day(D(2018, 12, 31)) and only_2018.is_rest_day(D(2018, 12, 29))
    new_year = Notice(2019, [D(2018, 12, 30), D(2018, 12, 31), D(2019, 1, 1)], [D(2018, 12, 29)],
                      [D(2019, 1, 1)], "国办发明电〔2018〕15号")  # fmt: skip
    both = only_2018.with_notices([new_year])
    assert both.is_rest_day(D(2018, 12, 31)) and both.is_working_day(D(2018, 12, 29))
    assert both.is_working_day(D(2018, 12, 28)) and both.is_rest_day(D(2018, 12, 1))  # the rest stays
    assert str(both.holiday_block(D(2018, 12, 31))) == "2018-12-30..2019-01-01"
    assert both.notice(2018).make_up_days == ()  # the move is the 2019 notice's, shown there
    # Over the library's 2018 (which already has the move from holidays) it changes nothing.
    library = WorkCalendar.china(notices=[CAL.notice(2019)])
    assert library.is_working_day(D(2018, 12, 29)) and library.is_rest_day(D(2018, 12, 31))
    # A notice that names no December day leaves the December it finds (here the library's).
    silent = WorkCalendar.china(notices=[Notice(2019, [D(2019, 1, 1)], [], [D(2019, 1, 1)], "x")])
    assert silent.is_rest_day(D(2018, 12, 31)) and silent.is_working_day(D(2018, 12, 29))
    with pytest.raises(CalendarError, match="make-up working day 2018-12-31 is a Monday"):
        Notice(2019, [D(2019, 1, 1)], [D(2018, 12, 31)], [D(2019, 1, 1)], "works on a Monday")


def test_notice_days_are_sorted_and_deduplicated() -> None:
    a = Notice(2027, [D(2027, 1, 2), D(2027, 1, 1), D(2027, 1, 1)], [], [], "x")
    assert a.days_off == (D(2027, 1, 1), D(2027, 1, 2))
    assert a == Notice(2027, (D(2027, 1, 1), D(2027, 1, 2)), (), (), "x")


# --------------------------------------------------------------------------- vacations

WINTER_2023 = Vacation("寒假", Period(D(2023, 1, 18), D(2023, 2, 14)))
SUMMER_2023 = Vacation("暑假", Period(D(2023, 7, 1), D(2023, 8, 31)))
WINTER_2024 = Vacation("寒假", Period(D(2024, 1, 22), D(2024, 2, 18)))


def test_vacations() -> None:
    cal = CAL.with_vacations([SUMMER_2023, WINTER_2024, WINTER_2023])
    assert cal.in_vacation(D(2023, 1, 18)) and cal.in_vacation(D(2023, 2, 14))
    assert not cal.in_vacation(D(2023, 2, 15)) and not cal.in_vacation(D(2023, 1, 17))
    assert cal.vacation_of(D(2023, 8, 1)) == SUMMER_2023
    assert cal.vacation_of(D(2023, 9, 1)) is None
    assert cal.vacations(Period(D(2023, 2, 1), D(2024, 1, 22))) == (
        WINTER_2023, SUMMER_2023, WINTER_2024,
    )  # fmt: skip
    assert cal.vacations(Period(D(2023, 9, 1), D(2023, 12, 31))) == ()
    assert not CAL.in_vacation(D(2023, 8, 1))  # with_vacations returns a new calendar
    assert cal.in_vacation(D(2031, 7, 15)) is False  # vacations need no holiday notice


def test_overlapping_vacations_are_refused() -> None:
    clash = Vacation("夏令营", Period(D(2023, 8, 31), D(2023, 9, 3)))
    with pytest.raises(CalendarError, match=re.escape("vacations 暑假 2023-07-01..2023-08-31 and 夏令营")):
        WorkCalendar.china(vacations=[SUMMER_2023, clash])
    assert len(CAL.with_vacations([SUMMER_2023]).with_vacations([SUMMER_2023]).vacations(
        Period(D(2023, 1, 1), D(2023, 12, 31)))) == 1


def test_invalid_vacation_and_calendar_inputs() -> None:
    with pytest.raises(CalendarError, match="a vacation needs a name"):
        Vacation("", Period(D(2023, 1, 1), D(2023, 1, 2)))
    with pytest.raises(CalendarError, match="needs a Period"):
        Vacation("寒假", (D(2023, 1, 1), D(2023, 1, 2)))  # type: ignore[arg-type]
    with pytest.raises(CalendarError, match="expected a Notice"):
        WorkCalendar.china(notices=["2027"])  # type: ignore[list-item]
    with pytest.raises(CalendarError, match="expected a Vacation"):
        WorkCalendar.china(vacations=[Period(D(2023, 1, 1), D(2023, 1, 2))])  # type: ignore[list-item]


# --------------------------------------------------------------------------- periods and units


def test_period() -> None:
    p = Period(D(2023, 4, 1), D(2024, 3, 31))
    assert str(p) == "2023-04-01..2024-03-31"
    assert p.days == 366
    assert D(2023, 4, 1) in p and D(2024, 3, 31) in p and D(2024, 4, 1) not in p
    assert "2023-05-01" not in p
    q = Period(D(2024, 3, 31), D(2024, 6, 30))
    assert p.overlaps(q) and q.overlaps(p)
    assert p.intersection(q) == Period(D(2024, 3, 31), D(2024, 3, 31))
    assert p.intersection(Period(D(2025, 1, 1), D(2025, 1, 1))) is None
    assert Period(D(2023, 5, 1), D(2023, 5, 31)).within(p) and not q.within(p)
    assert sorted([q, p]) == [p, q]
    assert Period(D(2023, 1, 1), D(2023, 1, 1)).days == 1


def test_period_errors() -> None:
    with pytest.raises(CalendarError, match=r"period ends \(2023-01-01\) before it starts"):
        Period(D(2023, 1, 2), D(2023, 1, 1))
    with pytest.raises(CalendarError, match="a period's start must be a date, not str"):
        Period("2023-01-01", D(2023, 1, 2))  # type: ignore[arg-type]
    with pytest.raises(CalendarError, match="must be a date, not a datetime"):
        Period(D(2023, 1, 1), dt.datetime(2023, 1, 2, 12))
    with pytest.raises(CalendarError, match="must be a date, not a datetime"):
        CAL.is_working_day(dt.datetime(2023, 1, 2))


@pytest.mark.parametrize(
    ("day", "unit", "expected"),
    [
        ("2023-05-17", "year", "2023-01-01..2023-12-31"),
        ("2023-05-17", "quarter", "2023-04-01..2023-06-30"),
        ("2023-03-31", "quarter", "2023-01-01..2023-03-31"),
        ("2023-12-01", "quarter", "2023-10-01..2023-12-31"),
        ("2024-02-10", "month", "2024-02-01..2024-02-29"),
        ("2023-05-17", "week", "2023-05-15..2023-05-21"),
        ("2023-01-01", "week", "2022-12-26..2023-01-01"),  # a Sunday: ISO week 2022-W52
        ("2024-12-31", "week", "2024-12-30..2025-01-05"),
    ],
)
def test_unit_of(day: str, unit: str, expected: str) -> None:
    assert str(unit_of(parse_date(day), unit)) == expected


def test_units() -> None:
    period = Period(D(2023, 3, 30), D(2023, 7, 1))
    assert [str(p) for p in CAL.units(period, "quarter")] == [
        "2023-01-01..2023-03-31", "2023-04-01..2023-06-30", "2023-07-01..2023-09-30",
    ]  # fmt: skip
    assert len(CAL.units(period, "month")) == 5
    assert [str(p) for p in CAL.units(period, "half")] == ["2023-01-01..2023-06-30", "2023-07-01..2023-12-31"]
    assert len(CAL.units(period, "day")) == period.days == 94
    assert len(CAL.units(Period(D(2023, 1, 1), D(2023, 12, 31)), "week")) == 53
    assert CAL.units(Period(D(2023, 4, 1), D(2024, 3, 31)), "year") == (
        unit_of(D(2023, 1, 1), "year"), unit_of(D(2024, 1, 1), "year"),
    )  # fmt: skip
    # Units need no holiday data.
    assert len(CAL.units(Period(D(2030, 1, 1), D(2030, 12, 31)), "month")) == 12
    with pytest.raises(CalendarError, match="unknown calendar unit `fortnight`"):
        CAL.units(period, "fortnight")
    with pytest.raises(CalendarError, match="unknown calendar unit `Week`"):
        unit_of(D(2023, 1, 1), "Week")


def test_week_past_the_last_date_is_an_error() -> None:
    with pytest.raises(CalendarError, match="outside the supported dates"):
        unit_of(D(9999, 12, 31), "week")


# --------------------------------------------------------------------------- parse_date


def test_parse_date_accepts_strict_iso() -> None:
    assert parse_date("2023-04-01") == D(2023, 4, 1)
    assert parse_date("2024-02-29") == D(2024, 2, 29)
    assert parse_date("0001-01-01") == D.min


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2023-02-30", "invalid date `2023-02-30`: February 2023 has 28 days"),
        ("2023-02-29", "invalid date `2023-02-29`: February 2023 has 28 days"),
        ("2023-04-31", "invalid date `2023-04-31`: April 2023 has 30 days"),
        ("2023-04-00", "invalid date `2023-04-00`: April 2023 has 30 days"),
        ("2023-13-01", "invalid date `2023-13-01`: there is no month 13"),
        ("2023-00-10", "invalid date `2023-00-10`: there is no month 0"),
        ("0000-01-01", "invalid date `0000-01-01`: there is no year 0000"),
        ("２０２３-01-01",
         "invalid date `２０２３-01-01`: use ASCII digits 0-9 (not full-width or other digits)"),
        ("2023-1-1", "invalid date `2023-1-1`: expected YYYY-MM-DD, e.g. 2023-04-01"),
        ("2023/01/01", "invalid date `2023/01/01`: expected YYYY-MM-DD"),
        (" 2023-01-01", "invalid date ` 2023-01-01`: expected YYYY-MM-DD"),
        ("2023-01-01\n", r"invalid date `2023-01-01\n`: expected YYYY-MM-DD"),
        ("+023-01-01", "invalid date `+023-01-01`: expected YYYY-MM-DD"),
        ("2023-01-01T00:00", "invalid date `2023-01-01T00:00`: expected YYYY-MM-DD"),
        ("2023-W14-1", "invalid date `2023-W14-1`: expected YYYY-MM-DD"),  # date.fromisoformat reads these
        ("20230401", "invalid date `20230401`: expected YYYY-MM-DD"),
        ("", "invalid date ``: expected YYYY-MM-DD"),
    ],
)  # fmt: skip
def test_parse_date_errors(text: str, message: str) -> None:
    with pytest.raises(CalendarError) as info:
        parse_date(text)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)
    assert str(info.value) == str(info.value).strip()


def test_parse_date_refuses_non_text() -> None:
    with pytest.raises(CalendarError, match="a date must be text like 2023-04-01, not `20230401`"):
        parse_date(20230401)  # type: ignore[arg-type]


def test_default_calendar_is_cached() -> None:
    assert china() is china()
    assert "2001–" in repr(china())


def test_the_examples_in_docs_calendar_md_run() -> None:
    path = Path(__file__).resolve().parent.parent / "docs" / "calendar.md"
    result = doctest.testfile(str(path), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 20
    assert result.failed == 0
