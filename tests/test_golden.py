"""Golden files for output *formats*: rendered diagnostics, explain text and JSON, reports.

Verdict values are asserted elsewhere; these files pin down what people and programs read.
Refresh with ``PROTRULES_UPDATE_GOLDEN=1 pytest tests/test_golden.py`` and review the diff.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import protrules
from protrules.facts.ledgers import load_ledger
from protrules.language.diagnostics import RuleFileError
from protrules.report import render
from protrules.report.district import district_of
from protrules.report.markdown import markdown_report
from tests.casefile import read_case
from tests.goldens import compare

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"
ERRORS = sorted((Path(__file__).parent / "cases" / "errors").glob("*.case"))
AS_OF = dt.date(2024, 3, 31)


@pytest.mark.parametrize("path", ERRORS, ids=[p.stem for p in ERRORS])
def test_rendered_diagnostics(path: Path) -> None:
    case = read_case(path)
    with pytest.raises(RuleFileError) as info:
        module = protrules.parse(case.source, f"{path.stem}.prl")
        protrules.check(module, protrules.Source(f"{path.stem}.prl", case.source))
    compare(GOLDEN / "diagnostics" / f"{path.stem}.txt", info.value.render() + "\n")
    # The same diagnostics in Chinese (--lang zh): every family of codes, as an author reads them.
    compare(GOLDEN / "diagnostics.zh" / f"{path.stem}.txt", info.value.render("zh") + "\n")


@pytest.fixture(scope="module")
def example() -> protrules.RuleSet:
    return protrules.load_rules(ROOT / "rules" / "example.prl")


@pytest.mark.parametrize("street", ["yangguang", "xingxing"])
def test_explain_text_and_json(example: protrules.RuleSet, street: str) -> None:
    ledger = load_ledger(ROOT / "examples" / "demo" / f"{street}.json", example.fact_types)
    results = example.explain(ledger, ["1.1.1", "2.1.1", "3.1.2", "N.1"], AS_OF)
    compare(
        GOLDEN / "explain" / f"{street}.txt", render.explain_text(example.program, ledger, results, AS_OF)
    )
    compare(
        GOLDEN / "explain" / f"{street}.json", render.explain_json(example.program, ledger, results, AS_OF)
    )


def test_reports(example: protrules.RuleSet) -> None:
    ledgers = [
        load_ledger(ROOT / "examples" / "demo" / f"{s}.json", example.fact_types)
        for s in ("yangguang", "xingxing")
    ]
    results = [example.evaluate(ledger, AS_OF) for ledger in ledgers]
    compare(GOLDEN / "report" / "demo.json", render.report_json(example.program, results, AS_OF))
    compare(GOLDEN / "report" / "demo.md", markdown_report(district_of(example.program, results)))
    compare(GOLDEN / "report" / "demo-table.txt", render.table_text(example.program, results))
    compare(GOLDEN / "report" / "demo-summary.txt", render.summary_table(example.program, results))
    compare(GOLDEN / "report" / "xingxing.txt", render.summary_text(example.program, results[1]))


def test_json_is_byte_identical_across_runs(example: protrules.RuleSet) -> None:
    path = ROOT / "examples" / "demo" / "xingxing.json"
    first = render.report_json(
        example.program, [example.evaluate(load_ledger(path, example.fact_types), AS_OF)], AS_OF
    )
    again = protrules.load_rules(ROOT / "rules" / "example.prl")
    second = render.report_json(
        again.program, [again.evaluate(load_ledger(path, again.fact_types), AS_OF)], AS_OF
    )
    assert first == second


def test_result_json_matches_its_published_schema(example: protrules.RuleSet) -> None:
    import json
    from importlib import resources

    import jsonschema

    schema_file = resources.files("protrules.report").joinpath("schemas/result-1.json")
    schema = json.loads(schema_file.read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    ledgers = [
        load_ledger(ROOT / "examples" / "demo" / f"{s}.json", example.fact_types)
        for s in ("yangguang", "xingxing")
    ]
    document = json.loads(
        render.report_json(example.program, [example.evaluate(x, AS_OF) for x in ledgers], AS_OF)
    )
    jsonschema.validate(document, schema)
    briefs = [example.evaluate(x, AS_OF, checks=False) for x in ledgers]
    brief = json.loads(render.report_json(example.program, briefs, AS_OF))
    jsonschema.validate(brief, schema)  # a report made without checks is a valid result document
    assert all("checks" not in rule for entity in brief["entities"] for rule in entity["rules"])
    document["entities"][0]["status"] = "great"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema)
