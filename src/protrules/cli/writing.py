"""What a ``protrules`` command writes: colour on a terminal, files written whole, progress.

Colour is added here and only here (never inside a message or a renderer), and only when
stdout is a terminal and ``NO_COLOR`` is not set; ``--output`` files are written to a
temporary file and renamed, so a reader never sees half a report; the progress line goes to
stderr only when stderr is a terminal. Split from :mod:`protrules.cli.common`, which
re-exports every name.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import sys
from collections.abc import Iterable, Iterator
from typing import IO, TypeVar

from protrules.cli.speaking import CliError
from protrules.i18n import msg

__all__ = ["colour_enabled", "colourize", "emit", "progress", "terminal_width", "write_atomic"]

T = TypeVar("T")


def colour_enabled(stream: IO[str]) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def terminal_width(stream: IO[str] | None = None) -> int:
    """The columns of the terminal ``stream`` (stdout) writes to; 80 when it is not a terminal,
    so that output to a pipe or a file does not depend on the window it was started from."""
    stream = stream or sys.stdout
    isatty = getattr(stream, "isatty", None)
    if not (isatty and isatty()):
        return 80
    return shutil.get_terminal_size((80, 24)).columns


_RESET = "\033[0m"
_STYLES = {
    "✓ pass": "\033[32m",
    "✗ fail": "\033[31m",
    "… pending": "\033[33m",
    "? unknown": "\033[35m",
    "一票否决 vetoed": "\033[1;31m",
    "不达标 fails": "\033[31m",
    "待定 incomplete": "\033[33m",
    "达标 meets": "\033[32m",
    "★ named": "\033[1;32m",
    "逾期 overdue": "\033[31m",
    "待办 due": "\033[33m",
    "working day": "\033[32m",
    "rest day": "\033[33m",
    # The Chinese output's verdicts and marks, where each is a token of its own (a status such
    # as 达标 is also a word of prose and of titles, 创建达标体系, and stays plain).
    "✓ 通过": "\033[32m",
    "✗ 未通过": "\033[31m",
    "… 未到期": "\033[33m",
    "? 缺少数据": "\033[35m",
    "★ 命名": "\033[1;32m",
    "★ 已命名": "\033[1;32m",
}
_LINE_STYLES = {"FAIL ": "\033[31m", "ERROR ": "\033[1;31m", "ok ": "\033[32m"}
_TOKENS = re.compile("|".join(re.escape(k) for k in sorted(_STYLES, key=len, reverse=True)))
_HEADINGS = {"error": "\033[1;31m", "warning": "\033[1;33m", "错误": "\033[1;31m", "警告": "\033[1;33m"}
_DIAGNOSTIC = re.compile(r"^(error|warning|错误|警告)(\[PRL\d+\])", re.MULTILINE)


def colourize(text: str) -> str:
    """ANSI colours for verdicts, statuses and diagnostic headings (terminal output only)."""
    text = _TOKENS.sub(lambda m: f"{_STYLES[m.group(0)]}{m.group(0)}{_RESET}", text)
    text = _DIAGNOSTIC.sub(lambda m: f"{_HEADINGS[m.group(1)]}{m.group(0)}{_RESET}", text)
    lines = []
    for line in text.split("\n"):
        for prefix, style in _LINE_STYLES.items():
            if line.startswith(prefix):
                line = f"{style}{prefix}{_RESET}{line[len(prefix) :]}"
                break
        lines.append(line)
    return "\n".join(lines)


def write_atomic(path: str, text: str) -> None:
    """Write UTF-8 text to a temp file beside ``path`` and rename it over ``path``.

    A reader never sees half a file. A new file gets the mode any program's new file gets
    (0666 less the umask: 0644 under the usual 022), so a report can be shared; a file that
    is replaced keeps its mode.
    """
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise CliError(msg("no such folder: {path}", path=os.path.dirname(path) or directory))
    mode = None
    with contextlib.suppress(OSError):
        mode = os.stat(path).st_mode & 0o7777
    fd, temp = _create_beside(directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _create_beside(directory: str) -> tuple[int, str]:
    """A new, empty temp file in ``directory``, created as ``open(…, "w")`` would create it.

    Not ``tempfile.mkstemp``: it creates its files 0600 whatever the umask, and the rename
    then left every report readable by its owner only.
    """
    for _ in range(100):
        temp = os.path.join(directory, f".protrules-{secrets.token_hex(6)}.tmp")
        try:
            return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), temp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {directory}")  # pragma: no cover


def emit(text: str, output: str | None = None, *, colour: bool = True) -> None:
    """Text to ``--output FILE`` (plain, atomically) or to stdout (coloured on a terminal)."""
    if output is not None and output != "-":
        write_atomic(output, text)
        return
    if colour and colour_enabled(sys.stdout):
        text = colourize(text)
    sys.stdout.write(text)


def progress(items: Iterable[T], total: int, what: str = "ledgers") -> Iterator[T]:
    """Yield ``items``, with a progress bar, rate and time left on stderr when it is a terminal.

    Nothing is written when stderr is not a terminal (a pipe, a file, a CI log) or for fewer
    than two items; the bar is erased when the run ends.
    """
    stream = sys.stderr
    isatty = getattr(stream, "isatty", None)
    if total < 2 or not (isatty and isatty()):
        yield from items
        return
    from tqdm import tqdm

    with tqdm(
        items, total=total, unit=f" {what}", file=stream, leave=False, dynamic_ncols=True, mininterval=0.2
    ) as bar:
        yield from bar
