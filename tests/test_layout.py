"""The package layout: stages in folders, and the old flat module names still import (deprecated)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import protrules


@pytest.mark.parametrize("old", sorted(protrules._MOVED))
def test_old_module_names_import_the_new_module_with_a_warning(old: str) -> None:
    new = f"protrules.{protrules._MOVED[old]}"
    code = (
        "import warnings, importlib\n"
        "with warnings.catch_warnings(record=True) as seen:\n"
        "    warnings.simplefilter('always')\n"
        f"    module = importlib.import_module('protrules.{old}')\n"
        f"assert module is importlib.import_module({new!r}), module\n"
        f"assert any('protrules.{old} is deprecated: import {new}' in str(w.message) for w in seen), seen\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_an_unknown_module_is_still_an_import_error() -> None:
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("protrules.no_such_module")
