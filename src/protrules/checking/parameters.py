"""Giving a checked program's parameters other values: another reading, another threshold.

A parameter is how a rule file lets a district change a number or a reading without touching
the rules (docs/domain.md, “Readings”). The value in the file is the default; a test block
(``parameter 名称 = 值``), the API (:meth:`RuleSet.with_parameters`) or the command line
(``--set 名称=值``, also spelt ``--parameter``) may set another for one evaluation: a what-if,
which is how a district asks what a revision would do before it publishes it (docs/revisions.md).
:func:`coerce` checks a value against the parameter's type, reading text the way a rule file
writes the value (a lookup's rows as ``from 1: 5, from 10: 10``); :func:`override` returns the
program with the values set, each recorded in ``Program.overrides`` with the file's own value
in ``Program.published``, so that every report can say, in its header, which values differ
from the published standard.

:func:`value_text` is the one spelling of a parameter's value that reports, overrides and the
comparison of two versions of a standard (:mod:`protrules.programme.diff`) share.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from protrules.calendar.durations import Duration
from protrules.calendar.workdays import parse_date
from protrules.checking import ir
from protrules.checking.checker import check
from protrules.errors import ProtrulesError
from protrules.facts.model import Kind, LookupTable, Type
from protrules.i18n import Message, Text, joined, msg
from protrules.language.diagnostics import RuleFileError, Source, suggest
from protrules.language.formatter import quote
from protrules.language.parser import parse, parse_duration

__all__ = [
    "ParameterError",
    "beside_published",
    "coerce",
    "overridden",
    "override",
    "parameters_json",
    "parameters_line",
    "published_text",
    "value_text",
]

#: Where an overridden value says it came from (ParamDef values carry a source).
SET_HERE = "set for this evaluation"


class ParameterError(ProtrulesError):
    """An unknown parameter, or a value that is not of the parameter's type."""

    code = "PRL803"


class _Invalid(ValueError):
    """Why a value does not fit its parameter: a message, shown after the parameter's name."""

    def __init__(self, message: Text) -> None:
        super().__init__(str(message))
        self.msg = message


def _number(text: str, what: Message) -> Decimal:
    if not re.fullmatch(r"[+-]?[0-9]+(\.[0-9]+)?", text.strip()):
        raise _Invalid(msg("expected {what}", what=what))
    try:
        return Decimal(text.strip())
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        raise _Invalid(msg("expected {what}", what=what)) from None


def _from_text(param: ir.ParamDef, text: str) -> Any:
    """A value written as text, read the way the rule file writes values of this type."""
    kind = param.type.kind
    if kind in (Kind.TEXT, Kind.ENUM):
        return text
    if kind is Kind.INTEGER:
        whole = msg("a whole number")
        value = _number(text, whole)
        if value != value.to_integral_value():
            raise _Invalid(msg("expected {what}", what=whole))
        return int(value)
    if kind is Kind.DECIMAL:
        return _number(text, msg("a number"))
    if kind is Kind.PERCENTAGE:
        percentage = msg("a percentage, e.g. 60%")
        if not text.strip().endswith("%"):
            raise _Invalid(msg("expected {what}", what=percentage))
        return _number(text.strip()[:-1], percentage) / 100
    if kind is Kind.BOOLEAN:
        if text.strip() in ("true", "false"):
            return text.strip() == "true"
        raise _Invalid(msg("expected true or false"))
    if kind is Kind.DATE:
        return parse_date(text.strip())
    if kind is Kind.DURATION:
        return parse_duration(text)
    if kind is Kind.LOOKUP:
        return _rows(param, text)
    raise _Invalid(
        msg("a parameter of type {type} cannot be set from the command line or a test", type=param.type)
    )


#: Between two rows of a lookup: a comma before the next row's key (a value may hold commas).
_ROW_BREAK = re.compile(r",\s*(?=(?:from\s+)?-?[0-9][0-9.]*%?\s*:)")


