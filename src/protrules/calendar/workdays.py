"""The PRC working-day calendar: 工作日, 休息日, 法定节假日, 节假日 blocks, 寒暑假 and deadlines.

The standards count in working days, calendar months, ISO weeks and holiday blocks, and the
Civil Code (Arts. 201–203) says how a period is counted. This module answers those
questions from the State Council's published holiday notices (via the ``holidays``
package, see :mod:`protrules.calendar.notices`) plus notices and school vacations loaded as data.

It never guesses: a year without a published notice (2027 and later today, before 2001)
raises :class:`~protrules.errors.CalendarError` unless its notice is loaded, because an
estimated calendar would silently misplace make-up working days (调休上班).

Each year's data is built once, lazily, into a per-day table and a sorted array of
working-day ordinals, so counting working days is a pair of bisections, not a day walk.
See docs/calendar.md for the meaning of every calendar word.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date

from dateutil.relativedelta import relativedelta

from protrules.calendar import notices as _notices
from protrules.calendar.notices import YearTable
from protrules.calendar.periods import (
    _MAX_ORDINAL,
    UNITS,
    Notice,
    Period,
    Vacation,
    _check_date,
    _check_int,
    _check_period,
    _from_ordinal,
    _plus_days,
    _show,
    _units,
    _year_ranges,
    parse_date,
    unit_of,
)
from protrules.errors import CalendarError
from protrules.i18n import msg

__all__ = [
    "UNITS",
    "Notice",
    "Period",
    "Vacation",
    "WorkCalendar",
    "china",
    "parse_date",
    "unit_of",
]
# --------------------------------------------------------------------------- year tables


def _build_year(notice: Notice, later: Notice | None = None) -> YearTable:
    """The tables for a notice's year (see :func:`protrules.calendar.notices.build_table`),
    with the December days that the next year's notice ``later`` moves, if any."""
    year = notice.year
    off = {d for d in notice.days_off if d.year == year}
    work = {d for d in notice.make_up_days if d.year == year}
    if later is not None:
        moved_off = {d for d in later.days_off if d.year == year}
        moved_work = {d for d in later.make_up_days if d.year == year}
        off = (off - moved_work) | moved_off
        work = (work - moved_off) | moved_work
    return _notices.build_table(year, off, work, notice.statutory)


def _reaches_back(notice: Notice | None) -> bool:
    """Whether a notice moves days in the December before its year."""
    return notice is not None and any(
        d.year != notice.year for d in (*notice.days_off, *notice.make_up_days)
    )


@functools.cache
def _library_notice(year: int) -> Notice:
    """The library's data for a published year, validated as any loaded notice is."""
    raw = _notices.library_year(year)
    return Notice(raw.year, raw.days_off, raw.make_up_days, raw.statutory, raw.source)


@functools.cache
def _library_table(year: int) -> YearTable:
    """The shared, cached tables of a published library year (every calendar reuses them)."""
    return _build_year(_library_notice(year))


# --------------------------------------------------------------------------- the calendar


