"""Reading the State Council's holiday notices from their published text (protrules.calendar.notice_text).

The real notices for 2016–2026 (tests/data/notices/, sources in SOURCES.md) are read and
checked day by day against both transcriptions protrules knows — ``holidays`` (the calendar's
data) and ``chinesecalendar`` — over each year and the December before it. The only
differences allowed are the days two later notices changed (AMENDED), quoted from them.
Then every way a text can be wrong is a located error with its code.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import chinese_calendar  # type: ignore[import-untyped]
import pytest

from protrules.calendar.notice_text import NoticeText, NoticeTextError, parse_notice_text
from protrules.calendar.notices import festival_days
from protrules.calendar.workdays import WorkCalendar, china
from protrules.checking.checker import check_notices
from protrules.language.diagnostics import Source
from protrules.language.formatter import format_source
from protrules.language.parser import parse
from tests import goldens

DATA = Path(__file__).parent / "data" / "notices"
GOLDEN = Path(__file__).parent / "golden" / "notices"
D = dt.date
YEARS = range(2016, 2027)

# year -> (document number, date signed), as printed on each notice
CITED = {
    2016: ("国办发明电〔2015〕18号", D(2015, 12, 10)),
    2017: ("国办发明电〔2016〕17号", D(2016, 12, 1)),
    2018: ("国办发明电〔2017〕12号", D(2017, 11, 30)),
    2019: ("国办发明电〔2018〕15号", D(2018, 12, 4)),
    2020: ("国办发明电〔2019〕16号", D(2019, 11, 21)),
    2021: ("国办发明电〔2020〕27号", D(2020, 11, 25)),
    2022: ("国办发明电〔2021〕11号", D(2021, 10, 25)),
    2023: ("国办发明电〔2022〕16号", D(2022, 12, 8)),
    2024: ("国办发明电〔2023〕7号", D(2023, 10, 25)),
    2025: ("国办发明电〔2024〕12号", D(2024, 11, 12)),
    2026: ("国办发明电〔2025〕7号", D(2025, 11, 4)),
}

# Days a later notice changed, so the year's own notice and the transcriptions (which follow
# the later notice) disagree on them: day -> (working day by the year's notice, the change).
AMENDED = {
    # 国办发明电〔2019〕3号: "一、2019年5月1日至4日放假调休，共4天。4月28日（星期日）、5月5日（星期日）上班。"
    D(2019, 4, 28): (False, "国办发明电〔2019〕3号 makes it a make-up working day"),
    D(2019, 5, 2): (True, "国办发明电〔2019〕3号 makes it a day off"),
    D(2019, 5, 3): (True, "国办发明电〔2019〕3号 makes it a day off"),
    D(2019, 5, 5): (False, "国办发明电〔2019〕3号 makes it a make-up working day"),
    # 国办发明电〔2020〕1号: "一、延长2020年春节假期至2月2日（农历正月初九，星期日），
    # 2月3日（星期一）起正常上班。"
    D(2020, 1, 31): (True, "国办发明电〔2020〕1号 extends 春节 over it"),
    D(2020, 2, 1): (True, "国办发明电〔2020〕1号 extends 春节 over it (it was a make-up Saturday)"),
}


def read(name: str) -> NoticeText:
    return parse_notice_text((DATA / name).read_text(encoding="utf-8"), f"{name}")


@pytest.fixture(scope="module")
def notices() -> dict[int, NoticeText]:
    return {year: read(f"{year}.txt") for year in YEARS}


def _days(first: D, last: D) -> list[D]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


# ------------------------------------------------------------------ the real notices


@pytest.mark.parametrize("year", YEARS)
def test_each_real_notice_is_read_with_its_year_and_citation(
    notices: dict[int, NoticeText], year: int
) -> None:
    text = notices[year]
    number, signed = CITED[year]
    assert (text.year, text.number, text.issued) == (year, number, signed)
    assert text.title == f"国务院办公厅关于{year}年部分节假日安排的通知"
    assert text.citation == f"{number}，{signed.year}年{signed.month}月{signed.day}日"
    named = [f for item in text.items for f in item.festivals]
    assert sorted(named) == sorted(("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"))
    assert [item.numeral for item in text.items] == list("一二三四五六七")[: len(text.items)]


def test_the_notices_agree_with_holidays_and_chinesecalendar_day_by_day(
    notices: dict[int, NoticeText],
) -> None:
    """All eleven loaded at once (a notice's December days amend the year before), compared with
    the library (``holidays``) and ``chinesecalendar`` from 2015-12-01 to 2026-12-31."""
    library = china()
    loaded = WorkCalendar.china(notices=[text.notice() for text in notices.values()])
    seen_amended = set()
    checked = 0
    for day in _days(D(2015, 12, 1), D(2026, 12, 31)):
        ours = loaded.is_working_day(day)
        if day in AMENDED:
            official, why = AMENDED[day]
            assert ours is official, f"{day}: {why}"
            assert library.is_working_day(day) is not official
            assert chinese_calendar.is_workday(day) is not official
            seen_amended.add(day)
        else:
            assert ours == library.is_working_day(day), day
            assert ours == chinese_calendar.is_workday(day), day
        assert loaded.is_statutory_holiday(day) == library.is_statutory_holiday(day), day
        checked += 1
    assert seen_amended == set(AMENDED)
    assert checked == 4049


@pytest.mark.parametrize("year", YEARS)
def test_the_notice_block_is_what_the_language_loads(notices: dict[int, NoticeText], year: int) -> None:
    text = notices[year]
    block = text.block()
    assert format_source(block, "notice.prl") == block  # already in the canonical layout
    (loaded,) = check_notices(parse(block, "notice.prl"), Source("notice.prl", block))
    assert loaded == text.notice()
    assert loaded.source == text.citation


@pytest.mark.parametrize("year", [2019, 2024, 2025, 2026])
def test_notice_blocks_golden(notices: dict[int, NoticeText], year: int) -> None:
    goldens.compare(GOLDEN / f"{year}.prl", notices[year].block())


def test_what_the_2024_notice_says_item_by_item(notices: dict[int, NoticeText]) -> None:
    """The example of the issue: "二、春节：2月10日至17日放假调休，共8天。2月4日（星期日）、
    2月18日（星期日）上班。"."""
    spring = notices[2024].items[1]
    assert spring.festivals == ("春节",)
    assert spring.days_off == tuple(_days(D(2024, 2, 10), D(2024, 2, 17)))
    assert spring.make_up_days == (D(2024, 2, 4), D(2024, 2, 18))
    assert spring.statutory == (D(2024, 2, 10), D(2024, 2, 11), D(2024, 2, 12))  # 初一–初三, 2014–2024
    assert spring.notes == ("鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。",)
    assert D(2024, 2, 9) not in notices[2024].notice().days_off  # encouraged, not a day off


def test_the_2025_revision_of_the_law_gives_thirteen_statutory_days(notices: dict[int, NoticeText]) -> None:
    assert [len(notices[y].notice().statutory) for y in (2024, 2025, 2026)] == [11, 13, 13]
    assert notices[2025].items[1].statutory == tuple(_days(D(2025, 1, 28), D(2025, 1, 31)))  # 除夕–初三
    assert sum(len(days) for days in festival_days(2027).values()) == 13


def test_forms_of_older_notices(notices: dict[int, NoticeText]) -> None:
    # 2016 "四、劳动节：5月1日放假，5月2日（星期一）补休。": the Sunday and the Monday in lieu.
    assert notices[2016].items[3].days_off == (D(2016, 5, 1), D(2016, 5, 2))
    # 2019 "一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。2018年12月29日（星期六）上班。"
    new_year = notices[2019].items[0]
    assert new_year.days_off == (D(2018, 12, 30), D(2018, 12, 31), D(2019, 1, 1))
    assert new_year.make_up_days == (D(2018, 12, 29),)
    # 2020 "六、国庆节、中秋节：10月1日至8日…": 中秋 falls on 10-01.
    assert notices[2020].items[5].festivals == ("国庆节", "中秋节")
    assert notices[2020].items[5].statutory == (D(2020, 10, 1), D(2020, 10, 2), D(2020, 10, 3))


def test_half_width_reprints_read_the_same() -> None:
    """Reprints replace ：，（） by :,() and indent with spaces; the reading is the same."""
    for year in (2019, 2025, 2026):
        text = (DATA / f"{year}.txt").read_text(encoding="utf-8")
        narrow = text.translate({ord("："): ":", ord("，"): ",", ord("（"): "(", ord("）"): ")"})
        narrow = "\n".join("  " + line for line in narrow.splitlines())
        assert parse_notice_text(narrow) == parse_notice_text(text)
    spaced = (DATA / "2018.txt").read_text(encoding="utf-8").replace("5月1日放假", "5 月 1 日 放假")
    assert parse_notice_text(spaced) == read("2018.txt")


def test_a_december_date_in_the_new_year_item_is_in_the_year_before() -> None:
    """The 2019 notice without its explicit years ("12月30日至1月1日…12月29日（星期六）上班")
    reads the same."""
    text = (DATA / "2019.txt").read_text(encoding="utf-8")
    bare = text.replace("2018年12月3", "12月3").replace("2018年12月29", "12月29").replace("至2019年", "至")
    assert "一、元旦：12月30日至1月1日放假调休，共3天。12月29日（星期六）上班。" in bare
    assert parse_notice_text(bare) == read("2019.txt")


def test_a_list_continues_its_month() -> None:
    """2010's form "2月20日（星期六）、21日（星期日）上班": 21日 is in February."""
    text = (DATA / "2019.txt").read_text(encoding="utf-8")
    text = text.replace("2月3日（星期日）上班", "3日（星期日）上班")
    assert parse_notice_text(text).items[1].make_up_days == (D(2019, 2, 2), D(2019, 2, 3))


@pytest.mark.parametrize("name", ["2019-labour-day-amendment.txt", "2020-spring-festival-extension.txt"])
def test_an_amendment_is_refused_by_its_title(name: str) -> None:
    with pytest.raises(NoticeTextError) as caught:
        read(name)
    assert caught.value.code == "PRL502"
    assert str(caught.value).startswith(f"{name}:1:9: 《国务院办公厅关于")
    assert "is not a year's holiday notice" in str(caught.value)
    assert "edit that year's notice block by hand" in caught.value.render()


# ------------------------------------------------------------------ malformed notices

# (what is changed in the 2024 or 2026 notice, the error's code, place and words)
MALFORMED = [
    ("2024", "2月4日（星期日）", "2月4日（星期六）", "PRL503", "10:29", "星期六, but 2024-02-04 is a 星期日"),
    ("2026", "5日（周二）", "5日（周一）", "PRL503", "14:19", "周一, but 2026-05-05 is a 星期二"),
    ("2024", "共8天", "共7天", "PRL503", "10:20", "共7天, but 2024-02-10..2024-02-17 is 8 days"),
    ("2024", "4月7日（星期日）上班", "4月8日（星期一）上班", "PRL503", "12:23",
     "make-up working day 2024-04-08 is a 星期一: make-up working days are Saturdays or Sundays"),
    ("2024", "与周末连休。\n\n二", "与周末相连。\n\n二", "PRL502", "8:13",
     "expected a date such as 2月10日 here"),
    ("2024", "4月4日至6日放假调休", "4月4日至6日休息调休", "PRL502", "12:14",
     "expected 放假 or 上班 here, not `休息调休"),
    ("2024", "2024年", "", "PRL502", "1:1", "the notice names no year"),
    ("2024", "国办发明电〔2023〕7号", "", "PRL502", "1:1", "no document number (国办发明电〔YYYY〕N号)"),
    ("2024", "2023年10月25日", "", "PRL502", "24:1", "no date of issue"),
    ("2024", "国办发明电〔2023〕7号", "国办发明电〔2022〕7号", "PRL503", "2:1",
     "the number 国办发明电〔2022〕7号 is of 2022, but the notice is dated 2023-10-25"),
    ("2024", "现将2024年", "现将2025年", "PRL503", "6:10",
     "the title is about 2024, but the text says 现将2025年"),
    ("2024", "〔2023〕 || 2023年10月25日", "〔2025〕 || 2025年10月25日", "PRL503", "25:1",
     "a notice for 2024 dated 2025-10-25: it is published in the year before, or in 2024"),
    ("2024", "五、端午节", "五、春节", "PRL503", "16:3", "春节 has an item already (二、, line 10)"),
    ("2024", "五、端午节", "五、端午", "PRL502", "16:3", "unknown holiday `端午`"),
    ("2024", "三、清明节", "四、清明节", "PRL502", "12:1", "item 四、 where item 三、 is due"),
    ("2024", "9月15日至17日放假调休，共3天。9月14日", "9月14日至16日放假调休，共3天。9月21日",
     "PRL503", "18:3", "2024-09-17 is 中秋节 (《全国年节及纪念日放假办法》), but not a day off in this item"),
    ("2024", "五、端午节：6月10日放假，与周末连休。", "五、端午节：6月11日放假。", "PRL503", "16:3",
     "2024-06-10 is 端午节"),
    ("2024", "2月18日（星期日）上班。", "\n2月18日（星期日）上班。", "PRL502", "11:1",
     "a line between the numbered items that is not one"),
    ("2024", "七、国庆节：10月1日至7日放假调休，共7天。9月29日（星期日）、",
     "七、国庆节：10月1日至7日放假调休，共7天。9月29日（星期日）、\n", "PRL502", "21:1",
     "a date after the last numbered item"),
    ("2024", "9月15日至17日放假调休", "9月15日至10月1日放假调休", "PRL503", "18:23",
     "共3天, but 2024-09-15..2024-10-01 is 17 days"),
    ("2024", "5月11日（星期六）", "9月29日（星期日）", "PRL503", "20:1",
     "make-up working day 2024-09-29 is already a make-up working day in item 四、"),
    ("2024", "2月10日至17日", "2月30日至17日", "PRL503", "10:6", "2月30日 is not a date in 2024"),
    ("2024", "2月10日至17日", "2月17日至10日", "PRL503", "10:12",
     "the range ends (2024-02-10) before it starts"),
    ("2024", "6月10日放假，与周末连休", "6月12日放假，与周末连休", "PRL503", "16:15",
     "与周末连休, but 2024-06-12 is not next to a weekend"),
    ("2024", "1月1日放假，与周末连休", "1月1日放假，1月6日（星期六）补休", "PRL503", "8:13",
     "补休 on 2024-01-06, a 星期六: a day off in lieu is a weekday"),
    ("2024", "1月1日放假，与周末连休。", "1月1日放假，不调休。1月6日（星期六）上班。", "PRL503", "8:13",
     "不调休, but the item has make-up working days"),
    ("2024", "2月4日（星期日）", "2月4日（周末）", "PRL502", "10:29",
     "`周末` in the parentheses of 2024-02-04"),
    ("2024", "9月14日（星期六）", "2025年9月13日（星期六）", "PRL503", "18:25",
     "2025-09-13 is outside 2024 and the December before it"),
    ("2026", "农历腊月二十八", "农历腊月二十六", "PRL503", "10:12",
     "农历腊月二十六 is 2026-02-12 or 2026-02-13, not 2026-02-15"),
    ("2026", "农历正月初七", "农历正月初八", "PRL503", "10:28", "农历正月初八 is 2026-02-24, not 2026-02-23"),
    ("2026", "农历腊月二十八", "农历三月初三", "PRL502", "10:12", "农历三月初三 cannot be checked"),
    ("2024", "一、元旦", "一元旦", "PRL502", "10:1", "item 二、 where item 一、 is due"),
]  # fmt: skip


@pytest.mark.parametrize(("year", "old", "new", "code", "where", "words"), MALFORMED)
def test_a_malformed_notice_is_a_located_error(
    year: str, old: str, new: str, code: str, where: str, words: str
) -> None:
    text = (DATA / f"{year}.txt").read_text(encoding="utf-8")
    for before, after in zip(old.split(" || "), new.split(" || "), strict=True):
        assert before in text
        text = text.replace(before, after)
    with pytest.raises(NoticeTextError) as caught:
        parse_notice_text(text, "notice.txt")
    error = caught.value
    assert (error.code, f"{error.at.line}:{error.at.column}") == (code, where), str(error)
    assert str(error).startswith(f"notice.txt:{where}: ")
    assert words in error.detail, error.detail


def test_errors_render_with_the_line_and_a_caret_under_the_culprit() -> None:
    text = (DATA / "2024.txt").read_text(encoding="utf-8").replace("2月4日（星期日）", "2月4日（星期六）")
    with pytest.raises(NoticeTextError) as caught:
        parse_notice_text(text, "notice.txt")
    assert caught.value.render() == (
        "error[PRL503]: 星期六, but 2024-02-04 is a 星期日\n"
        "  --> notice.txt:10:29\n"
        "   |\n"
        "10 | 二、春节：2月10日至17日放假调休，共8天。2月4日（星期六）、2月18日（星期日）上班。"
        "鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。\n"
        "   |" + " " * 49 + "^^^^^^"
    )


def test_errors_render_in_chinese_with_the_same_place() -> None:
    """A 区 clerk reads the same error, place, line and caret in Chinese (``--lang zh``)."""
    text = (DATA / "2024.txt").read_text(encoding="utf-8").replace("2月4日（星期日）", "2月4日（星期六）")
    with pytest.raises(NoticeTextError) as caught:
        parse_notice_text(text, "notice.txt")
    english, chinese = caught.value.render().splitlines(), caught.value.render("zh").splitlines()
    assert chinese[0] == "错误[PRL503]: 写的是星期六，但 2024-02-04 是星期日"
    assert chinese[1:] == english[1:]
    text = (DATA / "2024.txt").read_text(encoding="utf-8").replace("二、春节", "二、春季")
    with pytest.raises(NoticeTextError) as caught:
        parse_notice_text(text, "notice.txt")
    assert caught.value.render("zh").startswith("错误[PRL502]: 未知的节日 `春季`：各条只能写 元旦、春节、")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "the notice names no year"),
        ("国务院办公厅关于2024年部分节假日安排的通知\n国办发明电〔2023〕7号\n经国务院批准…一、元旦：1月1日放假。",
         "no numbered items"),
        ("x" * 100_001, "100001 characters is not a holiday notice"),
    ],
)  # fmt: skip
def test_texts_that_are_not_notices(text: str, words: str) -> None:
    with pytest.raises(NoticeTextError, match=words):
        parse_notice_text(text)