def _rows(param: ir.ParamDef, text: str) -> LookupTable:
    """A lookup's rows written as in a rule file, ``from 1: 5 days, from 10: 10 days`` (``from``
    may be left out), read by checking a one-parameter rule file: the same reading, the same
    checks of each key and value, the same order of keys."""
    assert param.type.key is not None and param.type.element is not None
    if not text.strip() or "\n" in text or "\r" in text:
        raise _Invalid(msg("expected its rows on one line, e.g. from 1: 5, from 10: 10"))
    element = param.type.element
    value_type = (
        element.kind.value
        if element.kind is not Kind.ENUM
        else (f"enum({', '.join(map(quote, element.members))})")
    )
    rows = "".join(
        f"    {row if row.startswith('from ') else 'from ' + row}\n"
        for row in (part.strip() for part in _ROW_BREAK.split(text.strip()))
    )
    head = f"parameter P: lookup {param.type.key.kind.value} -> {value_type}:\n"
    source = f'standard "p":\n    title: "p"\n{head}{rows}'
    try:
        checked = check(parse(source, "p"), Source("p", source))
    except RuleFileError as error:
        first = next(d for d in error.diagnostics if d.severity == "error")
        if first.code.startswith("PRL1"):
            raise _Invalid(msg("expected rows, e.g. from 1: 5, from 10: 10")) from None
        said = dict(first.message.args) if isinstance(first.message, Message) else {}
        found = said.get("found", said.get("vtype"))  # "… but this (value) is integer"
        if found is not None:
            raise _Invalid(msg("a row holds {found}, not {element}", found=found, element=element)) from None
        raise _Invalid(_without_name(first.message)) from None
    table: LookupTable = checked.params["P"].values[0][1]
    return table


def _fits(param: ir.ParamDef, value: Any) -> Any:
    """``value`` as the parameter holds it, or ValueError saying what was expected."""
    kind = param.type.kind
    if kind is Kind.LOOKUP:
        if isinstance(value, LookupTable):
            return _rows(param, value_text(param.type, value))
        if isinstance(value, Mapping):  # {key: value or its text}
            assert param.type.key is not None and param.type.element is not None
            key, element = param.type.key, param.type.element
            return _rows(
                param,
                ", ".join(
                    f"from {value_text(key, k)}: {v if isinstance(v, str) else value_text(element, v)}"
                    for k, v in value.items()
                ),
            )
        raise _Invalid(msg("expected {type}: rows, e.g. from 1: 5, from 10: 10", type=param.type))
    if kind is Kind.ENUM:
        if value in param.type.members:
            return value
        members = joined(f'"{m}"' for m in param.type.members)
        guess = suggest(str(value), list(param.type.members))
        if guess:
            raise _Invalid(
                msg('expected one of {members}; did you mean "{guess}"?', members=members, guess=guess)
            )
        raise _Invalid(msg("expected one of {choices}", choices=members))
    expected: dict[Kind, tuple[type, ...]] = {
        Kind.TEXT: (str,),
        Kind.INTEGER: (int,),
        Kind.DECIMAL: (int, Decimal),
        Kind.PERCENTAGE: (int, Decimal),
        Kind.BOOLEAN: (bool,),
        Kind.DATE: (dt.date,),
        Kind.DURATION: (Duration,),
    }
    wanted = expected.get(kind, ())
    if (isinstance(value, bool) and kind is not Kind.BOOLEAN) or not isinstance(value, wanted):
        raise _Invalid(msg("expected {what}", what=param.type))
    if kind in (Kind.DECIMAL, Kind.PERCENTAGE) and isinstance(value, int):
        return Decimal(value)
    return value


def coerce(program: ir.Program, name: str, value: Any) -> Any:
    """``value`` for the parameter ``name``, checked against its type.

    Text is read as the rule file writes a value of that type (``3``, ``1.5``, ``60%``,
    ``true``, ``2024-03-31``, ``3 months``, an enumeration's member, quoted or not, a lookup's
    rows ``from 1: 5, from 10: 10``); other values must already be of the type (``int``,
    ``Decimal``, ``bool``, ``date``, ``Duration``, ``str``, a ``LookupTable`` or a mapping of
    rows). Raises :class:`ParameterError` naming the parameter and what it expects.
    """
    param = program.params.get(name)
    if param is None:
        guess = suggest(name, list(program.params))
        if guess:
            raise ParameterError(
                msg("unknown parameter {name}; did you mean {guess}?", name=name, guess=guess)
            )
        raise ParameterError(msg("unknown parameter {name}", name=name))
    try:
        if isinstance(value, str) and param.type.kind in (Kind.TEXT, Kind.ENUM):
            if len(value) > 1 and value[0] == value[-1] == '"':  # as the file and reports write it
                value = value[1:-1]
        elif isinstance(value, str):
            value = _from_text(param, value)
        return _fits(param, value)
    except (_Invalid, ProtrulesError) as error:
        raise ParameterError(
            msg(
                "parameter {name} ({type}): `{value}`: {reason}",
                name=name,
                type=param.type,
                value=value,
                reason=error.msg,
            )
        ) from None


