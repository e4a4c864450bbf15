"""Holiday data for :mod:`protrules.calendar.workdays`: the ``holidays`` boundary and the per-year tables.

``holidays`` is untyped at its edges and silently *estimates* years the State Council has
not yet published (and years before 2001, which it never checked). This module is the only
place that touches it: it says which years are really published and, for one of those
years, returns the days off, the make-up working days and the strict statutory days as
sorted tuples of dates. Everything else in protrules works on that data.

It also turns one year of such data (from the library or from a loaded notice) into a
:class:`YearTable`: a byte per day and the sorted working-day ordinals, so that "is this a
working day" is an index and counting working days is a bisection.

``holidays`` is imported lazily (it costs ~50–80 ms), so ``import protrules`` stays cheap
for callers that never ask a working-day question.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from typing import Any, NamedTuple

import attrs

from protrules.i18n import Text, msg

# Names ``holidays`` gives (in zh_CN) to the strict statutory days of 《全国年节及纪念日放假办法》.
# Observed days are labelled "…（补假）", swapped days "休息日（由 … 调休）", and one-off
# days ("春节延长假期", the 2015 victory anniversary) have their own names: none of them is
# statutory. The language is pinned because ``holidays`` otherwise follows the process
# locale, and the names would change under our feet.
STATUTORY_NAMES = frozenset({"元旦", "春节", "农历除夕", "清明节", "劳动节", "端午节", "中秋节", "国庆节"})
_LANGUAGE = "zh_CN"

# Used only if a future ``holidays`` stops exposing ``ChinaStaticHolidays.special_public_holidays``
# (the per-year table of the State Council's swaps, which exists exactly for published
# years). 2001–2026 is what holidays 0.109 has checked against the official notices.
_FALLBACK_YEARS = range(2001, 2027)


#: The source of a year the calendar reads from ``holidays`` (data: the same in every language).
_LIBRARY_SOURCE = "国务院办公厅 holiday notices as published in holidays "


def source_text(source: str) -> Text:
    """A notice's source as a person reads it: the ``holidays`` library's in the reader's
    language, a citation (国办发明电〔2023〕7号) as it is written."""
    if source.startswith(_LIBRARY_SOURCE):
        return msg(
            "国务院办公厅 holiday notices as published in holidays {version}",
            version=source[len(_LIBRARY_SOURCE) :],
        )
    return source


class LibraryYear(NamedTuple):
    """One calendar year's holiday data as ``holidays`` holds it (all dates inside ``year``)."""

    year: int
    days_off: tuple[dt.date, ...]
    make_up_days: tuple[dt.date, ...]
    statutory: tuple[dt.date, ...]
    source: str


def holidays_version() -> str:
    """The installed ``holidays`` version, quoted in sources so a result can be traced."""
    import holidays

    return str(getattr(holidays, "__version__", "unknown"))


@functools.cache
def library_years() -> frozenset[int]:
    """The years for which ``holidays`` holds a real State Council notice (not an estimate).

    ``holidays`` keeps the notices' swaps (调休) in ``ChinaStaticHolidays.special_public_holidays``,
    keyed by year; every published year since 2001 has swaps, and an estimated year has none.
    So the keys are exactly the published years. We insist on a contiguous run so that a
    stray key can never make an estimated year look published.
    """
    try:
        from holidays.countries.china import ChinaStaticHolidays
    except ImportError:  # pragma: no cover - depends on the installed holidays layout
        return frozenset(_FALLBACK_YEARS)
    table: Any = getattr(ChinaStaticHolidays, "special_public_holidays", None)
    if not isinstance(table, dict) or not table:  # pragma: no cover - see above
        return frozenset(_FALLBACK_YEARS)
    keys = sorted(int(year) for year in table)
    first, last = keys[0], keys[-1]
    if keys != list(range(first, last + 1)):  # pragma: no cover - defensive
        return frozenset(_FALLBACK_YEARS)
    return frozenset(range(first, last + 1))


def _china(year: int) -> Any:
    """``holidays.China`` for one year, public category, names in zh_CN (typed as Any)."""
    from holidays.countries.china import China

    return China(years=year, language=_LANGUAGE)  # type: ignore[no-untyped-call]


@functools.cache
def library_year(year: int) -> LibraryYear:
    """The days off, make-up working days and statutory days ``holidays`` holds for ``year``.

    The caller must have checked that ``year`` is in :func:`library_years`. Make-up days
    that an adjacent year's notice placed in this year (e.g. 2005-12-31, worked for the
    2006 New Year) are included: ``holidays`` lists those in ``weekend_workdays`` whatever
    year is asked for, so we keep only the ones dated in ``year``.
    """
    calendar = _china(year)
    days_off: list[dt.date] = []
    statutory: list[dt.date] = []
    for day, name in calendar.items():
        if not isinstance(day, dt.date) or day.year != year:  # pragma: no cover - defensive
            continue
        days_off.append(day)
        if any(part.strip() in STATUTORY_NAMES for part in str(name).split(";")):
            statutory.append(day)
    workdays: Any = getattr(calendar, "weekend_workdays", set())
    make_up = [day for day in workdays if isinstance(day, dt.date) and day.year == year]
    source = f"{_LIBRARY_SOURCE}{holidays_version()}"
    return LibraryYear(
        year, tuple(sorted(days_off)), tuple(sorted(make_up)), tuple(sorted(statutory)), source
    )


