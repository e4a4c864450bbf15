"""Write the ten example ledgers for rules/changning_2023.prl (deterministic, standard library only).

    python examples/changning/generate.py [OUTPUT_DIR]     # default: this folder

Nine streets are written as JSON ledgers (``<street-id>.json``); 新泾镇 (xinjing) is written as a
CSV folder (``xinjing/``) to exercise the other ledger format. Every street starts from the same
well-run baseline, drawn from a ``random.Random`` seeded with the street's id (fictional people,
places and numbers throughout), then gets its own defects. The facts cover 2023-01-01 ..
2024-03-31, with history where a rule needs it (appointments, background checks, visits).

Intended outcomes, assessed on 2024-03-31 (组织评估截止) — the same as README.md's table and
the tests at the end of rules/changning_2023.prl:

    street         name          status      why
    huayang        华阳路街道    meets       every rule passes (a re-check hit is followed by a
                                             termination 12 working days later: 3.3.1 passes).
    xinhua         新华路街道    meets       one victim interviewed twice: 8.2.2's advisory line.
    xinjing        新泾镇        meets       written as a CSV folder.
    tianshan       天山路街道    meets       applied late (2023-05-08); not chosen by the panel.
    jiangsu        江苏路街道    fails       3.1.1: a report accepted 3 working days after it came;
                                             4.1.1: no parenting activity in 2023-Q3; 9.2.1: the
                                             care venue open 4 days in 2023-W46. Did not apply.
    zhoujiaqiao    周家桥街道    fails       2.1.5: a 限时整改 put right after its deadline;
                                             3.3.1: a termination 35 working days after a hit;
                                             10.2.1: a child director trained 4 months late.
    xianxia        仙霞新村街道  fails       3.5.1: a hotline referral handled late; 4.3.1: a
                                             high-risk case visited 2 months apart; 5.4.1: academic
                                             classes on a Saturday and in the summer; 8.3.1: a
                                             reply 40 days after the recommendation.
    hongqiao       虹桥街道      fails       2.1.3: one meeting in 2023; 2.1.4: judged fail;
                                             3.2.1: a high-risk case with no 个案会商; 10.1.3: an
                                             area without a child director since 2024-01-01.
    chengjiaqiao   程家桥街道    vetoed      N.1: an incident on 2023-11-08; N.3 and 7.1.1: an
                                             allowance paid below the standard; 6.1.1: no
                                             internet-café inspection in the 端午 block.
    beixinjing     北新泾街道    incomplete  no venue_session, tutoring_institution, tutoring_class,
                                             police_case or interview ledger and no judgement for
                                             9.1.3 (5.4.1, 8.2.1, 8.2.2, 8.5.1, 9.1.3, 9.2.1
                                             unknown). Did not apply.

The district ledger (``_district.json``, :func:`district`) holds what the district keeps for
every street (the 7.3.1/7.3.3 rehabilitation policy, the police and justice bureaus' appraisal
rules of 8.1.x) and the programme's records: applications, the review panel's decisions at the
tie, the publicity window, an objection and its resolution, the naming.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import random
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
D = dt.date
ONE_DAY = dt.timedelta(days=1)
PERIOD_START, PERIOD_END = D(2023, 4, 1), D(2024, 3, 31)
DATA_START = D(2023, 1, 1)

Record = dict[str, Any]
Facts = dict[str, list[Record]]

# ---------------------------------------------------------------- the PRC calendar, 2023–2024
# From the State Council notices (国办发明电〔2022〕16号, 〔2023〕7号); the evaluator uses the
# `holidays` package — this copy keeps the generator dependency-free.


def _days(a: D, b: D) -> set[D]:
    return {a + dt.timedelta(days=i) for i in range((b - a).days + 1)}


DAYS_OFF = (
    _days(D(2022, 12, 31), D(2023, 1, 2)) | _days(D(2023, 1, 21), D(2023, 1, 27))
    | {D(2023, 4, 5)} | _days(D(2023, 4, 29), D(2023, 5, 3)) | _days(D(2023, 6, 22), D(2023, 6, 24))
    | _days(D(2023, 9, 29), D(2023, 10, 6)) | _days(D(2023, 12, 30), D(2024, 1, 1))
    | _days(D(2024, 2, 10), D(2024, 2, 17)) | _days(D(2024, 4, 4), D(2024, 4, 6))
    | _days(D(2024, 5, 1), D(2024, 5, 5)) | {D(2024, 6, 10)} | _days(D(2024, 9, 15), D(2024, 9, 17))
    | _days(D(2024, 10, 1), D(2024, 10, 7))
)
MAKEUP_WORKDAYS = {
    D(2023, 1, 28), D(2023, 1, 29), D(2023, 4, 23), D(2023, 5, 6), D(2023, 6, 25), D(2023, 10, 7),
    D(2023, 10, 8), D(2024, 2, 4), D(2024, 2, 18), D(2024, 4, 7), D(2024, 4, 28), D(2024, 5, 11),
    D(2024, 9, 14), D(2024, 9, 29), D(2024, 10, 12),
}
VACATIONS = [
    (D(2023, 1, 18), D(2023, 2, 14)), (D(2023, 7, 1), D(2023, 8, 31)),
    (D(2024, 1, 22), D(2024, 2, 18)), (D(2024, 7, 1), D(2024, 8, 31)),
]
# 节假日 blocks overlapping the period (maximal rest-day runs containing a statutory holiday).
HOLIDAY_BLOCKS = [
    (D(2023, 4, 5), D(2023, 4, 5)), (D(2023, 4, 29), D(2023, 5, 3)), (D(2023, 6, 22), D(2023, 6, 24)),
    (D(2023, 9, 29), D(2023, 10, 6)), (D(2023, 12, 30), D(2024, 1, 1)), (D(2024, 2, 10), D(2024, 2, 17)),
]


def is_rest_day(d: D) -> bool:
    if d in MAKEUP_WORKDAYS:
        return False
    return d in DAYS_OFF or d.isoweekday() >= 6


def in_vacation(d: D) -> bool:
    return any(a <= d <= b for a, b in VACATIONS)


def next_working_day(d: D) -> D:
    while is_rest_day(d):
        d += ONE_DAY
    return d


def add_months(d: D, months: int) -> D:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    last = (D(year + month // 12, month % 12 + 1, 1) - ONE_DAY).day
    return D(year, month, min(d.day, last))


def deadline_months(d: D, months: int) -> D:
    """民法典 Art. 201–203: the corresponding day, month-end clamped, a rest day rolls forward."""
    return next_working_day(add_months(d, months))


def add_working_days(d: D, n: int) -> D:
    while n:
        d += ONE_DAY
        if not is_rest_day(d):
            n -= 1
    return d


def daterange(a: D, b: D) -> Iterator[D]:
    d = a
    while d <= b:
        yield d
        d += ONE_DAY


def quarters() -> list[tuple[D, D]]:
    """Calendar quarters from 2023-Q1 to 2024-Q1."""
    starts = [D(2023, 1, 1), D(2023, 4, 1), D(2023, 7, 1), D(2023, 10, 1), D(2024, 1, 1), D(2024, 4, 1)]
    return [(a, b - ONE_DAY) for a, b in itertools.pairwise(starts)]


# ---------------------------------------------------------------- names (fictional)
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶"
    "程魏苏吕丁任沈姚卢钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙史陶贺顾"
    "毛郝龚邵万钱严"
)
GIVEN = list(
    "佳怡欣然子涵梓轩雨萱浩宇思远嘉琪文博晓燕丽华建国志强秀英桂芳玉兰明辉海燕春梅晨阳静雯"
    "慧敏俊杰婷婷雪莉国平卫东亚楠诗琪宏伟立新淑珍凤英德明永刚振华"
)
AREA_WORDS = [
    "安顺", "春晖", "丹桂", "枫林", "翠竹", "和乐", "嘉禾", "锦绣", "兰亭", "绿苑", "明德", "南苑",
    "清溪", "瑞丰", "尚文", "松柏", "桃源", "新村", "杏园", "怡景", "银杏", "永安", "云霞", "樟树",
    "芝兰", "紫薇", "长乐", "福寿", "海棠", "荷花", "金桥", "景福", "康乐", "玫瑰", "梅园", "青松",
]
HOURS = [3.0, 3.5, 4.0, 4.0, 4.5, 5.0, 6.0, 7.0]


class Street:
    """One street's ledger under construction: a seeded RNG, id counters and the facts."""

    def __init__(self, sid: str, name: str, short: str) -> None:
        self.id, self.name, self.short = sid, name, short
        self.rng = random.Random(f"changning-2023/{sid}")
        self.facts: Facts = {}
        self.judgements: list[Record] = []
        self._counters: dict[str, int] = {}
        self._names: set[str] = set()

    def new_id(self, prefix: str, width: int = 3) -> str:
        n = self._counters.get(prefix, 0) + 1
        self._counters[prefix] = n
        return f"{prefix}{n:0{width}d}"

    def add(self, fact_type: str, prefix: str, **values: Any) -> Record:
        record: Record = {"id": self.new_id(prefix)}
        record.update({k: v for k, v in values.items() if v is not None})
        self.facts.setdefault(fact_type, []).append(record)
        return record

    def person(self) -> str:
        while True:
            name = self.rng.choice(SURNAMES) + "".join(self.rng.sample(GIVEN, self.rng.choice((1, 2))))
            if name not in self._names:
                self._names.add(name)
                return name

    def day(self, a: D, b: D, working: bool = True) -> D:
        """A random day in [a, b], a working day when asked (the office's usual day)."""
        for _ in range(200):
            d = a + dt.timedelta(days=self.rng.randint(0, (b - a).days))
            if not working or not is_rest_day(d):
                return d
        return a

    def of(self, fact_type: str, **match: Any) -> list[Record]:
        return [r for r in self.facts.get(fact_type, []) if all(r.get(k) == v for k, v in match.items())]


