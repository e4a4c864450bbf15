"""The 督导报告 as one self-contained HTML file: an overview to look at, a page per street.

One file with its CSS and charts (SVG) inline: no network, no script, readable in any browser
and printable as an A4 report (print styles start each street on a new page and leave the
folded traces out). The page is written by a Jinja2 template with autoescaping on, so every
value from a ledger or a rule file is text in the page and can never become markup.

The charts are laid out here, in Python, and the template only draws them: the streets ×
areas heat map (each cell the worst verdict of that area's rules, linked to the street's
page) and a score bar for each street in the ranking.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs
import jinja2
from markupsafe import Markup

from protrules._version import __version__
from protrules.evaluation.results import FAIL, NA, PASS, PENDING, STATUS_ZH, UNKNOWN, VERDICT_ZH, VERDICTS
from protrules.output import display_width
from protrules.programme.selection_report import STAGE_TEXT
from protrules.report.diff import Tables, tables
from protrules.report.district import District
from protrules.report.render import MARKS

__all__ = ["LABELS", "HeatMap", "heat_map", "html_report", "street_anchor"]

#: Every heading and label of the page, Chinese first with its English gloss: the one place a
#: message catalogue replaces.
LABELS: Mapping[str, tuple[str, str]] = {
    "report": ("督导报告", "supervision report"),
    "as_of": ("评估基准日", "as of"),
    "source": ("依据", "source"),
    "parameters": ("参数", "parameters set for this evaluation"),
    "revision": ("修订比较", "changes from an earlier version"),
    "assessment": ("评估期", "assessment period"),
    "horizon": ("即将到期", "falls due"),
    "contents": ("目录", "contents"),
    "overview": ("总览", "overview"),
    "heat_map": ("分领域结果", "streets × areas"),
    "ranking": ("排名", "ranking"),
    "vetoes": ("一票否决", "vetoes"),
    "programme": ("创建程序", "programme"),
    "due": ("即将到期", "falls due next"),
    "problems": ("问题清单", "problems"),
    "areas": ("分领域小计", "per area"),
    "all_rules": ("全部条款", "every clause"),
    "clause": ("条款", "clause"),
    "reason": ("理由", "reason"),
    "facts": ("依据", "facts"),
    "trace": ("推理过程", "explain"),
    "deadline": ("到期日", "deadline"),
    "entity": ("名称", "entity"),
    "rule": ("条款", "rule"),
    "context": ("情形", "context"),
    "left": ("剩余", "days left"),
    "score": ("得分", "score"),
    "status": ("结果", "status"),
    "failed": ("未通过", "failed"),
    "named": ("命名", "named"),
    "applied": ("申报", "applied"),
    "stage": ("进程", "stage"),
    "step": ("步骤", "step"),
    "date": ("日期", "date"),
    "total": ("合计", "total"),
    "open": ("待处理", "open"),
    "note": ("解释", "note"),
}
_STEP_STATE = {"done": "已过", "today": "当日", "next": "下一步", "later": "未到"}
#: A step of a programme the rule file declares: the district's own state on it.
_PROGRAMME_STATE = {"done": "已完成", "due": "待办", "overdue": "逾期"}
_GROUPS = {FAIL: "未通过", UNKNOWN: "缺少数据", PENDING: "即将到期"}

# Heat-map geometry, in SVG user units (pixels at 100 %).
_CELL_W, _CELL_H, _GAP, _HEAD, _CHAR = 46, 22, 2, 26, 7


def street_anchor(entity: str) -> str:
    """The page anchor of a street: ``street-`` and its id, percent-encoded (ids are free text)."""
    return "street-" + urllib.parse.quote(entity, safe="")


@attrs.frozen
class HeatCell:
    x: int
    y: int
    verdict: str
    text: str  # the mark and the count of rules with the worst verdict: "✗ 2"; "✓"
    title: str  # the tooltip: street, area, every count


@attrs.frozen
class HeatRow:
    y: int
    name: str
    href: str
    cells: tuple[HeatCell, ...]


@attrs.frozen
class HeatMap:
    """The streets × areas chart, laid out: rows of cells under a row of area labels."""

    width: int
    height: int
    label_width: int
    cell_width: int
    cell_height: int
    columns: tuple[tuple[int, str, str], ...]  # (x of the column's centre, area id, area title)
    rows: tuple[HeatRow, ...]


def heat_map(district: District) -> HeatMap:
    """Lay out the heat map: one row per street, one column per area of the standard."""
    label_width = max([display_width(p.name) for p in district.streets] + [8]) * _CHAR + 12
    columns = tuple(
        (label_width + i * (_CELL_W + _GAP) + _CELL_W // 2, area, title)
        for i, (area, title) in enumerate(district.areas)
    )
    rows = []
    for r, page in enumerate(district.streets):
        y = _HEAD + r * (_CELL_H + _GAP)
        tallies = {t.area: t for t in page.areas}
        cells = []
        for i, (area, title) in enumerate(district.areas):
            tally = tallies.get(area)
            if tally is None:
                continue
            verdict = tally.worst
            text = MARKS[verdict] if verdict in (PASS, NA) else f"{MARKS[verdict]} {tally.counts[verdict]}"
            counts = "，".join(f"{VERDICT_ZH[v]} {n}" for v, n in tally.counts.items() if n)
            cells.append(
                HeatCell(
                    label_width + i * (_CELL_W + _GAP),
                    y,
                    verdict,
                    text,
                    f"{page.name} · {area} {title}：{counts}",
                )
            )
        rows.append(HeatRow(y, page.name, "#" + street_anchor(page.entity), tuple(cells)))
    width = label_width + len(district.areas) * (_CELL_W + _GAP)
    height = _HEAD + len(district.streets) * (_CELL_H + _GAP)
    return HeatMap(width, height, label_width, _CELL_W, _CELL_H, columns, tuple(rows))


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("protrules.report", "templates"),
        autoescape=True,  # every value is text: a fact can never inject markup
        undefined=jinja2.StrictUndefined,  # a misspelt field is an error, not an empty cell
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["percent"] = _percent
    env.filters["bar"] = _bar
    env.filters["anchor"] = street_anchor
    env.globals.update(
        t=LABELS,
        status_zh=STATUS_ZH,
        verdict_zh=VERDICT_ZH,
        marks=MARKS,
        groups=_GROUPS,
        step_state=_STEP_STATE,
        programme_state=_PROGRAMME_STATE,
        stage_text=STAGE_TEXT,
        verdicts=VERDICTS,
        version=__version__,
    )
    return env


_ENV: jinja2.Environment | None = None


def _template(name: str) -> jinja2.Template:
    global _ENV
    if _ENV is None:
        _ENV = _environment()
    return _ENV.get_template(name)


def _percent(score: Decimal | None) -> str:
    return "-" if score is None else f"{score * 100:.1f}%"


def _bar(score: Decimal | None) -> str:
    """A score as the width of its bar, 0–100, with one decimal (deterministic text)."""
    return "0" if score is None else f"{score * 100:.1f}"


def html_report(district: District) -> str:
    """The whole report as one HTML document (UTF-8 text, the same bytes for the same input)."""
    css = _template("report.css").render()
    selection = district.selection
    context: dict[str, Any] = {
        "d": district,
        "entries": {e.entity: e for e in selection.entries} if selection is not None else {},
        "css": Markup(css),  # the package's own stylesheet, not data
        "heat": heat_map(district),
        "revision": tables(district.revision) if district.revision is not None else None,
        "revision_heads": Tables,
    }
    return _template("report.html.j2").render(context)
