"""The 督导报告 as Markdown: an overview of the district, then each street's 问题清单 first.

The same content as the HTML report (:mod:`protrules.report.html`), for a document to attach
or paste: the streets' standing, the streets × areas table, the ranking, the vetoes, the
programme's steps and what falls due; then for each street what fails, what lacks data and
what falls due — clause, reason, facts — and its per-area subtotals. Clauses that pass are
counted, not listed (the JSON result lists every rule).

Text from ledgers and rule files is escaped, so a fact value cannot add a link, an image, raw
HTML or a table cell to the document.
"""

from __future__ import annotations

import re

from protrules.evaluation.results import FAIL, NA, PASS, PENDING, STATUS_ZH, UNKNOWN, VERDICT_ZH, VERDICTS
from protrules.programme.due import Obligation
from protrules.programme.selection import Entry, Selection
from protrules.programme.selection_report import STAGE_TEXT
from protrules.report.diff import diff_markdown
from protrules.report.district import District, Problem, StreetPage
from protrules.report.render import MARKS

__all__ = ["markdown_report", "md"]

_STATUS_EN = {"meets": "meets", "fails": "fails", "vetoed": "vetoed", "incomplete": "incomplete"}
_GROUPS = {
    FAIL: "未通过 fail",
    UNKNOWN: "缺少数据 unknown",
    PENDING: "即将到期 falls due",
}
# CommonMark's inline punctuation that could start markup; `|` would end a table cell.
_SPECIAL = re.compile(r"([\\`*\[\]<|])")


def md(text: str) -> str:
    """Text as it reads, escaped for a Markdown line or table cell (no markup can start in it)."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def markdown_report(district: District) -> str:
    """The whole report: the overview, then a section per street, 问题清单 first."""
    lines = [f"# 督导报告：{md(district.title)}", ""]
    lines += _meta(district)
    if district.revision is not None:  # a report on a revision says first what changed
        lines += diff_markdown(district.revision)
    lines += _overview(district)
    for page in district.streets:
        lines += _street(page, district)
    if district.computed_with:
        lines += ["", "---", "", md(district.computed_with)]
    return "\n".join(lines).rstrip() + "\n"


def _meta(district: District) -> list[str]:
    lines = [f"**{md(line)}**  " for line in district.fictional]
    lines.append(f"评估基准日 as of: {district.as_of}  ")
    if district.source:
        lines.append(f"依据 source: {md(district.source)}  ")
    if district.parameters:
        lines.append(f"参数 parameters set for this evaluation: {md('; '.join(district.parameters))}  ")
    if district.assessment:
        title, start, end = district.assessment
        lines.append(f"评估期 assessment period: {md(title)}，{start} 至 {end}  ")
    lines.append(f"即将到期 horizon: {_horizon(district)}  ")
    lines.append("得分 score: 通过的条款 ÷ 适用的条款（每条权重见规则文件，负面清单与提示性条款不计分）")
    return [*lines, ""]


def _horizon(district: District) -> str:
    if district.until is None:
        return "全部未到期事项 every pending obligation"
    written = f"{md(district.horizon)}，" if district.horizon else ""
    return f"{written}至 {district.until}"


def _overview(district: District) -> list[str]:
    counts = district.statuses
    standing = "，".join(f"{STATUS_ZH[s]} {n}" for s, n in counts.items())
    lines = [
        "## 总览 overview",
        "",
        f"共 {len(district.streets)} 个{md(district.entity_word)}：{standing}。",
        "",
        "| 名称 entity | 结果 result | 得分 score | 未通过 fail | 缺少数据 unknown | 未到期 pending"
        " | 问题清单 problems |",
        "|---|---|---|---|---|---|---|",
    ]
    for page in district.streets:
        problems = ", ".join(p.rule for p in page.problems) or "—"
        lines.append(
            f"| {md(page.name)} | {STATUS_ZH[page.status]} | {page.score_text} | {page.counts[FAIL]} "
            f"| {page.counts[UNKNOWN]} | {page.counts[PENDING]} | {problems} |"
        )
    lines += ["", "### 分领域结果 by area", ""]
    lines.append("每格：该领域最差的结论及其条款数（✗ 未通过，? 缺少数据，… 未到期，✓ 全部通过）。")
    lines.append("")
    lines.append("| 名称 entity | " + " | ".join(f"{a} {md(t)}" for a, t in district.areas) + " |")
    lines.append("|---|" + "---|" * len(district.areas))
    for page in district.streets:
        tallies = {t.area: t for t in page.areas}
        cells = []
        for area, _ in district.areas:
            tally = tallies.get(area)
            if tally is None:
                cells.append("")
                continue
            mark = tally.worst
            cells.append(MARKS[mark] if mark in (PASS, NA) else f"{MARKS[mark]} {tally.counts[mark]}")
        lines.append(f"| {md(page.name)} | " + " | ".join(cells) + " |")
    lines += _ranking(district)
    lines += _vetoes(district)
    lines += _programme(district)
    lines += _due(district)
    return lines


def _ranking(district: District) -> list[str]:
    ranking = district.ranking
    cap = (
        f"至多命名 {ranking.cap} 个 at most {ranking.cap} named" if ranking.cap is not None else "不限 no cap"
    )
    selection = district.selection
    lines = [
        "",
        f"### 排名 ranking（{cap}）",
        "",
        "按得分排序，同分者未通过条款少者在前；一票否决者不参与排名。",
    ]
    if selection is not None:
        lines[-1] += (
            "只评估自愿申报的街镇；名额处并列的，由评审组评审决定，不按编号；公示期满无异议成立、"
            "公布命名后方为命名。"
        )
    head = "| # | 名称 entity | 得分 score | 未通过 failed | 结果 status | 命名 named |"
    if selection is not None:
        head = "| # | 名称 entity | 申报 applied | 得分 score | 未通过 failed | 结果 status | 进程 stage |"
    lines += ["", head, "|---" * head.count(" | ") + "|---|"]
    for place in ranking.places:
        position = str(place.position) if place.position is not None else "—"
        score = f"{place.score * 100:.1f}%" if place.score is not None else "-"
        named = "★ 命名" if place.named else ("不参与 excluded" if place.excluded else "")
        applied = ""
        entry = selection.entry(place.entity) if selection is not None else None
        if entry is not None:
            stage = STAGE_TEXT[entry.stage]
            named = str(stage) if stage is not None else ""
            applied = f" {entry.applied}{'（逾期 late）' if entry.late else ''} |"
        lines.append(
            f"| {position} | {md(place.name)} |{applied} {score} | {place.failed} | {STATUS_ZH[place.status]}"
            f" | {named} |"
        )
    if selection is None:
        named_names = "、".join(md(p.name) for p in ranking.named) or "无 none"
        return [*lines, "", f"命名 named: {named_names}"]
    return lines + _selection(selection)


def _place_order(entry: Entry) -> tuple[bool, int, str]:
    """The ranking's order: by position, the excluded last."""
    place = entry.place
    assert place is not None
    return (place.excluded, place.position or 0, entry.entity)


