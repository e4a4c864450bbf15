"""Dates, periods, durations and deadlines in words, Chinese or English: the one place every
renderer takes them from.

A Chinese official writes 2023年10月7日（调休上班日）, 2023年第四季度, 2023年第46周（11月13日至19日），
2023年上半年, 2023年端午节假期（6月22日至24日）, 30个工作日; an English reader gets 2023-10-07
(make-up working day), Q4 2023, week 46 of 2023 (2023-11-13 to 2023-11-19). The calendar, when
given, says which days are 调休上班日 or 法定节假日 and which festival a holiday block belongs to;
a year it has no notice for is simply not annotated (a reason never fails for want of one).

The words (季度, 上半年, 到期 …) are catalogue messages (``docs/i18n.md``); how a date's numbers
are written is a pattern per language (:data:`_DAY`), as number formats are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from protrules.calendar.durations import Duration
from protrules.calendar.periods import Period
from protrules.errors import CalendarError
from protrules.i18n import Message, msg, msgn

__all__ = [
    "day_words",
    "due_words",
    "duration_words",
    "holiday_words",
    "period_words",
    "span_words",
    "weekday_words",
]

#: How a date is written: Chinese with its characters, English as ISO 8601 (unambiguous).
_DAY: dict[str, Callable[[dt.date], str]] = {
    "zh": lambda d: f"{d.year}年{d.month}月{d.day}日",
    "en": lambda d: d.isoformat(),
}
_MONTH_DAY: dict[str, Callable[[dt.date], str]] = {
    "zh": lambda d: f"{d.month}月{d.day}日",
    "en": lambda d: d.isoformat(),
}

_WEEKDAYS = (
    msg("Monday"), msg("Tuesday"), msg("Wednesday"), msg("Thursday"), msg("Friday"),
    msg("Saturday"), msg("Sunday"),
)  # fmt: skip
_MONTHS = (
    msg("January {year}"), msg("February {year}"), msg("March {year}"), msg("April {year}"),
    msg("May {year}"), msg("June {year}"), msg("July {year}"), msg("August {year}"),
    msg("September {year}"), msg("October {year}"), msg("November {year}"), msg("December {year}"),
)  # fmt: skip
_QUARTERS = (msg("Q1 {year}"), msg("Q2 {year}"), msg("Q3 {year}"), msg("Q4 {year}"))
_YEAR = msg("{year}")  # 2023 / 2023年
_HALVES = (msg("first half of {year}"), msg("second half of {year}"))
#: The festivals of 《全国年节及纪念日放假办法》 (the calendar's names are Chinese).
_FESTIVALS = {
    "元旦": msg("New Year's Day"),
    "春节": msg("Spring Festival"),
    "清明节": msg("Qingming Festival"),
    "劳动节": msg("Labour Day"),
    "端午节": msg("Dragon Boat Festival"),
    "中秋节": msg("Mid-Autumn Festival"),
    "国庆节": msg("National Day"),
}
#: A duration's unit in words, by its key (Duration.unit).
_UNITS: dict[str, Callable[[int], Message]] = {
    "days": lambda n: msgn("{n} day", "{n} days", n),
    "weeks": lambda n: msgn("{n} week", "{n} weeks", n),
    "working_days": lambda n: msgn("{n} working day", "{n} working days", n),
    "months": lambda n: msgn("{n} month", "{n} months", n),
    "quarters": lambda n: msgn("{n} quarter", "{n} quarters", n),
    "years": lambda n: msgn("{n} year", "{n} years", n),
    "hours": lambda n: msgn("{n} hour", "{n} hours", n),
    "minutes": lambda n: msgn("{n} minute", "{n} minutes", n),
}


def _words(lang: str) -> str:
    return "zh" if lang == "zh" else "en"


def weekday_words(d: dt.date, lang: str = "en") -> str:
    """星期六 / Saturday."""
    return _WEEKDAYS[d.weekday()].render(lang)


def day_words(d: dt.date, lang: str = "en", calendar: object | None = None) -> str:
    """A day as an official writes it: 2023年10月7日, and with a calendar what kind of day it is
    when that matters to a deadline: 2023年10月7日（调休上班日）, 2023年10月2日（法定节假日）."""
    text = _DAY[_words(lang)](d)
    note = _day_note(d, calendar)
    return text if note is None else msg("{day} ({note})", day=text, note=note).render(lang)


def _day_note(d: dt.date, calendar: object | None) -> Message | None:
    if calendar is None:
        return None
    try:
        if d.weekday() >= 5 and calendar.is_working_day(d):  # type: ignore[attr-defined]
            return msg("make-up working day")
        if calendar.is_statutory_holiday(d):  # type: ignore[attr-defined]
            return msg("statutory holiday")
    except CalendarError:  # a year without a published notice: nothing to say about the day
        return None
    return None


def span_words(start: dt.date, end: dt.date, lang: str = "en", *, year: int | None = None) -> str:
    """The days from ``start`` to ``end``: 2023年6月22日至24日, 11月13日至12月3日 (the year left
    out when ``year`` is the year of both), 2023-06-22 to 2023-06-24."""
    lang = _words(lang)
    if start == end:
        return _MONTH_DAY[lang](start) if year == start.year else _DAY[lang](start)
    if lang == "zh":
        same_year = start.year == end.year
        first = _MONTH_DAY["zh"](start) if same_year and year == start.year else _DAY["zh"](start)
        if same_year and start.month == end.month:
            last = f"{end.day}日"
        elif same_year:
            last = _MONTH_DAY["zh"](end)
        else:
            last = _DAY["zh"](end)
        return msg("{start} to {end}", start=first, end=last).render("zh")
    return msg("{start} to {end}", start=start.isoformat(), end=end.isoformat()).render("en")


def period_words(
    period: Period,
    lang: str = "en",
    *,
    unit: str | None = None,
    name: str | None = None,
    calendar: object | None = None,
) -> str:
    """A period as an official writes it. ``unit`` says what kind of calendar unit it is
    (year, half year, quarter, month, week, day, vacation, holiday — a `for each` knows); a
    period that is exactly one of them is read as it without being told. ``name`` is a
    vacation's name (2023年暑假). Anything else is its days: 2023年4月1日至2024年3月31日."""
    start, end = period.start, period.end
    unit = unit or _unit_of(period)
    year = start.year
    if unit == "year":
        return _render(_YEAR, lang, year=year)
    if unit == "half year":
        return _render(_HALVES[0 if start.month == 1 else 1], lang, year=year)
    if unit == "quarter":
        return _render(_QUARTERS[(start.month - 1) // 3], lang, year=year)
    if unit == "month":
        return _render(_MONTHS[start.month - 1], lang, year=year)
    if unit == "week":
        iso_year, week, _ = start.isocalendar()
        days = span_words(start, end, lang, year=iso_year)
        return msg("week {week} of {year} ({days})", week=week, year=iso_year, days=days).render(lang)
    if unit == "day":
        return day_words(start, lang, calendar)
    days = span_words(start, end, lang, year=year if unit in ("vacation", "holiday") else None)
    if unit == "vacation" and name:
        return msg("{name} ({days})", name=name, days=days).render(lang)
    if unit == "holiday":
        return holiday_words(period, lang)
    return days


def _render(template: Message, lang: str, **args: object) -> str:
    return Message(template.id, args).render(lang)


def _unit_of(period: Period) -> str:
    """The calendar unit a period is exactly, or "" (a span of days)."""
    start, end = period.start, period.end
    if start == end:
        return "day"
    if start.day == 1 and start.year == end.year:
        months = end.month - start.month + 1
        last = (dt.date(end.year + (end.month == 12), end.month % 12 + 1, 1) - dt.timedelta(days=1)).day
        if end.day == last:
            if months == 12:
                return "year"
            if months == 6 and start.month in (1, 7):
                return "half year"
            if months == 3 and start.month in (1, 4, 7, 10):
                return "quarter"
            if months == 1:
                return "month"
    if start.weekday() == 0 and (end - start).days == 6:
        return "week"
    return ""


def holiday_words(block: Period, lang: str = "en") -> str:
    """A 节假日 block named by the festivals in it: 2023年端午节假期（6月22日至24日）,
    2023年中秋节、国庆节假期（9月29日至10月6日）; unnamed when no festival can be found."""
    days = span_words(block.start, block.end, lang, year=block.start.year)
    festivals = _festivals(block)
    if not festivals:
        return msg("holiday ({days})", days=days).render(lang)
    names = tuple(_FESTIVALS[name] for _, name in festivals)
    year = festivals[0][0].year  # 2024年元旦假期 begins on 2023-12-30
    return msg("{year} {festivals} holiday ({days})", year=year, festivals=names, days=days).render(lang)


def _festivals(block: Period) -> list[tuple[dt.date, str]]:
    """The festivals whose statutory days fall in the block, each with its first day there."""
    from protrules.calendar.notices import festival_days

    found: list[tuple[dt.date, str]] = []
    for year in range(block.start.year, block.end.year + 1):
        try:
            days = festival_days(year)
        except CalendarError:
            return []
        for name, ds in days.items():
            inside = [d for d in ds if d in block]
            if inside and name in _FESTIVALS:
                found.append((inside[0], name))
    return sorted(found)


def duration_words(duration: Duration, lang: str = "en") -> str:
    """30个工作日, 3个月, 1年 / 30 working days, 3 months, 1 year."""
    return _UNITS[duration.unit](duration.amount).render(lang)


def due_words(due: dt.date, verdict: str, lang: str = "en", calendar: object | None = None) -> str:
    """When a requirement was or is due, as its verdict reads it: pending — 2024年3月31日到期 /
    due 2024-03-31; decided — 截至2023年12月31日 / by 2023-12-31."""
    day = day_words(due, lang, calendar)
    if verdict == "pending":
        return msg("due {day}", day=day).render(lang)
    return msg("by {day}", day=day).render(lang)
