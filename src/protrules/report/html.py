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
from decimal import Decimal
from typing import Any

import attrs
import jinja2
from markupsafe import Markup

from protrules._version import __version__
from protrules.evaluation.labels import KIND_WORD, STATUS_WORD, VERDICT_WORD
from protrules.evaluation.results import NA, PASS, VERDICTS
from protrules.i18n import Message, gettext_for, joined, msg
from protrules.output import display_width
from protrules.report.diff import tables
from protrules.report.district import District
from protrules.report.labels import (
    GROUPS,
    LABELS,
    PROGRAMME_STATE,
    STAGE,
    STEP_STATE,
    applicants_only,
    day,
    horizon_text,
    no_problems,
    not_applied_line,
    overdue_line,
)
from protrules.report.render import MARKS

__all__ = ["HeatMap", "heat_map", "html_report", "street_anchor"]

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
    """Lay out the heat map: one row per street, one column per area of the standard; the
    cells' tooltips in the report's language."""
    lang = district.lang
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
            counts = joined(
                msg("{verdict} {n}", verdict=VERDICT_WORD[v], n=n) for v, n in tally.counts.items() if n
            )
            tooltip = msg("{entity} · {area} {title}: {counts}", entity=page.name, area=area, title=title,
                          counts=counts)  # fmt: skip
            cells.append(HeatCell(label_width + i * (_CELL_W + _GAP), y, verdict, text, tooltip.render(lang)))
        rows.append(HeatRow(y, page.name, "#" + street_anchor(page.entity), tuple(cells)))
    width = label_width + len(district.areas) * (_CELL_W + _GAP)
    height = _HEAD + len(district.streets) * (_CELL_H + _GAP)
    return HeatMap(width, height, label_width, _CELL_W, _CELL_H, columns, tuple(rows))


def _environment(lang: str) -> jinja2.Environment:
    """The template's environment in ``lang``: Jinja2's i18n extension reads the project's
    catalogue (``_()`` and ``ngettext()`` in the template, %-style fields), and ``say`` renders
    the Python side's messages in the same language."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("protrules.report", "templates"),
        autoescape=True,  # every value is text: a fact can never inject markup
        undefined=jinja2.StrictUndefined,  # a misspelt field is an error, not an empty cell
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(gettext_for(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters["percent"] = _percent
    env.filters["bar"] = _bar
    env.filters["anchor"] = street_anchor
    env.filters["say"] = lambda message: "" if message is None else Message.render(message, lang)
    env.filters["day"] = lambda value: day(value, lang)
    env.globals.update(
        t=LABELS,
        lang=lang,
        applicants_only=applicants_only,
        overdue_line=overdue_line,
        no_problems=no_problems,
        not_applied_line=not_applied_line,
        html_lang="zh-CN" if lang == "zh" else "en",
        status_word=STATUS_WORD,
        verdict_word=VERDICT_WORD,
        kind_word=KIND_WORD,
        marks=MARKS,
        groups=GROUPS,
        step_state=STEP_STATE,
        programme_state=PROGRAMME_STATE,
        stage=STAGE,
        verdicts=VERDICTS,
        version=__version__,
    )
    return env


_ENV: dict[str, jinja2.Environment] = {}


def _template(name: str, lang: str) -> jinja2.Template:
    if lang not in _ENV:
        _ENV[lang] = _environment(lang)
    return _ENV[lang].get_template(name)


def _percent(score: Decimal | None) -> str:
    return "-" if score is None else f"{score * 100:.1f}%"


def _bar(score: Decimal | None) -> str:
    """A score as the width of its bar, 0–100, with one decimal (deterministic text)."""
    return "0" if score is None else f"{score * 100:.1f}"


def html_report(district: District) -> str:
    """The whole report as one HTML document in the district's language (``District.lang``):
    UTF-8 text, the same bytes for the same input."""
    lang = district.lang
    css = _template("report.css", lang).render()
    selection = district.selection
    context: dict[str, Any] = {
        "d": district,
        "horizon": horizon_text(district.until, district.horizon, lang),
        "entries": {e.entity: e for e in selection.entries} if selection is not None else {},
        "css": Markup(css),  # the package's own stylesheet, not data
        "heat": heat_map(district),
        "revision": tables(district.revision, lang) if district.revision is not None else None,
    }
    return _template("report.html.j2", lang).render(context)
