"""Write the four example ledgers for rules/fire_safety_2002.prl (deterministic, standard library only).

    python examples/fire_safety/generate.py [OUTPUT_DIR]     # default: this folder

The four units are FICTIONAL — names, people, dates and records are made up for illustration.
Each starts from a well-kept baseline for its kind of unit, then gets its own defects. The
facts cover 2024 (the rule file's 评估期) with some history before it.

Intended outcomes, assessed on 2024-12-31 — also in README.md and in the tests at the end of
rules/fire_safety_2002.prl:

    unit       name                kind                      status  why
    xingguang  星光商场（虚构）    企业, 重点单位, 公众聚集  meets   every duty met
    donghu     东湖宾馆（虚构）    企业, 重点单位, 公众聚集  fails   4.25.1: no patrol on 2024-02-10
                                                                     and 02-11; 4.25.2: 4 patrols in
                                                                     a 10-hour day (2024-05-01);
                                                                     4.25.3: a patrol record without
                                                                     the supervisor's signature;
                                                                     5.32.1: a hazard fixed 20 days
                                                                     after its deadline; 6.40.1: no
                                                                     drill in 2024-H1
    dangan     区档案馆（虚构）    事业单位                  fails   4.26.1: no inspection in 2024-Q3
    xinyuan    新源机械厂（虚构）  企业                      fails   4.26.1: no inspection in
                                                                     November; 4.27.1: no full test in
                                                                     2024; 4.27.2: an extinguisher last
                                                                     serviced 2023-10-08; 5.32.1: a
                                                                     hazard with no deadline; 6.36.3: a
                                                                     new employee without pre-job
                                                                     training
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

YEAR = 2024
DAYS = [dt.date(YEAR, 1, 1) + dt.timedelta(days=i) for i in range(366)]

Facts = dict[str, list[dict[str, Any]]]


def _iso(day: dt.date) -> str:
    return day.isoformat()


def _patrols(facts: Facts, days: list[dt.date], per_day: int, skip: set[dt.date]) -> None:
    for day in days:
        if day in skip:
            continue
        for n in range(per_day):
            facts["patrol"].append(
                {
                    "id": f"P{day:%m%d}-{n + 1}",
                    "date": _iso(day),
                    "business_hours": True,
                    "patroller_signed": True,
                    "supervisor_signed": True,
                }
            )


def _inspections(facts: Facts, months: list[int]) -> None:
    for month in months:
        record = {"id": f"I{month:02d}", "date": f"{YEAR}-{month:02d}-15"}
        facts["inspection"].append({**record, "inspector_signed": True, "head_signed": True})


def _staff(facts: Facts, trainings_per_half: int, new_hire_trained: bool) -> None:
    for n, name in enumerate(["王芳", "李强", "张伟", "刘洋"], 1):
        facts["employee"].append({"id": f"E{n}", "name": name, "hired": "2021-03-01"})
        for half, month in ((1, 3), (2, 9)):
            for k in range(trainings_per_half):
                day = f"{YEAR}-{month:02d}-{10 + k:02d}"
                record = {"id": f"T{n}{half}{k}", "person": f"E{n}", "date": day}
                facts["training"].append({**record, "pre_job": False})
    facts["employee"].append({"id": "E5", "name": "陈静", "hired": f"{YEAR}-07-01"})
    if new_hire_trained:
        facts["training"].append({"id": "T5", "person": "E5", "date": f"{YEAR}-06-28", "pre_job": True})


def _baseline(kind: str, key_unit: bool, public_assembly: bool) -> Facts:
    facts: Facts = {
        "profile": [
            {
                "id": "U",
                "kind": kind,
                "key_unit": key_unit,
                "public_assembly": public_assembly,
                **({"key_since": "2020-05-01"} if key_unit else {}),
            }
        ],
        "patrol": [],
        "business_day": [],
        "inspection": [],
        "facility_test": [
            {"id": "F2023", "date": "2023-06-12", "comprehensive": True, "record_kept": True},
            {"id": "F2024", "date": f"{YEAR}-06-14", "comprehensive": True, "record_kept": True},
        ],
        "extinguisher": [
            {"id": f"X{n}", "kind": "干粉 4kg", "location": place, "serviced": f"{YEAR}-03-20",
             "service_unit": "某消防技术服务公司（虚构）"}
            for n, place in enumerate(["一楼大厅", "二楼走廊", "配电房"], 1)
        ],
        "hazard": [
            {"id": "H1", "found": f"{YEAR}-04-08", "description": "安全出口堆放纸箱", "on_site": True,
             "fixed": f"{YEAR}-04-08"},
            {"id": "H2", "found": f"{YEAR}-08-01", "description": "应急照明灯损坏", "on_site": False,
             "deadline": f"{YEAR}-08-31", "fixed": f"{YEAR}-08-20", "signed_off": True},
        ],
        "drill": [{"id": "D1", "date": f"{YEAR}-04-10"}, {"id": "D2", "date": f"{YEAR}-10-15"}],
        "employee": [],
        "training": [],
    }
    if key_unit:
        _patrols(facts, DAYS, 5 if public_assembly else 1, set())
    if public_assembly:
        facts["business_day"] = [
            {"id": f"B{day:%m%d}", "date": _iso(day), "hours": 10, "closing_check": True} for day in DAYS
        ]
    if kind in ("机关", "团体", "事业单位"):
        _inspections(facts, [2, 5, 8, 11])
    else:
        _inspections(facts, list(range(1, 13)))
    _staff(facts, 1, new_hire_trained=True)
    return facts


def _remove(facts: Facts, kind: str, ids: set[str]) -> None:
    facts[kind] = [f for f in facts[kind] if f["id"] not in ids]


def units() -> dict[str, tuple[str, Facts]]:
    """Each unit's id → (name, facts)."""
    xingguang = _baseline("企业", key_unit=True, public_assembly=True)

    donghu = _baseline("企业", key_unit=True, public_assembly=True)
    gap = {dt.date(YEAR, 2, 10), dt.date(YEAR, 2, 11)}
    donghu["patrol"] = [p for p in donghu["patrol"] if dt.date.fromisoformat(p["date"]) not in gap]
    _remove(donghu, "patrol", {"P0501-5"})  # 4 patrols on a 10-hour day
    next(p for p in donghu["patrol"] if p["id"] == "P0702-1")["supervisor_signed"] = False
    donghu["hazard"][1]["fixed"] = f"{YEAR}-09-20"  # 20 days late
    _remove(donghu, "drill", {"D1"})

    dangan = _baseline("事业单位", key_unit=False, public_assembly=False)
    _remove(dangan, "inspection", {"I08"})

    xinyuan = _baseline("企业", key_unit=False, public_assembly=False)
    _remove(xinyuan, "inspection", {"I11"})
    _remove(xinyuan, "facility_test", {"F2024"})
    xinyuan["extinguisher"][2]["serviced"] = "2023-10-08"
    del xinyuan["hazard"][1]["deadline"]
    _remove(xinyuan, "training", {"T5"})

    return {
        "xingguang": ("星光商场（虚构）", xingguang),
        "donghu": ("东湖宾馆（虚构）", donghu),
        "dangan": ("区档案馆（虚构）", dangan),
        "xinyuan": ("新源机械厂（虚构）", xinyuan),
    }


def _ledger(unit: str, name: str, facts: Facts) -> str:
    """A JSON ledger with one record a line: small, and a change shows as one line of a diff."""

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    kinds = [
        f"  {dump(kind)}: [\n" + ",\n".join(f"    {dump(record)}" for record in records) + "\n  ]"
        if records
        else f"  {dump(kind)}: []"
        for kind, records in facts.items()
    ]
    entity = dump({"id": unit, "name": name})
    return f'{{"entity": {entity},\n "facts": {{\n' + ",\n".join(kinds) + "\n }}\n"


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    for unit, (name, facts) in units().items():
        (folder / f"{unit}.json").write_text(_ledger(unit, name, facts), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
