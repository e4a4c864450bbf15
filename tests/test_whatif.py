"""What-if (issue 20.2): parameters set without editing the rule file, in the API and with
``--set``; values of every type, lookup tables included, are read as the rule file writes them,
and every report says in its header which values differ from the published ones.

tests/test_parameters.py holds the basics (test blocks, JSON tests, --parameter); this file the
what-if: published values in every report, lookups, dated values, the value spelling's round
trip, worker processes."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

import protrules
from protrules.calendar.durations import Duration
from protrules.checking.parameters import (
    SET_HERE,
    ParameterError,
    overridden,
    parameters_line,
    published_text,
    value_text,
)
from protrules.cli.main import main
from protrules.facts.ledgers import load_ledger, load_ledgers
from protrules.programme.due import due_json, due_text, obligations
from protrules.programme.ranking import rank, ranking_json, ranking_text
from protrules.report import render
from protrules.report.district import district_of
from protrules.report.html import html_report
from protrules.report.markdown import markdown_report

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "rules" / "example.prl"
AS_OF = dt.date(2024, 3, 31)
LOOKUPS = """standard "t":
    title: "查表"
    assessment: 评估期
period 评估期 = 2023-01-01 .. 2023-12-31
enum 读法 "读法": "每周", "节假日块"
parameter 方式 "读法": 读法 = "每周"
parameter 名称 "名称": text = "协调会议"
parameter 开始 "开始": date = 2023-01-01
parameter 严格 "严格": boolean = true
parameter 天数表 "天数": lookup integer -> duration source "条例":
    from 1: 5 days
    from 10: 10 days
fact staff "职工":
    years: integer "年限"
    taken: integer "已休"
rule 1 "年休假":
    clause: "c"
    for each s in staff:
        require s.taken * 1 day >= 天数表(s.years)