def iso(d: D) -> str:
    return d.isoformat()


# ---------------------------------------------------------------- the well-run baseline

DOCUMENT_KINDS = [
    "年度未成年人保护工作计划", "重点工作安排（含未成年人保护）", "工作绩效评价办法（含未成年人保护）",
    "未成年人保护工作协调机制", "平安建设考核办法（含未成年人保护）", "文明创建未成年人保护要求落实方案",
    "检举控告报告受理处置程序", "强制报告线索受理调查处置反馈制度", "强制报告追责问责机制", "个案会商制度",
    "入职查询制度", "心理健康发现机制", "家校社医联动机制", "心理健康评价机制", "心理健康转介机制",
    "心理健康专业资源清单", "安全保护应急事件处置机制", "纠纷化解机制", "合法权益保护机制",
    "孤独症儿童关爱服务体系", "动态监测机制", "风险评估等级指标", "分级干预措施", "未保站重点家庭服务内容",
    "资源共享供需对接平台", "无障碍建设管理要求", "旅馆入住核查与报告制度", "残疾儿童护理补贴扩面提标政策",
    "流浪和临时监护缺失未成年人救助保护工作机制", "派出所涉未案件单独考核办法", "司法所涉未工作单独考核办法",
    "一站式取证救助机制", "社会调查制度", "社会观护制度", "心理疏导制度", "司法救助制度", "诉讼教育制度",
    "临时照护点工作制度", "未保站工作职责", "未保站工作制度", "未保站五个中心建设方案",
    "儿童督导员儿童主任岗位要求", "儿童督导员儿童主任考核激励机制", "儿童督导员儿童主任津补贴制度",
    "社会工作专业岗位纳入专业技术系列", "未成年人保护内设机构职责",
]


def residential_areas(s: Street) -> None:
    words = s.rng.sample(AREA_WORDS, s.rng.randint(12, 18))
    for w in words:
        s.add("residential_area", "R", name=f"{w}居民区", minors=s.rng.randint(180, 1100))


def staff(s: Street) -> None:
    office = "新泾镇人民政府" if s.id == "xinjing" else f"{s.name}办事处"
    rng = s.rng
    s.add("staff", "P", name=s.person(), role="街镇主要负责同志", unit=office, appointed="2021-06-15")
    for post_type in ("专职", "兼职", "兼职"):
        s.add("staff", "P", name=s.person(), role="儿童督导员", unit=office,
              appointed=iso(s.day(D(2019, 3, 1), D(2022, 10, 31))), post_type=post_type,
              employment="编制内", social_work_cert=rng.random() < 0.5)
    for area in s.facts["residential_area"]:
        directors = 2 if area["minors"] > 900 else 1
        for _ in range(directors):
            concurrent = rng.choices(["居民委员会女性委员", "社区妇联主席", "其他", None], [7, 2, 1, 1])[0]
            s.add("staff", "P", name=s.person(), role="儿童主任", unit=f"{area['name']}居委会",
                  appointed=iso(s.day(D(2018, 3, 1), D(2022, 9, 30))), area=area["id"],
                  concurrent=concurrent, social_work_cert=rng.random() < 0.35)
    # Turnover among child directors: one change in mid-2023, one appointment in Feb 2023
    # (its 3-month deadline falls inside the period) and one in Feb 2024 (deadline after it).
    directors = s.of("staff", role="儿童主任")
    leaver = directors[1]
    leaver["left"] = "2023-06-30"
    s.add("staff", "P", name=s.person(), role="儿童主任", unit=leaver["unit"], appointed="2023-07-03",
          area=leaver["area"], concurrent="居民委员会女性委员", social_work_cert=False)
    early = directors[3]
    early["appointed"] = "2023-02-13"
    late = directors[5]
    late["left"] = "2024-01-31"
    s.add("staff", "P", name=s.person(), role="儿童主任", unit=late["unit"], appointed="2024-02-01",
          area=late["area"], concurrent="社区妇联主席", social_work_cert=False)
    for employment in ("购买社会工作服务", "公益岗位"):
        s.add("staff", "P", name=s.person(), role="青少年事务社工", unit=f"{s.short}未保站",
              appointed=iso(s.day(D(2020, 1, 1), D(2022, 12, 31))), employment=employment,
              social_work_cert=True)
    for _ in range(2):
        s.add("staff", "P", name=s.person(), role="社会工作者", unit=f"{s.short}未成年人救助保护工作站",
              appointed=iso(s.day(D(2019, 1, 1), D(2022, 12, 31))), employment="购买社会工作服务",
              social_work_cert=True)
    units = [office, f"{s.short}社区卫生服务中心", f"{s.short}第一小学", f"{s.short}实验中学",
             f"{s.short}幼儿园", f"{s.short}未保站", f"{s.short}托育园"]
    for unit in units:
        s.add("staff", "P", name=s.person(), role="强制报告责任人员", unit=unit,
              appointed=iso(s.day(D(2020, 6, 1), D(2022, 11, 30))))
    s.add("staff", "P", name=s.person(), role="强制报告责任人员", unit=f"{s.short}第二小学",
          appointed="2023-09-01")
    s.add("staff", "P", name=s.person(), role="热线联络员", unit=f"{s.short}未保站", appointed="2021-03-01")
    s.add("staff", "P", name=s.person(), role="信息系统管理员", unit=office, appointed="2020-09-01")
    s.add("staff", "P", name=s.person(), role="派出所涉未专门人员", unit=f"{s.short}派出所",
          appointed=iso(s.day(D(2019, 1, 1), D(2022, 6, 30))))
    s.add("staff", "P", name=s.person(), role="司法所涉未专门人员", unit=f"{s.short}司法所",
          appointed=iso(s.day(D(2019, 1, 1), D(2022, 6, 30))))
    for _ in range(2):
        s.add("staff", "P", name=s.person(), role="未保站工作人员", unit=f"{s.short}未保站",
              appointed=iso(s.day(D(2020, 1, 1), D(2022, 12, 31))), employment="公益岗位")


def _in_post(r: Record, a: D, b: D) -> bool:
    """Whether the post holder was in post for the whole of [a, b]."""
    return D.fromisoformat(r["appointed"]) < a and ("left" not in r or D.fromisoformat(r["left"]) > b)


def trainings(s: Street) -> None:
    rng = s.rng
    leaders = [r for r in s.facts["staff"] if r["role"] in ("儿童主任", "儿童督导员")]
    reporters = s.of("staff", role="强制报告责任人员")
    # Induction within three months of appointment for every appointment since 2022-10.
    for r in leaders + reporters:
        appointed = D.fromisoformat(r["appointed"])
        if appointed < D(2022, 10, 1):
            continue
        day = s.day(appointed + dt.timedelta(days=14), min(appointed + dt.timedelta(days=60), D(2024, 3, 29)))
        if r["role"] == "强制报告责任人员":
            s.add("training", "TR", person=r["id"], date=iso(day), kind="入职培训", subject="强制报告制度",
                  materials_kept=True, course="强制报告制度入职培训")
        else:
            s.add("training", "TR", person=r["id"], date=iso(day), kind="入职培训", subject="儿童社会工作",
                  child_share=f"{rng.choice((60, 65, 70, 75))}%", materials_kept=True,
                  course="儿童主任、儿童督导员入职培训")
    # The 2023 refresher (轮训): a district course in June, a make-up session in November for those
    # who missed it; a 2024 spring session for some.
    june = s.day(D(2023, 6, 5), D(2023, 6, 21))
    nov = s.day(D(2023, 11, 6), D(2023, 11, 24))
    share = f"{rng.choice((55, 60, 62, 70))}%"
    for r in leaders:
        appointed = D.fromisoformat(r["appointed"])
        left = D.fromisoformat(r["left"]) if "left" in r else None
        if appointed >= D(2023, 1, 1) or (left and left < june):
            continue
        day = june if rng.random() < 0.8 else nov
        if left and left < day:
            day = june
        s.add("training", "TR", person=r["id"], date=iso(day), kind="轮训", subject="儿童社会工作",
              child_share=share, materials_kept=True, course="2023年儿童主任、儿童督导员轮训班")
        if rng.random() < 0.4 and (left is None or left > D(2024, 3, 20)):
            s.add("training", "TR", person=r["id"], date=iso(s.day(D(2024, 3, 4), D(2024, 3, 22))),
                  kind="轮训", subject="儿童社会工作", child_share="60%", materials_kept=True,
                  course="2024年春季轮训班")
    sept = s.day(D(2023, 9, 4), D(2023, 9, 28))
    for r in reporters:
        if D.fromisoformat(r["appointed"]) < D(2023, 1, 1):
            s.add("training", "TR", person=r["id"], date=iso(sept), kind="轮训", subject="强制报告制度",
                  materials_kept=True, course="2023年强制报告制度轮训")


