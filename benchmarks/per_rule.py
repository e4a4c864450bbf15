"""The six rules one by one: protrules (without checks) against its hand-written twin.

    PYTHONPATH=src python benchmarks/per_rule.py                  # µs of CPU a street, best of 9
    PYTHONPATH=src python benchmarks/per_rule.py --instructions   # instructions a street (valgrind)

protrules reads each street as typed facts, as its loaders make them; the hand-written code
reads the plain facts' dicts. Times: CPU time (``time.process_time``, steadier than the wall
clock on a shared machine) of each rule and its hand-written twin over the same streets, each
taking its turn once a round, best of the rounds. Instructions: the script runs itself
under ``valgrind --tool=callgrind`` once per rule and engine, and once doing nothing, on the
same streets evaluated a second time (calendar tables, memoised deadlines and generated code
warm) with the collector off and ``PYTHONHASHSEED=0``; the difference, divided by the streets,
is what the rule costs. A count repeats to the instruction where time on a shared machine moves
by ±20 %.
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import handwritten  # noqa: E402
import ledgers  # noqa: E402
import protrules  # noqa: E402
from protrules.compiling.rules import run_rule  # noqa: E402
from protrules.facts.ledgers import ledger_from_mapping, ledger_to_mapping  # noqa: E402
from protrules.facts.model import Ledger  # noqa: E402

RULES = "ABCDEF"


def engines(streets: list[Ledger]) -> dict[str, Callable[[Ledger], object]]:
    """``pA`` … ``pF``: protrules's rules alone; ``hA`` … ``hF``: the hand-written ones."""
    rules = protrules.load_rules(HERE / "six_rules.prl")
    hw = handwritten.HandwrittenSix()
    # Each engine reads the street as it reads facts best: protrules typed facts, as its loaders
    # make them (a field is an attribute); the hand-written code the plain facts' dicts.
    types = rules.fact_types
    typed = {id(s): ledger_from_mapping(ledger_to_mapping(s, types), types) for s in streets}
    out: dict[str, Callable[[Ledger], object]] = {}
    for letter, compiled in zip(RULES, rules._rules, strict=True):
        out[f"p{letter}"] = lambda ledger, c=compiled: run_rule(
            c, rules._context(typed[id(ledger)], ledgers.AS_OF), checks=False
        )
    parts = [
        lambda f: hw.meetings(f["meeting"]),
        lambda f: hw.activities(f["activity"]),
        lambda f: hw.terminations(f["background_check"], f["termination"]),
        lambda f: hw.inductions(f["staff"], f["training"]),
        lambda f: hw.classes(f["tutoring_class"]),
        lambda f: hw.opening(f["venue"], f["venue_session"]),
    ]
    for letter, part in zip(RULES, parts, strict=True):
        out[f"h{letter}"] = lambda ledger, p=part: p(ledger.facts)
    out["p"] = lambda ledger: rules.evaluate(typed[id(ledger)], ledgers.AS_OF, checks=False).verdicts
    out["h"] = hw.evaluate
    out["none"] = lambda ledger: None
    for ledger in streets:  # warm every engine: calendar tables, memoised deadlines, indexes
        for run in out.values():
            run(ledger)
    return out


def times(n: int, rounds: int) -> dict[str, float]:
    streets = list(ledgers.streets(n))
    runs = engines(streets)
    best = {name: float("inf") for name in runs if name != "none"}
    for _ in range(rounds):
        for name in best:
            gc.collect()
            start = time.process_time()
            for ledger in streets:
                runs[name](ledger)
            best[name] = min(best[name], (time.process_time() - start) / n * 1e6)
    return best


def count_child(name: str, n: int) -> None:
    """Under valgrind: evaluate ``n`` streets a second time with one engine (``none``: nothing)."""
    streets = list(ledgers.streets(n))
    run = engines(streets)[name]
    gc.collect()
    gc.disable()
    for ledger in streets:
        run(ledger)


def instructions(n: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONHASHSEED": "0"}

    def count(name: str) -> int:
        command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
                   __file__, "--child", name, "--streets", str(n)]  # fmt: skip
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        line = next(x for x in done.stderr.splitlines() if "Collected" in x)
        return int(line.split()[-1])

    base = count("none")
    names = [f"{e}{r}" for r in RULES for e in "ph"] + ["p", "h"]
    return {name: (count(name) - base) / n / 1000 for name in names}


def table(values: dict[str, float], unit: str) -> str:
    def row(prefix: str, label: str) -> str:
        cells = [f"{values[prefix + r]:,.1f}" for r in RULES] + [f"{values[prefix]:,.1f}"]
        return f"| {label}, {unit} | " + " | ".join(cells) + " |"

    ratios = [values["p" + r] / values["h" + r] for r in RULES] + [values["p"] / values["h"]]
    return "\n".join([
        "| | " + " | ".join(RULES) + " | all six |",
        "|---|" + "---:|" * 7,
        row("p", "protrules"),
        row("h", "hand-written"),
        "| × | " + " | ".join(f"{x:.2f}" for x in ratios) + " |",
    ])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streets", type=int, default=None, help="streets (300 timed, 40 counted)")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--instructions", action="store_true", help="count instructions with valgrind")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        count_child(args.child, args.streets)
        return 0
    if args.instructions:
        n = args.streets or 40
        print(f"thousand instructions a street, {n} streets evaluated a second time, collector off")
        print(table(instructions(n), "k instructions"))
    else:
        n = args.streets or 300
        print(f"µs of CPU a street, {n} streets, best of {args.rounds} rounds")
        print(table(times(n, args.rounds), "µs"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
