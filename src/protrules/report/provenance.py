"""What a result was computed with, so that a verdict can be reproduced.

A verdict about working days depends on more than the rule file and the ledger: on the
protrules that evaluated it and on the calendar data — the State Council notices the
``holidays`` package publishes (one version knows 2001–2026, a later one 2027 too, and may
correct a year), and the notices a rule file gives as data, which replace the package's for
their years. Every result document (``protrules-result/1``, ``protrules-explain/1``) ends with
these in ``computed_with`` (``docs/json.md``), and the Markdown and HTML reports in their
footer.
"""

from __future__ import annotations

from typing import Any

from protrules._version import __version__
from protrules.calendar.notices import holidays_version, library_years
from protrules.checking.ir import Program
from protrules.i18n import joined, msg

__all__ = ["computed_with", "computed_with_line"]


def computed_with(program: Program) -> dict[str, Any]:
    """``protrules`` and ``holidays`` versions, the first and last year of the notices
    ``holidays`` holds, and the years whose notice the rule file gives as data."""
    years = sorted(library_years())
    return {
        "protrules": __version__,
        "holidays": holidays_version(),
        "holidays_years": [years[0], years[-1]] if years else [],
        "notices": sorted({notice.year for notice in program.notices}),
    }


def computed_with_line(data: dict[str, Any], lang: str = "en") -> str:
    """The same in one line for a report's footer, in ``lang``."""
    years = data["holidays_years"]
    line = msg(
        "Computed with: protrules {protrules} · holidays {holidays}",
        protrules=data["protrules"],
        holidays=data["holidays"],
    ).render(lang)
    if years:
        line += msg(" (the notices of {first}–{last})", first=years[0], last=years[1]).render(lang)
    if data["notices"]:
        notices = joined(map(str, data["notices"]))
        line += msg(" · notices in the rule file: {years}", years=notices).render(lang)
    return line
