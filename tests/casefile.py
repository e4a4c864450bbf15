"""Language case files: rules, ledgers and wanted verdicts (or wanted errors) in one file.

A case file has sections opened by `--- ` lines::

    # what the case is about
    --- rules
    area 1 "a":
        rule 1.1 "at least two":
            clause: "…"
            require count(meeting) >= 2
    --- facts two
    {"meeting": [{"id": "M1", "date": "2023-05-01"}, {"id": "M2", "date": "2023-06-01"}]}
    --- expect two 2024-03-31
    1.1 pass
    status meets
    --- errors
    PRL201 3:19

``facts NAME`` holds the ``facts`` object of a JSON ledger (optionally a whole ledger with
``entity``/``facts``/``judgements``). ``expect NAME DATE`` lists ``RULE VERDICT`` lines and
optionally ``status S`` and ``score X``. ``errors`` lists wanted diagnostic codes with
line:column relative to the rules section. When the rules do not start with ``standard``,
the preamble below is put in front (positions stay relative to the rules section), in the
rules' own dialect: a case written in Chinese keywords gets the Chinese preamble.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from protrules.language.dialects import detect_dialect

PREAMBLE = """standard "case":
    title: "case"
    assessment: 评估期
period 评估期 = 2023-04-01 .. 2024-03-31
"""
#: The preamble of a case written in the Chinese dialect (its first word is Chinese).
PREAMBLE_ZH = """标准 "case":
    标题: "case"
    评估期间: 评估期
期间 评估期 = 2023-04-01 .. 2024-03-31
"""
PREAMBLE_LINES = PREAMBLE.count("\n")
assert PREAMBLE_ZH.count("\n") == PREAMBLE_LINES


@attrs.frozen
class Expectation:
    ledger: str
    as_of: dt.date
    verdicts: dict[str, str]
    status: str | None
    score: Decimal | None


@attrs.frozen
class Case:
    path: Path
    rules: str
    preamble: bool
    ledgers: dict[str, dict[str, Any]]
    expectations: list[Expectation]
    errors: list[tuple[str, int, int]]

    @property
    def source(self) -> str:
        if not self.preamble:
            return self.rules
        return (PREAMBLE_ZH if detect_dialect(self.rules) == "zh" else PREAMBLE) + self.rules

    @property
    def offset(self) -> int:
        return PREAMBLE_LINES if self.preamble else 0


def read_case(path: Path) -> Case:
    sections: list[tuple[str, list[str]]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("--- "):
            sections.append((line[4:].strip(), []))
        elif sections:
            sections[-1][1].append(line)
    rules = ""
    ledgers: dict[str, dict[str, Any]] = {}
    expectations: list[Expectation] = []
    errors: list[tuple[str, int, int]] = []
    for head, body in sections:
        words = head.split()
        text = "\n".join(body).strip("\n") + "\n"
        if words[0] == "rules":
            rules = text
        elif words[0] == "facts":
            data = json.loads(text)
            if "facts" not in data:
                data = {"entity": {"id": words[1], "name": words[1]}, "facts": data}
            ledgers[words[1]] = data
        elif words[0] == "expect":
            verdicts: dict[str, str] = {}
            status = None
            score = None
            for line in body:
                parts = line.split("#", 1)[0].split()
                if not parts:
                    continue
                if parts[0] == "status":
                    status = parts[1]
                elif parts[0] == "score":
                    score = Decimal(parts[1])
                else:
                    verdicts[parts[0]] = parts[1]
            expectations.append(
                Expectation(words[1], dt.date.fromisoformat(words[2]), verdicts, status, score)
            )
        elif words[0] == "errors":
            for line in body:
                parts = line.split("#", 1)[0].split()
                if parts:
                    line_no, column = parts[1].split(":")
                    errors.append((parts[0], int(line_no), int(column)))
        else:
            raise ValueError(f"{path}: unknown section {head!r}")
    preamble = not rules.lstrip().startswith(("standard", "标准"))
    return Case(path, rules, preamble, ledgers, expectations, errors)
