"""How fast JSON ledger files are read and checked, and what share of `protrules check` it is.

    PYTHONPATH=src python benchmarks/loading.py

1. ``load_ledger`` on the Changning example streets' JSON files (read, decoded, every value
   checked, references linked), best of 20 rounds: µs a fact, wall clock and CPU time; beside
   it ``json.loads`` of the same bytes (which checks nothing) and msgspec's untyped decode.
2. ``protrules check rules/changning_2023.prl examples/changning/`` in this process, best of 5,
   with the time spent in ``load_ledger`` counted apart: loading's share of the run (CPU time).
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import time
from pathlib import Path

import msgspec

import protrules
from protrules.cli import main as cli
from protrules.facts import ledgers

ROOT = Path(__file__).resolve().parent.parent


def best(fn: object, rounds: int) -> tuple[float, float]:
    wall = cpu = float("inf")
    for _ in range(rounds):
        w, c = time.perf_counter(), time.process_time()
        fn()  # type: ignore[operator]
        wall, cpu = min(wall, time.perf_counter() - w), min(cpu, time.process_time() - c)
    return wall, cpu


def main() -> int:
    rules = protrules.load_rules(ROOT / "rules" / "changning_2023.prl")
    paths = sorted((ROOT / "examples" / "changning").glob("*.json"))
    datas = [p.read_bytes() for p in paths]
    facts = sum(sum(map(len, ledgers.load_ledger(p, rules.fact_types).facts.values())) for p in paths)
    rows = [
        ("load_ledger (read, decode, check, link)",
         lambda: [ledgers.load_ledger(p, rules.fact_types) for p in paths]),
        ("json.loads of the same bytes (no checks)", lambda: [json.loads(d) for d in datas]),
        ("msgspec.json.decode, untyped (no checks)", lambda: [msgspec.json.decode(d) for d in datas]),
    ]
    print(f"{len(paths)} JSON ledgers, {facts:,} facts; best of 20")
    print("| | µs a fact (wall) | µs a fact (CPU) |")
    print("|---|---:|---:|")
    for label, fn in rows:
        wall, cpu = best(fn, 20)
        print(f"| {label} | {wall / facts * 1e6:.2f} | {cpu / facts * 1e6:.2f} |")

    spent = [0.0]
    load = ledgers.load_ledger

    def timed(*args: object, **kwargs: object) -> object:
        start = time.process_time()
        try:
            return load(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            spent[0] += time.process_time() - start

    ledgers.load_ledger = timed  # type: ignore[assignment]
    argv = ["check", str(ROOT / "rules" / "changning_2023.prl"), str(ROOT / "examples" / "changning")]
    runs = []
    for _ in range(5):
        spent[0] = 0.0
        start = time.process_time()
        with contextlib.redirect_stdout(io.StringIO()):
            cli(argv)
        runs.append((time.process_time() - start, spent[0]))
    total, loading = min(runs)
    print()
    print(f"protrules check rules/changning_2023.prl examples/changning/ (in process, CPU time, best of 5):"
          f" {total * 1000:.0f} ms, of which loading the ledgers {loading * 1000:.0f} ms"
          f" ({loading / total:.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