def _selection(selection: Selection) -> list[str]:
    """Below the ranking: who did not apply, each applicant's story, the candidates, the tie."""
    names = {e.entity: md(e.name) for e in selection.entries}

    def listed(ids: tuple[str, ...]) -> str:
        return "、".join(names.get(i, md(i)) for i in ids) or "无 none"

    lines = [""]
    absent = tuple(e.entity for e in selection.entries if e.stage == "not applied")
    if absent:
        lines += [f"未申报 not applied（不评估 not assessed）：{listed(absent)}", ""]
    ranked = sorted((e for e in selection.entries if e.place is not None), key=_place_order)
    lines += [f"- {md(e.name)}：{md(e.explanation)}" for e in ranked]
    lines += ["", f"候选 proposed: {listed(selection.proposed)}  "]
    if selection.tied:
        lines.append(
            f"待评审 tied for {selection.open_places} place(s)（由评审组决定 for the review panel）:"
            f" {listed(selection.tied)}  "
        )
    return [*lines, f"命名 named: {listed(selection.named)}"]


def _vetoes(district: District) -> list[str]:
    vetoed = [p for p in district.streets if p.vetoed_by]
    lines = ["", "### 一票否决 vetoes", ""]
    if not vetoed:
        return [*lines, "无 none."]
    for page in vetoed:
        hits = "；".join(
            f"{p.rule} {md(p.title)}" for p in page.problems if p.rule in page.vetoed_by
        ) or ", ".join(page.vetoed_by)
        lines.append(f"- {md(page.name)}：{hits}")
    return lines


