"""Loading a rule file: where a fresh process's time goes, cold and from the program cache.

    PYTHONPATH=src python benchmarks/load.py                       # rules/changning_2023.prl, 15 runs
    PYTHONPATH=src python benchmarks/load.py --runs 31 rules/example.prl
    PYTHONPATH=src python benchmarks/load.py --instructions        # and instruction counts (valgrind)

Every run is a fresh Python process (bytecode compiled beforehand, as an installed package
has it) that imports protrules and loads the file, timing each stage with the wall clock and
with the process's CPU time:

- cold (no cache): ``import protrules``; parse (Lark, the parse tables loaded); check;
  ``compile`` (the ``RuleSet``); the rules' code for an evaluation with checks (what
  ``evaluate`` runs first: written and compiled for every rule); the rest of what the program
  cache keeps (the code without checks and the exact code);
- from the cache (``load_rules(path, cache=True)``, the entry written by an earlier process):
  reading, verifying and unpickling the entry; installing every rule's code for an evaluation
  with checks (which a real evaluation does lazily, rule by rule).

The table gives the minimum and the median of the runs. On a loaded machine both wall and CPU
times grow with the load; ``--instructions`` also counts the instructions each stage executes
under valgrind (``callgrind``; one run of each process shape, differences between shapes),
which the load does not change.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: One fresh process: ``argv[1]`` the rule file, ``argv[2]`` "cold" or "cache", ``argv[3]``
#: how far to go (for instruction counts: "import", "parse", "check", "compile", "code", "all").
CHILD = r"""
import json, sys, time
wall, cpu = time.perf_counter, time.process_time
marks = [("start", wall(), cpu())]
def mark(name):
    marks.append((name, wall(), cpu()))
path, mode, upto = sys.argv[1], sys.argv[2], sys.argv[3]
import protrules
mark("import")
if mode == "cold" and upto != "import":
    module, source = protrules.parse_file(path)
    mark("parse")
    if upto != "parse":
        program = protrules.check(module, source)
        mark("check")
    if upto not in ("parse", "check"):
        rules = protrules.compile(program)
        mark("compile")
    if upto in ("code", "all"):
        for compiled in rules._rules:
            compiled.function("checks")
        mark("code")
    if upto == "all":
        for compiled in rules._rules:
            for kind in ("tally", "exact"):
                compiled.function(kind)
        mark("rest")
elif mode == "cache" and upto != "import":
    rules = protrules.load_rules(path, cache=True)
    mark("entry")
    if upto in ("code", "all"):
        for compiled in rules._rules:
            compiled.function("checks")
        mark("install")
steps = zip(marks[1:], marks)
print(json.dumps({name: [(w - pw) * 1000, (c - pc) * 1000] for (name, w, c), (_, pw, pc) in steps}))
"""


def _env(cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its bytecode
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["PROTRULES_CACHE"] = str(cache)
    return env


def _child(path: Path, mode: str, upto: str, cache: Path, prefix: list[str] | None = None) -> str:
    done = subprocess.run(
        [*(prefix or []), sys.executable, "-c", CHILD, str(path), mode, upto],
        env=_env(cache),
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise SystemExit(f"loading {path} failed:\n{done.stderr[-3000:]}")
    return done.stdout + done.stderr


def _runs(path: Path, mode: str, cache: Path, runs: int) -> dict[str, list[list[float]]]:
    """Each stage's [wall, cpu] in ms, one pair a run."""
    found: dict[str, list[list[float]]] = {}
    for _ in range(runs):
        for stage, pair in json.loads(_child(path, mode, "all", cache)).items():
            found.setdefault(stage, []).append(pair)
    return found


def _row(stage: str, pairs: list[list[float]]) -> str:
    walls, cpus = [p[0] for p in pairs], [p[1] for p in pairs]
    return (
        f"| {stage} | {min(walls):.1f} | {statistics.median(walls):.1f}"
        f" | {min(cpus):.1f} | {statistics.median(cpus):.1f} |"
    )


