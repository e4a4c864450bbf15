"""protrules benchmarks: six rules against hand-written Python and peer engines; whole standards.

    PYTHONPATH=src python benchmarks/run.py                            # the full run (~15 min)
    PYTHONPATH=src python benchmarks/run.py --quick                    # a smoke run (~1 min)
    PYTHONPATH=src python benchmarks/run.py --engines protrules,handwritten,cel-rust --skip-standards

Part 1 — six rules (benchmarks/six_rules.prl) on N generated streets (benchmarks/ledgers.py),
each handed to every engine as the same Python records (``records``: lists of dicts, dates as
text, references as ids, as a JSON API hands them). Every engine's verdicts are first checked
to be identical to protrules' on the streets it is timed on (the run stops with a diff if
not); then each is timed by CPU time (``time.process_time``, so other work on a shared machine
cannot stretch one engine's time and not another's) — data-in (the records through the
engine's documented way in), evaluation (of what data-in made) and the two end to end — and
the table gives ms a street and the ratios to the hand-written code, which reads the records
itself. Every time this script reports is CPU time of the process measured, except the
process pool's (wall time: the workers' CPU is not the parent's) and where it says wall.
An engine too slow to run N streets within --budget seconds is timed on fewer streets and its
total is scaled up (marked ≈).

Part 2 — whole standards (rules/changning_2023.prl, rules/example.prl): load+compile cold
(fresh subprocess, no cache) and from the program cache (second subprocess, PROTRULES_CACHE in
a temporary folder); evaluation per entity and per fact over the example ledgers replicated to
N entities; peak memory while streaming fresh entities through ``evaluate_many`` for two
stream lengths (bounded by the largest entity, not by N); ``evaluate_many`` with a
ProcessPoolExecutor of 2 workers against serial; and the scale target (10 000 entities through
the whole Changning standard on one core).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import handwritten  # noqa: E402
import ledgers as street_gen  # noqa: E402
import protrules  # noqa: E402
from peers import Engine  # noqa: E402
from protrules.facts.ledgers import ledger_from_mapping, ledger_to_mapping  # noqa: E402
from protrules.facts.model import Ledger  # noqa: E402

SIX = HERE / "six_rules.prl"
AS_OF = street_gen.AS_OF
RULE_IDS = handwritten.RULE_IDS
Verdicts = tuple[str, ...]
Record = dict[str, Any]

#: Rounds of timing for the engines that take a few seconds at most (best of these is kept).
ROUNDS = 5

#: The clock of every timing in this process and its children: CPU time, which load from other
#: work on the machine moves far less than the wall clock (it cannot pause one engine's run).
CLOCK = time.process_time

BASE_ENGINES = ("protrules", "protrules-no-checks", "protrules-no-checks-read", "handwritten")

#: What each engine expresses itself and what Python had to precompute for it (README table).
NOTES = {
    "protrules": "all six rules in .prl; calendar built in (WorkCalendar)",
    "protrules-no-checks": "the same, evaluate(…, checks=False): no per-check records",
    "protrules-no-checks-read": "the same, and every rule's reason and evidence read (they are written"
    " on first reading)",
    "handwritten": "plain Python over the records: working-day set + bisect, per-week sets, joins on ids",
    "handwritten-ready": "the same rules over ready Ledger objects (dates already parsed): no data-in",
    "rule-engine": "all six as expressions; calendar tables passed as data; D's deadline precomputed",
    "cel-rust": "all six as CEL; calendar tables as data; D's deadline precomputed; no distinct/let",
    "cel-python": "same CEL as cel-rust, pure-Python interpreter",
    "zen-engine": "decision graph (loop nodes for correlated rules); calendar as data; D's deadline"
    " precomputed",
    "clips": "CLIPS rules (Rete joins, not CEs, fact-set queries to count); calendar as facts; D's deadline"
    " precomputed",
    "durable-rules": "A–F as durable_rules patterns (self-joins, none()); C's deadline and rest flags"
    " precomputed",
}


# ---------------------------------------------------------------------------------- engines
@functools.cache
def six() -> protrules.RuleSet:
    return protrules.load_rules(SIX)


def records(ledger: Ledger) -> Record:
    """A street as every engine receives it, as a JSON API would hand it: lists of dicts per
    fact type, dates as ``YYYY-MM-DD`` text, references as ids, decimals as numbers."""
    return ledger_to_mapping(ledger, six().fact_types)


def protrules_engine(
    rules: protrules.RuleSet | None = None, *, checks: bool = True, read: bool = False
) -> Engine:
    """protrules through its documented API: ``ledger_from_mapping`` (validated typed facts,
    data-in), then ``rules.evaluate`` to the six verdicts. ``checks=False`` keeps no per-check
    records (verdicts, reasons, due dates and evidence as ever), as hand-written code does not;
    ``read`` reads every reason and evidence too (a result without checks writes them when they
    are first read)."""
    rules = rules or six()
    fact_types = rules.fact_types

    def load(record: Record) -> Ledger:
        return ledger_from_mapping(record, fact_types)

    def run(ledger: Ledger) -> Verdicts:
        result = rules.evaluate(ledger, AS_OF, checks=checks)
        if read:
            result.settle()
        verdicts = result.verdicts
        return tuple(verdicts[r] for r in RULE_IDS)

    return Engine(load, run)


def _same(record: Record) -> Record:
    return record


def handwritten_engine() -> Engine:
    """The hand-written rules read the records themselves: no separate data-in."""
    return Engine(_same, handwritten.HandwrittenSix().evaluate_records)


def handwritten_ready_engine() -> Engine:
    """The hand-written rules over ready ``Ledger`` objects, built before any timing (the
    stream's own): the yardstick for evaluation alone."""
    ready: dict[str, Ledger] = {}
    rules = handwritten.HandwrittenSix()

    def load(record: Record) -> Ledger:
        ident = record["entity"]["id"]
        if ident not in ready:
            ready[ident] = street_gen.street(int(ident[1:]))
        return ready[ident]

    return Engine(load, rules.evaluate)


def make_engines(names: Sequence[str]) -> tuple[dict[str, Engine], dict[str, str]]:
    """Engines for the names, and why any could not be made."""
    runners: dict[str, Engine] = {}
    skipped: dict[str, str] = {}
    peers_mod = None
    for name in names:
        if name == "protrules":
            runners[name] = protrules_engine()
        elif name == "protrules-no-checks":
            runners[name] = protrules_engine(checks=False)
        elif name == "protrules-no-checks-read":
            runners[name] = protrules_engine(checks=False, read=True)
        elif name == "handwritten":
            runners[name] = handwritten_engine()
        elif name == "handwritten-ready":
            runners[name] = handwritten_ready_engine()
        else:
            if peers_mod is None:
                import peers as peers_mod

                calendar_data = peers_mod.CalendarData()
            factory = peers_mod.ENGINES.get(name)
            if factory is None:
                skipped[name] = f"unknown engine (known: {', '.join(peers_mod.ENGINES)})"
                continue
            try:
                runners[name] = factory(calendar_data)
            except peers_mod.Unavailable as error:
                skipped[name] = str(error)
    return runners, skipped


#: Engines left out of the default run (name them with --engines to run them anyway).
NOT_BY_DEFAULT = {
    "durable-rules": "its verdicts for F stop matching after a few dozen streets in one process (see README)",
}


def all_engine_names() -> list[str]:
    import peers

    return [*BASE_ENGINES, "handwritten-ready", *(e for e in peers.ENGINES if e not in NOT_BY_DEFAULT)]


# ---------------------------------------------------------------------------------- part 1
class VerdictMismatch(Exception):
    pass


def verify(
    runners: dict[str, Engine],
    streets: Sequence[Record],
    limits: dict[str, int] | None = None,
    known: dict[str, list[Verdicts]] | None = None,
) -> int:
    """Check every engine's verdicts equal protrules' (or the first engine's); raise with a diff.

    ``limits`` caps the streets checked per engine (a slow engine is checked on the streets it
    is timed on); ``known`` holds verdicts already computed (the calibration run's).
    """
    names = list(runners)
    reference = "protrules" if "protrules" in runners else names[0]
    expected = [runners[reference](s) for s in streets]
    lines = []
    for name in names:
        if name == reference:
            continue
        n = (limits or {}).get(name, len(streets))
        done = (known or {}).get(name, [])
        for i, (street, want) in enumerate(zip(streets[:n], expected[:n], strict=True)):
            got = tuple(done[i]) if i < len(done) else tuple(runners[name](street))
            if got != want:
                for rule, a, b in zip(RULE_IDS, want, got, strict=True):
                    if a != b:
                        lines.append(f"  {street['entity']['id']} {rule}: {reference} {a!r}, {name} {b!r}")
    if lines:
        raise VerdictMismatch(
            "verdicts differ:\n" + "\n".join(lines[:40]) + ("\n  …" if len(lines) > 40 else "")
        )
    return len(streets)


def time_engine(engine: Engine, streets: Sequence[Record], repeat: int) -> tuple[float, float, float]:
    """Best of ``repeat``: data-in over the streets, evaluation of what data-in made, and the
    two together street by street (end to end)."""
    load, run = engine.load, engine.run
    best = [float("inf")] * 3
    for _ in range(repeat):
        start = CLOCK()
        inputs = [load(s) for s in streets]
        data_in = CLOCK() - start
        start = CLOCK()
        for item in inputs:
            run(item)
        evaluation = CLOCK() - start
        del inputs
        start = CLOCK()
        for s in streets:
            run(load(s))
        both = CLOCK() - start
        best = [min(b, t) for b, t in zip(best, (data_in, evaluation, both), strict=True)]
    return best[0], best[1], best[2]


def time_runner(run: Callable[[Any], Any], items: Sequence[Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = CLOCK()
        for item in items:
            run(item)
        best = min(best, CLOCK() - start)
    return best


def six_rules(args: argparse.Namespace, out: list[str]) -> dict[str, Any]:
    names = args.engines or all_engine_names()
    runners, skipped = make_engines(names)
    n = args.streets
    t0 = CLOCK()
    ledgers = list(street_gen.streets(n))
    facts = sum(street_gen.fact_count(s) for s in ledgers)
    streets = [records(s) for s in ledgers]
    del ledgers
    gen_s = CLOCK() - t0
    out.append(
        f"## Six rules: {n} generated streets, {facts:,} facts ({facts / n:.0f} per street), as of {AS_OF}"
    )
    out.append(f"(generated in {gen_s:.1f} s)")
    out.append("")
    # Calibrate on one street: a slow engine is verified and timed on the streets that fit in
    # the budget (at least one, whose calibration run is then its timing).
    plan: dict[str, tuple[int, int]] = {}
    probes: dict[str, tuple[float, list[Verdicts]]] = {}
    for name, run in runners.items():
        start = CLOCK()
        verdicts = [run(streets[0])]
        per_street = CLOCK() - start
        if per_street < 0.5 and n > 1:  # a better estimate, past the first (cold) call
            start = CLOCK()
            verdicts += [run(s) for s in streets[1:4]]
            per_street = (CLOCK() - start) / (len(verdicts) - 1)
        probes[name] = (per_street, verdicts)
        one_run = per_street * n * 2  # end to end, then data-in and evaluation apart
        if one_run * 4 <= args.budget:
            plan[name] = (n, 3)
        elif one_run * 2 <= args.budget:
            plan[name] = (n, 1)
        else:
            plan[name] = (max(1, min(n, int(args.budget / 4 / per_street))), 1)
    verify(runners, streets, {k: v[0] for k, v in plan.items()}, {k: v[1] for k, v in probes.items()})
    out[-2] = f"(generated in {gen_s:.1f} s; verdicts of every engine equal protrules' where timed)"
    # Engines whose run over all the streets is short are timed in rounds, each taking its turn
    # once a round: a burst of load on a shared machine then hits every one of them alike.
    quick = [name for name in runners if plan[name][1] == 3 and probes[name][0] * n < 5]
    best = {name: (float("inf"),) * 3 for name in quick}
    for _ in range(ROUNDS):
        for name in quick:
            timed = time_engine(runners[name], streets, 1)
            best[name] = tuple(min(b, t) for b, t in zip(best[name], timed, strict=True))  # type: ignore[assignment]
    results: dict[str, dict[str, Any]] = {}
    for name, run in runners.items():
        count, repeat = plan[name]
        if name in best:
            seconds, repeat = best[name], ROUNDS
        else:
            seconds = time_engine(run, streets[:count], repeat)
        data_in, evaluation, both = (x / count * 1000 for x in seconds)
        results[name] = {"data_in_ms": data_in, "eval_ms": evaluation, "per_street_ms": both,
                         "total_ms": both * n, "timed_streets": count, "repeat": repeat}  # fmt: skip
    base = results.get("handwritten", {}).get("per_street_ms")
    ready = results.get("handwritten-ready", {}).get("eval_ms")

    def ratio(value: float, of: float | None) -> str:
        if not of:
            return "–"
        times = value / of
        return f"{times:,.2f}" if times < 10 else f"{times:,.1f}"

    out.append(
        f"| engine | data-in ms a street | evaluation ms a street | end to end ms a street"
        f" | end to end, {n} streets | × hand-written end to end | evaluation × hand-written on ready"
        " ledgers | timed on |"
    )
    out.append("|---|---:|---:|---:|---:|---:|---:|---|")
    for name, r in results.items():
        approx = "≈ " if r["timed_streets"] < n else ""
        how = f"{r['timed_streets']} streets, best of {r['repeat']}"
        data_in = "—" if name.startswith("handwritten") else f"{r['data_in_ms']:,.3f}"
        out.append(
            f"| {name} | {data_in} | {r['eval_ms']:,.3f} | {r['per_street_ms']:,.3f}"
            f" | {approx}{r['total_ms']:,.0f} ms | {ratio(r['per_street_ms'], base)}"
            f" | {ratio(r['eval_ms'], ready)} | {how} |"
        )
    for name, why in skipped.items():
        out.append(f"| {name} | skipped: {why} | | | | | | |")
    if args.engines is None:
        for name, why in NOT_BY_DEFAULT.items():
            out.append(f"| {name} | not run by default: {why} | | | | | | |")
    out.append("")
    return {"results": results, "skipped": skipped, "facts": facts}


# ---------------------------------------------------------------------------------- part 2
def _env(cache_dir: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(HERE), env.get("PYTHONPATH", "")]).rstrip(
        os.pathsep
    )
    if cache_dir is not None:
        env["PROTRULES_CACHE"] = cache_dir
    return env


#: A fresh process that imports protrules and loads a rule file, nothing else first.
LOAD = """
import json, sys, time
t0 = time.process_time()
import protrules
t1 = time.process_time()
path, cached = sys.argv[1], sys.argv[2] == "1"
answer = {"import_ms": (t1 - t0) * 1000}
if cached:  # the program and its rules' generated code, installed as each is first run
    rules = protrules.load_rules(path, cache=True)
    answer["load_ms"] = (time.process_time() - t1) * 1000
else:
    module, source = protrules.parse_file(path)
    t2 = time.process_time()
    program = protrules.check(module, source)
    t3 = time.process_time()
    rules = protrules.compile(program)
    t4 = time.process_time()
    answer.update(load_ms=(t4 - t1) * 1000, parse_ms=(t2 - t1) * 1000, check_ms=(t3 - t2) * 1000,
                  compile_ms=(t4 - t3) * 1000)
if len(sys.argv) > 3:  # the first verdicts: the calendar's year tables, then the rules' code
    import replicas
    from pathlib import Path
    ledger = replicas.example_ledgers(Path(sys.argv[3]), rules.fact_types)[0]
    rules = replicas.with_district(rules, Path(sys.argv[3]))
    t5 = time.process_time()
    rules.calendar
    t6 = time.process_time()
    rules.evaluate(ledger, rules.default_as_of())
    t7 = time.process_time()
    answer.update(calendar_ms=(t6 - t5) * 1000, first_evaluate_ms=(t7 - t5) * 1000)
print(json.dumps(answer))
"""


def load_child(path: Path, cached: bool, cache_dir: str, source: str | None = None) -> dict[str, Any]:
    """Time ``import protrules`` and loading ``path`` in a fresh process."""
    argv = [sys.executable, "-c", LOAD, str(path), "1" if cached else "0"] + (
        [str(ROOT / source)] if source else []
    )
    done = subprocess.run(argv, env=_env(cache_dir), capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"loading {path} failed:\n{done.stderr[-3000:]}")
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def child(task: dict[str, Any], cache_dir: str | None = None) -> dict[str, Any]:
    """Run ``task`` in a fresh Python process (this file with --child) and return its JSON answer."""
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(task)],
        env=_env(cache_dir), capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"child {task['kind']} failed:\n{done.stderr[-3000:]}")
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def _rss_kb() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def _peak_kb() -> int:
    """VmHWM: this process's peak RSS (ru_maxrss would include the parent's, inherited at fork)."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def _bases(rules: protrules.RuleSet, source: str) -> list[Ledger]:
    import replicas

    folder = ROOT / source
    return replicas.example_ledgers(folder, rules.fact_types)


def run_child(task: dict[str, Any]) -> dict[str, Any]:
    """The measurements that need a process of their own."""
    kind = task["kind"]
    if kind == "stream":
        import replicas

        rules = protrules.load_rules(task["rules"])
        n = task["n"]
        if task["source"] == "six":  # typed facts, as protrules' loaders make them
            make: Callable[[int], Iterable[Ledger]] = lambda k: (  # noqa: E731
                ledger_from_mapping(records(s), rules.fact_types) for s in street_gen.streets(k)
            )
            size = street_gen.fact_count
        else:
            bases = _bases(rules, task["source"])
            rules = replicas.with_district(rules, ROOT / task["source"])
            make = lambda k: replicas.fresh(bases, k)  # noqa: E731
            size = replicas.fact_count
        checks = task.get("checks", True)
        for _ in rules.evaluate_many(make(2), AS_OF, checks=checks):  # warm: calendar tables, caches
            pass
        if task.get("gc"):  # docs/api.md, "Batch runs": fewer collections of short-lived objects
            import gc

            gc.set_threshold(10_000, 10, 10)
        baseline = _rss_kb()
        produce = 0.0
        facts = largest = 0

        def timed(stream: Iterable[Ledger]) -> Iterable[Ledger]:
            nonlocal produce, facts, largest
            it = iter(stream)
            while True:
                t = time.process_time()
                try:
                    ledger = next(it)
                except StopIteration:
                    return
                produce += time.process_time() - t
                count = size(ledger)
                facts += count
                largest = max(largest, count)
                yield ledger

        statuses: dict[str, int] = {}
        start, wall = time.process_time(), time.perf_counter()
        for result in rules.evaluate_many(timed(make(n)), AS_OF, checks=checks):
            statuses[result.status] = statuses.get(result.status, 0) + 1
        total, wall = time.process_time() - start, time.perf_counter() - wall
        return {"n": n, "facts": facts, "largest": largest, "seconds": total - produce, "produce_s": produce,
                "wall_s": wall,
                "baseline_kb": baseline, "peak_kb": _peak_kb(), "statuses": statuses}  # fmt: skip
    if kind == "parquet":
        import replicas
        from protrules.facts.columnar import evaluate_parquet, read_parquet

        rules = replicas.with_district(protrules.load_rules(task["rules"]), ROOT / task["source"])
        folder = task["folder"]
        baseline = _rss_kb()
        statuses: dict[str, int] = {}
        start, cpu = time.perf_counter(), time.process_time()
        for result in evaluate_parquet(rules, folder, AS_OF, checks=False):
            statuses[result.status] = statuses.get(result.status, 0) + 1
        total, total_cpu = time.perf_counter() - start, time.process_time() - cpu
        peak = _peak_kb()
        start, cpu = time.perf_counter(), time.process_time()
        facts = sum(sum(map(len, ledger.facts.values())) for ledger in read_parquet(folder, rules.fact_types))
        reading, reading_cpu = time.perf_counter() - start, time.process_time() - cpu
        return {"n": sum(statuses.values()), "facts": facts, "seconds": total, "cpu_s": total_cpu,
                "read_s": reading, "read_cpu_s": reading_cpu, "baseline_kb": baseline, "peak_kb": peak,
                "statuses": statuses}  # fmt: skip
    if kind == "pool":
        from concurrent.futures import ProcessPoolExecutor

        import replicas

        rules = protrules.load_rules(task["rules"])
        bases = _bases(rules, task["source"])
        rules = replicas.with_district(rules, ROOT / task["source"])
        items = list(replicas.replicated(bases, task["n"]))
        for _ in rules.evaluate_many(items[:2], AS_OF):
            pass
        t = time.perf_counter()
        serial = [r.status for r in rules.evaluate_many(items, AS_OF)]
        serial_s = time.perf_counter() - t
        t = time.perf_counter()
        brief = [r.status for r in rules.evaluate_many(items, AS_OF, checks=False)]
        brief_serial_s = time.perf_counter() - t
        with ProcessPoolExecutor(max_workers=task["workers"]) as pool:
            list(rules.evaluate_many(items[:4], AS_OF, executor=pool))  # start the workers
            t = time.perf_counter()
            pooled = [r.status for r in rules.evaluate_many(items, AS_OF, executor=pool)]
            pool_s = time.perf_counter() - t
            t = time.perf_counter()
            brief_pooled = [r.status for r in rules.evaluate_many(items, AS_OF, executor=pool, checks=False)]
            brief_pool_s = time.perf_counter() - t
            # From files: the ledgers are read where they are evaluated (in the workers).
            paths = _ledger_files(task["source"], task["n"])
            t = time.perf_counter()
            files_serial = [r.status for r in rules.evaluate_many(paths, AS_OF)]
            files_serial_s = time.perf_counter() - t
            t = time.perf_counter()
            files_pooled = [r.status for r in rules.evaluate_many(paths, AS_OF, executor=pool)]
            files_pool_s = time.perf_counter() - t
        return {"n": len(items), "serial_s": serial_s, "pool_s": pool_s, "same": serial == pooled,
                "brief_serial_s": brief_serial_s, "brief_pool_s": brief_pool_s,
                "brief_same": brief == brief_pooled == serial,
                "files_serial_s": files_serial_s, "files_pool_s": files_pool_s,
                "files_same": files_serial == files_pooled}  # fmt: skip
    raise ValueError(kind)


def _ledger_files(source: str, n: int) -> list[str]:
    """n ledger files in a temporary folder: the JSON example ledgers copied round-robin, each
    with its own entity id."""
    folder = Path(tempfile.mkdtemp(prefix="protrules-bench-"))
    bases = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / source).glob("*.json"))
             if not p.name.startswith("_district")]  # fmt: skip
    paths = []
    for i in range(n):
        data = bases[i % len(bases)]
        data["entity"]["id"] = f"e{i:06d}"
        path = folder / f"e{i:06d}.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        paths.append(str(path))
    return paths


def _best(answers: list[dict[str, Any]]) -> dict[str, Any]:
    return {key: min(a[key] for a in answers) for key in answers[0]}


def _first(timed: dict[str, Any]) -> str:
    """A fresh process's first evaluation: in all, and building the calendar / the rest."""
    first, calendar = timed.get("first_evaluate_ms", 0), timed.get("calendar_ms", 0)
    return f"{first:.0f} ms ({calendar:.0f} / {first - calendar:.0f})"


