"""rules/changning_2023.prl against its source: every clause verbatim, exactly once, under its id.

``attachment1_2023.txt`` is a byte-for-byte copy of 附件1 of 长未保办〔2023〕1号 (the seed document
``000_1a96fbc6e8f1422f.txt``): a table of 项目 → 内容 → numbered 工作标准, then the 负面工作清单.
The ids are DOMAIN.md §1's: ``<area>.<item>.<clause>`` in the table's order, ``N.1`` … ``N.9``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import protrules

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RULES = ROOT / "rules" / "changning_2023.prl"
ATTACHMENT = HERE / "attachment1_2023.txt"
SHARED = ROOT.parent / "shared"  # the workspace's reference documents, when present

# DOMAIN.md §1 "Stable rule ids": area → items (number of clauses), in the table's order.
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
    # the clause numbers restart in each item exactly as DOMAIN.md's table says
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


@pytest.mark.skipif(not (SHARED / "DOMAIN.md").exists(), reason="DOMAIN.md is not in this checkout")
def test_structure_matches_domain_md() -> None:
    text = (SHARED / "DOMAIN.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) (\S+) \| (.+) \|$", text, re.M)
    parsed = [
        (number, title, [(m[1], int(m[2])) for m in re.findall(r"(\d+\.\d+) (\S+) \((\d+)\)", items)])
        for number, title, items in rows
    ]
    assert parsed == [(number, title, list(items)) for number, title, items in STRUCTURE]


@pytest.mark.skipif(
    not (SHARED / "seeds" / "000_1a96fbc6e8f1422f.txt").exists(), reason="the seed is not in this checkout"
)
def test_attachment_copy_is_the_seed() -> None:
    assert ATTACHMENT.read_bytes() == (SHARED / "seeds" / "000_1a96fbc6e8f1422f.txt").read_bytes()
