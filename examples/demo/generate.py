"""Write the two demo ledgers for rules/example.prl (deterministic; run from anywhere).

阳光站 (yangguang) meets the example standard; 星星站 (xingxing) misses a meeting, trains a
new social worker too late, and has a negative-list incident (vetoed).

    python examples/demo/generate.py
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
#: What each example entity says of itself (reports print it).
NOTE = "虚构示例数据 fictional example data"
START, END = dt.date(2023, 3, 27), dt.date(2024, 4, 7)


def sessions(skip_weekdays: int) -> list[dict[str, Any]]:
    """Open Tue–Sun (six days a week), 4 hours; `skip_weekdays` drops that many days a week."""
    out = []
    day = START
    while day <= END:
        if day.isoweekday() != 1 and day.isoweekday() > 1 + skip_weekdays:
            out.append({"id": f"S{day:%Y%m%d}", "date": day.isoformat(), "hours": 4})
        day += dt.timedelta(days=1)
    return out


def quarterly_trainings(person: str) -> list[dict[str, Any]]:
    days = ["2023-05-16", "2023-08-15", "2023-11-14", "2024-02-27"]
    return [
        {"id": f"T-R{i + 1}", "person": person, "date": d, "kind": "轮训",
         "specialist_share": "60%", "materials_kept": True}
        for i, d in enumerate(days)
    ]


def yangguang() -> dict[str, Any]:
    staff = [
        {"id": "P01", "name": "林晓", "role": "站长", "appointed": "2021-03-01", "female": True},
        {"id": "P02", "name": "陈明", "role": "社工", "appointed": "2023-06-05"},
        {"id": "P03", "name": "周婷", "role": "志愿者", "appointed": "2022-09-01", "female": True},
    ]
    trainings = [
        {"id": "T-I1", "person": "P02", "date": "2023-08-30", "kind": "入职培训",
         "specialist_share": "55%", "materials_kept": True},
        *quarterly_trainings("P01"),
    ]
    return {
        "entity": {"id": "yangguang", "name": "阳光站", "fictional": True, "note": NOTE},
        "facts": {
            "meeting": [
                {"id": "M1", "date": "2023-05-12", "kind": "协调会议", "minutes": True},
                {"id": "M2", "date": "2023-11-20", "kind": "协调会议", "minutes": True},
                {"id": "M3", "date": "2023-06-01", "kind": "专题会议", "minutes": False},
            ],
            "staff": staff,
            "training": trainings,
            "session": sessions(skip_weekdays=0),
            "case": [
                {"id": "C1", "child": "A-01", "level": "高", "opened": "2023-09-04",
                 "visit_every": "1 month"},
            ],
            "visit": [{"id": "V1", "case": "C1", "date": "2023-09-20"}],
            "budget": [{"id": "B2023", "year": 2023, "amount": 12.5}],
            "incident": [],
        },
        "judgements": [
            {"rule": "2.2.2", "verdict": "pass", "by": "评估组 王洁", "date": "2024-03-20",
             "note": "队伍稳定，作用发挥明显"},
        ],
    }


def xingxing() -> dict[str, Any]:
    data = yangguang()
    data["entity"] = {"id": "xingxing", "name": "星星站", "fictional": True, "note": NOTE}
    facts = data["facts"]
    facts["meeting"] = facts["meeting"][:1] + facts["meeting"][2:]  # only one 协调会议 in 2023
    facts["training"][0] = {**facts["training"][0], "date": "2023-09-06"}  # 3 months + 1 day late
    facts["incident"] = [{"id": "I1", "date": "2023-10-15", "item": "N.1"}]
    data["judgements"] = []
    return data


def main() -> None:
    for name, ledger in (("yangguang", yangguang()), ("xingxing", xingxing())):
        text = json.dumps(ledger, ensure_ascii=False, indent=1) + "\n"
        (HERE / f"{name}.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
