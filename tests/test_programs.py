"""Whole programs written by a typed grammar (``protrules.testing.programs``): every one either
gets protrules' own error (a limit passed, a type the grammar cannot rule out) or the same
verdicts, due dates and evidence on the code for definite values, the exact code, ``explain``
and the reference interpreter — never another exception.

A few hundred programs run in every test run; ``PROTRULES_PROGRAMS=N`` runs N (docs/testing.md
gives the command for a long run, and what the last one found).
"""

from __future__ import annotations

import datetime as dt
import os

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from protrules.errors import ProtrulesError
from protrules.testing.programs import check_program, compiled, program_ledgers, programs

PROGRAMS = int(os.environ.get("PROTRULES_PROGRAMS", "200"))
AS_OF = st.sampled_from([dt.date(2024, 3, 31), dt.date(2023, 10, 1), dt.date(2023, 4, 1)])


@settings(max_examples=PROGRAMS, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_a_generated_program_gets_a_protrules_error_or_agrees_everywhere(data: st.DataObject) -> None:
    program = data.draw(programs(), label="rules")
    built = compiled(program)
    if isinstance(built, ProtrulesError):
        event(f"refused with {built.code}")
        return
    rules, exact = built
    ledger = data.draw(program_ledgers(program, rules.fact_types), label="ledger")
    event(check_program(rules, exact, ledger, data.draw(AS_OF, label="as_of")))
