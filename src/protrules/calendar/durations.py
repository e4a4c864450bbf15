"""Durations: an amount of one unit (``30 working days``, ``3 months``), as a standard counts time.

A duration's unit decides how it is added to a date (:mod:`protrules.calendar.workdays` does the
adding, by the Civil Code's rules); the syntax tree holds durations as literal values, so this
sits in the calendar stage, below the language.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

__all__ = ["DURATION_UNITS", "Duration"]

#: A unit's key → (its family, the amount of the family's base unit it holds).
DURATION_UNITS: Mapping[str, tuple[str, int]] = {
    "days": ("days", 1),
    "weeks": ("days", 7),
    "working_days": ("working_days", 1),
    "months": ("months", 1),
    "quarters": ("months", 3),
    "years": ("months", 12),
    "hours": ("minutes", 60),
    "minutes": ("minutes", 1),
}


@attrs.frozen(order=False)
class Duration:
    """An amount of one unit, e.g. ``30 working days`` or ``3 months``."""

    amount: int
    unit: str  # a key of DURATION_UNITS

    @property
    def family(self) -> str:
        return DURATION_UNITS[self.unit][0]

    @property
    def base(self) -> int:
        """The amount in the family's base unit (days, working days, months or minutes)."""
        return self.amount * DURATION_UNITS[self.unit][1]

    def __str__(self) -> str:
        unit = self.unit.replace("_", " ")
        if self.amount == 1:
            unit = unit[:-1]
        return f"{self.amount} {unit}"
