"""``protrules report``: the 督导报告 as HTML and Markdown.

The HTML is read back with an HTML parser (BeautifulSoup over Python's own), never matched as
a string: its structure (overview, heat map, ranking, vetoes, programme, what falls due, a page
per street with its 问题清单 first), that it is self-contained (no script, no external
resource) and that no value from a ledger can become markup. Goldens pin both formats.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from protrules.cli.main import main
from tests.goldens import compare

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden" / "report"
RULES, DEMO = "rules/example.prl", "examples/demo/"
CN_RULES, CN = "rules/changning_2023.prl", "examples/changning/"
STREETS = 10


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def report(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["report", *args])
    out, err = capsys.readouterr()
    assert err == ""
    return code, out


@pytest.fixture(scope="module")
def changning(tmp_path_factory: pytest.TempPathFactory) -> BeautifulSoup:
    path = tmp_path_factory.mktemp("report") / "督导报告.html"
    assert main(["report", "--lang", "zh", CN_RULES, CN, "-o", str(path)]) == 1
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def changning_en(tmp_path_factory: pytest.TempPathFactory) -> BeautifulSoup:
    path = tmp_path_factory.mktemp("report") / "report.html"
    assert main(["report", "--lang", "en", CN_RULES, CN, "-o", str(path)]) == 1
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def one(soup: BeautifulSoup | Tag, selector: str) -> Tag:
    found = soup.select(selector)
    assert len(found) == 1, f"{selector}: {len(found)} elements"
    return found[0]


def text(tag: Tag) -> str:
    return " ".join(tag.get_text(" ").split())


def test_the_report_is_one_self_contained_page(changning: BeautifulSoup) -> None:
    assert changning.select("script, link, iframe, object, embed, img") == []
    assert one(changning, "html")["lang"] == "zh-CN"
    assert one(changning, "meta[charset]")["charset"] == "utf-8"
    style = one(changning, "head style").get_text()
    assert "@page" in style and "A4" in style and "@media print" in style
    assert not re.search(r"url\(|@import", style)
    for tag in changning.find_all(href=True):  # every link stays inside the page
        assert tag["href"].startswith("#"), tag
        assert changning.find(id=tag["href"][1:]) is not None, f"no target for {tag['href']}"


def test_the_overview_heat_map_has_a_cell_per_street_and_area(changning: BeautifulSoup) -> None:
    overview = one(changning, "section#overview")
    assert "达标" in text(one(overview, "ul.tiles"))
    heat = one(overview, "svg.heat")
    rows = heat.select("a")
    assert len(rows) == STREETS
    areas = ["".join(t.find_all(string=True, recursive=False)) for t in heat.select("text.col")]
    assert areas == ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "N"]
    hongqiao = next(r for r in rows if text(one(r, "text.row")) == "虹桥街道")
    assert hongqiao["href"] == "#street-hongqiao"
    cells = hongqiao.select("g.cell")
    assert len(cells) == len(areas)
    verdicts = [c["class"][1] for c in cells]
    assert verdicts == ["v-pass", "v-fail", "v-fail"] + ["v-pass"] * 6 + ["v-fail", "v-pass"]
    assert one(cells[1], "text").get_text() == "✗ 2"  # 2.1.3 and 2.1.4 fail in area 2
    assert "组织领导" in text(one(cells[1], "title"))


def test_the_ranking_ranks_the_applicants_and_excludes_the_vetoed_street(changning: BeautifulSoup) -> None:
    # The programme assesses only the 8 streets that applied, and on 2024-03-31 names none: four
    # tie at the cap for the review panel, and naming comes after the candidate list's publicity
    # (docs/domain.md, “The programme”).
    rows = one(changning, "section#ranking table.ranking").select("tbody tr")
    assert len(rows) == 8
    named = [text(r.select("td")[1]) for r in rows if "named" in r.get("class", [])]
    assert named == []
    assert [text(r.select("td")[0]) for r in rows[:4]] == ["1"] * 4  # tied: one position
    last = rows[-1]
    assert "excluded" in last["class"] and text(last.select("td")[1]) == "程家桥街道"
    bars = [r.select_one("svg.bar rect.fill") for r in rows]
    assert bars[0] is not None and bars[0]["width"] == "100.0"
    vetoes = one(changning, "section#vetoes")
    assert "程家桥街道" in text(vetoes) and "N.1" in text(vetoes)


def test_the_programme_steps_and_what_falls_due(changning: BeautifulSoup) -> None:
    # Each step of the programme says what the district has done on it as of 2024-03-31: the
    # applications and the assessment are done; 公示 waits for the review panel's decision on
    # the tie at the cap; nobody is named yet.
    steps = one(changning, "section#programme").select("li.step")
    states = [(s.time["datetime"], s["class"][1]) for s in steps]
    assert states == [
        ("2023-04-30", "done"),
        ("2024-03-31", "done"),
        ("2024-04-30", "due"),
        ("2024-05-31", "due"),
    ]
    details = [text(one(s, ".detail")) for s in steps]
    assert details[0] == "8 个申报（1 个逾期申报：tianshan）"
    assert "评审" in details[2] and details[3] == "尚未命名"
    assert steps[0].time.get_text() == "2023年4月30日"  # as an official writes a date
    due = one(changning, "section#due")
    assert "逾期" in text(due)
    # the streets that did not apply owe nothing under the programme: said once, not listed
    assert text(one(due, "p.not-applied")) == "未申报，不承担创建程序下的义务：北新泾街道、江苏路街道"
    assert text(one(due, "p.overdue")).startswith("逾期：15 项")  # 18 with 江苏路街道's three


def test_the_ranking_says_who_applied_and_how_far_each_came(changning: BeautifulSoup) -> None:
    ranking = one(changning, "section#ranking")
    rows = {text(r.select("td")[1]): r for r in ranking.select("table.ranking tbody tr")}
    assert text(rows["天山路街道"].select("td")[2]) == "2023年5月8日 逾期"  # applied late: flagged
    assert text(rows["华阳路街道"].select("td")[-1]) == "待评审"
    assert text(rows["程家桥街道"].select("td")[-1]) == "一票否决"
    assert [a.get_text() for a in one(ranking, "p.absent").select("a")] == ["北新泾街道", "江苏路街道"]
    assert "华阳路街道、天山路街道、新华路街道、新泾镇" in text(one(ranking, "p.tied"))


def test_the_report_says_the_example_is_fictional(changning: BeautifulSoup) -> None:
    line = text(one(changning, "header.cover p.fictional"))
    assert line.startswith("示例数据（虚构）：全部对象 — 虚构示例数据")


def test_each_street_page_leads_with_its_problems(changning: BeautifulSoup) -> None:
    streets = changning.select("main > section.street")
    assert len(streets) == STREETS
    page = one(changning, "section#street-hongqiao")
    assert text(one(page, "header h2")).startswith("虹桥街道")
    sections = [s["class"][0] for s in page.find_all("section", recursive=False)]
    assert sections == ["problems", "areas"]  # the 问题清单 first
    problems = page.select("article.problem")
    assert [p["id"].rsplit("-", 1)[1] for p in problems] == ["2.1.3", "2.1.4", "3.2.1", "10.1.3"]
    assert [p["class"][1] for p in problems] == ["v-fail"] * 4
    unknowns = one(changning, "section#street-beixinjing").select("article.problem")
    assert {p["class"][1] for p in unknowns} == {"v-unknown"}
    first = problems[0]
    assert "召开两次会议" in text(one(first, "blockquote"))  # the clause
    assert text(one(first, "dd.reason"))  # the reason
    trace = one(first, "details.trace")
    assert "open" not in trace.attrs  # folded
    assert "检查 1" in one(trace, "pre").get_text()  # the 督导报告 explains in Chinese
    tally = one(page, "table.tally")
    assert text(tally.select("tfoot td")[0]) == "80"


def test_a_street_without_problems_says_so(changning: BeautifulSoup) -> None:
    page = one(changning, "section#street-huayang")
    assert page.select("article.problem") == []
    assert "无" in text(one(page, "section.problems p.none"))


def _hostile_ledger(tmp_path: Path) -> Path:
    data = json.loads((ROOT / "examples" / "demo" / "xingxing.json").read_text(encoding="utf-8"))
    data["entity"]["name"] = '星星站"><script>alert(1)</script>'
    data["judgements"] = [
        {"rule": "2.2.2", "verdict": "fail", "by": "<b>评估组</b>", "date": "2024-03-20",
         "note": "<img src=x onerror=alert(2)>&amp; [link](http://x)"}
    ]  # fmt: skip
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_no_value_from_a_ledger_can_become_markup(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, html = report(capsys, "--lang", "zh", RULES, str(_hostile_ledger(tmp_path)))
    assert code == 1
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select("script, img") == []
    assert '星星站"><script>alert(1)</script>' in text(one(soup, "section.street header h2"))
    problem = one(soup, "article.problem[id$='-2.2.2']")
    reason = text(one(problem, "dd.reason"))
    assert "<b>评估组</b>于2024年3月20日评定为未通过" in reason
    assert "<img src=x onerror=alert(2)>&amp;" in reason
    assert "<img src=x" in one(problem, "details.trace pre").get_text()
    assert all(b.get_text() != "评估组" for b in soup.select("b"))
    code, markdown = report(capsys, "--lang", "zh", RULES, str(_hostile_ledger(tmp_path)), "-f", "markdown")
    assert not re.search(r"(?<!\\)[<\[]", markdown), "an unescaped < or [ could start markup"
    assert r"\<script>alert(1)\</script>" in markdown and r"\[link\](http://x)" in markdown


def test_the_same_input_gives_the_same_bytes(capsys: pytest.CaptureFixture[str]) -> None:
    first = report(capsys, CN_RULES, CN)[1]
    assert report(capsys, CN_RULES, CN, "--jobs", "2")[1] == first


def test_golden_html_and_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    args = (RULES, DEMO, "--as-of", "2023-09-30", "--within", "4 months")
    compare(GOLDEN / "demo-report.html", report(capsys, *args)[1])  # English: the test's locale
    compare(GOLDEN / "demo-report.md", report(capsys, *args, "-f", "markdown")[1])
    compare(GOLDEN / "demo-report.zh.html", report(capsys, "--lang", "zh", *args)[1])
    compare(GOLDEN / "demo-report.zh.md", report(capsys, "--lang", "zh", *args, "-f", "markdown")[1])


#: Where the report's own words are: headings, labels, column heads, folds (not the ledgers' data).
WORDS = ", ".join(
    ("h2", "section > h3", "h4", "dl.meta dt", "details > summary", "table.ranking th", "table.due th",
     "table.tally thead th")
)  # fmt: skip
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _words(soup: BeautifulSoup) -> list[str]:
    out = []
    for tag in soup.select(WORDS):
        for aside in tag.select(".aside, .id"):  # an aside holds data too (a date, a street id)
            aside.extract()
        if not tag.find_parent("section", class_="street") or tag.name != "h2":  # a street's name
            out.append(text(tag))
    return [w for w in out if w and w != "#"]


def test_the_report_reads_in_one_language(changning: BeautifulSoup, changning_en: BeautifulSoup) -> None:
    # Every heading and label is a catalogue message: Chinese alone, or English alone — never
    # the bilingual literal ("名称 entity") they were.
    chinese, english = _words(changning), _words(changning_en)
    assert len(chinese) == len(english) > 100
    assert [w for w in chinese if re.search("[A-Za-z]", w)] == []
    assert [w for w in english if CJK.search(w)] == []
    assert one(changning_en, "html")["lang"] == "en"
    fictional = text(one(changning_en, "header.cover p.fictional"))
    assert fictional.startswith("Fictional example data: every entity — ")
    assert text(one(changning_en, "section#overview h2")) == "Overview"
    assert text(one(changning, "section#overview h2")) == "总览"
    # dates: ISO in English, as an official writes them in Chinese
    assert text(one(changning_en, "dl.meta time")) == "2024-03-31"
    assert text(one(changning, "dl.meta time")) == "2024年3月31日"
    rows = {text(r.select("td")[1]): r for r in changning_en.select("table.ranking tbody tr")}
    assert text(rows["天山路街道"].select("td")[2]) == "2023-05-08 late"
    assert text(rows["华阳路街道"].select("td")[-1]) == "tied, for the review panel"
    # the reasons and explanations are in the report's language too
    first = changning_en.select("section#street-hongqiao article.problem")[0]
    reason = text(one(first, "dd.reason"))
    assert reason.startswith("2023: ") and not CJK.search(reason.split("(")[0])
    assert "check 1" in one(first, "details.trace pre").get_text()


def test_the_report_speaks_the_locales_language(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = (RULES, DEMO, "--as-of", "2023-09-30", "-f", "markdown")
    english = report(capsys, *args)[1]
    assert english.startswith("# Supervision report: ")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    chinese = report(capsys, *args)[1]
    assert chinese.startswith("# 督导报告：") and "评估基准日：2023年9月30日" in chinese
    assert report(capsys, "--lang", "en", *args)[1] == english


def test_the_markdown_report_leads_with_each_streets_problems(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = report(capsys, "--lang", "zh", CN_RULES, CN, "--format", "markdown")
    assert code == 1
    section = out[out.index("## 虹桥街道") :]
    section = section[: section.index("\n## ", 1)]
    headings = [line for line in section.splitlines() if line.startswith("### ")]
    assert headings[0].startswith("### 问题清单") and headings[1].startswith("### 分领域小计")
    items = re.findall(r"^\d+\. \*\*(\S+) ", section, re.M)
    assert items == ["2.1.3", "2.1.4", "3.2.1", "10.1.3"]
    assert "| **合计** | **80** |" in section
    assert out.splitlines()[2].startswith("**示例数据（虚构）：全部对象")
    ranking = out[out.index("### 排名") : out.index("### 一票否决")]
    assert "| 1 | 天山路街道 | 2023年5月8日（逾期） | 100.0% | 0 | 达标 | 待评审 |" in ranking
    assert "未申报（不评估）：北新泾街道、江苏路街道" in ranking
    assert "命名：无" in ranking
    # check --format markdown writes the same report
    assert main(["check", "--lang", "zh", CN_RULES, CN, "-f", "markdown"]) == 1
    assert capsys.readouterr().out == out


def test_report_errors_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", RULES, DEMO, "--within", "soon"]) == 2
    assert capsys.readouterr().err.startswith("protrules: error: --within: invalid duration `soon`")
    assert main(["report", RULES, DEMO, "-f", "pdf"]) == 2
    assert "invalid choice: 'pdf'" in capsys.readouterr().err
