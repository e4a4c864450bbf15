"""Periods, holiday notices and school vacations as values, and the calendar units of a period.

The data the working-day calendar (:mod:`protrules.calendar.workdays`) is built from and answers
about: a :class:`Period` (a closed range of days), a :class:`Notice` (one year's days off and
make-up working days, as the State Council publishes them), a :class:`Vacation` (a school
vacation declared as data), the ISO weeks, months, quarters … of a period, and strict
``YYYY-MM-DD`` dates. None of it needs the calendar's year tables.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re
from collections.abc import Iterable
from datetime import date
from typing import Final

import attrs

from protrules.errors import CalendarError
from protrules.i18n import Message, Text, msg

__all__ = ["UNITS", "Notice", "Period", "Vacation", "parse_date", "unit_of"]


UNITS: Final = ("year", "half", "quarter", "month", "week", "day")
"""The calendar units of :func:`unit_of` and :meth:`WorkCalendar.units` (每年, 每半年, 每季度, 每月,
每周, 每日)."""

#: The months with their year, as calendar/wording.py says them (2023年2月 / February 2023).
_MONTHS: Final = (
    msg("January {year}"), msg("February {year}"), msg("March {year}"), msg("April {year}"),
    msg("May {year}"), msg("June {year}"), msg("July {year}"), msg("August {year}"),
    msg("September {year}"), msg("October {year}"), msg("November {year}"), msg("December {year}"),
)  # fmt: skip
_WEEKDAYS: Final = (
    msg("Monday"), msg("Tuesday"), msg("Wednesday"), msg("Thursday"), msg("Friday"),
    msg("Saturday"), msg("Sunday"),
)  # fmt: skip
_MAX_ORDINAL: Final = date.max.toordinal()


# --------------------------------------------------------------------------- helpers


def _show(value: object) -> str:
    """A value quoted for a one-line message: control characters escaped, long text cut."""
    text = value if isinstance(value, str) else repr(value)
    text = text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text
    return text if len(text) <= 40 else text[:37] + "..."


def _check_date(value: object, what: Text = "date") -> date:
    """``value`` if it is a plain date; datetimes and strings are caller bugs we name clearly."""
    if type(value) is date:
        return value
    if isinstance(value, dt.datetime):
        raise CalendarError(
            msg("{what} must be a date, not a datetime ({value})", what=what, value=str(value))
        )
    if isinstance(value, date):  # a date subclass: keep the calendar day
        return date(value.year, value.month, value.day)
    raise CalendarError(
        msg(
            "{what} must be a date, not {type} `{value}`",
            what=what,
            type=type(value).__name__,
            value=_show(value),
        )
    )


def _check_int(value: object, what: Text) -> int:
    """``value`` as an int; bools and floats are refused (1.5 months has no meaning here)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise CalendarError(
            msg(
                "{what} must be a whole number, not {type} `{value}`",
                what=what,
                type=type(value).__name__,
                value=_show(value),
            )
        )
    return value


def _from_ordinal(ordinal: int) -> date:
    """``date.fromordinal`` with the 0001–9999 limit reported as a calendar error."""
    if not 1 <= ordinal <= _MAX_ORDINAL:
        raise CalendarError(msg("the result is outside the supported dates 0001-01-01..9999-12-31"))
    return date.fromordinal(ordinal)


def _plus_days(d: date, days: int) -> date:
    """``d + days`` with overflow reported as a calendar error."""
    return _from_ordinal(d.toordinal() + days)


def _year_ranges(years: Iterable[int]) -> str:
    """``2001–2026, 2028`` for a set of years: the message names what protrules knows."""
    ordered = sorted(years)
    if not ordered:
        return "no years"
    parts: list[str] = []
    first = prev = ordered[0]
    for year in [*ordered[1:], None]:
        if year is not None and year == prev + 1:
            prev = year
            continue
        parts.append(str(first) if first == prev else f"{first}–{prev}")
        if year is not None:
            first = prev = year
    return ", ".join(parts)


# --------------------------------------------------------------------------- data classes


def _period_start(value: date) -> date:
    return _check_date(value, msg("a period's start"))


def _period_end(value: date) -> date:
    return _check_date(value, msg("a period's end"))


