"""Reading ledger files: bytes within the size limit, strict UTF-8, and CSV ledger folders.

A file that cannot be read, is too large, is not UTF-8 (a GBK export, say) or is not valid CSV
is an error located by file, line and column, never read as mojibake.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import stat
from collections.abc import Iterator, Mapping
from typing import Any, Final

from protrules.facts.model import FactType, Ledger
from protrules.facts.problems import DUPLICATE, READ, SHAPE, Errors, Where
from protrules.facts.schema import ENTITY, ID_FIELD, JUDGEMENT, did_you_mean, expected
from protrules.facts.validation import Facts, build_ledger, field_name, ident_of, judgement, record
from protrules.i18n import Text, msg
from protrules.i18n.system import os_reason
from protrules.limits import LEDGER_BYTES

__all__ = ["MAX_BYTES", "decode", "from_folder", "read_bytes", "reason"]

MAX_BYTES: Final = LEDGER_BYTES  # a larger file is almost certainly not one street's ledger


def read_bytes(path: str, errs: Errors) -> bytes | None:
    """A file's bytes (a UTF-8 BOM skipped), never more than MAX_BYTES of them."""
    too_big = msg("the file is larger than the {mib} MiB limit for one ledger file", mib=MAX_BYTES // 2**20)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            errs.add(path, msg("not a regular file"), READ)
            return None
        if info.st_size > MAX_BYTES:
            errs.add(path, too_big, READ)
            return None
        with open(path, "rb") as handle:  # the size it has, not MAX_BYTES: a buffer that large costs
            data = handle.read(info.st_size + 1)
            if len(data) > info.st_size:  # it grew while read
                data += handle.read(MAX_BYTES + 1 - len(data))
    except FileNotFoundError:
        errs.add(path, msg("no such file or folder"), READ)
        return None
    except OSError as exc:
        errs.add(path, msg("cannot read the file: {reason}", reason=reason(exc)), READ)
        return None
    if len(data) > MAX_BYTES:
        errs.add(path, too_big, READ)
        return None
    return data.removeprefix(codecs.BOM_UTF8)


def _read_text(path: str, errs: Errors) -> str | None:
    """A file's text, read as strict UTF-8 (a BOM is skipped), never more than MAX_BYTES of it."""
    data = read_bytes(path, errs)
    return None if data is None else decode(data, path, errs)


def decode(data: bytes, path: str, errs: Errors) -> str | None:
    """Bytes as strict UTF-8, or None after saying where they are not (and what they might be)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line, column = data.count(b"\n", 0, exc.start) + 1, len(data[line_start : exc.start].decode()) + 1
        guess = (
            "UTF-16? " if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "GBK? " if _decodes(data, "gbk") else ""
        )
        message = msg(
            "the file is not UTF-8: byte 0x{byte} cannot be decoded ({guess}save as UTF-8)",
            byte=f"{data[exc.start]:02x}",
            guess=guess,
        )
        errs.add(f"{path}:{line}:{column}", message, READ)
        return None


def reason(exc: OSError) -> Text:
    """Why the system refused a file, in the reader's language where protrules knows it."""
    return os_reason(exc)


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _read_csv(path: str, errs: Errors) -> list[list[str]] | None:
    """A CSV file's rows (the header first), or None after reporting why it cannot be read."""
    text = _read_text(path, errs)
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        return list(reader)
    except csv.Error as exc:
        errs.add(f"{path}:row {reader.line_num}", msg("invalid CSV: {reason}", reason=str(exc).lower()), READ)
        return None


def _csv_rows(
    path: str, rows: list[list[str]] | None, ft: FactType, errs: Errors, *, has_id: bool = True
) -> Iterator[tuple[str | None, dict[str, Any], Where]]:
    """Check a CSV file's header against a declaration, then load its rows as records.

    Rows are numbered as a spreadsheet shows them (the header is row 1). A column missing
    from the header is reported once, not again in every row.
    """
    if rows is None:
        return
    columns = [ID_FIELD, *ft.fields] if has_id else list(ft.fields)
    known = [f.name for f in columns]
    if not rows:
        errs.add(
            path, msg("the file is empty: expected a header row {columns}", columns=",".join(known)), SHAPE
        )
        return
    header, used = rows[0], set[str]()
    for column, name in enumerate(header, start=1):
        if name in used:
            errs.add(f"{path}:row 1, column {column}", msg('duplicate column "{name}"', name=name), DUPLICATE)
        elif name not in known:
            hint = did_you_mean(name, known) or (msg("; separate columns with commas") if ";" in name else "")
            message = msg('unknown column "{name}" of {type}{hint}', name=name, type=ft.name, hint=hint)
            errs.add(f"{path}:row 1, column {column}", message, SHAPE)
        used.add(name)
    for f in columns:
        if f.name not in used and not f.optional:
            message = msg(
                "missing column {field}: {expected}", field=field_name(f), expected=expected(f.type)
            )
            errs.add(f"{path}:row 1", message, SHAPE)
    skip = [name for name in known if name not in used]
    for number, row in enumerate(rows[1:], start=2):
        if not row:
            continue  # a blank line holds no data
        if len(row) != len(header):
            message = msg(
                "expected {expected} cells as in the header, found {found}",
                expected=len(header),
                found=len(row),
            )
            errs.add(f"{path}:row {number}", message, SHAPE)
            continue
        cells: dict[str, Any] = {}
        for name, value in zip(header, row, strict=True):
            cells.setdefault(name, value)

        def where(name: str | None, number: int = number) -> str:
            return f"{path}:row {number}, column {name}" if name else f"{path}:row {number}"

        ident = ident_of(cells["id"], where("id"), errs, cell=True) if has_id and "id" in cells else None
        yield ident, record(ft, cells, where, errs, cell=True, skip=skip), where


def from_folder(path: str, schema: Mapping[str, FactType], errs: Errors) -> Ledger | None:
    """A CSV folder: entity.csv, one <fact type>.csv per covered type, judgements.csv."""
    try:
        names = sorted(os.listdir(path))
    except OSError as exc:
        errs.add(path, msg("cannot read the folder: {reason}", reason=reason(exc)), READ)
        return None
    allowed = ["entity.csv", "judgements.csv", *(f"{name}.csv" for name in schema)]
    for name in names:
        if not (name in allowed or name.startswith(".") or name == "README.md"):
            message = msg(
                "unexpected file: a CSV ledger folder holds entity.csv, judgements.csv"
                " and <fact type>.csv{hint}",
                hint=did_you_mean(name, allowed),
            )
            errs.add(os.path.join(path, name), message, SHAPE)
    entity = None
    file = os.path.join(path, "entity.csv")
    if "entity.csv" not in names:
        errs.add(
            path, msg("no entity.csv: a CSV ledger folder needs entity.csv with the columns id,name"), SHAPE
        )
    elif (rows := _read_csv(file, errs)) is not None:
        entities = list(_csv_rows(file, rows, ENTITY, errs))
        count = sum(1 for row in rows[1:] if row)
        if rows and count != 1:
            errs.add(
                file, msg("expected one row below the header (the entity), found {count}", count=count), SHAPE
            )
        elif entities:
            entity = entities[0]

    facts = Facts(schema, errs)
    for name, ft in schema.items():
        if f"{name}.csv" in names and name not in ("entity", "judgements"):
            facts.cover(name)
            file = os.path.join(path, f"{name}.csv")
            for ident, values, where in _csv_rows(file, _read_csv(file, errs), ft, errs):
                facts.add(ft, ident, values, where(None), where)
    judgements = []
    if "judgements.csv" in names:
        file = os.path.join(path, "judgements.csv")
        for _, values, where in _csv_rows(file, _read_csv(file, errs), JUDGEMENT, errs, has_id=False):
            judgements.append(judgement(values, where, errs, where(None)))
    return build_ledger(entity, facts, judgements, path)