#: Kept by the district for every street (the district ledger, _district.json), not by a street.
DISTRICT_DOCUMENTS = [
    "残疾儿童护理补贴扩面提标政策", "派出所涉未案件单独考核办法", "司法所涉未工作单独考核办法",
]
#: Kept by some streets only: a designated unit at the police station or the justice office.
UNIT_DOCUMENTS = ["派出所涉未成年人案件专门机构", "司法所涉未成年人工作专门机构"]


def documents(s: Street) -> None:
    """Every mechanism the standard asks for, issued at its own time; streets differ in how many
    they have revised (an earlier version repealed when the current one was issued), in whether
    the yearly plan came out before the year began, and in the designated units they set up."""
    rng = s.rng
    principal = s.of("staff", role="街镇主要负责同志")[0]["id"]
    code = f"{s.short}〔{{}}〕{{}}号"
    kinds = [k for k in DOCUMENT_KINDS if k not in DISTRICT_DOCUMENTS]
    revised = set(rng.sample(kinds[1:], rng.randint(1, 6))) | {"个案会商制度"}
    for i, kind in enumerate(kinds, 1):
        if kind == "年度未成年人保护工作计划":
            for year in (2023, 2024):
                early = rng.random() < 0.4  # the plan for the year adopted in December before it
                if early:
                    start, end = D(year - 1, 12, 4), D(year - 1, 12, 28)
                else:
                    start, end = D(year, 1, 9), D(year, 2, 28)
                s.add("document", "D", kind=kind, title=f"{s.name}{year}年未成年人保护工作计划",
                      issued=iso(s.day(start, end)), year=year, evidence=code.format(year, rng.randint(1, 9)))
            continue
        issued = s.day(D(2020, 3, 1), D(2023, 3, 24))
        owner = principal if kind == "未成年人保护工作协调机制" else None
        if kind in revised:  # an earlier version, repealed when the current one was issued
            old = s.day(D(2017, 3, 1), issued - dt.timedelta(days=200))
            s.add("document", "D", kind=kind, title=f"{s.name}{kind}（试行）", issued=iso(old),
                  repealed=iso(issued),
                  evidence=code.format(old.year, rng.randint(10, 40)))
        s.add("document", "D", kind=kind, title=f"{s.name}{kind}", issued=iso(issued),
              evidence=f"{code.format(issued.year, i + 10)}；档案室 A-{i:02d}", owner=owner)
    for kind in UNIT_DOCUMENTS:
        if rng.random() < 0.5:
            issued = s.day(D(2021, 1, 4), D(2023, 2, 28))
            s.add("document", "D", kind=kind, title=f"{s.short}{kind}设置通知", issued=iso(issued),
                  evidence=code.format(issued.year, rng.randint(50, 90)))


def meetings(s: Street) -> None:
    rng = s.rng
    for a, b in ((D(2023, 2, 6), D(2023, 3, 24)), (D(2023, 7, 3), D(2023, 8, 25)),
                 (D(2023, 12, 4), D(2023, 12, 22)), (D(2024, 1, 8), D(2024, 1, 26))):
        s.add("meeting", "M", date=iso(s.day(a, b)), kind="协调会议",
              topic="研究未成年人保护重大问题和重点个案")
    s.add("meeting", "M", date=iso(s.day(D(2023, 5, 8), D(2023, 6, 16))), kind="专题会议",
          topic=rng.choice(["暑期未成年人安全专题", "困境儿童保障专题", "校外培训治理专题"]))
    for _ in range(rng.randint(1, 4)):  # conferences on other matters (the register's cases add theirs)
        s.add("meeting", "M", date=iso(s.day(D(2023, 1, 9), D(2024, 3, 22))), kind="个案会商",
              topic="多部门个案会商")


def studies(s: Street) -> None:
    for a, b in quarters():
        for _ in range(s.rng.randint(1, 2)):
            s.add("study", "ST", date=iso(s.day(a + dt.timedelta(days=7), b - dt.timedelta(days=7))),
                  kind="宣贯教育活动", topic="习近平新时代中国特色社会主义思想宣贯", minor_protection=False)
    for a, b in ((D(2023, 5, 4), D(2023, 5, 31)), (D(2023, 11, 1), D(2023, 11, 30))):
        s.add("study", "ST", date=iso(s.day(a, b)), kind="理论中心组学习",
              topic="学习习近平总书记关于未成年人保护工作的重要指示精神", minor_protection=True)
    s.add("study", "ST", date=iso(s.day(D(2023, 9, 4), D(2023, 9, 27))), kind="干部培训",
          topic="未成年人保护法律法规与工作实务", minor_protection=True)


def instructions(s: Street) -> None:
    rng = s.rng
    sources = ["党中央、国务院", "市委、市政府", "区委、区政府", "街镇负责同志"]
    for _ in range(rng.randint(4, 7)):
        received = s.day(PERIOD_START, D(2024, 3, 8))
        due = received + dt.timedelta(days=rng.choice((10, 15, 20, 30)))
        completed = received + dt.timedelta(days=rng.randint(2, (due - received).days - 1))
        s.add("instruction", "I", source=rng.choice(sources), received=iso(received), due=iso(due),
              completed=iso(min(completed, D(2024, 3, 29))),
              summary="关于未成年人保护工作的指示批示（摘要略）")


def supervisions(s: Street) -> None:
    """Inspections by the child supervisors; a 挂牌督办 or 限时整改 carries a deadline and is put
    right before it."""
    rng = s.rng
    supervisors = s.of("staff", role="儿童督导员")
    kinds = ["督促检查"] * rng.randint(2, 4) + ["跟踪指导"] * rng.randint(0, 2)
    kinds += ["挂牌督办", "限时整改"][: rng.randint(1, 2)]
    for kind in kinds:
        day = s.day(D(2023, 4, 10), D(2024, 2, 9))
        extra: Record = {}
        if kind in ("挂牌督办", "限时整改"):
            deadline = day + dt.timedelta(days=rng.choice((15, 20, 30)))
            rectified = deadline - dt.timedelta(days=rng.randint(1, 10))
            extra = {"deadline": iso(deadline), "rectified": iso(rectified)}
        s.add("supervision", "SV", date=iso(day), supervisor=rng.choice(supervisors)["id"], kind=kind,
              target=rng.choice(["居民区未保工作", "校外培训机构", "儿童之家", "托育机构"]), **extra)


REPORT_UNITS = ["派出所", "民政", "教育", "司法所", "街镇"]


def reports(s: Street) -> None:
    """检举、控告、报告 leads (3.1.x): accepted by the next working day, handled within weeks;
    a mandatory report (强制报告) also investigated and fed back to the reporter."""
    rng = s.rng
    for _ in range(rng.randint(3, 8)):
        received = s.day(PERIOD_START, D(2024, 2, 20))
        kind = rng.choice(["检举", "控告", "报告", "强制报告", "强制报告"])
        accepted = received if rng.random() < 0.6 else add_working_days(received, 1)
        handled = accepted + dt.timedelta(days=rng.randint(3, 20))
        row: Record = {"received": iso(received), "kind": kind, "unit": rng.choice(REPORT_UNITS),
                       "accepted": iso(accepted), "handled": iso(handled)}
        if kind == "强制报告":
            row |= {"investigated": iso(accepted + dt.timedelta(days=rng.randint(1, 3))),
                    "feedback": iso(handled + dt.timedelta(days=rng.randint(0, 5)))}
        s.add("report", "RL", **row, summary="涉未成年人线索（摘要略）")


