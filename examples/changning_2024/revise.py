"""Write changning_2024.prl: an ILLUSTRATIVE 2024 revision of rules/changning_2023.prl.

No such revision has been published. This one exists to show `protrules diff` on a plausible
revision (README.md beside this script lists its changes): it is the 2023 file with a few
thresholds and a reading changed, one clause added and one removed, each marked
`示例修订（illustrative）`. It is derived from the 2023 file every time, so it follows that
file's other changes: run ``python examples/changning_2024/revise.py`` after editing
rules/changning_2023.prl (tests/test_changning_2024.py says when it is due). An edit that no
longer finds its place in the 2023 file stops the script with the edit's name.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent.parent / "rules" / "changning_2023.prl"
TARGET = HERE / "changning_2024.prl"
MARK = "示例修订（illustrative）"

HEAD = f"""\
# {MARK}：长宁区未成年人保护示范街道（镇）创建达标体系的一份虚构的2024年修订稿。
# AN ILLUSTRATIVE REVISION, NOT A PUBLISHED DOCUMENT. It is written by
# examples/changning_2024/revise.py from rules/changning_2023.prl (do not edit it by hand) to
# show `protrules diff` on a plausible revision: three values changed (10.2.1 课程占比 50% →
# 60%, 7.3.1 康复救助年龄 10 → 14 周岁, the default reading of 6.1.1), 5.4.1 removed, 10.2.3
# added with its parameter 每半年培训人次. Every change is marked `{MARK}`; everything else
# is the 2023 file as it is.

"""

#: (name, pattern, replacement): each pattern must match exactly once in the 2023 file.
EDITS: list[tuple[str, str, str]] = [
    ("header id", r'^standard "changning-2023":$', 'standard "changning-2024":'),
    (
        "header title",
        r'^    title: "长宁区未成年人保护示范街道（镇）创建达标体系"$',
        '    title: "长宁区未成年人保护示范街道（镇）创建达标体系（2024年修订稿·示例）"',
    ),
    ("header version", r'^    version: "2023"$', '    version: "2024（示例）"'),
    (
        "header source",
        r'^    source: "长未保办〔2023〕1号 附件1"$',
        f'    source: "{MARK}：据长未保办〔2023〕1号 附件1改写，非正式文件"',
    ),
    (
        "7.3.1 age",
        r'^(parameter 康复救助年龄 "[^"]*": integer = )10 source "附件1 7\.3\.1"$',
        rf'# {MARK}：年龄范围由10周岁扩大到14周岁。\n\g<1>14 source "{MARK}"',
    ),
    (
        "10.2.1 share",
        r'^(parameter 儿童社会工作课程占比 "[^"]*": percentage = )50% source "附件1 10\.2\.1"$',
        rf'# {MARK}：儿童社会工作相关课程占比由50%提高到60%。\n\g<1>60% source "{MARK}"',
    ),
    (
        "10.2.3 parameter",
        r'^(parameter 儿童社会工作课程占比 "[^"]*": percentage = 60% source "示例修订（illustrative）")$',
        rf'\g<1>\n# {MARK}：新增条款10.2.3的人次。\n'
        rf'parameter 每半年培训人次 "每半年儿童主任参加儿童社会工作主题培训不少于（人次）": '
        rf'integer = 4 source "{MARK}"',
    ),
    (
        "6.1.1 reading",
        r'^(parameter 网吧检查节点读法 "[^"]*": enum\("每个节假日", "寒暑假和长假"\) = )'
        r'"每个节假日"( source ")',
        rf'# {MARK}：重要时间节点改按“寒暑假和长假”的读法。\n\g<1>"寒暑假和长假"\g<2>{MARK}；',
    ),
    ("7.3.1 title", r'(rule 7\.3\.1 "康复救助年龄扩大到)10(周岁以上并放宽限制":)', r"\g<1>14\g<2>"),
    ("7.3.1 clause", r"(残疾儿童康复救助的年龄范围扩大到)10(周岁以上)", r"\g<1>14\g<2>"),
    ("7.3.1 note", r"(年龄上限不低于)10(周岁)", r"\g<1>14\g<2>"),
    ("10.2.1 clause", r"(clause: \"儿童主任和儿童督导员在新任职3个月内[^\"]*不少于)50(%)", r"\g<1>60\g<2>"),
    ("10.2.1 note", r"(评估期内每次培训儿童社会工作相关课程不少于)50(%)", r"\g<1>60\g<2>"),
]

REMOVED_ITEM = "    item 5.4 "

TESTS = f"""
# ============================================================== {MARK}的预期结果
# The 2023 street ledgers under the revision (protrules test examples/changning_2024/changning_2024.prl).
test "华阳路街道：修订稿下仍达标":
    facts: "../changning/huayang.json"
    as_of: 2024-03-31
    expect 10.2.3 pass
    expect status meets

