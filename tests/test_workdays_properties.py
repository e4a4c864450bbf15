"""Properties of the working-day calendar over the published years (hypothesis).

Dates keep a margin of a year inside 2001–2026 so that moving a few hundred working days
either way never leaves the published data.
"""

from __future__ import annotations

import datetime as dt
import itertools

from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from protrules.calendar.workdays import UNITS, Period, china, parse_date, unit_of
from protrules.errors import CalendarError

CAL = china()
ONE_DAY = dt.timedelta(days=1)

inner_dates = st.dates(min_value=dt.date(2002, 1, 1), max_value=dt.date(2025, 12, 31))
any_dates = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 20))
steps = st.integers(min_value=1, max_value=240)
# Per-test settings (not a global profile, which would leak into other test modules).
examples = settings(max_examples=150, deadline=None)


@st.composite
def periods(draw: st.DrawFn, dates: st.SearchStrategy[dt.date] = inner_dates) -> Period:
    a, b = draw(dates), draw(dates)
    return Period(min(a, b), max(a, b))


@examples
@given(inner_dates, steps)
def test_add_working_days_lands_on_working_days_and_increases(d: dt.date, n: int) -> None:
    forward, further = CAL.add_working_days(d, n), CAL.add_working_days(d, n + 1)
    assert CAL.is_working_day(forward) and d < forward < further
    backward, before = CAL.add_working_days(d, -n), CAL.add_working_days(d, -n - 1)
    assert CAL.is_working_day(backward) and before < backward < d


@examples
@given(inner_dates, steps)
def test_first_working_day_after_skips_only_rest_days(d: dt.date, n: int) -> None:
    first = CAL.add_working_days(d, 1)
    day = d + ONE_DAY
    while day < first:
        assert CAL.is_rest_day(day)
        day += ONE_DAY


@examples
@given(inner_dates, steps)
def test_working_days_between_inverts_add_working_days(d: dt.date, n: int) -> None:
    assert CAL.working_days_between(d, CAL.add_working_days(d, n)) == n
    # Backwards, (e, d] leaves out e and takes in d: exact when d itself is a working day.
    back = CAL.working_days_between(d, CAL.add_working_days(d, -n))
    assert back == (-n if CAL.is_working_day(d) else -n + 1)


@examples
@given(inner_dates, steps)
def test_going_there_and_back(d: dt.date, n: int) -> None:
    """Back from the n-th working day after d lands on the last working day on or before d."""
    on_or_before = d if CAL.is_working_day(d) else CAL.add_working_days(d, -1)
    assert CAL.add_working_days(CAL.add_working_days(d, n), -n) == on_or_before
    on_or_after = CAL.next_working_day(d)
    assert CAL.add_working_days(CAL.add_working_days(d, -n), n) == on_or_after


@examples
@given(inner_dates, inner_dates, inner_dates)
def test_working_days_between_adds_up(a: dt.date, b: dt.date, c: dt.date) -> None:
    between = CAL.working_days_between
    assert between(a, b) + between(b, c) == between(a, c)
    assert between(a, b) == -between(b, a)


@examples
@given(inner_dates, inner_dates)
def test_working_days_between_counts_working_days(a: dt.date, b: dt.date) -> None:
    a, b = min(a, b), min(max(a, b), a + dt.timedelta(days=60))
    expected = sum(CAL.is_working_day(a + dt.timedelta(days=i)) for i in range(1, (b - a).days + 1))
    assert CAL.working_days_between(a, b) == expected


@examples
@given(
    st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2022, 12, 31)),  # + up to 3 years
    st.integers(0, 40),
    st.integers(0, 8),
    st.integers(0, 14),
    st.integers(0, 3),
    st.integers(0, 1),
)
def test_deadline_is_a_working_day_not_before_the_plain_date(
    d: dt.date, days: int, weeks: int, months: int, quarters: int, years: int
) -> None:
    plain = d + relativedelta(years=years, months=months + 3 * quarters)
    plain += dt.timedelta(weeks=weeks, days=days)
    end = CAL.deadline(d, days=days, weeks=weeks, months=months, quarters=quarters, years=years)
    assert CAL.is_working_day(end)
    assert end >= plain
    day = plain
    while day < end:  # Art. 203 moves only past rest days
        assert CAL.is_rest_day(day)
        day += ONE_DAY