# The festival each statutory name belongs to: 农历除夕 is a day of 春节 (2008–2013, 2025–).
_FESTIVAL_OF = {name: name for name in STATUTORY_NAMES} | {"农历除夕": "春节"}


@functools.cache
def _statutory_names(year: int) -> dict[str, tuple[dt.date, ...]]:
    """The days of ``year`` that ``holidays`` gives each strict statutory name (农历除夕 apart)."""
    days: dict[str, set[dt.date]] = {}
    for day, name in _china(year).items():
        if isinstance(day, dt.date) and day.year == year:
            for part in str(name).split(";"):
                if part.strip() in STATUTORY_NAMES:
                    days.setdefault(part.strip(), set()).add(day)
    return {name: tuple(sorted(found)) for name, found in sorted(days.items())}


def festival_days(year: int) -> dict[str, tuple[dt.date, ...]]:
    """The strict statutory days of ``year`` by festival, as 《全国年节及纪念日放假办法》 grants them.

    A notice's text gives only the days off and the make-up days; which of its days off the
    law itself grants (a lunar date, the 清明 solar term, the revision in force that year) is
    the law's, not the notice's. ``holidays`` computes those days for any year up to 2100,
    published or not (an unpublished year is estimated only in its *swaps*, which are not
    taken from it). Raises :class:`CalendarError` for a year it cannot compute.
    """
    named = _statutory_names(year)
    if "春节" not in named or "元旦" not in named:
        from protrules.errors import CalendarError
        from protrules.i18n import msg

        raise CalendarError(
            msg(
                "the statutory holidays of {year} cannot be computed"
                " (holidays {version} knows the lunar calendar up to 2100)",
                year=year,
                version=holidays_version(),
            )
        )
    days: dict[str, set[dt.date]] = {}
    for name, found in named.items():
        days.setdefault(_FESTIVAL_OF[name], set()).update(found)
    return {festival: tuple(sorted(found)) for festival, found in sorted(days.items())}


def lunar_new_year(year: int) -> dt.date:
    """正月初一 of ``year``: the first day the law names 春节 (除夕 is named 农历除夕)."""
    festival_days(year)  # raises for a year holidays cannot compute
    return _statutory_names(year)["春节"][0]


@attrs.frozen
class YearTable:
    """One year precomputed for O(1) day questions and O(log n) counting."""

    first: int  # ordinal of 1 January
    last: int  # ordinal of 31 December
    working: bytes  # working[ordinal - first] == 1 for a working day
    workdays: tuple[int, ...]  # sorted ordinals of the working days
    statutory: frozenset[int]
    run_starts: tuple[int, ...]  # rest-day runs inside the year, by start
    runs: tuple[tuple[int, int, bool], ...]  # (start, end, contains a statutory day)


def build_table(
    year: int,
    days_off: Iterable[dt.date],
    make_up_days: Iterable[dt.date],
    statutory_days: Iterable[dt.date],
) -> YearTable:
    """The tables for one year: weekdays work unless off, weekends rest unless made up.

    The data must already be valid (a ``Notice`` checks it): all days inside ``year``.
    """
    first = dt.date(year, 1, 1).toordinal()
    last = dt.date(year, 12, 31).toordinal()
    off = {d.toordinal() for d in days_off}
    make_up = {d.toordinal() for d in make_up_days}
    statutory = frozenset(d.toordinal() for d in statutory_days)
    weekday = dt.date(year, 1, 1).weekday()
    flags = bytearray()
    for ordinal in range(first, last + 1):
        is_weekend = (weekday + ordinal - first) % 7 >= 5
        flags.append(ordinal in make_up or (not is_weekend and ordinal not in off))
    workdays = tuple(first + i for i, flag in enumerate(flags) if flag)
    runs: list[tuple[int, int, bool]] = []
    ordinal = first
    while ordinal <= last:
        if flags[ordinal - first]:
            ordinal += 1
            continue
        start = ordinal
        while ordinal <= last and not flags[ordinal - first]:
            ordinal += 1
        runs.append((start, ordinal - 1, any(o in statutory for o in range(start, ordinal))))
    return YearTable(
        first, last, bytes(flags), workdays, statutory, tuple(r[0] for r in runs), tuple(runs)
    )
