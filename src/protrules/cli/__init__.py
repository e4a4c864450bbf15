"""The command line: ``protrules check | explain | rank | due | test | fmt | lint | calendar | schema``.

In: arguments, files and the environment. Out: text on standard output, errors on standard error,
and an exit code. A thin layer over the library; colour is added here and only here.
"""

from __future__ import annotations

from protrules.cli.main import main

__all__ = ["main"]