def standards(args: argparse.Namespace, out: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    todo = [("rules/changning_2023.prl", "examples/changning"), ("rules/example.prl", "examples/demo")]
    out.append("## Whole standards")
    out.append("")
    out.append(
        "| standard | rules | import protrules | load+compile cold (parse / check / compile)"
        " | first evaluate (calendar / code and evaluation) | from the cache"
        " | first evaluate from the cache |"
    )
    out.append("|---|---:|---:|---:|---:|---:|---:|")
    evals = []
    for rule_path, source in todo:
        path = ROOT / rule_path
        if not path.exists():
            out.append(f"| {rule_path} | not found | | | | |")
            continue
        with tempfile.TemporaryDirectory() as cache:
            cold = _best([load_child(path, False, cache, source) for _ in range(3)])
            load_child(path, True, cache)  # fills the cache
            warm = _best([load_child(path, True, cache, source) for _ in range(3)])
        rules = protrules.load_rules(path)
        out.append(
            f"| {rule_path} | {len(rules.rules)} | {cold['import_ms']:.0f} ms | {cold['load_ms']:.0f} ms"
            f" ({cold['parse_ms']:.0f} / {cold['check_ms']:.0f} / {cold['compile_ms']:.0f})"
            f" | {_first(cold)} | {warm['load_ms']:.1f} ms | {_first(warm)} |"
        )
        bases = _bases(rules, source)
        if not bases:
            continue
        import replicas

        rules = replicas.with_district(rules, ROOT / source)

        items = list(replicas.replicated(bases, args.entities))
        for item in items[: len(bases)]:
            rules.evaluate(item, AS_OF)
        seconds = time_runner(lambda ledger, r=rules: r.evaluate(ledger, AS_OF), items, 3)
        facts = sum(replicas.fact_count(i) for i in items)
        evals.append((rule_path, len(bases), len(items), facts, seconds))
        found[rule_path] = {
            "cold": cold,
            "cache": warm,
            "entities": len(items),
            "facts": facts,
            "seconds": seconds,
        }
    out.append("")
    out.append("Evaluation (example ledgers replicated; CPU time, best of 3):")
    out.append("")
    out.append("| standard | example ledgers | entities | facts per entity | ms per entity | µs per fact |")
    out.append("|---|---:|---:|---:|---:|---:|")
    for rule_path, n_bases, n, facts, seconds in evals:
        out.append(
            f"| {rule_path} | {n_bases} | {n:,} | {facts / n:,.0f} | {seconds / n * 1000:.2f}"
            f" | {seconds / facts * 1e6:.2f} |"
        )
    out.append("")
    return found


def scale(args: argparse.Namespace, out: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    changning = ROOT / "rules/changning_2023.prl"
    streams: list[tuple[str, str, str, bool, bool]] = [
        ("six rules, generated streets", str(SIX), "six", False, True),
        ("six rules, generated streets, checks=False", str(SIX), "six", False, False),
    ]
    if changning.exists() and (ROOT / "examples/changning").exists():
        streams[:0] = [
            ("Changning, example streets copied", str(changning), "examples/changning", False, True),
            ("Changning, the same, gc.set_threshold(10_000, 10, 10)", str(changning),
             "examples/changning", True, True),
            ("Changning, the same, checks=False", str(changning), "examples/changning", False, False),
            ("Changning, checks=False and gc.set_threshold(10_000, 10, 10)", str(changning),
             "examples/changning", True, False),
        ]  # fmt: skip
    out.append("## Streaming through evaluate_many (one core, fresh entities, peak RSS of the process)")
    out.append("")
    out.append(
        "| rules, entities | N | facts | eval s (CPU) | entities/s | wall s (copies made too) | baseline RSS"
        " | peak RSS | peak − baseline |"
    )
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label, rules_path, source, collect_less, checks in streams:
        for n in args.stream:
            task = {"kind": "stream", "rules": rules_path, "source": source, "n": n, "gc": collect_less,
                    "checks": checks}  # fmt: skip
            r = child(task)
            found[f"{source}:{n}{':gc' if collect_less else ''}{'' if checks else ':no-checks'}"] = r
            out.append(
                f"| {label} | {n:,} | {r['facts']:,} | {r['seconds']:.1f} | {n / r['seconds']:,.0f}"
                f" | {r['wall_s']:.1f} | {r['baseline_kb'] / 1024:.0f} MB | {r['peak_kb'] / 1024:.0f} MB"
                f" | {(r['peak_kb'] - r['baseline_kb']) / 1024:.1f} MB |"
            )
    out.append("")
    if changning.exists() and args.parquet:
        import replicas

        rules = protrules.load_rules(changning)
        bases = replicas.example_ledgers(ROOT / "examples/changning", rules.fact_types)
        with tempfile.TemporaryDirectory() as scratch:
            district = Path(scratch) / "district"
            folder = replicas.parquet_folder(bases, args.parquet, district, rules.fact_types)
            r = child({"kind": "parquet", "rules": str(changning), "folder": str(folder),
                       "source": "examples/changning"})  # fmt: skip
        found["parquet"] = r
        out.append(
            f"From Parquet (`evaluate_parquet`, one core, checks=False): {r['n']:,} Changning entities,"
            f" {r['facts']:,} facts: **{r['cpu_s']:.1f} s of CPU end to end** ({r['seconds']:.1f} s wall;"
            f" reading and checking the facts alone: {r['read_cpu_s']:.1f} s of CPU, {r['read_s']:.1f} s"
            " wall,"
            f" {r['read_cpu_s'] / r['facts'] * 1e6:.2f} µs of CPU a fact);"
            f" peak RSS {r['peak_kb'] / 1024:.0f} MB"
            f" (after loading the rules: {r['baseline_kb'] / 1024:.0f} MB)"
        )
        out.append("")
    if changning.exists() and (ROOT / "examples/changning").exists() and args.pool:
        r = child({"kind": "pool", "rules": str(changning), "source": "examples/changning", "n": args.pool,
                   "workers": 2})  # fmt: skip
        found["pool"] = r
        out.append(
            f"evaluate_many, Changning, {r['n']:,} entities (wall time): serial {r['serial_s']:.1f} s,"
            " ProcessPoolExecutor(2)"
            f" {r['pool_s']:.1f} s (× {r['serial_s'] / r['pool_s']:.2f}); same statuses: {r['same']}"
        )
        out.append("")
        out.append(
            f"The same with checks=False: serial {r['brief_serial_s']:.1f} s, ProcessPoolExecutor(2)"
            f" {r['brief_pool_s']:.1f} s (× {r['brief_serial_s'] / r['brief_pool_s']:.2f});"
            f" same statuses: {r['brief_same']}"
        )
        out.append("")
        out.append(
            f"evaluate_many over {r['n']:,} ledger files (read where evaluated): serial"
            f" {r['files_serial_s']:.1f} s, ProcessPoolExecutor(2) {r['files_pool_s']:.1f} s"
            f" (× {r['files_serial_s'] / r['files_pool_s']:.2f}); same statuses: {r['files_same']}"
        )
        out.append("")
    return found


# ---------------------------------------------------------------------------------- main
def fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted((ROOT / "src" / "protrules").rglob("*")):
        if path.is_file() and path.suffix in (".py", ".lark"):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--streets", type=int, default=1000, help="streets for the six-rule comparison")
    parser.add_argument("--engines", type=lambda s: [e for e in s.split(",") if e], default=None,
                        help="comma-separated engines (default: all)")  # fmt: skip
    parser.add_argument("--budget", type=float, default=90.0, help="seconds one engine's timing may take")
    parser.add_argument("--entities", type=int, default=1000, help="entities for per-entity evaluation times")
    parser.add_argument("--stream", type=lambda s: [int(x) for x in s.split(",")], default=[1000, 10000],
                        help="stream lengths for the memory/scale runs")  # fmt: skip
    parser.add_argument("--pool", type=int, default=2000, help="entities for the process-pool comparison")
    parser.add_argument("--parquet", type=int, default=10000,
                        help="Changning entities read from Parquet (0: skip)")  # fmt: skip
    parser.add_argument("--only-parquet", action="store_true", help="only the Parquet scale run")
    parser.add_argument("--only-scale", action="store_true",
                        help="only part 3: the streams, the Parquet run and the process pool")  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="a fast smoke run (few streets, small streams)")
    parser.add_argument("--skip-standards", action="store_true", help="only the six-rule comparison")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.streets, args.entities, args.stream, args.pool, args.parquet = 20, 20, [20, 60], 64, 100
        args.budget = min(args.budget, 10.0)
        if args.engines is None:  # the pure-Python peers need minutes for even one street
            args.engines = ["protrules", "protrules-no-checks", "handwritten", "handwritten-ready",
                            "cel-rust", "zen-engine", "clips"]  # fmt: skip
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        print(json.dumps(run_child(json.loads(args.child))))
        return 0
    out: list[str] = [
        f"# protrules benchmarks — {dt.datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"python {platform.python_version()} on {platform.machine()} {platform.system()},"
        f" {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start;"
        f" protrules {protrules.__version__} (src fingerprint {fingerprint()})",
        "",
        "Times are CPU time of the process measured (`time.process_time`), but where marked wall.",
        "",
    ]
    if args.only_parquet or args.only_scale:
        if args.only_parquet:
            args.stream, args.pool = [], 0
        scale(args, out)
        print("\n".join(out), flush=True)
        print(f"(load average {os.getloadavg()[0]:.1f} at the end)")
        return 0
    try:
        six_rules(args, out)
    except VerdictMismatch as error:
        print("\n".join(out))
        print(f"ABORTED: {error}", file=sys.stderr)
        return 1
    print("\n".join(out), flush=True)
    out.clear()
    if not args.skip_standards:
        standards(args, out)
        print("\n".join(out), flush=True)
        out.clear()
        scale(args, out)
        print("\n".join(out), flush=True)
    print(f"(load average {os.getloadavg()[0]:.1f} at the end)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