@examples
@given(inner_dates, st.integers(1, 60))
def test_deadline_in_working_days_is_add_working_days(d: dt.date, n: int) -> None:
    assert CAL.deadline(d, working_days=n) == CAL.add_working_days(d, n)


@examples
@given(inner_dates)
def test_rest_days_and_holiday_blocks(d: dt.date) -> None:
    assert CAL.is_rest_day(d) is not CAL.is_working_day(d)
    if CAL.is_statutory_holiday(d):
        assert CAL.is_rest_day(d)
        assert CAL.holiday_block(d) is not None
    block = CAL.holiday_block(d)
    if block is None:
        return
    assert d in block
    inside = [block.start + dt.timedelta(days=i) for i in range(block.days)]
    assert all(CAL.is_rest_day(day) for day in inside)
    assert any(CAL.is_statutory_holiday(day) for day in inside)
    assert CAL.is_working_day(block.start - ONE_DAY)
    assert CAL.is_working_day(block.end + ONE_DAY)
    assert block in CAL.holiday_blocks(Period(d, d))


@examples
@given(periods())
def test_holiday_blocks_are_sorted_disjoint_and_overlap(period: Period) -> None:
    blocks = CAL.holiday_blocks(period)
    assert all(b.overlaps(period) for b in blocks)
    assert all(a.end < b.start for a, b in itertools.pairwise(blocks))
    for block in blocks:
        assert CAL.holiday_block(block.start) == block


@examples
@given(periods(any_dates), st.sampled_from(UNITS))
def test_units_partition_the_period(period: Period, unit: str) -> None:
    if period.days > 4000:  # keep the example small (a month unit over 9000 years is slow)
        period = Period(period.start, period.start + dt.timedelta(days=4000))
    units = CAL.units(period, unit)
    assert units[0].start <= period.start and period.end <= units[-1].end
    assert all(u.overlaps(period) for u in units)
    assert all(a.end + ONE_DAY == b.start for a, b in itertools.pairwise(units))
    assert all(unit_of(u.start, unit) == u for u in units)


@examples
@given(any_dates, st.sampled_from(UNITS))
def test_unit_of_contains_the_day(d: dt.date, unit: str) -> None:
    p = unit_of(d, unit)
    assert d in p
    if unit == "week":
        assert p.start.weekday() == 0 and p.days == 7
        assert p.start.isocalendar()[:2] == d.isocalendar()[:2]
    elif unit == "half":
        assert (p.start.month, p.start.day, p.end.month) in ((1, 1, 6), (7, 1, 12)) and p.end.day in (30, 31)
    elif unit == "day":
        assert p.start == p.end == d
    elif unit == "quarter":
        assert p.start.month in (1, 4, 7, 10) and p.start.day == 1
        assert p.end.month == p.start.month + 2 and p.end.year == p.start.year
        assert p.end == unit_of(p.end, "month").end


@examples
@given(periods(any_dates), periods(any_dates))
def test_period_algebra(p: Period, q: Period) -> None:
    both = p.intersection(q)
    assert (both is not None) is p.overlaps(q) is q.overlaps(p)
    assert both == q.intersection(p)
    if both is not None:
        assert both.within(p) and both.within(q)
    if p.within(q):
        assert p.overlaps(q) and p.days <= q.days


@examples
@given(st.dates())
def test_parse_date_round_trips(d: dt.date) -> None:
    assert parse_date(d.isoformat()) == d


@examples
@given(st.text(max_size=14) | st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True))
def test_parse_date_only_ever_raises_calendar_errors(text: str) -> None:
    try:
        parse_date(text)
    except CalendarError as error:
        assert "\n" not in str(error) and str(error).startswith("invalid date `")
