"""The words of the .prl language in both its dialects, English and Chinese: one table.

A rule file is written in one dialect. The English one is the grammar as written
(``grammar/prl.lark``); the Chinese one is the same grammar with every keyword spelled as this
table says (:mod:`protrules.language.dialects` derives it), so both dialects parse to the same
syntax tree and ``protrules fmt --dialect zh|en`` converts a file either way without loss. The
parser, the formatter, the editor's vocabulary (highlighting, completion) and the table in
``docs/language.md`` all read the words from here; a keyword the grammar has and this table
lacks stops the Chinese grammar from being built, so it cannot be forgotten.

The Chinese words follow the standards' own wording where they have one: 项目 → 内容 → 条文
(the standard's table), 每年 / 每季度, 届满 and 工作日 (民法典), 截至, 一票否决; the verdicts
and statuses are the words the reports use (通过, 未通过, 未到期, 缺少数据, 不适用; 达标 …).

Three kinds of word are here:

- :data:`KEYWORDS`, the grammar's keywords. A phrase of several English words (``for each``,
  ``is working day``) is one Chinese word (对每个, 为工作日). The words keep the English order,
  except ``within``: Chinese puts the date counted from first, as the Civil Code does
  (``x 在 d 之后 30个工作日 以内``; :data:`ZH_WITHIN`).
- :data:`UNITS`, a duration's units: spellings of a literal, not keywords. An English file may
  write them in either language (``30 days``, ``30天``), a Chinese file in Chinese.
- :data:`NAMES`, built-in names that the grammar reads as names: primitive types, ``as_of``,
  rule kinds, calendars. The built-in functions' Chinese names are in
  :mod:`protrules.language.functions`, beside their English ones.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

__all__ = [
    "DIALECTS",
    "GROUPS",
    "KEYWORDS",
    "NAMES",
    "UNITS",
    "ZH_WITHIN",
    "BuiltinName",
    "Keyword",
    "Unit",
    "keyword",
    "markdown",
    "unit_spelling",
]

#: The dialects of the language: English, Chinese.
DIALECTS = ("en", "zh")


@attrs.frozen
class Keyword:
    """A keyword (or a phrase of keywords the grammar writes one after another) in both dialects."""

    en: str  # as the grammar writes it, its words one space apart
    zh: str
    group: str  # where it is used, for the table in docs/language.md


@attrs.frozen
class Unit:
    """A unit of a duration literal: how each dialect writes it."""

    name: str  # the unit of protrules.calendar.durations.Duration
    en: tuple[str, str]  # singular, plural
    zh: tuple[str, ...]  # the canonical spelling first, then the others a file may use


@attrs.frozen
class BuiltinName:
    """A built-in name that the grammar reads as a name (a type, ``as_of``, a rule kind …)."""

    en: str
    zh: str
    group: str  # "type", "value", "kind", "calendar"


#: The groups of :data:`KEYWORDS`, in the order docs/language.md shows them.
GROUPS: Mapping[str, str] = {
    "declaration": "declarations",
    "setting": "settings of the header, rules and notices",
    "statement": "statements",
    "expression": "expressions",
    "calendar": "calendar tests (`x is working day`)",
    "unit": "units of `for each`",
    "tests": "tests beside the rules",
    "verdict": "verdicts and statuses",
}

KEYWORDS: tuple[Keyword, ...] = (
    # declarations
    Keyword("standard", "标准", "declaration"),
    Keyword("enum", "枚举", "declaration"),
    Keyword("fact", "台账", "declaration"),
    Keyword("known from", "知悉自", "declaration"),
    Keyword("parameter", "参数", "declaration"),
    Keyword("lookup", "对照表", "declaration"),
    Keyword("from", "自", "declaration"),
    Keyword("source", "来源", "declaration"),
    Keyword("period", "期间", "declaration"),
    Keyword("date", "日期", "declaration"),
    Keyword("dates", "日期组", "declaration"),
    Keyword("vacation", "寒暑假", "declaration"),
    Keyword("notice", "通知", "declaration"),
    Keyword("define", "定义", "declaration"),
    Keyword("area", "项目", "declaration"),
    Keyword("item", "内容", "declaration"),
    Keyword("rule", "规则", "declaration"),
    Keyword("programme", "创建程序", "declaration"),
    # settings
    Keyword("title", "标题", "setting"),
    Keyword("version", "版本", "setting"),
    Keyword("calendar", "日历", "setting"),
    Keyword("assessment", "评估期间", "setting"),
    Keyword("cap", "命名上限", "setting"),
    Keyword("entity", "评估对象", "setting"),
    Keyword("application", "自愿申报", "setting"),
    Keyword("publicity", "公示", "setting"),
    Keyword("naming", "公布命名", "setting"),
    Keyword("kind", "类型", "setting"),
    Keyword("weight", "权重", "setting"),
    Keyword("clause", "条文", "setting"),
    Keyword("note", "说明", "setting"),
    Keyword("off", "放假", "setting"),
    Keyword("work", "上班", "setting"),
    Keyword("statutory", "法定节假日", "setting"),
    # statements
    Keyword("let", "设", "statement"),
    Keyword("require", "要求", "statement"),
    Keyword("by", "截至", "statement"),
    Keyword("advise", "建议", "statement"),
    Keyword("applies when", "适用条件", "statement"),
    Keyword("for each", "对每个", "statement"),
    Keyword("in", "属于", "statement"),
    Keyword("of", "属于", "statement"),
    Keyword("where", "满足", "statement"),
    # expressions
    Keyword("as", "记为", "expression"),
    Keyword("if", "如果", "expression"),
    Keyword("then", "那么", "expression"),
    Keyword("else", "否则", "expression"),
    Keyword("or", "或", "expression"),
    Keyword("and", "且", "expression"),
    Keyword("not", "非", "expression"),
    Keyword("not in", "不属于", "expression"),
    Keyword("within", "在", "expression"),
    Keyword("after", "之后", "expression"),
    Keyword("at", "于", "expression"),
    Keyword("true", "是", "expression"),
    Keyword("false", "否", "expression"),
    # calendar tests: `x is working day`
    Keyword("is working day", "为工作日", "calendar"),
    Keyword("is rest day", "为休息日", "calendar"),
    Keyword("is statutory holiday", "为法定节假日", "calendar"),
    Keyword("is in vacation", "在寒暑假内", "calendar"),
    Keyword("is in holiday", "在节假日内", "calendar"),
    Keyword("is set", "已填写", "calendar"),
    Keyword("is missing", "未填写", "calendar"),
    # the units of `for each quarter q of 评估期`
    Keyword("year", "年", "unit"),
    Keyword("half year", "半年", "unit"),
    Keyword("quarter", "季度", "unit"),
    Keyword("month", "月", "unit"),
    Keyword("week", "周", "unit"),
    Keyword("day", "日", "unit"),
    Keyword("holiday", "节假日", "unit"),
    # tests beside the rules
    Keyword("test", "测试", "tests"),
    Keyword("facts", "台账", "tests"),
    Keyword("as_of", "评估日", "tests"),
    Keyword("expect", "预期", "tests"),
    Keyword("expect status", "预期结果", "tests"),
    # verdicts and statuses (the reports' words)
    Keyword("pass", "通过", "verdict"),
    Keyword("fail", "未通过", "verdict"),
    Keyword("pending", "未到期", "verdict"),
    Keyword("unknown", "缺少数据", "verdict"),
    Keyword("n/a", "不适用", "verdict"),
    Keyword("meets", "达标", "verdict"),
    Keyword("fails", "不达标", "verdict"),
    Keyword("vetoed", "一票否决", "verdict"),
    Keyword("incomplete", "待定", "verdict"),
)

#: ``subject within duration after anchor`` in Chinese: ``subject 在 anchor 之后 duration 以内``.
#: The grammar rule (``-> within``) is written in this order in the Chinese grammar; 以内 is the
#: one word the English has no word for.
ZH_WITHIN = 'range_expr "在" range_expr "之后" sum "以内"'
#: The word that closes ``within`` in Chinese.
ZH_WITHIN_END = "以内"

UNITS: tuple[Unit, ...] = (
    Unit("working_days", ("working day", "working days"), ("个工作日", "工作日")),
    Unit("days", ("day", "days"), ("天", "日")),
    Unit("weeks", ("week", "weeks"), ("周",)),
    Unit("months", ("month", "months"), ("个月", "月")),
    Unit("quarters", ("quarter", "quarters"), ("个季度", "季度")),
    Unit("years", ("year", "years"), ("年",)),
    Unit("hours", ("hour", "hours"), ("小时", "个小时")),
    Unit("minutes", ("minute", "minutes"), ("分钟",)),
)

NAMES: tuple[BuiltinName, ...] = (
    BuiltinName("text", "文本", "type"),
    BuiltinName("integer", "整数", "type"),
    BuiltinName("decimal", "小数", "type"),
    BuiltinName("percentage", "百分比", "type"),
    BuiltinName("boolean", "是否", "type"),
    BuiltinName("date", "日期", "type"),
    BuiltinName("duration", "时长", "type"),
    BuiltinName("as_of", "评估日", "value"),
    BuiltinName("required", "必达", "kind"),
    BuiltinName("assessed", "评定", "kind"),
    BuiltinName("veto", "否决", "kind"),
    BuiltinName("advisory", "倡导", "kind"),
    BuiltinName("china", "中国", "calendar"),
)

_BY_EN: Mapping[str, Keyword] = {k.en: k for k in KEYWORDS}
_UNITS: Mapping[str, Unit] = {u.name: u for u in UNITS}


def keyword(en: str, dialect: str) -> str:
    """A keyword (or phrase) as ``dialect`` spells it; ``en`` as the grammar writes it."""
    if dialect == "en":
        return en
    return _BY_EN[en].zh


def unit_spelling(unit: str, amount: int, dialect: str) -> str:
    """A duration's amount and unit as ``dialect`` writes it canonically: ``30 working days``,
    ``1 day``; ``30个工作日``, ``1天``."""
    spelled = _UNITS[unit]
    if dialect == "en":
        return f"{amount} {spelled.en[0] if amount == 1 else spelled.en[1]}"
    return f"{amount}{spelled.zh[0]}"


def markdown() -> str:
    """The table of both spellings as docs/language.md shows it (a test keeps the page equal
    to it; ``PROTRULES_UPDATE_GOLDEN=1 pytest tests/test_dialects.py`` writes it there)."""
    from protrules.language.functions import FUNCTIONS

    lines: list[str] = []
    for group, title in GROUPS.items():
        words = [k for k in KEYWORDS if k.group == group]
        lines += [f"**{title.capitalize()}**", "", "| English | 中文 |", "|---|---|"]
        lines += [f"| `{k.en}` | `{k.zh}` |" for k in words]
        if group == "expression":
            within, after = _BY_EN["within"].zh, _BY_EN["after"].zh
            lines.append(f"| `x within D after d` | `x {within} d {after} D {ZH_WITHIN_END}` |")
        lines.append("")
    lines += ["**Built-in functions**", "", "| English | 中文 |", "|---|---|"]
    lines += [f"| `{f.name}` | `{f.zh}` |" for f in FUNCTIONS.values()]
    lines += ["", "**Types, `as_of`, rule kinds, calendars**", "", "| English | 中文 |", "|---|---|"]
    lines += [f"| `{name.en}` | `{name.zh}` |" for name in NAMES]
    lines += [
        "",
        "**Units of a duration** (the first Chinese spelling is the one `fmt --dialect zh` writes)",
        "",
    ]
    lines += ["| English | 中文 |", "|---|---|"]
    for unit in UNITS:
        lines.append(f"| `{unit.en[0]}`, `{unit.en[1]}` | {', '.join(f'`{z}`' for z in unit.zh)} |")
    return "\n".join(lines) + "\n"