"""


@pytest.fixture(scope="module")
def example() -> protrules.RuleSet:
    return protrules.load_rules(EXAMPLE)


@pytest.fixture(scope="module")
def lookups() -> protrules.RuleSet:
    return protrules.compile(protrules.check(protrules.parse(LOOKUPS), protrules.Source("t.prl", LOOKUPS)))


def test_with_parameters_returns_a_new_rule_set_and_leaves_the_original(example: protrules.RuleSet) -> None:
    ledger = load_ledger(ROOT / "examples" / "demo" / "xingxing.json", example.fact_types)
    before = example.evaluate(ledger, AS_OF)
    params = dict(example.program.params)
    stricter = example.with_parameters({"每年会议次数": "3", "培训期限": "1 month"})
    assert example.program.params == params and example.program.overrides == ()
    assert example.evaluate(ledger, AS_OF) == before
    assert stricter.program.overrides == (("培训期限", Duration(1, "months")), ("每年会议次数", 3))
    assert stricter.program.published == {"每年会议次数": "2", "培训期限": "3 months"}
    after = stricter.evaluate(ledger, AS_OF)
    assert "required >= 3" in after.result("1.1.1").reason
    # Setting a parameter again keeps the file's value as the published one, not the first what-if's.
    again = stricter.with_parameters({"每年会议次数": 4})
    assert again.program.published["每年会议次数"] == "2"
    assert parameters_line(again.program) == [
        "参数 parameters set for this evaluation: 培训期限 = 1 month (published: 3 months); "
        "每年会议次数 = 4 (published: 2)"
    ]


def test_a_dated_parameter_is_replaced_whole(example: protrules.RuleSet) -> None:
    param = example.program.params["最低课时占比"]
    assert published_text(param) == "50% from 2023-01-01, 60% from 2024-01-01"
    what_if = example.with_parameters({"最低课时占比": "55%"})
    assert what_if.program.params["最低课时占比"].values == ((None, Decimal("0.55"), SET_HERE),)
    assert what_if.program.published["最低课时占比"] == "50% from 2023-01-01, 60% from 2024-01-01"


@pytest.mark.parametrize(
    ("name", "given", "stored", "shown"),
    [
        ("每年会议次数", "3", 3, "3"),
        ("每年会议次数", 3, 3, "3"),
        ("培训期限", "30 working days", Duration(30, "working_days"), "30 working days"),
        ("培训期限", "6个月", Duration(6, "months"), "6 months"),
        ("培训期限", Duration(2, "weeks"), Duration(2, "weeks"), "2 weeks"),
        ("最低课时占比", "62.5%", Decimal("0.625"), "62.5%"),
        ("最短开放时长", "2.5", Decimal("2.5"), "2.5"),
        ("最短开放时长", "2", Decimal("2"), "2"),
    ],
)
def test_values_are_read_as_their_declared_type(
    example: protrules.RuleSet, name: str, given: object, stored: object, shown: str
) -> None:
    what_if = example.with_parameters({name: given})
    assert what_if.program.params[name].values[0][1] == stored
    assert overridden(what_if.program) == [f"{name} = {shown}"]


@pytest.mark.parametrize(
    ("name", "given", "stored", "shown"),
    [
        ("方式", "节假日块", "节假日块", '"节假日块"'),
        ("方式", '"节假日块"', "节假日块", '"节假日块"'),
        ("名称", "专题会议", "专题会议", '"专题会议"'),
        ("开始", "2024-02-29", dt.date(2024, 2, 29), "2024-02-29"),
        ("开始", dt.date(2024, 1, 1), dt.date(2024, 1, 1), "2024-01-01"),
        ("严格", "false", False, "false"),
        ("天数表", "1: 5 days, 10: 12 days", None, "from 1: 5 days, from 10: 12 days"),
        ("天数表", "from 0: 1 day", None, "from 0: 1 day"),
        ("天数表", {1: Duration(6, "days")}, None, "from 1: 6 days"),
        ("天数表", {1: "6 days"}, None, "from 1: 6 days"),
    ],
)
def test_enums_text_dates_booleans_and_lookups(
    lookups: protrules.RuleSet, name: str, given: object, stored: object, shown: str
) -> None:
    what_if = lookups.with_parameters({name: given})
    if stored is not None:
        assert what_if.program.params[name].values[0][1] == stored
    assert overridden(what_if.program) == [f"{name} = {shown}"]


def test_a_lookup_override_changes_verdicts(lookups: protrules.RuleSet) -> None:
    facts = {"staff": [{"id": "A", "years": 12, "taken": 10}]}
    ledger = protrules.facts.ledgers.ledger_from_mapping(
        {"entity": {"id": "e", "name": "e"}, "facts": facts}, lookups.fact_types
    )
    assert lookups.evaluate(ledger).verdicts["1"] == "pass"
    longer = lookups.with_parameters({"天数表": "1: 5 days, 10: 12 days"})
    assert longer.evaluate(ledger).verdicts["1"] == "fail"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"天数表": "10: 5 days, 1: 3 days"}, "3 days`: rows must be listed by increasing key"),
        ({"天数表": "1: 5"}, "`1: 5`: a row holds integer, not duration"),
        ({"天数表": "1; 5"}, "`1; 5`: expected rows, e.g. from 1: 5, from 10: 10"),
        ({"天数表": "1: 5 days\n10: 6 days"}, "expected its rows on one line"),
        ({"天数表": 3}, "`3`: expected lookup integer -> duration: rows"),
        ({"天数表": {1: 5}}, "a row holds integer, not duration"),
    ],
)
def test_bad_lookup_values_are_refused(
    lookups: protrules.RuleSet, values: dict[str, object], message: str
) -> None:
    with pytest.raises(ParameterError) as info:
        lookups.with_parameters(values)
    assert info.value.message.startswith("parameter 天数表 (lookup integer -> duration): ")
    assert message in info.value.message


@pytest.mark.parametrize("path", sorted((ROOT / "rules").glob("*.prl")), ids=lambda p: p.name)
def test_every_published_value_reads_back_as_itself(path: Path) -> None:
    """value_text spells each parameter as .prl text that an override reads back to the same
    value: the spelling reports show is the spelling --set takes."""
    rules = protrules.load_rules(path)
    for name, param in rules.program.params.items():
        for _since, value, _source in param.values:
            what_if = rules.with_parameters({name: value_text(param.type, value)})
            assert what_if.program.params[name].values[0][1] == value, name


def test_every_report_shows_the_values_set_and_the_published_ones(example: protrules.RuleSet) -> None:
    what_if = example.with_parameters({"每年会议次数": "3"})
    ledgers = list(load_ledgers([str(ROOT / "examples" / "demo")], example.fact_types))
    results = [what_if.evaluate(x, AS_OF) for x in ledgers]
    program = what_if.program
    banner = "参数 parameters set for this evaluation: 每年会议次数 = 3 (published: 2)\n"
    # the report's own label reads in one language: English, then Chinese
    english = markdown_report(district_of(program, results, lang="en"))
    assert "Parameters set for this evaluation: 每年会议次数 = 3 (published: 2)  \n" in english
    chinese = markdown_report(district_of(program, results, lang="zh"))
    assert "本次评估设定的参数：每年会议次数 = 3（标准原值：2）  \n" in chinese
    for text in (
        render.summary_text(program, results[0]),
        render.table_text(program, results),
        render.explain_text(program, ledgers[0], what_if.explain(ledgers[0], ["1.1.1"], AS_OF), AS_OF),
        render.summary_table(program, results),
        ranking_text(program, rank(results, 1), AS_OF),
        due_text(program, obligations(what_if, results, None), AS_OF),
    ):
        assert banner in text.replace("  \n", "\n")
    assert "每年会议次数 = 3 (published: 2)" in html_report(district_of(program, results, lang="en"))
    assert "每年会议次数 = 3（标准原值：2）" in html_report(district_of(program, results))
    wanted = {"parameters_set": {"每年会议次数": "3"}, "parameters_published": {"每年会议次数": "2"}}
    for document in (
        render.report_json(program, results, AS_OF),
        render.explain_json(program, ledgers[0], [], AS_OF),
        ranking_json(program, rank(results, 1), AS_OF),
        due_json(program, obligations(what_if, results, None), AS_OF),
    ):
        standard = json.loads(document)["standard"]
        assert {k: standard[k] for k in wanted} == wanted
    published = json.loads(render.report_json(example.program, results, AS_OF))
    assert "parameters_set" not in published["standard"]  # the file's documents are as they were
    assert "parameters set" not in render.summary_text(example.program, results[0])


def test_a_what_if_result_document_matches_the_published_schema(example: protrules.RuleSet) -> None:
    from importlib import resources

    import jsonschema

    schema_file = resources.files("protrules.report").joinpath("schemas/result-1.json")
    schema = json.loads(schema_file.read_text("utf-8"))
    what_if = example.with_parameters({"每年会议次数": "3"})
    ledger = load_ledger(ROOT / "examples" / "demo" / "xingxing.json", example.fact_types)
    document = render.report_json(what_if.program, [what_if.evaluate(ledger, AS_OF)], AS_OF)
    jsonschema.validate(json.loads(document), schema)


def test_the_command_line_takes_set_on_check_explain_rank_and_due(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    for command, extra in (("check", []), ("rank", []), ("due", []), ("explain", ["1.1.1"])):
        facts = "examples/demo/xingxing.json" if command == "explain" else "examples/demo"
        sets = ["--set", "每年会议次数=3", "--set", "培训期限=1 month"]
        main([command, "rules/example.prl", facts, *extra, *sets])
        out = capsys.readouterr().out
        assert (
            "参数 parameters set for this evaluation: 培训期限 = 1 month (published: 3 months); "
            "每年会议次数 = 3 (published: 2)\n"
        ) in out, command


def test_worker_processes_evaluate_the_what_if_not_the_file(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    args = ["check", "rules/changning_2023.prl", "examples/changning", "--format", "json", "--no-checks"]
    main([*args, "--set", "会议次数=4"])
    serial = capsys.readouterr().out
    main([*args, "--set", "会议次数=4", "--jobs", "2"])
    assert capsys.readouterr().out == serial
    main(args)
    assert capsys.readouterr().out != serial
