"""The six rules by CPU time: protrules against the hand-written code, steady on a busy machine.

    PYTHONPATH=src python benchmarks/cpu.py [STREETS]        # default 300

``run.py`` times by the wall clock, which other work on a shared machine moves by ±30 % or
more; this times the same calls by ``time.process_time`` (best of 7): protrules' data-in
(``ledger_from_mapping`` of ``run.py``'s records), its evaluation of the ready ledgers
(``checks=False``), both street by street, and the hand-written code from the records and
from ready ledgers. CPU time still moves with what shares the core's caches, less than wall time.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import handwritten  # noqa: E402
import ledgers as street_gen  # noqa: E402
import run  # noqa: E402
from protrules.facts import ledger_from_mapping  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    n = int(args[0]) if args else 300
    rules = run.six()
    types = rules.fact_types
    streets = list(street_gen.streets(n))
    records = [run.records(street) for street in streets]
    hand = handwritten.HandwrittenSix()
    ready = [ledger_from_mapping(r, types) for r in records]
    for _ in range(40 // n + 1):  # past the 32 evaluations after which rules run as generated code
        for ledger in ready:
            rules.evaluate(ledger, run.AS_OF, checks=False)

    def cpu(work: Callable[[], object]) -> float:
        best = float("inf")
        for _ in range(7):
            start = time.process_time()
            work()
            best = min(best, time.process_time() - start)
        return best / n * 1000

    data_in = cpu(lambda: [ledger_from_mapping(r, types) for r in records])
    evaluation = cpu(lambda: [rules.evaluate(ledger, run.AS_OF, checks=False) for ledger in ready])
    both = cpu(lambda: [rules.evaluate(ledger_from_mapping(r, types), run.AS_OF, checks=False)
                        for r in records])  # fmt: skip
    hand_records = cpu(lambda: [hand.evaluate_records(r) for r in records])
    hand_ready = cpu(lambda: [hand.evaluate(street) for street in streets])
    print(f"six rules by CPU time, {n} streets, best of 7")
    print("| | ms of CPU a street | × hand-written |")
    print("|---|---:|---:|")
    print(f"| protrules data-in (`ledger_from_mapping`) | {data_in:.3f} | |")
    print(f"| protrules evaluation of ready ledgers (`checks=False`) | {evaluation:.3f}"
          f" | {evaluation / hand_ready:.2f} × hand-written on ready ledgers |")
    print(f"| protrules end to end | {both:.3f}"
          f" | **{both / hand_records:.2f} ×** hand-written from records |")
    print(f"| hand-written from the records | {hand_records:.3f} | 1.00 |")
    print(f"| hand-written on ready ledgers | {hand_ready:.3f} | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
