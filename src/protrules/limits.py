"""Every resource limit protrules enforces, in one place, each with the error code it raises.

A rule file or a ledger is data from outside: without bounds, a few megabytes of it could ask
for gigabytes of memory, nest deeper than Python's own parser and stack allow, or keep an
evaluation running for hours. Each bound below is checked where the input is first read —
before a tree is built, before code is generated, before an entity is evaluated — and answered
with a located error carrying the code listed here, never with a Python exception.

The values agree with what the later stages can do: a program at every limit parses, checks,
compiles to Python and evaluates on both backends (``tests/test_limits.py``). ``docs/limits.md``
lists the same table; a test reads :data:`LIMITS` and the page, so the two cannot drift.
"""

from __future__ import annotations

from typing import Final, NamedTuple

__all__ = [
    "BLOCK_DEPTH",
    "EXPRESSION_DEPTH",
    "FACTS_PER_LEDGER",
    "FRACTION_DIGITS",
    "LEDGER_BYTES",
    "LIMITS",
    "MAX_NUMBER",
        "PAREN_DEPTH",
    "RULE_FILE_BYTES",
    "WORK_PER_ENTITY",
    "Limit",
]


class Limit(NamedTuple):
    """One bound: its name in this module, its value, what it bounds and the error code."""

    name: str
    value: int
    unit: str
    bounds: str
    code: str


#: A rule file larger than this (in UTF-8 bytes) is refused before it is read further.
RULE_FILE_BYTES: Final = 8 * 2**20
#: Parentheses and brackets open at once; the lexical scan refuses more before parsing.
PAREN_DEPTH: Final = 48
#: Levels of operators, calls and conditionals nested in one expression. A chain `a + b + c`
#: is `(a + b) + c`: n terms nest n − 1 levels (`and` and `or` chains are one level, the
#: operands side by side). Python's parser stops at 200 nested parentheses and the code
#: ``explain`` runs spends two a level, so about 99 levels run everywhere; the bound keeps a
#: fifth of that for the code around an expression.
EXPRESSION_DEPTH: Final = 80
#: `for each` blocks nested in one rule. Each is one Python ``for`` in the generated code,
#: and Python refuses more than 20 nested blocks in one function.
BLOCK_DEPTH: Final = 20
#: Digits after the point of a decimal or percentage written in a rule file.
FRACTION_DIGITS: Final = 19
#: The largest magnitude of a number in a rule file or a ledger: beyond it a value is a typo or
#: overflow bait, not a fact (Python's int would take it; the calendar and the JSON readers of
#: other languages would not).
MAX_NUMBER: Final = 10**18
#: A ledger file larger than this (in bytes) is refused before it is decoded.
LEDGER_BYTES: Final = 64 * 2**20
#: Facts in one ledger, over all its fact types (a ledger from Python records is counted
#: before any record is read; a file, whose size is bounded already, after it is decoded).
FACTS_PER_LEDGER: Final = 1_000_000
#: Steps of evaluation work for one entity (facts visited by filters, counts and loops): a
#: rule set that would do more stops that entity with a located error; a batch goes on.
WORK_PER_ENTITY: Final = 200_000_000

LIMITS: Final[tuple[Limit, ...]] = (
    Limit("RULE_FILE_BYTES", RULE_FILE_BYTES, "bytes", "size of a rule file", "PRL106"),
    Limit("PAREN_DEPTH", PAREN_DEPTH, "levels", "parentheses and brackets open at once", "PRL107"),
    Limit("EXPRESSION_DEPTH", EXPRESSION_DEPTH, "levels", "operators nested in one expression", "PRL107"),
    Limit("BLOCK_DEPTH", BLOCK_DEPTH, "levels", "`for each` blocks nested in one rule", "PRL109"),
    Limit("FRACTION_DIGITS", FRACTION_DIGITS, "digits", "digits after the point in a rule file", "PRL111"),
    Limit("MAX_NUMBER", MAX_NUMBER, "", "magnitude of a number in a rule file or a ledger", "PRL111, PRL404"),
    Limit("LEDGER_BYTES", LEDGER_BYTES, "bytes", "size of a ledger file", "PRL401"),
    Limit("FACTS_PER_LEDGER", FACTS_PER_LEDGER, "facts", "facts in one ledger", "PRL407"),
    Limit("WORK_PER_ENTITY", WORK_PER_ENTITY, "steps", "evaluation work for one entity", "PRL602"),
)