@attrs.frozen(order=True)
class Period:
    """An inclusive range of days, ``start..end``: a 每年/每季度 unit, a vacation, a block.

    Inclusive because the standards' periods are (2023-04-01 至 2024-03-31 covers both
    days), and so ``days`` is what a person would count on a calendar.
    """

    start: date = attrs.field(converter=_period_start)
    end: date = attrs.field(converter=_period_end)

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise CalendarError(
                msg("period ends ({end}) before it starts ({start})", end=self.end, start=self.start)
            )

    def __contains__(self, d: object) -> bool:
        return isinstance(d, date) and self.start <= _check_date(d) <= self.end

    def overlaps(self, other: Period) -> bool:
        """Whether the two periods share at least one day."""
        return self.start <= other.end and other.start <= self.end

    def within(self, other: Period) -> bool:
        """Whether every day of this period is inside ``other``."""
        return other.start <= self.start and self.end <= other.end

    def intersection(self, other: Period) -> Period | None:
        """The days both periods share, or None if they share none."""
        if not self.overlaps(other):
            return None
        return Period(max(self.start, other.start), min(self.end, other.end))

    @property
    def days(self) -> int:
        """The number of days, both ends included (a one-day period has 1)."""
        return self.end.toordinal() - self.start.toordinal() + 1

    def __str__(self) -> str:
        return f"{self.start}..{self.end}"


def _check_period(value: object) -> Period:
    if not isinstance(value, Period):
        raise CalendarError(msg("expected a Period, not `{value}`", value=_show(value)))
    return value


