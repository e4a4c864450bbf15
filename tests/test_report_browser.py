"""The HTML report in a real browser: headless Chromium loads it, shows it, prints it.

The page must load without a console error, an uncaught exception or a failed resource, and
without a single request beyond the file itself (it is self-contained); the overview and the
street pages must be there as the browser parsed them; printed, it must be A4 with every
street on a page of its own. Screenshots of the overview and of a street page are kept in
``tests/out/report-browser/`` (git-ignored) for a person to look at.

Needs Debian's ``chromium`` (``.ci/run`` installs it) or ``PROTRULES_CHROMIUM``; without a
browser these tests are skipped, saying so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from protrules.cli.main import main
from tests.browser import Browser, Page, find_chromium

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).parent / "out" / "report-browser"
CHROMIUM = find_chromium()

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium to render the HTML report: install Debian's chromium package (.ci/run does)"
    " or set PROTRULES_CHROMIUM to a Chromium or Chrome binary",
)


@pytest.fixture(scope="module")
def report_file() -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "changning.html"
    rules, facts = ROOT / "rules/changning_2023.prl", ROOT / "examples/changning"
    assert main(["report", "--lang", "zh", str(rules), str(facts), "-o", str(path)]) == 1
    return path


@pytest.fixture(scope="module")
def page(report_file: Path) -> Iterator[Page]:
    assert CHROMIUM is not None
    with Browser(CHROMIUM) as browser:
        yield browser.open(report_file.as_uri(), width=1200, height=900)


def test_the_report_loads_without_errors_or_network(page: Page, report_file: Path) -> None:
    assert page.console_errors == []
    assert page.requests == [report_file.as_uri()]
    assert page.evaluate("document.scripts.length") == 0
    assert page.evaluate("document.title").startswith(
        "督导报告：长宁区未成年人保护示范街道（镇）创建达标体系"
    )


def test_the_overview_and_the_street_pages_are_shown(page: Page) -> None:
    overview = page.evaluate(
        "(() => { const r = document.querySelector('#overview').getBoundingClientRect();"
        " return [r.width, r.height]; })()"
    )
    assert overview[0] > 600 and overview[1] > 600
    assert page.evaluate("document.querySelectorAll('#heat-map svg g.cell').length") == 10 * 11
    assert page.evaluate("document.querySelectorAll('main > section.street').length") == 10
    heading = page.evaluate("document.querySelector('#street-hongqiao h2').textContent")
    assert heading.startswith("虹桥街道")
    problems = page.evaluate(
        "[...document.querySelectorAll('#street-hongqiao article.problem h5')].map(h => h.textContent)"
    )
    assert [p.split()[0] for p in problems] == ["2.1.3", "2.1.4", "3.2.1", "10.1.3"]
    # the trace is folded: in the page, not shown until asked for
    trace = "document.querySelector('#street-hongqiao details.trace"
    assert page.evaluate(f"{trace} pre').checkVisibility()") is False
    assert page.evaluate(f"({trace}').open = true, {trace} pre').checkVisibility())") is True
    assert "检查 1" in page.evaluate(f"{trace} pre').innerText")
    # the heat map's cells link to the street pages
    assert page.evaluate("document.querySelector('#heat-map a').getAttribute('href')") == "#street-beixinjing"


def test_screenshots_are_kept_for_review(page: Page) -> None:
    shots = [
        page.screenshot(OUT / "overview.png", height=1800),
        page.screenshot(OUT / "street-hongqiao.png", selector="#street-hongqiao", height=1800),
    ]
    for shot in shots:
        data = shot.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000, shot
    print(f"screenshots for review: {', '.join(str(s) for s in shots)}")


def test_it_prints_as_an_a4_report_a_street_to_a_page(page: Page) -> None:
    pdf = page.pdf()
    (OUT / "changning.pdf").write_bytes(pdf)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert boxes, "no pages"
    for width, height in boxes:  # A4: 210 × 297 mm = 595 × 842 points
        assert abs(float(width) - 595.3) < 1 and abs(float(height) - 841.9) < 1
    # the overview's pages, then each of the ten streets starts a page of its own
    assert len(boxes) >= 1 + 10