test "新华路街道：下半年儿童社会工作主题培训只有3人次":
    facts: "../changning/xinhua.json"
    as_of: 2024-03-31
    expect 10.2.3 fail
    expect status fails

test "江苏路街道：一次培训的儿童社会工作课程占55%，不足60%":
    facts: "../changning/jiangsu.json"
    as_of: 2024-03-31
    expect 10.2.1 fail

test "程家桥街道：按“寒暑假和长假”读法6.1.1合格，仍一票否决":
    facts: "../changning/chengjiaqiao.json"
    as_of: 2024-03-31
    expect 6.1.1 pass
    expect status vetoed
"""

NOTE = (
    f"{MARK}。按自然半年（1—6月、7—12月）计，只评估完全在评估期内的半年；"
    "人次为该半年内儿童主任参加的儿童社会工作主题培训的条数，不少于参数“每半年培训人次”。"
)

ADDED_RULE = f"""
        # {MARK}：新增条款。
        rule 10.2.3 "每半年组织儿童社会工作主题培训":
            kind: required
            weight: 条款分值
            clause: "{MARK}：街镇每半年组织儿童主任参加儿童社会工作主题培训不少于4人次。"
            note: "{NOTE}"
            for each half year 半年 of 评估期 where 半年 in 评估期:
                require count(training as t where t.person.role = "儿童主任"
                              and t.subject = "儿童社会工作" and t.date in 半年) >= 每半年培训人次
"""


def revise(text: str) -> str:
    """The 2024 revision of the 2023 file's text."""
    for name, pattern, replacement in EDITS:
        text, count = re.subn(pattern, replacement, text, flags=re.M)
        if count != 1:
            raise SystemExit(f"revise.py: edit `{name}` matched {count} places in {SOURCE.name}, not 1")
    text = _drop_block(text, REMOVED_ITEM, "item 5.4 (rule 5.4.1)")
    anchor = text.index('        rule 10.2.2 "')
    end = _block_end(text, anchor)
    text = text[:end] + ADDED_RULE + text[end:]
    tests = text.find("\ntest ")
    if tests == -1:
        raise SystemExit("revise.py: no test blocks found to leave out")
    # The 2023 file's tests name its ledgers from rules/ and expect its verdicts: left out, with
    # the comment block that introduces them.
    text = text[: text.rfind("\n# ====", 0, tests)].rstrip("\n") + "\n" + TESTS
    text = text.replace(
        "# They feed `is in vacation` (5.4.1) and `for each vacation` (6.1.1).",
        "# They feed `for each vacation` (6.1.1).",
    )
    return HEAD + text


def _block_end(text: str, start: int) -> int:
    """Where the block opened by the line at ``start`` ends: after its last line, before the
    next line indented no deeper (blank lines after it stay with what follows)."""
    lines = text[start:].split("\n")
    indent = len(lines[0]) - len(lines[0].lstrip(" "))
    offset = len(lines[0]) + 1
    for line in lines[1:]:
        if line.strip() and len(line) - len(line.lstrip(" ")) <= indent:
            break
        offset += len(line) + 1
    return start + len(text[start : start + offset].rstrip("\n")) + 1


def _drop_block(text: str, opening: str, name: str) -> str:
    start = text.find("\n" + opening)
    if start == -1 or text.count("\n" + opening) != 1:
        raise SystemExit(f"revise.py: {name} is not in {SOURCE.name} once")
    start += 1
    end = _block_end(text, start)
    return text[:start] + text[end + 1 if text[end : end + 1] == "\n" else end :]  # and its blank line


def main() -> int:
    revised = revise(SOURCE.read_text(encoding="utf-8"))
    if len(sys.argv) > 1 and sys.argv[1] == "--check":
        return 0 if TARGET.exists() and TARGET.read_text(encoding="utf-8") == revised else 1
    TARGET.write_text(revised, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(HERE.parent.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