class WorkCalendar:
    """The PRC working-day calendar with loaded notices and school vacations.

    Immutable once built: ``with_notices``/``with_vacations`` return new calendars, and the
    lazily filled per-year cache never changes an answer, so every method is pure.
    """

    __slots__ = ("_cache", "_library_years", "_notices", "_published", "_vacation_starts", "_vacations")

    def __init__(
        self, *, notices: Iterable[Notice] = (), vacations: Iterable[Vacation] = ()
    ) -> None:
        """Same as :meth:`china`: two notices for one year or overlapping vacations are refused."""
        by_year: dict[int, Notice] = {}
        for notice in notices:
            if not isinstance(notice, Notice):
                raise CalendarError(msg("expected a Notice, not `{value}`", value=_show(notice)))
            if notice.year in by_year and by_year[notice.year] != notice:
                raise CalendarError(msg("two different notices for {year} were loaded", year=notice.year))
            by_year[notice.year] = notice
        unique: set[Vacation] = set()
        for vacation in vacations:
            if not isinstance(vacation, Vacation):
                raise CalendarError(msg("expected a Vacation, not `{value}`", value=_show(vacation)))
            unique.add(vacation)
        # Overlaps are refused because vacation_of must name one vacation per day.
        ordered = tuple(sorted(unique, key=lambda v: (v.period, v.name)))
        for a, b in itertools.pairwise(ordered):
            if a.period.overlaps(b.period):
                raise CalendarError(msg("vacations {a} and {b} overlap", a=str(a), b=str(b)))
        self._notices = by_year
        self._vacations = ordered
        self._vacation_starts = tuple(v.period.start.toordinal() for v in ordered)
        self._library_years = _notices.library_years()
        self._published = self._library_years | frozenset(by_year)
        self._cache: dict[int, YearTable] = {}

    # ---- construction

    @classmethod
    def china(
        cls, *, notices: Iterable[Notice] = (), vacations: Iterable[Vacation] = ()
    ) -> WorkCalendar:
        """The national calendar (Shanghai follows it), plus notices and vacations as data."""
        return cls(notices=notices, vacations=vacations)

    def with_notices(self, notices: Iterable[Notice]) -> WorkCalendar:
        """A new calendar where each notice replaces any data (library or loaded) for its year."""
        merged = dict(self._notices)
        incoming = WorkCalendar(notices=notices)._notices  # validates, refuses duplicates
        merged.update(incoming)
        return WorkCalendar(notices=merged.values(), vacations=self._vacations)

    def with_vacations(self, vacations: Iterable[Vacation]) -> WorkCalendar:
        """A new calendar with these vacations added to its own (overlaps are refused)."""
        return WorkCalendar(notices=self._notices.values(), vacations=(*self._vacations, *vacations))

    def __repr__(self) -> str:
        return (
            f"WorkCalendar(years {_year_ranges(self.published_years)},"
            f" {len(self._vacations)} vacations)"
        )

    # ---- data

    @property
    def published_years(self) -> frozenset[int]:
        """The years this calendar answers for: the library's published years plus notices."""
        return self._published

    def notice(self, year: int) -> Notice:
        """The notice data used for ``year`` (loaded, or the library's), to show or audit.

        December days that the next year's loaded notice moves are in that notice, not here.
        """
        year = _check_int(year, "year")
        if year in self._notices:
            return self._notices[year]
        self._missing(year)
        return _library_notice(year)

    def _missing(self, year: int) -> None:
        if year not in self._notices and year not in self._library_years:
            raise CalendarError(
                msg(
                    "no published holiday notice for {year}: protrules knows {years};"
                    " load the year's notice as data (days off, make-up working days, source)",
                    year=year,
                    years=_year_ranges(self.published_years),
                )
            )

    def _year(self, year: int) -> YearTable:
        table = self._cache.get(year)
        if table is None:
            notice = self._notices.get(year)
            if notice is None:
                self._missing(year)
            later = self._notices.get(year + 1)
            if _reaches_back(later):
                table = _build_year(notice or _library_notice(year), later)
            else:
                table = _build_year(notice) if notice is not None else _library_table(year)
            self._cache[year] = table
        return table

    # ---- days

    def is_working_day(self, d: date) -> bool:
        """工作日: Monday–Friday not a day off, or a weekend make-up working day (调休上班)."""
        if type(d) is not date:
            d = _check_date(d)
        table = self._cache.get(d.year) or self._year(d.year)
        return table.working[d.toordinal() - table.first] == 1

    def is_rest_day(self, d: date) -> bool:
        """休息日: any day that is not a working day (weekends after 调休, and days off)."""
        if type(d) is not date:  # is_working_day's body, inlined: rules ask this per fact
            d = _check_date(d)
        table = self._cache.get(d.year) or self._year(d.year)
        return table.working[d.toordinal() - table.first] != 1

    def is_statutory_holiday(self, d: date) -> bool:
        """法定节假日 in the strict sense: a day 《全国年节及纪念日放假办法》 itself grants.

        11 days a year 2008–2024, 13 from 2025 (10 in 2001–2007); a swapped or observed day
        off is a rest day but not statutory.
        """
        d = _check_date(d)
        return d.toordinal() in self._year(d.year).statutory

    def holiday_block(self, d: date) -> Period | None:
        """The 节假日 block containing ``d``: the maximal run of rest days that contains a
        statutory day (2023-09-29 -> 2023-09-29..2023-10-06), or None.

        A block may cross a year boundary (2023-12-30..2024-01-01), so a run touching
        1 January or 31 December needs the neighbouring year's data too.
        """
        d = _check_date(d)
        table = self._year(d.year)
        ordinal = d.toordinal()
        if table.working[ordinal - table.first]:
            return None
        run = table.runs[bisect_right(table.run_starts, ordinal) - 1]
        start, end, statutory = self._merge_run(d.year, table, run)
        return Period(_from_ordinal(start), _from_ordinal(end)) if statutory else None

    def _merge_run(
        self, year: int, table: YearTable, run: tuple[int, int, bool]
    ) -> tuple[int, int, bool]:
        """A year's rest-day run joined with the adjacent year's run it touches, if any."""
        start, end, statutory = run
        if start == table.first:
            before = self._year(year - 1)
            if not before.working[-1]:
                start, statutory = before.runs[-1][0], statutory or before.runs[-1][2]
        if end == table.last:
            after = self._year(year + 1)
            if not after.working[0]:
                end, statutory = after.runs[0][1], statutory or after.runs[0][2]
        return start, end, statutory

    def holiday_blocks(self, period: Period) -> tuple[Period, ...]:
        """The 节假日 blocks overlapping ``period``, sorted (each whole, even past its ends)."""
        period = _check_period(period)
        low, high = period.start.toordinal(), period.end.toordinal()
        found: set[tuple[int, int]] = set()
        for year in range(period.start.year, period.end.year + 1):
            table = self._year(year)
            i = max(bisect_right(table.run_starts, low) - 1, 0)
            for run in table.runs[i:]:
                if run[0] > high:
                    break
                if run[1] < low:
                    continue
                start, end, statutory = self._merge_run(year, table, run)
                if statutory:
                    found.add((start, end))
        return tuple(Period(_from_ordinal(a), _from_ordinal(b)) for a, b in sorted(found))

    # ---- vacations

    def vacation_of(self, d: date) -> Vacation | None:
        """The school vacation (寒假/暑假) containing ``d``, or None."""
        d = _check_date(d)
        i = bisect_right(self._vacation_starts, d.toordinal()) - 1
        if i >= 0 and d <= self._vacations[i].period.end:
            return self._vacations[i]
        return None

    def in_vacation(self, d: date) -> bool:
        """Whether ``d`` is inside a declared school vacation."""
        return self.vacation_of(d) is not None

    def vacations(self, period: Period) -> tuple[Vacation, ...]:
        """The declared vacations overlapping ``period``, sorted by start."""
        period = _check_period(period)
        return tuple(v for v in self._vacations if v.period.overlaps(period))

    # ---- counting

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after ``d`` (``d`` not counted); n < 0 counts backwards.

        "N个工作日内" ends on this day. Years are crossed by bisecting each year's sorted
        working days, so the cost is O(years crossed · log 250), not O(n).
        """
        d = _check_date(d)
        n = _check_int(n, "n")
        if n == 0:
            return d
        if n > 0:
            low = _plus_days(d, 1)
            year, ordinal = low.year, low.toordinal()
            while True:
                table = self._year(year)
                i = bisect_left(table.workdays, ordinal)
                available = len(table.workdays) - i
                if n <= available:
                    return date.fromordinal(table.workdays[i + n - 1])
                n -= available
                year, ordinal = year + 1, 0
                if year > 9999:
                    raise CalendarError(msg("no working day that far after {day}", day=d))
        high = _plus_days(d, -1)
        year, ordinal, wanted = high.year, high.toordinal(), -n
        while True:
            table = self._year(year)
            i = bisect_right(table.workdays, ordinal)
            if wanted <= i:
                return date.fromordinal(table.workdays[i - wanted])
            wanted -= i
            year, ordinal = year - 1, _MAX_ORDINAL
            if year < 1:
                raise CalendarError(msg("no working day that far before {day}", day=d))

    def working_days_between(self, a: date, b: date) -> int:
        """The number of working days in ``(a, b]``; ``-(working days in (b, a])`` if b < a.

        Half-open like Art. 201 (the start day is not counted), so
        ``working_days_between(d, add_working_days(d, n)) == n``.
        """
        a, b = _check_date(a, "a"), _check_date(b, "b")
        if a == b:
            return 0
        if b < a:
            return -self.working_days_between(b, a)
        low, high = a.toordinal() + 1, b.toordinal()
        total = 0
        for year in range(_from_ordinal(low).year, b.year + 1):
            workdays = self._year(year).workdays
            total += bisect_right(workdays, high) - bisect_left(workdays, low)
        return total

    def next_working_day(self, d: date) -> date:
        """``d`` if it is a working day, else the first working day after it (Art. 203)."""
        d = _check_date(d)
        return d if self.is_working_day(d) else self.add_working_days(d, 1)

    def deadline(
        self,
        d: date,
        *,
        days: int = 0,
        weeks: int = 0,
        months: int = 0,
        quarters: int = 0,
        years: int = 0,
        working_days: int = 0,
    ) -> date:
        """The last day of a period starting on ``d``, counted as 民法典 Arts. 201–203 say.

        The start day is not counted (201); years, quarters and months are added in one
        step, ending on the corresponding day or the month's last day (202: 2023-01-31 +
        1 month -> 2023-02-28); then weeks and days; then working days; a period that ends
        on a rest day ends on the next working day instead (203: 2024-09-01 + 1 month ->
        2024-10-08).
        """
        d = _check_date(d)
        amounts = {
            "days": days, "weeks": weeks, "months": months,
            "quarters": quarters, "years": years, "working_days": working_days,
        }  # fmt: skip
        for name, value in amounts.items():
            _check_int(value, name)
        try:
            end = d + relativedelta(years=years, months=months + 3 * quarters)
            end = end + dt.timedelta(weeks=weeks, days=days)
        except (OverflowError, ValueError) as error:
            raise CalendarError(
                msg("the deadline from {day} is outside the supported dates", day=d)
            ) from error
        if working_days:
            return self.add_working_days(end, working_days)
        return self.next_working_day(end)

    def units(self, period: Period, unit: str) -> tuple[Period, ...]:
        """The whole calendar units (year, half, quarter, month, ISO week, day) overlapping
        ``period``.

        Units are whole even where they stick out of the period, because the standards
        count per calendar unit (每季度 is Q1 = January–March, not a rolling 3 months).
        """
        return _units(_check_period(period), unit)


@functools.cache
def china() -> WorkCalendar:
    """The default national calendar (no loaded notices or vacations), built once."""
    return WorkCalendar.china()