def hotline(s: Street) -> None:
    """Referrals from the protection hotline (3.5.1), handled by the liaison within days."""
    rng = s.rng
    liaison = s.of("staff", role="热线联络员")[0]["id"]
    for _ in range(rng.randint(2, 6)):
        received = s.day(PERIOD_START, D(2024, 3, 8))
        s.add("hotline_referral", "HR", received=iso(received), line=rng.choice(["12355", "12345", "110"]),
              handler=liaison, handled=iso(add_working_days(received, rng.randint(0, 4))),
              summary="热线转介个案（摘要略）")


BUDGET_ITEMS = ("监护支持", "监护监督", "监护落实", "未保站运行", "关爱保护服务", "未成年人保护工作培训")


def budgets(s: Street) -> None:
    """Each year's budget lines: every item the standard names, some split over several lines,
    social funds and other lines where the street raised them."""
    rng = s.rng
    for year in (2023, 2024):
        # the street's budget for the year, approved in January
        adopted = iso(D(year, 1, rng.randint(10, 26)))
        for item in BUDGET_ITEMS:
            for _ in range(rng.choice((1, 1, 1, 2))):
                s.add("budget", "B", year=year, item=item, source="财政预算",
                      amount=round(rng.uniform(3, 40), 1), adopted=adopted)
        for item in rng.sample(["关爱保护服务", "未保站运行", "其他"], rng.randint(0, 3)):
            s.add("budget", "B", year=year, item=item, source=rng.choice(["社会资金", "其他"]),
                  amount=round(rng.uniform(1, 8), 1), adopted=adopted)
        if not s.of("budget", year=year, source="社会资金"):
            s.add("budget", "B", year=year, item="关爱保护服务", source="社会资金",
                  amount=round(rng.uniform(1, 8), 1), adopted=adopted)


def employees(s: Street) -> None:
    """Close-contact employees with their background checks (pre-hire and yearly re-checks)."""
    rng = s.rng
    units = [f"{s.short}未保站", f"{s.short}托育园", f"{s.short}幼儿园", f"{s.short}社区卫生服务中心",
             f"{s.short}儿童之家", "启航学科培训中心", "七彩艺术培训学校", "小树苗托育中心"]
    positions = ["教师", "保育员", "社工", "医生", "护士", "辅导员", "管理员", "保安"]
    for _ in range(rng.randint(34, 46)):
        s.add("employee", "E", name=s.person(), unit=rng.choice(units), position=rng.choice(positions),
              start=iso(s.day(D(2015, 1, 1), D(2023, 3, 20))))
    for _ in range(rng.randint(4, 8)):
        s.add("employee", "E", name=s.person(), unit=rng.choice(units), position=rng.choice(positions),
              start=iso(s.day(D(2023, 4, 10), D(2024, 3, 18))))
    for e in rng.sample(s.facts["employee"][:30], 3):
        e["end"] = iso(s.day(D(2023, 5, 1), D(2024, 2, 28)))
    for e in s.facts["employee"]:
        check_chain(s, e)


def check_chain(s: Street, e: Record, stop: D | None = None) -> None:
    rng = s.rng
    start = D.fromisoformat(e["start"])
    end = D.fromisoformat(e["end"]) if "end" in e else None
    if start >= D(2021, 6, 1):
        day, kind = start - dt.timedelta(days=rng.randint(12, 25)), "入职查询"
    else:
        day, kind = D(2021, 6, 1) + dt.timedelta(days=rng.randint(0, 150)), "定期查询"
    while day <= PERIOD_END and (end is None or day < end) and (stop is None or day < stop):
        result_day = day + dt.timedelta(days=rng.randint(3, 8))
        if kind == "入职查询":
            result_day = min(result_day, start - ONE_DAY)
        if result_day > PERIOD_END:  # requested, result not back yet on 2024-03-31
            s.add("background_check", "BC", person=e["id"], kind=kind, date=iso(day))
        else:
            s.add("background_check", "BC", person=e["id"], kind=kind, date=iso(day),
                  result_date=iso(result_day), result="无记录")
        day, kind = day + dt.timedelta(days=rng.randint(300, 350)), "定期查询"


def add_hit(s: Street, working_days: int, when: D) -> None:
    """A re-check that finds a record, and the termination `working_days` after the result."""
    e = s.add("employee", "E", name=s.person(), unit="启航学科培训中心", position="辅导员",
              start="2020-09-01")
    termination = add_working_days(when + dt.timedelta(days=6), working_days)
    check_chain(s, e, stop=when)
    s.add("background_check", "BC", person=e["id"], kind="定期查询", date=iso(when),
          result_date=iso(when + dt.timedelta(days=6)), result="有记录")
    s.add("termination", "T", person=e["id"], date=iso(termination), reason="查询发现有相关违法犯罪记录")
    e["end"] = iso(termination)


def data_work(s: Street) -> None:
    for a, b in quarters():
        for partner in ("学校", "派出所", "医疗机构", "居委会"):
            s.add("data_exchange", "X", date=iso(s.day(a + dt.timedelta(days=5), b - dt.timedelta(days=5))),
                  partner=partner, content="重点服务对象信息交互")
        if s.rng.random() < 0.6:
            s.add("data_exchange", "X", date=iso(s.day(a, b)), partner=s.rng.choice(["民政", "妇联", "教育"]),
                  content="未成年人有关信息通报共享")
        last_month = b - dt.timedelta(days=27)
        for kind in ("采集录入", "审核报送", "动态更新"):
            s.add("data_entry", "DE", date=iso(s.day(last_month, b - dt.timedelta(days=2))), kind=kind,
                  system="上海未成年人保护信息管理系统")
    for d in (D(2023, 7, 12), D(2024, 1, 17)):
        s.add("data_entry", "DE", date=iso(d), kind="汇总分析", system="上海未成年人保护信息管理系统")


ACTIVITY_TITLES = {
    "家庭教育宣传培训": ["家长课堂：科学育儿", "家庭教育促进法宣讲", "家长学校专题讲座"],
    "家庭教育指导": ["亲子沟通工作坊", "家庭教育个别指导日", "隔代教养指导"],
    "无烟家庭倡导": ["无烟家庭倡议签名"], "婴幼儿家庭照护支持": ["0-3岁婴幼儿照护指导", "育儿指导进社区"],
    "重点家庭排摸": ["重点家庭走访排摸"], "法治宣传": ["青少年法治小课堂"],
    "心理健康服务": ["青少年心理健康讲座"],
    "自护教育": ["儿童安全自护训练营"], "品牌项目推介": ["未保服务品牌项目推介会"],
    "公益广告刊播": ["社区屏幕刊播未保公益广告", "公众号推送未保公益广告"],
    "护未成长项目": ["“护‘未’成长”社区服务项目"],
    "未成年人专场": ["图书馆未成年人阅读专场", "文化馆少儿专场"],
    "网络素养教育": ["网络安全与防沉迷课堂"], "禁毒宣传教育": ["禁毒知识进校园"],
    "反邪教宣传教育": ["反邪教宣传进社区"], "国家安全教育": ["国家安全教育日宣讲"],
    "未保法规宣传": ["未成年人保护法宣传周"], "热线宣传": ["12355/12345热线宣传"],
}


def act(s: Street, kind: str, day: D, organiser: str = "未保站", location: str | None = "社区",
        partner: str | None = None, record_kept: bool = True) -> None:
    s.add("activity", "A", date=iso(day), kind=kind, title=s.rng.choice(ACTIVITY_TITLES[kind]),
          organiser=organiser, location=location, partner_kind=partner,
          participants=s.rng.randint(12, 160), record_kept=record_kept)


def activities(s: Street) -> None:
    rng = s.rng
    for a, b in quarters():
        for _ in range(rng.randint(1, 3)):
            act(s, rng.choice(["家庭教育宣传培训", "家庭教育指导"]), s.day(a + dt.timedelta(days=3), b),
                location=rng.choice(["社区", "未保站"]))
        for _ in range(rng.randint(1, 2)):
            act(s, "公益广告刊播", s.day(a + dt.timedelta(days=3), b), location="线上")
    act(s, "无烟家庭倡导", s.day(D(2023, 5, 22), D(2023, 6, 9)))
    for _ in range(2):
        act(s, "婴幼儿家庭照护支持", s.day(PERIOD_START, D(2024, 3, 20)), partner="社会组织")
    act(s, "重点家庭排摸", s.day(D(2023, 4, 10), D(2023, 5, 19)), organiser="居委会")
    act(s, "重点家庭排摸", s.day(D(2023, 10, 9), D(2023, 11, 17)), organiser="居委会")
    for kind in ("法治宣传", "心理健康服务", "自护教育"):
        act(s, kind, s.day(PERIOD_START, D(2024, 3, 20)), organiser="社会组织", location="学校",
            partner=rng.choice(["青少年事务社工机构", "志愿服务组织", "社会组织"]))
    act(s, "品牌项目推介", s.day(D(2023, 9, 1), D(2023, 12, 15)), partner="社会组织")
    act(s, "护未成长项目", s.day(D(2023, 4, 17), D(2023, 8, 31)), location="未保站",
        partner="青少年事务社工机构")
    act(s, "未成年人专场", s.day(D(2023, 7, 3), D(2023, 8, 25)), location="其他")
    act(s, "网络素养教育", s.day(D(2023, 10, 9), D(2023, 12, 22)), location="学校")
    act(s, "禁毒宣传教育", s.day(D(2023, 6, 19), D(2023, 6, 26)), organiser="派出所", location="学校")
    act(s, "反邪教宣传教育", s.day(D(2023, 5, 8), D(2023, 9, 15)), organiser="社区平安办", location="社区")
    act(s, "国家安全教育", s.day(D(2024, 3, 4), D(2024, 3, 22)), organiser="司法所", location="学校")
    act(s, "未保法规宣传", s.day(D(2023, 5, 29), D(2023, 6, 2)))
    act(s, "热线宣传", s.day(D(2023, 4, 10), D(2024, 3, 20)), location="社区", record_kept=rng.random() < 0.7)


