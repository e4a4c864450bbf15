"""A district from Parquet evaluated on a Dask LocalCluster, against one core.

    PYTHONPATH=src python benchmarks/dask_parquet.py              # 2 000 Changning entities
    PYTHONPATH=src python benchmarks/dask_parquet.py --entities 10000 --workers 2

Writes the ten Changning example streets replicated to N entities as a Parquet folder
(``replicas.parquet_folder``), then evaluates it with ``evaluate_parquet`` serially and on a
``distributed.LocalCluster`` of worker processes (one thread each) through
``Client.get_executor()``. Each task is a range of entity ids: the worker reads those rows
from the folder itself, so the parent sends only the path, the range and the rule set, and
receives the results (``checks=False``). Prints both times and whether the statuses agree.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import protrules  # noqa: E402
import replicas  # noqa: E402
from protrules.facts import columnar  # noqa: E402
from protrules.facts.columnar import evaluate_parquet  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entities", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--part", type=int, default=250, help="entities a task reads and evaluates")
    args = parser.parse_args()
    from dask.distributed import Client, LocalCluster

    rules = protrules.load_rules(ROOT / "rules" / "changning_2023.prl")
    day = rules.default_as_of()
    bases = replicas.example_ledgers(ROOT / "examples" / "changning", rules.fact_types)
    rules = replicas.with_district(rules, ROOT / "examples" / "changning")  # as `protrules check` reads it
    with tempfile.TemporaryDirectory() as scratch:
        folder = replicas.parquet_folder(bases, args.entities, Path(scratch) / "district", rules.fact_types)
        start = time.perf_counter()
        serial = [(r.entity, r.status) for r in evaluate_parquet(rules, folder, day, checks=False)]
        serial_s = time.perf_counter() - start
        cluster = LocalCluster(
            n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        with cluster, Client(cluster) as client:
            executor = client.get_executor()
            warm = columnar.parquet_parts(folder, 5)[: args.workers]  # each worker loads protrules first
            evaluate = columnar._evaluate_part
            tasks = [executor.submit(evaluate, rules, str(folder), p, day, False) for p in warm]
            for task in tasks:
                task.result()
            start = time.perf_counter()
            found = evaluate_parquet(rules, folder, day, executor=executor, part=args.part, checks=False)
            pooled = [(r.entity, r.status) for r in found]
            pooled_s = time.perf_counter() - start
    print(f"{args.entities:,} Changning entities from Parquet, checks=False")
    print(f"one core:                          {serial_s:6.1f} s")
    speed = serial_s / pooled_s
    print(f"LocalCluster, {args.workers} worker processes:   {pooled_s:6.1f} s  (× {speed:.2f})")
    print(f"same entities and statuses, in the same order: {serial == pooled}")
    return 0 if serial == pooled else 1


if __name__ == "__main__":
    sys.exit(main())
