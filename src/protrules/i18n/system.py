"""The system's own words as messages: why a file cannot be read, why a date is no date,
why JSON is no JSON.

Python's errors speak English (``OSError.strerror`` is the C library's text, a date's
``ValueError`` is ``datetime``'s). Where protrules hands such a reason on to a person it
goes through here, so that "cannot read x.json: no such file or directory" reads
"无法读取 x.json：文件或目录不存在" in Chinese. A reason this module does not know stays as
the system wrote it: better the system's English than nothing.
"""

from __future__ import annotations

import errno

from protrules.i18n.messages import Text, msg

__all__ = ["date_reason", "json_reason", "os_reason"]

_OS_REASONS = {
    errno.ENOENT: msg("no such file or directory"),
    errno.EACCES: msg("permission denied"),
    errno.EPERM: msg("operation not permitted"),
    errno.EISDIR: msg("is a directory"),
    errno.ENOTDIR: msg("not a directory"),
    errno.ENAMETOOLONG: msg("file name too long"),
    errno.ELOOP: msg("too many levels of symbolic links"),
    errno.EEXIST: msg("file exists"),
    errno.ENOSPC: msg("no space left on device"),
    errno.EROFS: msg("read-only file system"),
}

_DATE_REASONS = {
    "day is out of range for month": msg("day is out of range for month"),
    "month must be in 1..12": msg("month must be in 1..12"),
}


def os_reason(error: OSError) -> Text:
    """Why the system refused a file, in lower case: a message where protrules knows the
    error number, else the system's own text."""
    known = _OS_REASONS.get(error.errno) if error.errno is not None else None
    return known if known is not None else (error.strerror or str(error)).lower()


def date_reason(error: ValueError) -> Text:
    """Why ``datetime`` refused a date (``2023-02-30``: the day is out of range for the month)."""
    text = str(error)
    if text in _DATE_REASONS:
        return _DATE_REASONS[text]
    if text.startswith("year ") and text.endswith(" is out of range"):
        return msg("year {year} is out of range", year=text[5 : -len(" is out of range")])
    return text


#: The standard library's ``json`` errors (``JSONDecodeError.msg``), as a person reads them.
_JSON_REASONS = {
    "Expecting value": msg("expecting value"),
    "Expecting property name enclosed in double quotes": msg(
        "expecting property name enclosed in double quotes"
    ),
    "Expecting ':' delimiter": msg("expecting ':' delimiter"),
    "Expecting ',' delimiter": msg("expecting ',' delimiter"),
    "Unterminated string starting at": msg("unterminated string starting at"),
    "Invalid control character at": msg("invalid control character at"),
    "Invalid \\escape": msg("invalid \\escape"),
    "Invalid \\uXXXX escape": msg("invalid \\uXXXX escape"),
    "Extra data": msg("extra data"),
}


def json_reason(reason: str) -> Text:
    """Why ``json`` refused a document (``JSONDecodeError.msg``), in lower case."""
    known = _JSON_REASONS.get(reason)
    return known if known is not None else reason[:1].lower() + reason[1:]
