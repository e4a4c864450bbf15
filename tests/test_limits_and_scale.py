"""Bounds on evaluation work, pickling, and evaluation over executors."""

from __future__ import annotations

import datetime as dt
import pickle
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import attrs
import pytest

import protrules
from protrules.evaluation.runtime import EvaluationLimitError
from protrules.facts.ledgers import FactErrors, ledger_to_mapping, load_ledger
from protrules.facts.model import Fact, Ledger
from protrules.report.render import entity_json

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2024, 3, 31)

QUADRATIC = """standard "q":
    title: "q"
fact meeting "会议":
    date: date "日期"
area 1 "a":
    rule 1.1 "every pair":
        clause: "c"
        for each a in meeting:
            require every(meeting, meeting.date >= a.date or meeting.date < a.date)
"""


def _rules(text: str, **kw: int) -> protrules.RuleSet:
    return protrules.compile(
        protrules.check(protrules.parse(text, "q.prl"), protrules.Source("q.prl", text)), **kw
    )


def _meetings(n: int) -> Ledger:
    start = dt.date(2023, 4, 1)
    facts = tuple(Fact("meeting", f"M{i}", {"date": start + dt.timedelta(days=i % 300)}) for i in range(n))
    return Ledger("big", "大街道", {"meeting": facts})


def test_runaway_evaluation_stops_with_a_clear_error() -> None:
    rules = _rules(QUADRATIC, max_work=10_000)
    assert rules.evaluate(_meetings(50), AS_OF).verdicts["1.1"] == "pass"  # 2 550 steps
    with pytest.raises(EvaluationLimitError, match="10,000 steps for 大街道") as info:
        rules.evaluate(_meetings(500), AS_OF)  # 250 500 steps
    assert info.value.code == "PRL602"
    assert isinstance(info.value, protrules.ProtrulesError)
    # located: which entity, which rule, and where the rule is written
    assert (info.value.entity, info.value.rule, info.value.steps) == ("大街道 (big)", "1.1", 10_000)
    assert "in rule 1.1 (q.prl:6)" in str(info.value)
    again = pickle.loads(pickle.dumps(info.value))  # crosses process pools with what it names
    assert (again.entity, again.rule, str(again)) == (info.value.entity, "1.1", str(info.value))
    with pytest.raises(EvaluationLimitError, match=r"in rule 1\.1"):
        rules.explain(_meetings(500), as_of=AS_OF)


@pytest.mark.parametrize("pool", [None, ThreadPoolExecutor, ProcessPoolExecutor])
def test_an_entity_past_its_budget_stops_alone(pool: type | None) -> None:
    """The entities before and after it are evaluated; BatchError names it, its rule and its
    place in the input."""
    rules = _rules(QUADRATIC, max_work=10_000)
    small = [attrs.evolve(_meetings(20), id=f"s{i}") for i in range(3)]
    got, batch = _until_the_batch_error(rules, [small[0], _meetings(500), small[1], small[2]], pool, 2)
    assert got == ["s0", "s1", "s2"]
    (failed,) = batch.failures
    assert (failed.position, failed.item, failed.error.code) == (1, "big", "PRL602")
    assert isinstance(failed.error, EvaluationLimitError) and failed.error.rule == "1.1"
    assert "1 of 4 entities could not be evaluated; the first, big: " in str(batch)


def _until_the_batch_error(
    rules: protrules.RuleSet, items: list[Ledger | Path], pool: type | None, chunk: int
) -> tuple[list[str], protrules.BatchError]:
    """The entities evaluate_many yields (serially, or over ``pool``), and the BatchError it
    raises after them."""
    got: list[str] = []
    with pytest.raises(protrules.BatchError) as info:
        if pool is None:
            got.extend(r.entity for r in rules.evaluate_many(items, AS_OF))
        else:
            with pool(max_workers=2) as executor:
                results = rules.evaluate_many(items, AS_OF, executor=executor, chunk=chunk)
                got.extend(r.entity for r in results)
    return got, info.value


def test_rule_sets_pickle_without_their_closures() -> None:
    rules = protrules.load_rules(ROOT / "rules" / "example.prl")
    data = pickle.dumps(rules)
    assert b"<lambda>" not in data
    again = pickle.loads(data)
    ledger = load_ledger(ROOT / "examples" / "demo" / "xingxing.json", rules.fact_types)
    assert again.evaluate(ledger, AS_OF).verdicts == rules.evaluate(ledger, AS_OF).verdicts


def _ledgers(rules: protrules.RuleSet) -> list[Ledger]:
    return [
        load_ledger(ROOT / "examples" / "demo" / f"{s}.json", rules.fact_types)
        for s in ("yangguang", "xingxing")
    ] * 5


