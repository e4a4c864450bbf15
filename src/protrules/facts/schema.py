"""The ledger format, declared once: how each kind of value is written, and its JSON Schema.

:mod:`protrules.facts` reads values with :func:`decode_value` and writes them with
:func:`encode_value`; :func:`json_schema` describes the same encodings for integrators'
tools (editors, form builders, other languages). Keeping the patterns and unit words here,
in one place, is what stops the schema and the loader from drifting apart.

The JSON Schema checks a document's shape. The loader checks more than any JSON Schema can:
that a date exists (2023-02-30 matches the pattern), that ids are unique and references
resolve, and that an integer is written without a fraction (JSON Schema's ``integer``
accepts ``3.0``; the loader does not).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import urllib.parse
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Final, TypeVar

from protrules.calendar.workdays import parse_date
from protrules.errors import CalendarError, ProtrulesError
from protrules.facts.model import Duration, Fact, FactType, FieldDecl, Kind, Type
from protrules.i18n import Message, Text, joined, msg
from protrules.language.diagnostics import suggest
from protrules.limits import MAX_NUMBER

__all__ = [
    "DURATION_WORDS",
    "ENTITY",
    "FORMAT",
    "JUDGEMENT",
    "BadValue",
    "decode_value",
    "encode_value",
    "fact_type_schema",
    "json_schema",
]

FORMAT: Final = "protrules-ledger/1"

#: Duration unit words (English and Chinese) → keys of ``model.DURATION_UNITS``.
DURATION_WORDS: Final[Mapping[str, str]] = {
    "days": "days", "day": "days", "working days": "working_days", "working day": "working_days",
    "weeks": "weeks", "week": "weeks", "months": "months", "month": "months",
    "quarters": "quarters", "quarter": "quarters", "years": "years", "year": "years",
    "hours": "hours", "hour": "hours", "minutes": "minutes", "minute": "minutes",
    "天": "days", "日": "days", "个工作日": "working_days", "工作日": "working_days", "周": "weeks",
    "个月": "months", "月": "months", "个季度": "quarters", "季度": "quarters", "年": "years",
    "小时": "hours", "个小时": "hours", "分钟": "minutes",
}  # fmt: skip

_PERCENT_SHAPE: Final = r"[0-9]+(\.[0-9]+)?%"
PERCENT_PATTERN: Final = f"^{_PERCENT_SHAPE}$"
DATE_PATTERN: Final = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
DURATION_PATTERN: Final = (
    "^[0-9]+ ?(" + "|".join(re.escape(w) for w in sorted(DURATION_WORDS, key=lambda w: (-len(w), w))) + ")$"
)
_PERCENT = re.compile(_PERCENT_SHAPE)  # used with fullmatch: "$" would also match before a final "\n"
_DURATION = re.compile(r"([0-9]+) ?(.+)", re.DOTALL)
_CELL_INT = re.compile(r"[+-]?[0-9]+")
_CELL_DECIMAL = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
_CELL_BOOL: Final = {"true": True, "false": False, "是": True, "否": False}
_EXPECTED: Final = {
    Kind.TEXT: msg("text"), Kind.INTEGER: msg("an integer"), Kind.DECIMAL: msg("a number"),
    Kind.PERCENTAGE: msg('a percentage like "50%"'), Kind.BOOLEAN: msg("true or false"),
    Kind.DATE: msg("a date YYYY-MM-DD"), Kind.DURATION: msg('a duration like "3 months" or "30个工作日"'),
}  # fmt: skip

_TEXT = Type(Kind.TEXT)
#: The entity and a judgement, declared like fact types so one validator serves all three.
ENTITY: Final = FactType(
    "entity",
    "主体",
    (
        FieldDecl("name", _TEXT, False, "名称"),
        FieldDecl("fictional", Type(Kind.BOOLEAN), True, "是否虚构示例数据（报告会注明）"),
        FieldDecl("note", _TEXT, True, "说明（报告会印出）"),
    ),
)
JUDGEMENT: Final = FactType(
    "judgement",
    "评估结论",
    (
        FieldDecl("rule", _TEXT, False, "规则编号"),
        FieldDecl("verdict", Type(Kind.ENUM, members=("pass", "fail")), False, "结论"),
        FieldDecl("by", _TEXT, False, "评估人"),
        FieldDecl("date", Type(Kind.DATE), False, "评估日期"),
        FieldDecl("note", _TEXT, True, "说明"),
    ),
)
ID_FIELD: Final = FieldDecl("id", _TEXT, False, "编号")

N = TypeVar("N", int, Decimal)


class BadValue(ProtrulesError):
    """A value that does not match its declared type; the caller adds where it stands."""

    code = "PRL404"


class Invalid:
    """A JSON token the format forbids (NaN, a huge number), kept to be reported where it stands."""

    def __init__(self, text: str, why: Message) -> None:
        self.text, self.why = (text if len(text) <= 40 else text[:37] + "..."), why


# --------------------------------------------------------------------------- messages


def quote(text: str) -> str:
    """Text as it would be written in JSON, cut short for a one-line message."""
    return json.dumps(text if len(text) <= 60 else text[:57] + "...", ensure_ascii=False)


def found(value: object) -> Text:
    """How a found value is shown in a message: as it would be written in JSON."""
    if isinstance(value, Invalid):
        return msg("{text}, which is {why}", text=value.text, why=value.why)
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, int) and abs(value) > MAX_NUMBER:
        digits = int(value.bit_length() * math.log10(2)) + 1  # str() may refuse
        return msg("a number of about {digits} digits", digits=digits)
    if isinstance(value, int | float | Decimal):
        return msg("the number {value}", value=str(value))
    if isinstance(value, Mapping):
        return msg("an object")
    if isinstance(value, list | tuple):
        return msg("a list")
    return msg("a Python {type}", type=type(value).__name__)


def expected(t: Type) -> Text:
    """What a value of type ``t`` looks like, for "expected …, found …"."""
    if t.kind is Kind.ENUM:
        return msg("one of {members}", members=joined(quote(m) for m in t.members))
    if t.kind is Kind.FACT:
        return msg("the id of a {fact} record", fact=str(t.fact))
    return _EXPECTED.get(t.kind, str(t))


def did_you_mean(name: object, candidates: Iterable[str]) -> Text:
    """``; did you mean "x"?`` for the closest candidate, or nothing."""
    match = suggest(str(name), candidates)
    return msg('; did you mean "{match}"?', match=match) if match else ""


def pointer_segment(key: object) -> str:
    """A key as a JSON pointer segment (RFC 6901): ``~`` → ``~0``, ``/`` → ``~1``."""
    return str(key).replace("~", "~0").replace("/", "~1")


# --------------------------------------------------------------------------- values


def _in_range(number: N) -> N:
    if abs(number) > MAX_NUMBER:
        raise BadValue(msg("expected a number within ±10^18, found {found}", found=found(number)))
    return number


def integer(digits: str) -> int:
    """ASCII digits with an optional sign, as an int within range (long text is never parsed)."""
    if len(digits.lstrip("+-")) > 19:
        raise BadValue(msg("expected a number within ±10^18, found {found}", found=quote(digits)))
    return _in_range(int(digits))


def percent_text(fraction: Decimal) -> str:
    """A stored fraction as written: Decimal("0.125") → "12.5%" (exact: digits are only shifted)."""
    sign, digits, exponent = fraction.as_tuple()
    text = format(Decimal((sign, digits, int(exponent) + 2)), "f")
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


def decode_value(t: Type, raw: object, *, cell: bool = False) -> Any:
    """A written value of type ``t``, loaded; :class:`BadValue` says what was wrong.

    ``cell`` marks a CSV cell (always text), where integers, decimals and booleans are
    written as text; every other kind is written the same way in both formats. A date may also
    be a ``datetime.date`` (records from Python or Arrow; not a ``datetime``). A reference
    comes back as its id: linking it to a record needs the whole ledger.
    """
    kind = t.kind
    hint: Text = ""
    if kind is Kind.DATE and type(raw) is dt.date and not cell:  # from Python or Arrow, not JSON
        return raw
    if isinstance(raw, str):
        if kind is Kind.TEXT or (kind is Kind.ENUM and raw in t.members) or (kind is Kind.FACT and raw):
            return raw
        if kind is Kind.DATE:
            return _date(raw)
        if kind is Kind.DURATION:
            return _duration(raw)
        if kind is Kind.PERCENTAGE and _PERCENT.fullmatch(raw):
            sign, digits, exponent = Decimal(raw[:-1]).as_tuple()
            return _in_range(Decimal((sign, digits, int(exponent) - 2)))  # exact, never rounded
        if cell and kind is Kind.INTEGER and _CELL_INT.fullmatch(raw):
            return integer(raw)
        if cell and kind is Kind.DECIMAL and _CELL_DECIMAL.fullmatch(raw):
            return _in_range(Decimal(raw))
        if cell and kind is Kind.BOOLEAN and raw in _CELL_BOOL:
            return _CELL_BOOL[raw]
        if kind is Kind.ENUM:
            hint = did_you_mean(raw, t.members)
        elif not cell and kind in (Kind.INTEGER, Kind.DECIMAL):
            numeral = _CELL_INT if kind is Kind.INTEGER else _CELL_DECIMAL
            hint = msg("; write {raw} without quotes", raw=raw) if numeral.fullmatch(raw) else ""
    elif isinstance(raw, bool):
        if kind is Kind.BOOLEAN:
            return raw
    elif isinstance(raw, int | Decimal | float) and kind in (Kind.INTEGER, Kind.DECIMAL, Kind.PERCENTAGE):
        number: int | Decimal = raw if isinstance(raw, int | Decimal) else Decimal(repr(raw))
        finite = isinstance(number, int) or number.is_finite()
        if kind is Kind.INTEGER and isinstance(raw, int):
            return _in_range(raw)
        if kind is Kind.DECIMAL and finite:
            return _in_range(Decimal(number))
        if kind is Kind.PERCENTAGE and finite:
            fraction = Decimal(number)
            hint = msg('; write "{raw}%"', raw=str(raw))
            if 0 < abs(fraction) < 1:
                hint = msg(
                    '; write "{raw}%", or "{percent}" if {raw} is a fraction',
                    raw=str(raw),
                    percent=percent_text(fraction),
                )
    raise BadValue(
        msg("expected {expected}, found {found}{hint}", expected=expected(t), found=found(raw), hint=hint)
    )


def _date(text: str) -> Any:
    try:
        return parse_date(text)
    except CalendarError as exc:  # "invalid date `…`: why"; keep the why when it adds something
        why = exc.why
        if why is None or (isinstance(why, Message) and why.id.startswith("expected")):
            raise BadValue(msg("expected a date YYYY-MM-DD, found {found}", found=quote(text))) from None
        raise BadValue(
            msg("expected a date YYYY-MM-DD, found {found}: {why}", found=quote(text), why=why)
        ) from None


def _duration(text: str) -> Duration:
    match = _DURATION.fullmatch(text)
    unit = DURATION_WORDS.get(match.group(2)) if match else None
    if match is None or unit is None:
        hint = did_you_mean(match.group(2), DURATION_WORDS) if match else ""
        raise BadValue(
            msg(
                'expected a duration like "3 months" or "30个工作日", found {found}{hint}',
                found=quote(text),
                hint=hint,
            )
        )
    return Duration(integer(match.group(1)), unit)


def encode_value(t: Type, value: Any) -> Any:
    """A loaded value as written in JSON: the inverse of :func:`decode_value`.

    Decimals become JSON numbers: an int when whole, else a float when that float reads
    back as the same decimal; the rare decimal no float holds stays a Decimal (which
    ``json`` cannot write) rather than be rounded.
    """
    kind = t.kind
    if kind is Kind.FACT and isinstance(value, Fact):
        return value.id
    if kind is Kind.DATE:
        return value.isoformat()
    if kind is Kind.DURATION:
        return str(value)
    if kind is Kind.PERCENTAGE:
        return percent_text(Decimal(value))
    if kind is Kind.DECIMAL and isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        number = float(value)
        return number if Decimal(repr(number)) == value else value
    return value


# --------------------------------------------------------------------------- JSON Schema

_DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
_RANGE: Final = {"minimum": -MAX_NUMBER, "maximum": MAX_NUMBER}
_SHAPES: Final[Mapping[Kind, Mapping[str, Any]]] = {
    Kind.TEXT: {"type": "string"},
    Kind.INTEGER: {"type": "integer", **_RANGE},
    Kind.DECIMAL: {"type": "number", **_RANGE},
    Kind.PERCENTAGE: {"type": "string", "pattern": PERCENT_PATTERN},
    Kind.BOOLEAN: {"type": "boolean"},
    Kind.DATE: {"type": "string", "format": "date", "pattern": DATE_PATTERN},
    Kind.DURATION: {"type": "string", "pattern": DURATION_PATTERN},
}


def _field_schema(f: FieldDecl, fact_types: Mapping[str, FactType]) -> dict[str, Any]:
    t = f.type
    if t.kind is Kind.ENUM:
        shape: dict[str, Any] = {"type": "string", "enum": list(t.members)}
    elif t.kind is Kind.FACT:
        target = fact_types.get(str(t.fact))
        named = f"{t.fact} ({target.title})" if target and target.title else str(t.fact)
        shape = {
            "type": "string",
            "minLength": 1,
            "description": f"the id of a {named} record in this ledger",
        }
    else:
        shape = dict(_SHAPES.get(t.kind, {"not": {}, "description": f"{t} cannot be written in a ledger"}))
    if f.title:
        shape["description"] = f"{f.title}: {shape['description']}" if "description" in shape else f.title
    if f.optional:
        described = {"description": shape.pop("description")} if "description" in shape else {}
        shape = described | {"anyOf": [shape, {"type": "null"}]}
    return shape


def _record_schema(
    ft: FactType, fact_types: Mapping[str, FactType], *, has_id: bool = True
) -> dict[str, Any]:
    properties = {f.name: _field_schema(f, fact_types) for f in ft.fields}
    required = [f.name for f in ft.fields if not f.optional]
    if has_id:
        unique = "the entity's id" if ft is ENTITY else f"unique among {ft.name} records"
        properties = {"id": {"type": "string", "minLength": 1, "description": f"编号: {unique}"}} | properties
        required.insert(0, "id")
    schema: dict[str, Any] = {"type": "object"}
    if ft.title:
        schema["description"] = ft.title
    return schema | {"required": required, "additionalProperties": False, "properties": properties}


def fact_type_schema(fact_types: Mapping[str, FactType], name: str) -> dict[str, Any]:
    """The JSON Schema of one fact type's record (a member of ``facts.<name>``)."""
    if name not in fact_types:
        raise ProtrulesError(
            msg('unknown fact type "{name}"{hint}', name=name, hint=did_you_mean(name, fact_types)),
            code="PRL402",
        )
    return _record_schema(fact_types[name], fact_types)


