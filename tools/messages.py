"""The message catalogue's tools: extract the ids, update the Chinese catalogue, compile it.

Run from the repository root (Babel is in the ``test`` extra)::

    python tools/messages.py update    # ids from the source → src/protrules/i18n/locale/zh/…/protrules.po
    python tools/messages.py compile   # protrules.po → protrules.mo (committed beside it)
    python tools/messages.py check     # what the tests check: every id translated, fields alike

``update`` adds new ids untranslated and drops ids no longer used; translate the new entries
(the ``msgstr`` lines) and ``compile``. The ids are the first argument of ``msg(…)`` and the
first two of ``msgn(…)`` in ``src/``, the ``_(…)`` / ``ngettext(…)`` messages of the report's
Jinja2 templates, and those of the standard library's ``argparse`` (usage errors and help
headings). docs/i18n.md explains more.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import string
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src"
LOCALE = SOURCE / "protrules" / "i18n" / "locale"
PO = LOCALE / "zh" / "LC_MESSAGES" / "protrules.po"
MO = PO.with_suffix(".mo")
HEADER = """\
# The Chinese messages of protrules: diagnostics, errors, reports and command-line help.
# The message ids are the English text. `python tools/messages.py update` adds new ids;
# translate them here, then `python tools/messages.py compile` (docs/i18n.md)."""
KEYWORDS = {"msg": None, "msgn": (1, 2)}
ARGPARSE = "argparse.py"
ARGPARSE_KEYWORDS = {"_": None, "ngettext": (1, 2)}
#: The report's Jinja2 templates: their ``_()`` / ``ngettext()`` messages (Jinja2's i18n
#: extension, %-style fields), read by Jinja2's own extractor for Babel.
TEMPLATES = SOURCE / "protrules" / "report" / "templates"
TEMPLATE_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}


def extract() -> Catalog:
    """Every message id of the source and of argparse, as a template catalogue."""
    template = Catalog(project="protrules", domain="protrules")
    # Babel warns of every f-string inside a call it reads (an argument, not an id): quiet.
    with contextlib.redirect_stderr(io.StringIO()):
        found = list(
            extract_from_dir(
                SOURCE, method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
            )
        )
    for filename, _lineno, message, comments, context in found:
        template.add(message, None, [(f"src/{filename}", 0)], auto_comments=comments, context=context)
    for template_file in sorted(TEMPLATES.glob("*.j2")):
        for _lineno, message, comments, context in extract_from_file(
            "jinja2.ext:babel_extract", template_file, keywords=TEMPLATE_KEYWORDS,
            options={"trim_blocks": "true", "lstrip_blocks": "true"},
        ):  # fmt: skip
            template.add(
                message, None, [(str(template_file.relative_to(ROOT)), 0)], auto_comments=comments,
                context=context,
            )  # fmt: skip
    for _lineno, message, comments, context in extract_from_file(
        "python", argparse.__file__, keywords=ARGPARSE_KEYWORDS
    ):
        template.add(message, None, [(ARGPARSE, 0)], auto_comments=comments, context=context)
    # argparse's messages differ between Python versions: keep those of the others too.
    if PO.exists():
        for message in read():
            if message.id and message.id not in template and _from_argparse(message):
                template.add(message.id, None, [(ARGPARSE, 0)])
    return template


def _from_argparse(message: Message) -> bool:
    return all(filename == ARGPARSE for filename, _ in message.locations)


def read() -> Catalog:
    with PO.open("rb") as file:
        return read_po(file, locale="zh", domain="protrules")


def write(catalog: Catalog) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, sort_output=True, include_lineno=False, ignore_obsolete=True)
    PO.write_bytes(buffer.getvalue())


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def update() -> None:
    catalog = read() if PO.exists() else Catalog(locale="zh", domain="protrules", project="protrules")
    template = extract()
    template.creation_date = catalog.creation_date
    catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    catalog.fuzzy = False
    catalog.project, catalog.version = "protrules", ""
    catalog.msgid_bugs_address = catalog.last_translator = catalog.language_team = ""
    catalog.copyright_holder = "the protrules authors"
    catalog.header_comment = HEADER
    catalog.revision_date = catalog.creation_date
    write(catalog)
    missing = sum(1 for m in catalog if m.id and not _translated(m))
    print(f"{PO.relative_to(ROOT)}: {len(catalog)} messages, {missing} to translate")


def compile_() -> None:
    MO.write_bytes(compiled(read()))
    print(f"{MO.relative_to(ROOT)} written")


def _translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings) and not message.fuzzy


def fields(text: str) -> list[str]:
    """The format fields of a message: ``{name}`` fields, or ``%(name)s`` / ``%s`` specifiers."""
    if re.search(r"%(\([^)]*\))?[-#0 +]*\d*(\.\d+)?[sdrif]", text):
        return sorted(re.findall(r"%(\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdrif]", text))
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


def problems() -> Iterator[str]:
    """What is wrong with the catalogue: ids without a Chinese form, fields that differ, a stale .mo."""
    catalog = read()
    wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in extract() if m.id}
    have = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}
    for id in sorted(wanted - have.keys()):
        yield f"not in the catalogue (run `python tools/messages.py update`): {id!r}"
    for id in sorted(have.keys() - wanted):
        yield f"in the catalogue but no longer used (run update): {id!r}"
    for id, message in sorted(have.items()):
        if not _translated(message):
            yield f"no Chinese form{' (fuzzy)' if message.fuzzy else ''}: {id!r}"
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for form in strings:
            if fields(form) != fields(ids[-1]) and fields(form) != fields(ids[0]):
                yield f"fields differ: {id!r} has {fields(ids[0])}, the Chinese {form!r} has {fields(form)}"
    if not MO.exists() or MO.read_bytes() != compiled(catalog):
        yield f"{MO.relative_to(ROOT)} does not match the .po (run `python tools/messages.py compile`)"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("action", choices=("update", "compile", "check"))
    action = parser.parse_args().action
    if action == "update":
        update()
    elif action == "compile":
        compile_()
    else:
        found = list(problems())
        for problem in found:
            print(problem)
        return 1 if found else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
