"""Pickling frozen attrs classes as one call each, for the program cache.

attrs pickles an instance of a frozen class with slots as a dict of its fields, restored by a
``__setstate__`` that loops over the dict setting one slot at a time; a checked program holds
thousands of such nodes, and restoring them was most of a load from the program cache.
:func:`pickle_by_fields` makes a class pickle as a call of the class with its fields' values
(attrs' own ``__init__``: one call, no dict, no loop), which makes an entry about 5% smaller
and unpickles a program's nodes about a sixth faster (``benchmarks/load.py``). An entry still
names nothing but protrules' own classes.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

__all__ = ["pickle_by_fields", "pickle_module_classes"]

T = TypeVar("T", bound=type)


def pickle_by_fields(cls: T) -> T:
    """Pickle instances of the attrs class ``cls`` as ``cls(*fields)``, if its ``__init__`` takes
    every field positionally and changes nothing (no converter, validator or post-init);
    otherwise leave attrs' pickling. A subclass is refused unless given its own (each class
    needs this call), never restored as its parent."""
    fields = attrs.fields(cls)
    plain = all(
        field.init
        and not field.kw_only
        and field.alias == field.name
        and field.converter is None
        and field.validator is None
        for field in fields
    )
    if not fields or not plain or hasattr(cls, "__attrs_post_init__"):
        return cls
    names = tuple(field.name for field in fields)
    values: Callable[[Any], Any] = operator.attrgetter(*names)
    single = len(names) == 1

    def __reduce__(self: Any) -> tuple[type, tuple[Any, ...]]:
        if type(self) is not cls:
            raise TypeError(f"{type(self).__qualname__} is not set up for pickle_by_fields")
        found = values(self)
        return cls, (found,) if single else found

    cls.__reduce__ = __reduce__  # type: ignore[assignment]
    return cls


def pickle_module_classes(namespace: dict[str, Any]) -> None:
    """:func:`pickle_by_fields` for every attrs class defined in a module (its ``globals()``)."""
    module = namespace["__name__"]
    for value in list(namespace.values()):
        if isinstance(value, type) and attrs.has(value) and value.__module__ == module:
            pickle_by_fields(value)
