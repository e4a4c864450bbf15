"""Giving a checked program's parameters other values: another reading, another threshold.

A parameter is how a rule file lets a district change a number or a reading without touching
the rules (docs/domain.md, “Readings”). The value in the file is the default; a test block
(``parameter 名称 = 值``), the API (:meth:`RuleSet.with_parameters`) or the command line
(``--parameter 名称=值``) may set another for one evaluation. :func:`coerce` checks a value
against the parameter's type, reading text the way a rule file writes the value;
:func:`override` returns the program with the values set, each recorded in
``Program.overrides`` so that reports can say which values differ from the file.
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
from protrules.errors import ProtrulesError
from protrules.facts.model import Kind
from protrules.language.diagnostics import suggest
from protrules.language.parser import parse_duration

__all__ = ["ParameterError", "coerce", "overridden", "override"]

#: Where an overridden value says it came from (ParamDef values carry a source).
SET_HERE = "set for this evaluation"


class ParameterError(ProtrulesError):
    """An unknown parameter, or a value that is not of the parameter's type."""

    code = "PRL803"


def _number(text: str, what: str) -> Decimal:
    if not re.fullmatch(r"[+-]?[0-9]+(\.[0-9]+)?", text.strip()):
        raise ValueError(f"expected {what}")
    try:
        return Decimal(text.strip())
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        raise ValueError(f"expected {what}") from None


def _from_text(param: ir.ParamDef, text: str) -> Any:
    """A value written as text, read the way the rule file writes values of this type."""
    kind = param.type.kind
    if kind in (Kind.TEXT, Kind.ENUM):
        return text
    if kind is Kind.INTEGER:
        value = _number(text, "a whole number")
        if value != value.to_integral_value():
            raise ValueError("expected a whole number")
        return int(value)
    if kind is Kind.DECIMAL:
        return _number(text, "a number")
    if kind is Kind.PERCENTAGE:
        if not text.strip().endswith("%"):
            raise ValueError("expected a percentage, e.g. 60%")
        return _number(text.strip()[:-1], "a percentage, e.g. 60%") / 100
    if kind is Kind.BOOLEAN:
        if text.strip() in ("true", "false"):
            return text.strip() == "true"
        raise ValueError("expected true or false")
    if kind is Kind.DATE:
        return parse_date(text.strip())
    if kind is Kind.DURATION:
        return parse_duration(text)
    raise ValueError(f"a {param.type} parameter cannot be set from the command line or a test")


def _fits(param: ir.ParamDef, value: Any) -> Any:
    """``value`` as the parameter holds it, or ValueError saying what was expected."""
    kind = param.type.kind
    if kind is Kind.ENUM:
        if value in param.type.members:
            return value
        members = ", ".join(f'"{m}"' for m in param.type.members)
        guess = suggest(str(value), list(param.type.members))
        hint = f"; did you mean \"{guess}\"?" if guess else ""
        raise ValueError(f"expected one of {members}{hint}")
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
        raise ValueError(f"expected {param.type}")
    if kind in (Kind.DECIMAL, Kind.PERCENTAGE) and isinstance(value, int):
        return Decimal(value)
    return value


def coerce(program: ir.Program, name: str, value: Any) -> Any:
    """``value`` for the parameter ``name``, checked against its type.

    Text is read as the rule file writes a value of that type (``3``, ``1.5``, ``60%``,
    ``true``, ``2024-03-31``, ``3 months``, an enumeration's member); other values must already
    be of the type (``int``, ``Decimal``, ``bool``, ``date``, ``Duration``, ``str``).
    Raises :class:`ParameterError` naming the parameter and what it expects.
    """
    param = program.params.get(name)
    if param is None:
        guess = suggest(name, list(program.params))
        hint = f"; did you mean {guess}?" if guess else ""
        raise ParameterError(f"unknown parameter {name}{hint}")
    try:
        if isinstance(value, str) and param.type.kind not in (Kind.TEXT, Kind.ENUM):
            value = _from_text(param, value)
        return _fits(param, value)
    except (ValueError, ProtrulesError) as error:
        reason = error.message if isinstance(error, ProtrulesError) else str(error)
        raise ParameterError(f"parameter {name} ({param.type}): `{value}`: {reason}") from None


def override(program: ir.Program, values: Mapping[str, Any]) -> ir.Program:
    """The program with each named parameter holding one value from now on.

    A parameter whose value changes on dated effective dates gets the one value for every
    date. Raises :class:`ParameterError` for an unknown name or a value of the wrong type.
    """
    if not values:
        return program
    params = dict(program.params)
    given = dict(program.overrides)
    for name, raw in values.items():
        value = coerce(program, name, raw)
        params[name] = attrs.evolve(params[name], values=((None, value, SET_HERE),))
        given[name] = value
    return attrs.evolve(program, params=params, overrides=tuple(sorted(given.items())))


def _shown(param: ir.ParamDef, value: Any) -> str:
    """A value as a rule file writes it: ``"每个节假日"``, ``60%``, ``3 months``, ``true``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if param.type.kind is Kind.PERCENTAGE:
        return f"{(value * 100).normalize():f}%"
    return str(value)


def overridden(program: ir.Program) -> list[str]:
    """``名称 = 值`` for each parameter set for this evaluation, for a report's header."""
    return [f"{name} = {_shown(program.params[name], value)}" for name, value in program.overrides]