def override(program: ir.Program, values: Mapping[str, Any]) -> ir.Program:
    """The program with each named parameter holding one value from now on.

    A parameter whose value changes on dated effective dates gets the one value for every
    date. Raises :class:`ParameterError` for an unknown name or a value of the wrong type.
    """
    if not values:
        return program
    params = dict(program.params)
    given = dict(program.overrides)
    published = dict(program.published)
    for name, raw in values.items():
        value = coerce(program, name, raw)
        published.setdefault(name, published_text(params[name]))  # the file's, not a first what-if's
        params[name] = attrs.evolve(params[name], values=((None, value, SET_HERE),))
        given[name] = value
    # A rule whose weight is one of these parameters weighs the new value.
    rules = tuple(
        attrs.evolve(rule, weight=ir.weight_value(given[rule.weight_param]))
        if rule.weight_param is not None and rule.weight_param in values
        else rule
        for rule in program.rules
    )
    return attrs.evolve(
        program, params=params, overrides=tuple(sorted(given.items())), published=published, rules=rules
    )


def value_text(t: Type, value: Any) -> str:
    """A parameter value as a rule file writes it: ``3``, ``1.5``, ``60%``, ``2024-01-01``,
    ``3 months``, ``true``, ``"每个节假日"``, a lookup's ``from 1: 5, from 10: 10``."""
    if isinstance(value, LookupTable):
        key, element = t.key or t, t.element or t
        return ", ".join(f"from {value_text(key, k)}: {value_text(element, v)}" for k, v in value.rows)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, Decimal):
        if t.kind is Kind.PERCENTAGE:
            return f"{(value * 100).normalize():f}%"
        return f"{value:f}"
    return f"{value}"


#: The checker's messages about the lookup `P` of the one-parameter file, without its name.
_WITHOUT_NAME = {
    "lookup `{name}`: rows must be listed by increasing key": msg("rows must be listed by increasing key"),
}


def _without_name(message: Text) -> Text:
    """A checker's message about the one-parameter file's lookup `P`, without naming it."""
    if isinstance(message, Message):
        return _WITHOUT_NAME.get(message.id, message)
    return message.replace("lookup `P`: ", "")


def published_text(param: ir.ParamDef) -> str:
    """A parameter's values as its rule file gives them: its one value, or each with its date."""
    if len(param.values) == 1 and param.values[0][0] is None:
        return value_text(param.type, param.values[0][1])
    return ", ".join(
        value_text(param.type, value) + (f" from {since}" if since is not None else "")
        for since, value, _source in param.values
    )


def overridden(program: ir.Program) -> list[str]:
    """``名称 = 值`` for each parameter set for this evaluation, for a report's header."""
    return [f"{name} = {value_text(program.params[name].type, value)}" for name, value in program.overrides]


def parameters_line(program: ir.Program, lang: str = "en") -> list[str]:
    """The header line of a report made with parameters set for the evaluation (a what-if),
    each with the published value, so that no result is taken for the published standard's;
    none when no parameter is set."""
    if not program.overrides:
        return []
    each = msg("; ").render(lang).join(beside_published(program, lang))
    return [msg("参数 parameters set for this evaluation: {parameters}", parameters=each).render(lang)]


def beside_published(program: ir.Program, lang: str = "en") -> list[str]:
    """``名称 = 值 (published: 值)`` for each parameter set for this evaluation."""
    return [
        msg(
            "{parameter} (published: {value})", parameter=line, value=program.published.get(name, "?")
        ).render(lang)
        for line, (name, _value) in zip(overridden(program), program.overrides, strict=True)
    ]


def parameters_json(program: ir.Program) -> dict[str, dict[str, str]]:
    """The members a JSON report's ``standard`` gains when parameters are set: each value and
    the published one, as a rule file writes them; none when no parameter is set."""
    if not program.overrides:
        return {}
    return {
        "parameters_set": {name: value_text(program.params[name].type, v) for name, v in program.overrides},
        "parameters_published": {name: program.published.get(name, "") for name, _v in program.overrides},
    }