def children(s: Street) -> None:
    """The register of children needing attention, their services, benefits and cases."""
    rng = s.rng
    areas = [a["id"] for a in s.facts["residential_area"]]

    def child(category: str, registered: D, left: D | None = None, age: tuple[int, int] = (3, 16)) -> Record:
        birth = D(2024 - rng.randint(*age), rng.randint(1, 12), rng.randint(1, 28))
        code = f"{s.short}-{category[:2]}-{rng.randint(100, 999)}"
        return s.add("child", "C", code=code, category=category,
                     birth=iso(birth), registered=iso(registered), left=iso(left) if left else None,
                     area=rng.choice(areas))

    def service(kind: str, day: D, provider: str, c: Record | None = None, case: str | None = None) -> None:
        s.add("service", "SR", date=iso(day), kind=kind, provider=provider, child=c["id"] if c else None,
              case=case)

    # 7.1.1: orphans and children without de facto carers, monthly allowance at the standard.
    standard = {2023: 2400, 2024: 2520}  # fictional amounts in yuan
    for k in range(rng.randint(2, 4)):
        category = "孤儿" if k % 2 == 0 else "事实无人抚养儿童"
        left = D(2023, 9, 30) if k == 1 else None
        c = child(category, s.day(D(2019, 1, 1), D(2022, 6, 30)), left)
        month = DATA_START
        while month <= PERIOD_END and (left is None or month <= left):
            paid = s.day(month + dt.timedelta(days=4), month + dt.timedelta(days=14))
            s.add("benefit", "BN", child=c["id"], kind="基本生活补贴", month=iso(paid),
                  amount=standard[month.year], standard=standard[month.year])
            month = add_months(month, 1)
    # 7.2.1: children of families in financial difficulty.
    for _ in range(rng.randint(3, 6)):
        c = child("家庭经济困难儿童", s.day(D(2020, 1, 1), D(2023, 6, 30)), age=(7, 15))
        s.add("benefit", "BN", child=c["id"], kind=rng.choice(["教育资助", "两免一补"]),
              month=iso(s.day(D(2023, 9, 4), D(2023, 9, 29))), amount=1500, standard=1500)
    # 4.2.2, 7.3.2: disabled children and children with serious illness.
    for _ in range(rng.randint(2, 4)):
        c = child("残疾儿童", s.day(D(2019, 1, 1), D(2023, 2, 28)))
        service("上门探访", s.day(D(2023, 4, 10), D(2023, 9, 29)), "居委会", c)
        service("康复服务", s.day(D(2023, 5, 8), D(2024, 3, 15)), "医疗机构", c)
        paid = s.day(D(2023, 6, 5), D(2023, 6, 20))
        s.add("benefit", "BN", child=c["id"], kind="护理补贴", month=iso(paid),
              amount=900, standard=900)
    for _ in range(rng.randint(1, 2)):
        c = child("大病儿童", s.day(D(2021, 1, 1), D(2023, 5, 31)))
        kind = rng.choice(["精神慰藉", "政策宣传落实", "上门探访"])
        service(kind, s.day(D(2023, 6, 1), D(2024, 3, 15)), "未保站", c)
    # 3.4.6: autistic children served at the station.
    for _ in range(rng.randint(1, 2)):
        c = child("孤独症儿童", s.day(D(2020, 1, 1), D(2023, 3, 31)), age=(3, 12))
        for _ in range(rng.randint(2, 5)):
            service("孤独症儿童社区服务", s.day(PERIOD_START, D(2024, 3, 22)), "未保站", c)
    # 3.4.2, 3.4.3: children needing mental-health intervention, found during the period.
    for _ in range(rng.randint(2, 4)):
        found = s.day(D(2023, 4, 3), D(2024, 2, 16))
        c = child("需心理健康干预", found, age=(10, 17))
        service("综合测评", found + dt.timedelta(days=rng.randint(2, 9)), "医疗机构", c)
        service("联动服务", found + dt.timedelta(days=rng.randint(5, 20)), "未保站", c)
        if rng.random() < 0.4:
            service("转介", found + dt.timedelta(days=rng.randint(15, 30)), "医疗机构", c)
    # 7.4.1: a child temporarily without a guardian, cared for the next day and its guardianship
    # assessed within weeks; in some streets a runaway child taken in as well.
    for category, help_kind in (("临时监护缺失", "临时照料"), ("流浪未成年人", "救助保护")):
        if category == "流浪未成年人" and rng.random() < 0.6:
            continue
        taken = s.day(D(2023, 8, 1), D(2023, 12, 15))
        c = child(category, taken, age=(4, 14))
        service(help_kind, taken + dt.timedelta(days=1), "未保站", c)
        service("监护能力评估", taken + dt.timedelta(days=rng.randint(5, 25)), "未保站", c)
    # 4.3.1, 4.3.2, 3.2.1: children in guardianship difficulty — cases, levels, home visits, an
    # assessment and family guidance for each family, and a case conference (个案会商) on each
    # high-risk case within weeks of opening it.
    levels = ["高", "中", "低", "高", "中", "低", "高", "中", "低"]
    for k in range(rng.randint(6, 9)):
        opened = s.day(D(2021, 3, 1), D(2023, 2, 28)) if k < 4 else s.day(D(2023, 5, 8), D(2023, 12, 15))
        c = child("监护困境儿童", opened)
        level = levels[k]
        case = s.add("guardianship_case", "G", child=c["id"], level=level, opened=iso(opened))
        if k == 2:
            case["closed"] = "2023-10-31"
        visits(s, case)
        service("监护能力评估", s.day(max(opened, PERIOD_START), D(2024, 3, 15)), "未保站", c)
        service("家庭教育指导服务", s.day(max(opened, PERIOD_START), D(2024, 3, 15)), "未保站", c)
        if level == "高":
            s.add("meeting", "M", date=iso(add_working_days(opened, rng.randint(3, 15))), kind="个案会商",
                  topic="高风险监护困境个案会商", child=c["id"])
    for level, interval in (("高", "1 month"), ("中", "3 months"), ("低", "6 months")):
        s.add("visit_frequency", "F", level=level, interval=interval, issued="2022-03-15",
              evidence=f"{s.short}〔2022〕8号 分级干预措施")


GAP = {"高": (18, 27), "中": (50, 80), "低": (100, 160)}


def visits(s: Street, case: Record) -> None:
    opened = D.fromisoformat(case["opened"])
    closed = D.fromisoformat(case["closed"]) if "closed" in case else None
    day = max(opened, D(2022, 10, 3)) + dt.timedelta(days=s.rng.randint(2, 8))
    while day <= PERIOD_END and (closed is None or day <= closed):
        s.add("home_visit", "HV", case=case["id"], date=iso(day), record_kept=True)
        day += dt.timedelta(days=s.rng.randint(*GAP[case["level"]]))


def venues(s: Street) -> None:
    rng = s.rng
    free = {"minors_gathering": True, "safety_signs": True, "no_smoking_signs": True,
            "minor_admission": "免费"}
    closed = {"minors_gathering": False}
    station = s.add("venue", "V", name=f"{s.short}未成年人保护工作站", kind="未保站", **free)
    for r in s.of("staff", role="青少年事务社工"):
        r["workplace"] = station["id"]
    s.add("venue", "V", name=f"{s.short}未成年人关爱服务中心", kind="未成年人关爱服务场所", **free)
    for area in rng.sample(s.facts["residential_area"], 3):
        s.add("venue", "V", name=f"{area['name']}儿童之家", kind="儿童之家", **free)
    s.add("venue", "V", name=f"{s.short}社区家长学校", kind="社区家长学校", minors_gathering=False)
    s.add("venue", "V", name=f"{s.short}家庭教育指导服务站", kind="家庭教育指导服务站点", **closed)
    s.add("venue", "V", name=f"{s.short}未成年人临时照护点", kind="临时照护点", minors_gathering=False)
    s.add("venue", "V", name=f"{s.short}社区图书馆", kind="图书馆", **free)
    s.add("venue", "V", name=f"{s.short}社区文化活动中心", kind="文化馆", minors_gathering=True,
          safety_signs=True,
          no_smoking_signs=True, minor_admission=rng.choice(["免费", "优惠"]))
    for name in ("购物中心", "商业广场"):
        s.add("venue", "V", name=f"{s.short}{name}", kind="大型公共场所", minors_gathering=False,
              nursing_room=True, child_sanitary=True)
    s.add("venue", "V", name=f"{s.short}派出所未成年人询问室", kind="派出所涉未办案场所", **closed)
    s.add("venue", "V", name=f"{s.short}司法所未成年人工作室", kind="司法所涉未工作场所", **closed)