def _date_tuple(value: Iterable[date]) -> tuple[date, ...]:
    """Sorted, de-duplicated dates, so two notices listing the same days compare equal."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise CalendarError(msg("expected a list of dates, not `{value}`", value=_show(value)))
    return tuple(sorted({_check_date(item, msg("a notice day")) for item in value}))


def _notice_year(value: int) -> int:
    year = _check_int(value, msg("a notice's year"))
    if not 1 <= year <= 9999:
        raise CalendarError(msg("a notice's year must be 1..9999, not {year}", year=year))
    return year


@attrs.frozen
class Notice:
    """One year of a State Council holiday notice (放假调休安排), loaded as data.

    It is how a year the library does not know (2027 and later) becomes usable, and how a
    wrong or changed year is corrected: a loaded notice replaces the library's data for its
    year entirely. Its days are inside ``year``, except that the days off and make-up days of
    元旦 may reach back into the previous December ("2018年12月30日至2019年1月1日放假调休",
    "2018年12月29日（星期六）上班"), as the notices do: those days amend the previous
    year's data, whatever its source.
    """

    year: int = attrs.field(converter=_notice_year)
    days_off: tuple[date, ...] = attrs.field(converter=_date_tuple)
    make_up_days: tuple[date, ...] = attrs.field(converter=_date_tuple)
    statutory: tuple[date, ...] = attrs.field(converter=_date_tuple)
    source: str = attrs.field()

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.source, str) or not self.source.strip():
            raise CalendarError(
                msg("the notice for {year} needs a source (e.g. 国办发明电〔2026〕7号)", year=self.year)
            )
        for day in (*self.days_off, *self.make_up_days):
            if day.year != self.year and (day.year, day.month) != (self.year - 1, 12):
                raise CalendarError(
                    msg(
                        "{day} is not in {year}, the year of the notice, nor in the December before it",
                        day=day,
                        year=self.year,
                    )
                )
        for day in self.statutory:
            if day.year != self.year:
                raise CalendarError(
                    msg(
                        "statutory holiday {day} is not in {year}, the year of the notice",
                        day=day,
                        year=self.year,
                    )
                )
        for day in self.make_up_days:
            if day.weekday() < 5:
                raise CalendarError(
                    msg(
                        "make-up working day {day} is a {weekday}:"
                        " make-up working days are Saturdays or Sundays",
                        day=day,
                        weekday=_WEEKDAYS[day.weekday()],
                    )
                )
        both = sorted(set(self.days_off) & set(self.make_up_days))
        if both:
            raise CalendarError(msg("{day} is both a day off and a make-up working day", day=both[0]))
        loose = sorted(set(self.statutory) - set(self.days_off))
        if loose:
            raise CalendarError(msg("statutory holiday {day} is not among the days off", day=loose[0]))


@attrs.frozen
class Vacation:
    """A named school vacation (寒假, 暑假), declared as data because no law fixes it."""

    name: str = attrs.field()
    period: Period = attrs.field()

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise CalendarError(msg("a vacation needs a name (e.g. 寒假)"))
        if not isinstance(self.period, Period):
            raise CalendarError(
                msg("vacation {name} needs a Period, not `{value}`", name=self.name, value=_show(self.period))
            )

    def __str__(self) -> str:
        return f"{self.name} {self.period}"


# --------------------------------------------------------------------------- calendar units


def unit_of(d: date, unit: str) -> Period:
    """The calendar year, half year (January–June, July–December), quarter, month, ISO week
    (Monday–Sunday) or day containing ``d``.

    每年/每季度/每周 in the standards are calendar units, not rolling windows, so an event
    counts for the unit its date falls in.
    """
    d = _check_date(d)
    if unit == "year":
        return Period(date(d.year, 1, 1), date(d.year, 12, 31))
    if unit == "quarter":
        month = 3 * ((d.month - 1) // 3) + 1
        end_month = month + 2
        end_day = _calendar.monthrange(d.year, end_month)[1]
        return Period(date(d.year, month, 1), date(d.year, end_month, end_day))
    if unit == "month":
        return Period(d.replace(day=1), d.replace(day=_calendar.monthrange(d.year, d.month)[1]))
    if unit == "week":
        monday = d.toordinal() - d.weekday()
        return Period(_from_ordinal(monday), _from_ordinal(monday + 6))
    if unit == "half":
        return Period(date(d.year, 1, 1), date(d.year, 6, 30)) if d.month <= 6 else Period(
            date(d.year, 7, 1), date(d.year, 12, 31)
        )
    if unit == "day":
        return Period(d, d)
    raise CalendarError(
        msg("unknown calendar unit `{unit}`: use year, half, quarter, month, week or day", unit=_show(unit))
    )


def _units(period: Period, unit: str) -> tuple[Period, ...]:
    out = [unit_of(period.start, unit)]
    while out[-1].end < period.end:
        out.append(unit_of(_plus_days(out[-1].end, 1), unit))
    return tuple(out)


# --------------------------------------------------------------------------- parsing


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def parse_date(text: str) -> date:
    """A strict ``YYYY-MM-DD`` date (ASCII digits, a real day), else a CalendarError saying why.

    Strict because dates come from rule files and ledgers that people type: ``2023-1-1``,
    full-width ``２０２３`` and 2023-02-30 are mistakes to report, not to guess about.
    """
    if type(text) is str and _ISO_DATE.match(text):  # the common case: well-formed, ASCII
        try:  # only YYYY-MM-DD gets here (fromisoformat also reads 2023-W01-1 and 20230401)
            return date.fromisoformat(text)
        except ValueError:
            pass  # year 0, month 13, February 30 …: the checks below say which
    if not isinstance(text, str):
        raise CalendarError(msg("a date must be text like 2023-04-01, not `{value}`", value=_show(text)))
    shown = _show(text)
    if any(ch.isdigit() and not ("0" <= ch <= "9") for ch in text):
        raise _invalid(shown, msg("use ASCII digits 0-9 (not full-width or other digits)"))
    parts = text.split("-")
    if (
        len(parts) != 3
        or [len(p) for p in parts] != [4, 2, 2]
        or not all(p.isascii() and p.isdigit() for p in parts)
    ):
        raise _invalid(shown, msg("expected YYYY-MM-DD, e.g. 2023-04-01"))
    year, month, day = (int(p) for p in parts)
    if year == 0:
        raise _invalid(shown, msg("there is no year 0000"))
    if not 1 <= month <= 12:
        raise _invalid(shown, msg("there is no month {month}", month=month))
    length = _calendar.monthrange(year, month)[1]
    if not 1 <= day <= length:
        raise _invalid(
            shown,
            msg(
                "{month} has {length} days",
                month=Message(_MONTHS[month - 1].id, {"year": year}),
                length=length,
            ),
        )
    return date(year, month, day)


def _invalid(shown: str, why: Message) -> CalendarError:
    """``invalid date `…`: why``; the why is kept apart (``error.why``) for messages that
    quote the date themselves, as a ledger's "expected a date …, found …" does."""
    return CalendarError(msg("invalid date `{date}`: {why}", date=shown, why=why), why=why)