def _total(found: dict[str, list[list[float]]], stages: list[str]) -> list[list[float]]:
    """Per run, the sum of some stages (so the minimum of a sum is of one run)."""
    runs = len(next(iter(found.values())))
    return [[sum(found[s][i][k] for s in stages) for k in (0, 1)] for i in range(runs)]


def _instructions(path: Path, cache: Path) -> dict[str, int]:
    """Instructions executed by each process shape, counted by callgrind."""
    counts: dict[str, int] = {}
    shapes = [
        ("python", "cold", "none"),
        ("import", "cold", "import"),
        ("parse", "cold", "parse"),
        ("check", "cold", "check"),
        ("compile", "cold", "compile"),
        ("code", "cold", "code"),
        ("all", "cold", "all"),
        ("entry", "cache", "entry"),
        ("install", "cache", "code"),
    ]
    with tempfile.TemporaryDirectory() as out:
        for name, mode, upto in shapes:
            report = Path(out) / f"{name}.out"
            prefix = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={report}"]
            if upto == "none":
                done = subprocess.run(
                    [*prefix, sys.executable, "-c", "pass"], capture_output=True, text=True, check=True
                )
                text = done.stderr
            else:
                text = _child(path, mode, upto, cache, prefix)
            line = next(line for line in text.splitlines() if "Collected" in line)
            counts[name] = int(line.split(":")[-1].strip().replace(",", ""))
    return counts


def main(argv: list[str] | None = None) -> None:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("rules", nargs="?", default="rules/changning_2023.prl")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--instructions", action="store_true", help="also count instructions (valgrind)")
    args = parser.parse_args(argv)
    path = (ROOT / args.rules).resolve()
    if args.instructions and shutil.which("valgrind") is None:
        raise SystemExit("--instructions counts with valgrind, which is not installed")
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder) / "cache"
        _child(path, "cold", "all", cache)  # bytecode written
        cold = _runs(path, "cold", cache, args.runs)
        _child(path, "cache", "all", cache)  # the entry written
        warm = _runs(path, "cache", cache, args.runs)
        counts = _instructions(path, cache) if args.instructions else None
    out = [
        f"{args.rules}: {args.runs} fresh processes each, Python {sys.version.split()[0]},"
        f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
        "",
        "| stage | wall min (ms) | wall median | CPU min (ms) | CPU median |",
        "|---|---:|---:|---:|---:|",
    ]
    names = {
        "import": "import protrules",
        "parse": "parse",
        "check": "check",
        "compile": "compile (RuleSet)",
        "code": "code with checks, every rule (written, compiled)",
        "rest": "code without checks and exact code, every rule",
    }
    out += [_row(names[stage], cold[stage]) for stage in names]
    out.append(_row("**cold: parse + check + compile + code with checks**", _total(cold, list(names)[1:5])))
    out.append(_row("import protrules (cache run)", warm["import"]))
    out.append(_row("entry read, verified, unpickled", warm["entry"]))
    out.append(_row("code with checks, every rule (installed)", warm["install"]))
    out.append(_row("**from the cache: entry + code with checks**", _total(warm, ["entry", "install"])))
    if counts is not None:
        out += ["", "| stage | million instructions |", "|---|---:|"]
        steps = [
            ("import protrules", "import", "python"),
            ("parse", "parse", "import"),
            ("check", "check", "parse"),
            ("compile (RuleSet)", "compile", "check"),
            ("code with checks, every rule", "code", "compile"),
            ("code without checks and exact code", "all", "code"),
            ("**cold: parse + check + compile + code with checks**", "code", "import"),
            ("entry read, verified, unpickled", "entry", "import"),
            ("code with checks installed", "install", "entry"),
            ("**from the cache: entry + code with checks**", "install", "import"),
        ]
        out += [f"| {label} | {(counts[a] - counts[b]) / 1e6:.1f} |" for label, a, b in steps]
    print("\n".join(out))


if __name__ == "__main__":
    main()
