"""Cross-check the working days protrules takes from ``holidays`` against ``chinesecalendar``.

Two independently maintained transcriptions of the State Council notices, compared day by
day over every year both cover. Where they disagree the official notice decides, and the
day is listed in KNOWN_DISAGREEMENTS with the notice's words, so a new disagreement (a
typo in either package after an upgrade) fails loudly instead of being skipped.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar  # type: ignore[import-untyped]

from protrules.calendar.workdays import china

CAL = china()

# date -> (is it a working day per the official notice, why)
KNOWN_DISAGREEMENTS: dict[dt.date, tuple[bool, str]] = {
    # 国办发明电〔2005〕35号 (2006 holidays), 一、元旦: "1月1日—3日放假，共3天。… 将12月31日
    # (星期六)、1月1日(星期日)两个公休日调至1月2日(星期一)、3日(星期二)，12月31日(星期六)上班。"
    # holidays has this make-up Saturday; chinesecalendar 1.11 lists 2006-01-03 as a day off
    # but forgot the Saturday worked for it.
    dt.date(2005, 12, 31): (True, "make-up working day for 元旦 2006"),
}


def _covered_years() -> range:
    """The years chinesecalendar has data for, read from its own tables (not hard-coded)."""
    years = [d.year for d in chinese_calendar.holidays]
    return range(min(years), max(years) + 1)


def _both() -> list[int]:
    return [year for year in _covered_years() if year in CAL.published_years]


def test_the_two_sources_overlap_over_the_years_that_matter() -> None:
    years = _both()
    assert years == list(range(years[0], years[-1] + 1))
    assert years[0] <= 2005 and years[-1] >= 2025
    assert {2023, 2024} <= set(years)


def test_is_working_day_agrees_with_chinesecalendar_day_by_day() -> None:
    disagreements: list[str] = []
    checked = 0
    for year in _both():
        day = dt.date(year, 1, 1)
        while day.year == year:
            ours = CAL.is_working_day(day)
            if day in KNOWN_DISAGREEMENTS:
                official, why = KNOWN_DISAGREEMENTS[day]
                assert ours is official, f"{day}: {why}"
            elif ours != chinese_calendar.is_workday(day):
                disagreements.append(f"{day} protrules={ours}")
            checked += 1
            day += dt.timedelta(days=1)
    assert disagreements == []
    assert checked > 20 * 365


def test_known_disagreements_are_in_the_compared_years() -> None:
    """An exception for a year no longer compared would be dead weight: drop it then."""
    for day in KNOWN_DISAGREEMENTS:
        assert day.year in _both()


def test_days_off_on_weekdays_agree_with_chinesecalendar_holidays() -> None:
    """Every weekday chinesecalendar lists as a holiday is a rest day in protrules."""
    for day in chinese_calendar.holidays:
        if day.year in _both() and day.weekday() < 5:
            assert CAL.is_rest_day(day), day