def venue_sessions(s: Street) -> None:
    """The care venue opens six days a week — Tuesday–Sunday, or Monday–Saturday, as the street
    chose — and some weeks closes one more day (never below 5 days or without a rest day)."""
    rng = s.rng
    care = s.of("venue", kind="未成年人关爱服务场所")[0]
    closed = rng.choice((0, 6, 2))  # the weekday it closes: Monday, Sunday or Wednesday
    monday = D(2023, 1, 2)
    while monday <= PERIOD_END:
        week = [monday + dt.timedelta(days=i) for i in range(7)]
        open_days = [d for i, d in enumerate(week) if i != closed]
        if rng.random() < 0.3:
            drop = rng.choice(open_days)
            rest = [d for d in open_days if d != drop and is_rest_day(d)]
            if rest:
                open_days = [d for d in open_days if d != drop]
        for d in open_days:
            s.facts.setdefault("venue_session", []).append(
                {"id": f"VS{d:%Y%m%d}", "venue": care["id"], "date": iso(d), "hours": rng.choice(HOURS)})
        monday += dt.timedelta(days=7)


def inspections(s: Street) -> None:
    rng = s.rng
    for a, b in VACATIONS[1:3]:
        for _ in range(rng.randint(1, 3)):
            s.add("inspection", "IN", date=iso(s.day(a, b, working=False)), kind="网吧专项检查",
                  target=rng.choice(["辖区网吧", "电竞酒店", "网吧（上网服务场所）"]),
                  finding="未发现接纳未成年人")
    for a, b in HOLIDAY_BLOCKS:
        s.add("inspection", "IN", date=iso(s.day(a, b, working=False)), kind="网吧专项检查",
              target="辖区网吧",
              finding="未发现接纳未成年人")
    for v in s.facts["venue"]:
        if not v["minors_gathering"]:
            continue
        for a, b in quarters():
            s.add("inspection", "IN", date=iso(s.day(a + dt.timedelta(days=10), b - dt.timedelta(days=5))),
                  kind="设施维护", venue=v["id"], finding="设施设备完好")
    for _ in range(2):
        s.add("inspection", "IN", date=iso(s.day(PERIOD_START, D(2024, 3, 15))), kind="旅馆入住核查",
              target="辖区旅馆", finding="已张贴未成年人入住相关规定")
    s.add("inspection", "IN", date=iso(s.day(PERIOD_START, D(2024, 3, 15))), kind="无障碍设施检查",
          target="公共服务场所无障碍设施", finding="个别坡道已整改")


def tutoring(s: Street) -> None:
    """Training institutions' group classes: academic classes for compulsory-stage pupils on
    working days outside school vacations; arts and sports (and senior-high) classes at weekends."""
    rng = s.rng
    others = ["七彩艺术培训学校", "跃动体育俱乐部", "慧思编程学堂", "书香阅读馆", "远帆学科辅导"]
    chosen = ["启航学科培训中心", *rng.sample(others, rng.randint(3, 5))]
    for name in chosen:
        inst = s.add("tutoring_institution", "TI", name=name, mode="线上" if "编程" in name else "线下", )
        academic = "学科" in name or "辅导" in name
        weekdays = rng.sample([1, 2, 3, 4, 5], 2) if academic else [rng.choice([6, 7])]
        for d in daterange(D(2023, 3, 1), PERIOD_END):
            if d.isoweekday() not in weekdays:
                continue
            if academic and (is_rest_day(d) or in_vacation(d)):
                continue
            s.facts.setdefault("tutoring_class", []).append(
                {"id": f"TC{inst['id'][2:]}-{d:%Y%m%d}", "institution": inst["id"], "date": iso(d),
                 "hours": 1.5 if academic else 2.0, "students": rng.randint(6, 24),
                 "compulsory_stage": True, "academic": academic})
        if academic:  # senior-high classes at weekends are not covered by 5.4.1
            for d in daterange(D(2023, 3, 4), PERIOD_END):
                if d.isoweekday() == 6 and rng.random() < 0.5:
                    s.facts["tutoring_class"].append(
                        {"id": f"TC{inst['id'][2:]}-{d:%Y%m%d}H", "institution": inst["id"], "date": iso(d),
                         "hours": 2.0, "students": rng.randint(5, 15), "compulsory_stage": False,
                         "academic": True})


def justice(s: Street) -> None:
    rng = s.rng
    kinds = ["性侵害", "暴力伤害", "其他侵害"] + (["暴力伤害"] if rng.random() < 0.5 else [])
    for kind in kinds:
        day = s.day(D(2023, 4, 10), D(2024, 2, 9))
        case = s.add("police_case", "PC", date=iso(day), kind=kind, unit="派出所")
        if kind in ("性侵害", "暴力伤害"):
            victim = f"被害人{rng.randint(10, 99)}"
            s.add("interview", "IV", case=case["id"], victim=victim, date=iso(day + ONE_DAY), recorded=True)
            s.add("meeting", "M", date=iso(s.day(day + dt.timedelta(days=2), day + dt.timedelta(days=12))),
                  kind="司法沟通会商", topic="与检察机关沟通会商", case=case["id"])
        s.add("service", "SR", date=iso(day + dt.timedelta(days=rng.randint(3, 15))),
              kind=rng.choice(["心理干预", "社会观护", "法律援助"]), provider="青少年事务社工机构",
              case=case["id"])
    for _ in range(rng.randint(1, 3)):
        day = s.day(D(2023, 5, 4), D(2024, 2, 8))
        rec = s.add("recommendation", "RC", issuer=rng.choice(["派出所", "司法所"]),
                    addressee=rng.choice(["某托育机构", "某网吧", "某校外培训机构", "某物业公司"]),
                    date=iso(day),
                    content="未尽到未成年人看护、管理职责，建议整改")
        s.add("reply", "RY", recommendation=rec["id"], date=iso(day + dt.timedelta(days=rng.randint(7, 25))))


def misc(s: Street) -> None:
    for area in s.facts["residential_area"]:
        s.add("volunteer_team", "VT", area=area["id"], name=f"{area['name']}护苗志愿服务队",
              founded=iso(s.day(D(2019, 1, 1), D(2022, 12, 31))), members=s.rng.randint(8, 40))
    s.facts["incident"] = []
    s.facts.setdefault("termination", [])


ASSESSED = {
    "1.1.1": "宣贯教育持续开展，领导干部政治能力有提升",
    "1.2.1": "以重要指示精神指导未保工作，成效明显",
    "1.2.2": "年度计划明确，部署到位，落实较好",
    "2.1.4": "各部门职能作用发挥明显，形成工作合力",
    "2.1.6": "工会、残联、关工委参与积极",
    "5.2.2": "“护‘未’成长”项目覆盖面广，一站式服务初步实现",
    "5.3.1": "重点区域无障碍设施基本完善",
    "9.1.1": "临时照护点运转正常，职能有效发挥",
    "9.1.3": "未保站“五个中心”建设到位，枢纽作用明显",
}
ASSESSORS = ["区未保办评估组 李明", "区未保办评估组 王洁", "区民政局评估组 陈晓东"]


def judgements(s: Street) -> None:
    for rule, note in ASSESSED.items():
        s.judgements.append({"rule": rule, "verdict": "pass", "by": s.rng.choice(ASSESSORS),
                             "date": iso(s.day(D(2024, 3, 11), D(2024, 3, 27))), "note": note})


BASELINE: list[Callable[[Street], None]] = [
    residential_areas, staff, trainings, documents, meetings, studies, instructions, supervisions,
    budgets, employees, data_work, activities, children, reports, hotline, venues, venue_sessions,
    inspections, tutoring, justice, misc, judgements,
]


# ---------------------------------------------------------------- each street's story


def huayang(s: Street) -> None:
    add_hit(s, 12, D(2023, 8, 14))  # a hit, terminated 12 working days after the result: 3.3.1 passes


