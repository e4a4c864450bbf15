"""rules/changning_2023.prl against its source: every clause verbatim, exactly once, under its id.

``attachment1_2023.txt`` is a byte-for-byte copy of 附件1 of 长未保办〔2023〕1号: a table of 项目 →
内容 → numbered 工作标准, then the 负面工作清单; ``notice_2023.txt`` is the notice itself. The ids are
docs/domain.md's (“Rule ids”): ``<area>.<item>.<clause>`` in the table's order, ``N.1`` … ``N.9``.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

import protrules

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RULES = ROOT / "rules" / "changning_2023.prl"
ATTACHMENT = HERE / "attachment1_2023.txt"
NOTICE = HERE / "notice_2023.txt"
DOMAIN = ROOT / "docs" / "domain.md"
#: SHA-256 of the published texts the copies were taken from (the reference documents the
#: standard was encoded from): a copy edited by hand no longer matches.
PUBLISHED = {
    ATTACHMENT.name: "51321bc98853733566cd6dbf48ad5679b8f8185b5fe6a805cf510c270616ab84",
    NOTICE.name: "b38eba7aeaf962c3deb6d455db9a9e685fdc86766689b492ff1effbf5dad6d3e",
}

# docs/domain.md, “Rule ids”: area → items (number of clauses), in the table's order.
STRUCTURE: list[tuple[str, str, list[tuple[str, int]]]] = [
    ("1", "思想引领", [("理论学习", 2), ("指导实践", 3)]),
    ("2", "组织领导", [("组织协调", 7), ("经费安排", 2)]),
    ("3", "工作机制", [("发现报告", 2), ("个案会商", 1), ("从业查询", 1), ("心理健康关爱服务机制", 6),
                      ("保护热线", 1), ("信息管理", 2)]),
    ("4", "家庭保护", [("监护指导", 1), ("监护支持", 2), ("监护监管", 2)]),
    ("5", "社会保护", [("社会参与", 2), ("公共服务", 2), ("公共场所", 5), ("培训机构", 1)]),
    ("6", "网络保护", [("预防网络沉迷", 2)]),
    ("7", "政府保护", [("生活保障", 1), ("教育保障", 1), ("医疗保障", 3), ("监护落实", 1)]),
    ("8", "司法保护", [("办案专门化", 3), ("特殊保护措施", 3), ("司法监督", 1), ("法治宣传教育", 2),
                      ("社会支持", 1)]),
    ("9", "机构建设", [("机构设置", 3), ("服务场所", 1)]),
    ("10", "队伍建设", [("人员配备", 5), ("能力提升", 2)]),
]
NEGATIVE_ITEMS = 9
ASSESSED = {"1.1.1", "1.2.1", "1.2.2", "2.1.4", "2.1.6", "5.2.2", "5.3.1", "9.1.1", "9.1.3"}


def domain_ids() -> list[str]:
    ids = [
        f"{area}.{item}.{clause}"
        for area, _, items in STRUCTURE
        for item, (_, count) in enumerate(items, 1)
        for clause in range(1, count + 1)
    ]
    return ids + [f"N.{i}" for i in range(1, NEGATIVE_ITEMS + 1)]


def seed_clauses(text: str) -> tuple[list[tuple[int, str]], list[str]]:
    """The numbered clauses of the 工作标准 column and the negative-list lines, in order.

    A clause is a line ``<TAB><n>.<text>``; the negative list follows the line 负面工作清单项,
    one item per non-blank line. Surrounding whitespace is not part of a clause.
    """
    numbered: list[tuple[int, str]] = []
    negative: list[str] = []
    in_negative = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped == "负面工作清单项":
            in_negative = True
            continue
        if in_negative:
            if stripped:
                negative.append(stripped)
            continue
        match = re.match(r"^\t(\d+)\.(.*)$", line)
        if match:
            numbered.append((int(match.group(1)), match.group(2).strip()))
    return numbered, negative


@pytest.fixture(scope="module")
def rules() -> protrules.RuleSet:
    return protrules.load_rules(RULES)


@pytest.fixture(scope="module")
def seed() -> tuple[list[tuple[int, str]], list[str]]:
    return seed_clauses(ATTACHMENT.read_text(encoding="utf-8"))


def test_the_seed_has_71_clauses_and_9_negative_items(seed: tuple[list[tuple[int, str]], list[str]]) -> None:
    numbered, negative = seed
    assert len(numbered) == 71
    assert len(negative) == NEGATIVE_ITEMS
    # the clause numbers restart in each item exactly as docs/domain.md's table says
    expected = [c for _, _, items in STRUCTURE for _, count in items for c in range(1, count + 1)]
    assert [n for n, _ in numbered] == expected


def test_ids_are_exactly_domain_ids_in_order(rules: protrules.RuleSet) -> None:
    ids = [rule.id for rule in rules.rules]
    assert len(ids) == 80
    assert ids == domain_ids()


def test_every_clause_appears_exactly_once_verbatim(
    rules: protrules.RuleSet, seed: tuple[list[tuple[int, str]], list[str]]
) -> None:
    numbered, negative = seed
    wanted = [text for _, text in numbered] + negative
    clauses = [rule.clause for rule in rules.rules]
    for text in wanted:
        assert clauses.count(text) == 1, f"clause not quoted exactly once: {text[:40]}…"
    assert sorted(clauses) == sorted(wanted)


def test_each_clause_sits_under_its_own_id(
    rules: protrules.RuleSet, seed: tuple[list[tuple[int, str]], list[str]]
) -> None:
    numbered, negative = seed
    wanted = dict(zip(domain_ids(), [text for _, text in numbered] + negative, strict=True))
    got = {rule.id: rule.clause for rule in rules.rules}
    assert got == wanted


def test_area_and_item_titles_follow_the_seed(rules: protrules.RuleSet) -> None:
    program = rules.program
    areas = {area: title for area, title, _ in STRUCTURE} | {"N": "负面工作清单"}
    items = {
        f"{area}.{k}": title for area, _, its in STRUCTURE for k, (title, _) in enumerate(its, 1)
    }
    assert dict(program.areas) == areas
    assert dict(program.items) == items
    text = ATTACHMENT.read_text(encoding="utf-8")
    for title in [*areas.values(), *items.values()]:
        assert title in text, title


def test_kinds_and_weights(rules: protrules.RuleSet) -> None:
    for rule in rules.rules:
        if rule.id.startswith("N."):
            assert rule.kind == "veto", rule.id
        elif rule.id in ASSESSED:
            assert rule.kind == "assessed", rule.id
        else:
            assert rule.kind == "required", rule.id
        if rule.kind != "veto":
            assert rule.weight == 1, rule.id


def test_the_programme(rules: protrules.RuleSet) -> None:
    program = rules.program
    assert program.cap == 3
    assert program.assessment == "评估期"
    period = program.periods["评估期"]
    assert (period.start.isoformat(), period.end.isoformat()) == ("2023-04-01", "2024-03-31")
    assert {k: v.isoformat() for k, v in program.dates.items()} == {
        "自愿申报截止": "2023-04-30",
        "组织评估截止": "2024-03-31",
        "公示截止": "2024-04-30",
        "命名截止": "2024-05-31",
    }


def test_the_rule_file_checks_without_warnings(rules: protrules.RuleSet) -> None:
    assert rules.program.warnings == ()


def test_structure_matches_domain_md() -> None:
    text = DOMAIN.read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) (\S+) \| (.+) \|$", text, re.M)
    parsed = [
        (number, title, [(m[1], int(m[2])) for m in re.findall(r"(\d+\.\d+) (\S+) \((\d+)\)", items)])
        for number, title, items in rows
    ]
    assert parsed == [(number, title, list(items)) for number, title, items in STRUCTURE]


@pytest.mark.parametrize("copy", [ATTACHMENT, NOTICE], ids=lambda p: p.name)
def test_source_copies_are_the_published_texts(copy: Path) -> None:
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == PUBLISHED[copy.name]


def test_the_programme_dates_are_the_notices() -> None:
    # 四、创建程序: 自愿申报 by the end of April 2023 … 命名 by the end of May 2024; at most 3 named.
    notice = NOTICE.read_text(encoding="utf-8")
    for phrase in ("2023 年 4 月底前完成", "2024 年 3 月底前完成", "2024 年 4 月底前完成",
                   "2024 年 5 月底前完成", "不超过 3 个"):
        assert phrase in notice
    program = protrules.load_rules(RULES).program
    steps = ("自愿申报截止", "组织评估截止", "公示截止", "命名截止")
    dates = ["2023-04-30", "2024-03-31", "2024-04-30", "2024-05-31"]
    assert [program.dates[step].isoformat() for step in steps] == dates
    assert program.cap == 3
