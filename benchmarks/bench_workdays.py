"""How fast the working-day calendar answers (a script, not a test).

Run: ``PYTHONPATH=src python benchmarks/bench_workdays.py``. Prints nanoseconds per call
for the questions the evaluator asks most, and the one-off cost of building a year's
tables from ``holidays`` (paid once per year per process, then cached).
"""

from __future__ import annotations

import datetime as dt
import platform
import sys
import time
from collections.abc import Callable

from protrules.calendar import notices as _notices
from protrules.calendar import workdays
from protrules.calendar.workdays import WorkCalendar

DAYS = [dt.date(2023, 1, 1) + dt.timedelta(days=i) for i in range(731)]  # 2023–2024


def per_call(label: str, run: Callable[[], int], calls: int, repeat: int = 5) -> None:
    """Best of ``repeat`` runs of ``run`` (which makes ``calls`` calls), in ns per call."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    print(f"| {label:<44} | {best / calls * 1e9:>12,.0f} |")


def main() -> None:
    cal = WorkCalendar.china()
    cal.working_days_between(dt.date(2022, 12, 1), dt.date(2025, 1, 31))  # warm 2022–2025
    loops = 200

    def is_working_day() -> int:
        check = cal.is_working_day
        return sum(check(d) for _ in range(loops) for d in DAYS)

    def add_working_days() -> int:
        add = cal.add_working_days
        return sum(add(d, 30).day for _ in range(loops // 4) for d in DAYS)

    def working_days_between() -> int:
        between = cal.working_days_between
        return sum(between(d, d + dt.timedelta(days=365)) for _ in range(loops // 4) for d in DAYS)

    def deadline() -> int:
        due = cal.deadline
        return sum(due(d, months=3).day for _ in range(loops // 4) for d in DAYS)

    def cold_year() -> int:
        # Everything a first question about a year costs: holidays.China for the year,
        # validation as a Notice, and the per-day and working-day tables.
        total = 0
        for year in range(2001, 2027):
            _notices.library_year.cache_clear()
            workdays._library_notice.cache_clear()
            workdays._library_table.cache_clear()
            total += len(workdays._library_table(year).workdays)
        return total

    def cold_table_only() -> int:
        notices = [workdays._library_notice(year) for year in range(2001, 2027)]
        return sum(len(workdays._build_year(n).workdays) for n in notices)

    print(f"python {platform.python_version()} on {platform.machine()}, {sys.platform}")
    print(f"| {'operation':<44} | {'ns per call':>12} |")
    print(f"|{'-' * 46}|{'-' * 14}|")
    per_call("is_working_day", is_working_day, loops * len(DAYS))
    per_call("add_working_days(d, 30)", add_working_days, loops // 4 * len(DAYS))
    per_call("working_days_between(d, d + 365 days)", working_days_between, loops // 4 * len(DAYS))
    per_call("deadline(d, months=3)", deadline, loops // 4 * len(DAYS))
    per_call("cold year: holidays + tables (per year)", cold_year, 26, repeat=3)
    per_call("cold year: tables from a notice (per year)", cold_table_only, 26, repeat=3)


if __name__ == "__main__":
    main()