def xinhua(s: Street) -> None:
    iv = s.facts["interview"][0]  # a victim interviewed a second time: the advisory line of 8.2.2
    s.add("interview", "IV", case=iv["case"], victim=iv["victim"],
          date=iso(D.fromisoformat(iv["date"]) + dt.timedelta(days=9)), recorded=True)


def xinjing(s: Street) -> None:
    pass


def jiangsu(s: Street) -> None:
    jiangsu_lead(s)
    family = ("家庭教育宣传培训", "家庭教育指导")
    s.facts["activity"] = [a for a in s.facts["activity"]
                           if not (a["kind"] in family and "2023-07-01" <= a["date"] <= "2023-09-30")]
    week = {iso(D(2023, 11, 13) + dt.timedelta(days=i)) for i in range(7)}
    keep = {"2023-11-14", "2023-11-16", "2023-11-18", "2023-11-19"}  # Tue, Thu, Sat, Sun
    s.facts["venue_session"] = [v for v in s.facts["venue_session"]
                                if v["date"] not in week or v["date"] in keep]
    care = s.of("venue", kind="未成年人关爱服务场所")[0]["id"]
    have = {v["date"] for v in s.facts["venue_session"]}
    for d in sorted(keep - have):
        s.facts["venue_session"].append(
            {"id": f"VS{d.replace('-', '')}", "venue": care, "date": d, "hours": 4.0})
    s.facts["venue_session"].sort(key=lambda v: v["date"])


def zhoujiaqiao(s: Street) -> None:
    zhoujiaqiao_rectification(s)
    add_hit(s, 35, D(2023, 9, 11))  # the termination comes 35 working days after the result
    director = next(r for r in s.facts["staff"] if r["appointed"] == "2023-07-03")
    induction = next(t for t in s.facts["training"] if t["person"] == director["id"])
    induction["date"] = "2023-11-06"  # 4 months after appointment (deadline 2023-10-07)


def xianxia(s: Street) -> None:
    xianxia_referral(s)
    inst = next(t for t in s.facts["tutoring_institution"] if "学科" in t["name"] or "辅导" in t["name"])
    for day in ("2023-10-14", "2023-07-18"):  # a Saturday; a Tuesday in the summer vacation
        s.facts["tutoring_class"].append({"id": f"TC{inst['id'][2:]}-{day.replace('-', '')}X",
                                          "institution": inst["id"], "date": day, "hours": 3.0,
                                          "students": 18, "compulsory_stage": True, "academic": True})
    rec = s.add("recommendation", "RC", issuer="司法所", addressee="某校外培训机构", date="2023-10-16",
                content="未落实未成年人安全管理职责，建议整改")
    s.add("reply", "RY", recommendation=rec["id"], date="2023-11-25")  # 40 days later (due 2023-11-16)
    case = s.of("guardianship_case", level="高")[0]
    s.facts["home_visit"] = [v for v in s.facts["home_visit"]
                             if not (v["case"] == case["id"] and "2023-08-02" <= v["date"] <= "2023-10-09")]
    for day in ("2023-08-02", "2023-10-09"):
        s.add("home_visit", "HV", case=case["id"], date=day, record_kept=True)


def hongqiao(s: Street) -> None:
    # 2.1.3: one meeting in 2023 — the coordination meetings lapsed after February and no case
    # conference took up a child of the register.
    first = True
    kept = []
    for m in s.facts["meeting"]:
        if m["date"].startswith("2023") and (m["kind"] in ("协调会议", "专题会议") or "child" in m):
            if not first or m["kind"] == "个案会商":
                continue
            first = False
        kept.append(m)
    s.facts["meeting"] = kept
    # 3.2.1: a high-risk case opened on 2023-09-12 never conferred on; with the case conferences
    # on a child gone from 2023 (2.1.3), neither is the one of 2023-08-25.
    c = s.add("child", "C", code=f"{s.short}-监护-915", category="监护困境儿童", registered="2023-09-12",
              area=s.facts["residential_area"][0]["id"])
    case = s.add("guardianship_case", "G", child=c["id"], level="高", opened="2023-09-12")
    visits(s, case)
    s.add("service", "SR", date="2023-09-20", kind="监护能力评估", provider="未保站", child=c["id"])
    s.add("service", "SR", date="2023-10-09", kind="家庭教育指导服务", provider="未保站", child=c["id"])
    s.facts["meeting"] = [m for m in s.facts["meeting"] if m["kind"] != "个案会商" or "child" not in m
                          or m["date"] < "2023-01-01"]
    # 10.1.3: the last residential area has had no child director since 2024-01-01.
    area = s.facts["residential_area"][-1]
    for r in s.facts["staff"]:
        if r["role"] == "儿童主任" and r.get("area") == area["id"]:
            r["left"] = "2023-12-31"  # nobody has been appointed since
    for j in s.judgements:
        if j["rule"] == "2.1.4":
            j.update(verdict="fail", note="部门间协同不足，工作合力尚未有效形成")


def tianshan(s: Street) -> None:
    pass  # meets the standard; it applied late (the district ledger) and the panel did not choose it


def chengjiaqiao(s: Street) -> None:
    s.facts["incident"].append({"id": "N01", "item": "N.1", "date": "2023-11-08",
                                "description": "辖区发生一起未成年人遭受侵害的重大案件，"
                                               "经认定存在履职不力，造成恶劣社会影响（虚构）",
                                "confirmed_by": "区未成年人保护委员会办公室"})
    s.facts["inspection"] = [i for i in s.facts["inspection"]
                             if not (i["kind"] == "网吧专项检查"
                                     and "2023-06-22" <= i["date"] <= "2023-06-24")]
    # N.3 and 7.1.1: an orphan's allowance for October 2023 paid 200 yuan short of the standard.
    paid = next(b for b in s.facts["benefit"]
                if b["kind"] == "基本生活补贴" and b["month"].startswith("2023-10"))
    paid["amount"] = paid["standard"] - 200


def jiangsu_lead(s: Street) -> None:
    """3.1.1: a report received on Friday 2023-06-02 accepted only on Wednesday 06-07."""
    s.add("report", "RL", received="2023-06-02", kind="报告", unit="教育", accepted="2023-06-07",
          handled="2023-06-20", summary="学校报告学生疑似遭受家庭暴力（虚构）")


def xianxia_referral(s: Street) -> None:
    """3.5.1: a hotline referral of 2023-09-27 handled on 2023-10-12 (due 2023-10-10)."""
    liaison = s.of("staff", role="热线联络员")[0]["id"]
    s.add("hotline_referral", "HR", received="2023-09-27", line="12355", handler=liaison,
          handled="2023-10-12",
          summary="热线转介：未成年人长期独自在家（虚构）")


def zhoujiaqiao_rectification(s: Street) -> None:
    """2.1.5: a 限时整改 of 2023-10-16 due by 2023-11-15, put right only on 2023-12-04."""
    supervisor = s.of("staff", role="儿童督导员")[0]["id"]
    s.add("supervision", "SV", date="2023-10-16", supervisor=supervisor, kind="限时整改",
          target="某托育机构安全管理", deadline="2023-11-15", rectified="2023-12-04")


def beixinjing(s: Street) -> None:
    for fact_type in ("venue_session", "tutoring_institution", "tutoring_class", "police_case", "interview"):
        del s.facts[fact_type]
    for m in s.facts["meeting"]:
        m.pop("case", None)
    for v in s.facts["service"]:
        v.pop("case", None)
    s.judgements = [j for j in s.judgements if j["rule"] != "9.1.3"]


STREETS: list[tuple[str, str, str, Callable[[Street], None]]] = [
    ("huayang", "华阳路街道", "华阳", huayang),
    ("jiangsu", "江苏路街道", "江苏", jiangsu),
    ("xinhua", "新华路街道", "新华", xinhua),
    ("zhoujiaqiao", "周家桥街道", "周家桥", zhoujiaqiao),
    ("tianshan", "天山路街道", "天山", tianshan),
    ("xianxia", "仙霞新村街道", "仙霞", xianxia),
    ("hongqiao", "虹桥街道", "虹桥", hongqiao),
    ("chengjiaqiao", "程家桥街道", "程家桥", chengjiaqiao),
    ("beixinjing", "北新泾街道", "北新泾", beixinjing),
    ("xinjing", "新泾镇", "新泾", xinjing),
]
CSV_STREETS = {"xinjing"}