@pytest.mark.parametrize("pool", [ThreadPoolExecutor, ProcessPoolExecutor])
def test_evaluate_many_over_executors_keeps_order_and_results(pool: type) -> None:
    rules = protrules.load_rules(ROOT / "rules" / "example.prl")
    ledgers = _ledgers(rules)
    serial = [r.verdicts for r in rules.evaluate_many(ledgers, AS_OF)]
    with pool(max_workers=2) as executor:
        parallel = [r.verdicts for r in rules.evaluate_many(ledgers, AS_OF, executor=executor, chunk=3)]
    assert parallel == serial
    assert [r.entity for r in rules.evaluate_many(ledgers, AS_OF)] == [x.id for x in ledgers]


# Distributed warns — and the suite's filterwarnings turns a warning into a failure — when
# creating a cluster's scratch folder takes over a second of wall-clock time, which a loaded
# machine makes it do; it says so about the machine, not about protrules.
SLOW_SCRATCH = "ignore:Creating scratch directories is taking a surprisingly long time:UserWarning"


@pytest.mark.filterwarnings(SLOW_SCRATCH)
def test_evaluate_many_on_a_dask_cluster(tmp_path: Path) -> None:
    """Rule sets and ledgers travel to Dask's worker processes and back.

    The cluster is one no other process can disturb: its scheduler's HTTP server (started even
    without a dashboard, on 8787 unless told otherwise) listens on a free port, since a
    cluster of another test run holding 8787 made it warn "Port 8787 is already in use"; its
    scratch folder is the test's own, not the one under the system's temporary folder that
    every cluster on the machine locks and purges; and its connections wait two minutes, not
    30 s, for processes a loaded machine starts slowly."""
    import dask
    import distributed  # the `dask` extra, installed by the README's test command

    rules = protrules.load_rules(ROOT / "rules" / "example.prl")
    ledgers = _ledgers(rules)
    serial = [r.verdicts for r in rules.evaluate_many(ledgers, AS_OF)]
    patient = {"distributed.comm.timeouts.connect": "120s", "distributed.comm.timeouts.tcp": "120s"}
    with (
        dask.config.set(patient),
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
            local_directory=tmp_path,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        executor = client.get_executor()
        parallel = [r.verdicts for r in rules.evaluate_many(ledgers, AS_OF, executor=executor, chunk=4)]
    assert parallel == serial


@pytest.mark.parametrize("pool", [None, ProcessPoolExecutor])
def test_evaluate_many_loads_paths_where_it_evaluates_them(pool: type | None) -> None:
    rules = protrules.load_rules(ROOT / "rules" / "example.prl")
    demo = ROOT / "examples" / "demo"
    paths = [demo / "yangguang.json", str(demo / "xingxing.json")] * 3
    expected = [r.verdicts for r in rules.evaluate_many(_ledgers(rules)[:6], AS_OF)]
    if pool is None:
        got = [r.verdicts for r in rules.evaluate_many(paths, AS_OF)]
    else:
        with pool(max_workers=2) as executor:
            got = [r.verdicts for r in rules.evaluate_many(paths, AS_OF, executor=executor, chunk=2)]
    assert got == expected


@pytest.mark.parametrize("pool", [None, ProcessPoolExecutor])
def test_a_path_that_does_not_load_stops_only_its_entity(pool: type | None, tmp_path: Path) -> None:
    """Behaviour change (issue 15): the items after it are evaluated, then BatchError names it."""
    rules = protrules.load_rules(ROOT / "rules" / "example.prl")
    broken = tmp_path / "broken.json"
    broken.write_text('{"entity": {"id": "x", "name": "某街道"}, "facts": {"meeting": [{"id": 1}]}}')
    demo = ROOT / "examples" / "demo"
    paths = [demo / "yangguang.json", demo / "xingxing.json", broken, demo / "yangguang.json"]
    got, batch = _until_the_batch_error(rules, paths, pool, 3)
    assert got == ["yangguang", "xingxing", "yangguang"]
    (failed,) = batch.failures
    assert (failed.position, failed.item) == (2, str(broken)) and isinstance(failed.error, FactErrors)
    assert batch.code == "PRL604" and str(broken) in str(batch)


def test_ledgers_pickle_with_their_links() -> None:
    rules = protrules.load_rules(ROOT / "rules" / "example.prl")
    ledger = load_ledger(ROOT / "examples" / "demo" / "xingxing.json", rules.fact_types)
    again = pickle.loads(pickle.dumps(ledger))
    assert ledger_to_mapping(again, rules.fact_types) == ledger_to_mapping(ledger, rules.fact_types)
    # A reference still points at the very fact of the ledger, not at a copy.
    training = again.facts["training"][0]
    assert any(training.values["person"] is person for person in again.facts["staff"])
    assert [f.origin for f in again.facts["training"]] == [f.origin for f in ledger.facts["training"]]
    assert entity_json(rules.evaluate(again, AS_OF)) == entity_json(rules.evaluate(ledger, AS_OF))