def json_schema(
    fact_types: Mapping[str, FactType], *, title: str = "protrules ledger", rule_set_id: str = ""
) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a ``protrules-ledger/1`` document for these fact types.

    Deterministic: ``$defs`` and ``facts`` are sorted by name; fields keep declaration order.
    """
    judgement = _record_schema(JUDGEMENT, fact_types, has_id=False)
    for name in ("rule", "by"):
        judgement["properties"][name]["minLength"] = 1
    names = sorted(fact_types)
    lists = {
        name: {
            "type": "array",
            **({"description": fact_types[name].title} if fact_types[name].title else {}),
            "items": {"$ref": "#/$defs/" + urllib.parse.quote(pointer_segment(name), safe="")},
        }
        for name in names
    }
    schema: dict[str, Any] = {"$schema": _DIALECT}
    if rule_set_id:
        schema["$id"] = f"urn:protrules:ledger:{urllib.parse.quote(rule_set_id, safe='')}"
    schema |= {
        "title": title,
        "description": f"one entity's facts ({FORMAT}); a fact type left out of facts is not covered, "
        "one listed with [] had no records",
        "type": "object",
        "required": ["entity", "facts"],
        "additionalProperties": False,
        "properties": {
            "$schema": {"type": "string"},
            "format": {"const": FORMAT},
            "entity": _record_schema(ENTITY, fact_types),
            "facts": {"type": "object", "additionalProperties": False, "properties": lists},
            "judgements": {"type": "array", "items": judgement},
        },
        "$defs": {name: _record_schema(fact_types[name], fact_types) for name in names},
    }
    return schema