# Field order of every fact type, as declared in rules/changning_2023.prl (CSV headers).
FIELDS: dict[str, list[str]] = {
    "document": ["kind", "title", "issued", "year", "repealed", "evidence", "owner"],
    "residential_area": ["name", "minors"],
    "staff": ["name", "role", "unit", "appointed", "left", "post_type", "employment", "area", "concurrent",
              "social_work_cert", "workplace"],
    "volunteer_team": ["area", "name", "founded", "members"],
    "budget": ["year", "item", "source", "amount", "adopted"],
    "study": ["date", "kind", "topic", "minor_protection"],
    "meeting": ["date", "kind", "topic", "case", "child"],
    "instruction": ["source", "received", "due", "completed", "summary"],
    "supervision": ["date", "supervisor", "kind", "target", "deadline", "rectified"],
    "report": [
        "received", "kind", "unit", "child", "accepted", "investigated", "handled", "feedback", "summary",
    ],
    "hotline_referral": ["received", "line", "child", "handler", "handled", "summary"],
    "employee": ["name", "unit", "position", "start", "end"],
    "background_check": ["person", "kind", "date", "result_date", "result"],
    "termination": ["person", "date", "reason"],
    "data_exchange": ["date", "partner", "content"],
    "data_entry": ["date", "kind", "system"],
    "activity": ["date", "kind", "title", "organiser", "location", "partner_kind", "participants",
                 "record_kept"],
    "child": ["code", "category", "birth", "registered", "left", "area"],
    "service": ["date", "kind", "provider", "child", "case", "note"],
    "guardianship_case": ["child", "level", "opened", "closed"],
    "visit_frequency": ["level", "interval", "issued", "evidence"],
    "home_visit": ["case", "date", "record_kept"],
    "benefit": ["child", "kind", "month", "amount", "standard"],
    "rehab_policy": ["max_age", "household_relaxed", "income_relaxed", "issued", "repealed", "evidence"],
    "venue": ["name", "kind", "minors_gathering", "safety_signs", "no_smoking_signs", "nursing_room",
              "child_sanitary", "minor_admission"],
    "venue_session": ["venue", "date", "hours"],
    "inspection": ["date", "kind", "venue", "target", "finding"],
    "tutoring_institution": ["name", "mode"],
    "tutoring_class": ["institution", "date", "hours", "students", "compulsory_stage", "academic"],
    "police_case": ["date", "kind", "unit"],
    "interview": ["case", "victim", "date", "recorded"],
    "recommendation": ["issuer", "addressee", "date", "content"],
    "reply": ["recommendation", "date"],
    "training": ["person", "date", "kind", "subject", "child_share", "materials_kept", "course"],
    "incident": ["item", "date", "description", "confirmed_by"],
    "application": ["street", "date", "self_assessment", "self_score", "form"],
    "publicity": ["street", "start", "end", "evidence"],
    "objection": ["street", "received", "summary", "resolved", "upheld"],
    "review": ["street", "date", "by", "selected", "note"],
    "naming": ["street", "date", "evidence"],
}

#: What every example entity says of itself (the reports print it).
FICTIONAL = ("虚构示例数据：人员、居民区、机构、案件、事件和金额都是生成的，只有街镇名称是真实的。"
             " Fictional example data: only the names of the streets are real.")


# ---------------------------------------------------------------- the district ledger

#: Streets that applied (自愿申报) and when; 天山路 applied after the first round closed (04-30).
APPLIED = {
    "huayang": ("2023-04-20", "达标", "100%"), "xinhua": ("2023-04-26", "达标", "100%"),
    "xinjing": ("2023-04-28", "达标", "98%"), "tianshan": ("2023-05-08", "达标", "100%"),
    "zhoujiaqiao": ("2023-04-27", "基本达标", "96%"), "xianxia": ("2023-04-25", "基本达标", "95%"),
    "hongqiao": ("2023-04-21", "基本达标", "94%"), "chengjiaqiao": ("2023-04-29", "达标", "99%"),
}
#: The review panel's decision on the four streets tied at the cap (2024-04-08).
CHOSEN = {"huayang": True, "xinhua": True, "xinjing": True, "tianshan": False}


def district() -> Street:
    """The district office's ledger: what holds for every street (the rehabilitation-aid policy,
    the nursing-allowance policy, the police and justice bureaus' appraisal rules) and the
    programme's records — applications, the panel's decisions, the candidate list's publicity,
    an objection, the naming."""
    d = Street("changning-district", "长宁区未成年人保护委员会办公室（区级台账）", "长宁")
    d.add("rehab_policy", "CN-RP", max_age=17, household_relaxed=True, income_relaxed=True,
          issued="2021-07-01", evidence="长宁区残疾儿童康复救助实施办法（虚构文号）")
    for i, kind in enumerate(DISTRICT_DOCUMENTS, 1):
        issued = ("2022-03-01", "2021-09-15", "2021-11-20")[i - 1]
        d.add("document", "CN-D", kind=kind, title=f"长宁区{kind}", issued=issued,
              evidence=f"长宁区〔{issued[:4]}〕{20 + i}号（虚构）")
    for street, (day, verdict, score) in APPLIED.items():
        d.add("application", "CN-A", street=street, date=day, self_assessment=verdict, self_score=score,
              form=f"申报表 {street}（存档）")
    for street, chosen in CHOSEN.items():
        note = ("四个街镇均达标、得分并列，名额三个；经评审，优中选优" if chosen
                else "四个街镇均达标、得分并列；该街镇首次申报逾期，本批不列入候选名单")
        d.add("review", "CN-R", street=street, date="2024-04-08", by="区未保委评审组", selected=chosen,
              note=note)
    for street, chosen in CHOSEN.items():
        if chosen:
            d.add("publicity", "CN-P", street=street, start="2024-04-15", end="2024-04-21",
                  evidence="长未保办〔2024〕3号 候选名单公示（虚构）")
    d.add("objection", "CN-O", street="xinhua", received="2024-04-18",
          summary="群众反映未保站周末开放时间不足（虚构）", resolved="2024-04-26", upheld=False)
    for street, chosen in CHOSEN.items():
        if chosen:
            d.add("naming", "CN-N", street=street, date="2024-05-20", evidence="长未保办〔2024〕5号（虚构）")
    return d


#: The field a record is dated by, for the order of a ledger's rows.
DATED = ("date", "received", "start", "appointed", "opened", "registered", "issued", "founded", "month")


def build(sid: str, name: str, short: str, story: Callable[[Street], None]) -> Street:
    s = Street(sid, name, short)
    for step in BASELINE:
        step(s)
    story(s)
    for records in s.facts.values():
        records.sort(key=lambda r: (next((str(r[k]) for k in DATED if k in r), ""), r["id"]))
    return s


def ordered(fact_type: str, record: Record) -> Record:
    return {"id": record["id"], **{f: record[f] for f in FIELDS[fact_type] if f in record}}


def write_json(s: Street, out: Path, name: str | None = None) -> None:
    mark = {"id": s.id, "name": s.name, "fictional": True, "note": FICTIONAL}
    entity = json.dumps(mark, ensure_ascii=False)
    lines = ["{", f' "entity": {entity},', ' "facts": {']
    types = [t for t in FIELDS if t in s.facts]
    for i, fact_type in enumerate(types):
        rows = [json.dumps(ordered(fact_type, r), ensure_ascii=False) for r in s.facts[fact_type]]
        comma = "," if i < len(types) - 1 else ""
        if not rows:
            lines.append(f'  "{fact_type}": []{comma}')
            continue
        lines.append(f'  "{fact_type}": [')
        lines.extend(f"   {row}{',' if k < len(rows) - 1 else ''}" for k, row in enumerate(rows))
        lines.append(f"  ]{comma}")
    lines.append(" },")
    lines.append(' "judgements": [')
    rows = [json.dumps(j, ensure_ascii=False) for j in s.judgements]
    lines.extend(f"  {row}{',' if k < len(rows) - 1 else ''}" for k, row in enumerate(rows))
    lines.append(" ]")
    lines.append("}")
    (out / f"{name or s.id}.json").write_text("\n".join(lines) + "\n", encoding="utf-8")


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_csv(s: Street, out: Path) -> None:
    folder = out / s.id
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()

    def table(name: str, header: list[str], rows: list[list[str]]) -> None:
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)

    table("entity", ["id", "name", "fictional", "note"], [[s.id, s.name, "true", FICTIONAL]])
    for fact_type in FIELDS:
        if fact_type in s.facts:
            header = ["id", *FIELDS[fact_type]]
            table(fact_type, header, [[cell(r.get(f)) for f in header] for r in s.facts[fact_type]])
    table("judgements", ["rule", "verdict", "by", "date", "note"],
          [[j["rule"], j["verdict"], j["by"], j["date"], j["note"]] for j in s.judgements])


def main(out: Path = HERE) -> None:
    """Write every street's ledger into `out` (this folder unless told otherwise)."""
    out.mkdir(parents=True, exist_ok=True)
    for sid, name, short, story in STREETS:
        s = build(sid, name, short, story)
        for fact_type in s.facts:
            assert fact_type in FIELDS, fact_type
            ids = [r["id"] for r in s.facts[fact_type]]
            assert len(ids) == len(set(ids)), (sid, fact_type)
        if sid in CSV_STREETS:
            write_csv(s, out)
        else:
            write_json(s, out)
    write_json(district(), out, "_district")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