def _programme(district: District) -> list[str]:
    if not district.steps:
        return []
    state = {"done": "已过 done", "today": "当日 today", "next": "下一步 next", "later": "未到 later"}
    if district.selection is not None:  # the district's own state on each step of its programme
        state = {"done": "已完成 done", "due": "待办 due", "overdue": "逾期 overdue"}
        lines = ["", "### 创建程序 programme", "", "| 期限 by | 步骤 step | 状态 state | 情况 detail |"]
        lines.append("|---|---|---|---|")
        for step in district.steps:
            lines.append(f"| {step.date} | {md(step.title)} | {state[step.state]} | {md(step.detail)} |")
        return lines
    lines = ["", "### 创建程序 programme", "", "| 日期 date | 步骤 step | 状态 state |", "|---|---|---|"]
    for step in district.steps:
        lines.append(f"| {step.date} | {md(step.title)} | {state[step.state]} |")
    return lines


def _due(district: District) -> list[str]:
    lines = ["", f"### 即将到期 falls due（{_horizon(district)}）", ""]
    if district.overdue:
        lines += [f"逾期 overdue: {district.overdue} 项，均列为未通过（见各问题清单）。", ""]
    if not district.due:
        return [*lines, "无 none."]
    lines += [
        "| 到期日 deadline | 名称 entity | 条款 rule | 情形 context | 剩余 left |",
        "|---|---|---|---|---|",
    ]
    for o in district.due:
        lines.append(
            f"| {o.deadline} | {md(o.entity_name)} | {o.rule} {md(o.title)} | {md(_context(o))} "
            f"| {o.days_left} 天 |"
        )
    return lines


def _context(obligation: Obligation) -> str:
    return "; ".join(obligation.context) or "—"


def _street(page: StreetPage, district: District) -> list[str]:
    lines = [
        "",
        f"## {md(page.name)}（{STATUS_ZH[page.status]} {_STATUS_EN[page.status]}，得分 {page.score_text}）",
        "",
    ]
    if page.vetoed_by:
        lines += [f"**一票否决 vetoed**：负面清单 {', '.join(page.vetoed_by)}", ""]
    counted = "，".join(f"{_GROUPS[v]} {len(page.problems_with(v))}" for v in (FAIL, UNKNOWN, PENDING))
    lines += [f"### 问题清单 problems（{counted}）", ""]
    if not page.problems:
        lines += [f"无 none：没有未通过或缺少数据的条款，{_by(district)}没有到期事项。", ""]
    number = 0
    for verdict in (FAIL, UNKNOWN, PENDING):
        group = page.problems_with(verdict)
        if not group:
            continue
        lines += [f"**{_GROUPS[verdict]}**", ""]
        for problem in group:
            number += 1
            lines += _problem(number, problem)
    lines += _areas(page)
    return lines


def _by(district: District) -> str:
    return f"至 {district.until} " if district.until is not None else ""


def _problem(number: int, problem: Problem) -> list[str]:
    where = f"{problem.area} {problem.area_title}".strip()
    if problem.item:
        where += f" → {problem.item} {problem.item_title}".rstrip()
    lines = [
        f"{number}. **{problem.rule} {md(problem.title)}** — {VERDICT_ZH[problem.verdict]} · {md(where)}"
    ]
    lines.append(f"   - 条款 clause：{md(problem.clause)}")
    lines.append(f"   - 理由 reason：{md(problem.reason)}")
    if problem.due is not None and problem.days_left is not None:
        left = f"剩余 {problem.days_left} 天" if problem.days_left >= 0 else f"已逾期 {-problem.days_left} 天"
        lines.append(f"   - 到期 due：{problem.due}（{left}）")
    if problem.facts:
        more = f"；另有 {problem.more_facts} 项" if problem.more_facts else ""
        lines.append(f"   - 依据 facts：{'；'.join(md(f) for f in problem.facts)}{more}")
    return [*lines, ""]


def _areas(page: StreetPage) -> list[str]:
    header = " | ".join(f"{VERDICT_ZH[v]} {v}" for v in VERDICTS)
    lines = [
        "### 分领域小计 per area",
        "",
        f"| 领域 area | 条款 rules | {header} | 待处理 open |",
        "|---|---|" + "---|" * len(VERDICTS) + "---|",
    ]
    totals = dict.fromkeys(VERDICTS, 0)
    for tally in page.areas:
        for verdict in VERDICTS:
            totals[verdict] += tally.counts[verdict]
        cells = " | ".join(str(tally.counts[v]) for v in VERDICTS)
        lines.append(
            f"| {tally.area} {md(tally.title)} | {tally.total} | {cells} | {', '.join(tally.open) or '—'} |"
        )
    cells = " | ".join(f"**{totals[v]}**" for v in VERDICTS)
    lines.append(f"| **合计 total** | **{sum(totals.values())}** | {cells} | |")
    return lines
