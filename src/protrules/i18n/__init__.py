"""Chinese and English: messages rendered in the reader's language, from gettext catalogues.

The base of every stage that shows text to a person (it imports nothing else of protrules):
:class:`Message` and :func:`msg` make a message, :func:`render` shows it in a language,
:func:`env_language` reads the locale. ``docs/i18n.md`` describes the catalogue and how to
add a message.

In: a message id (the English text with ``{fields}``) and its arguments; a language.
Out: the text in that language, from the compiled catalogue ``locale/zh/LC_MESSAGES/protrules.mo``.
"""

from __future__ import annotations

from protrules.i18n.messages import (
    LANGS,
    Message,
    Text,
    check_language,
    env_language,
    gettext_for,
    joined,
    msg,
    msgn,
    render,
)

__all__ = [
    "LANGS",
    "Message",
    "Text",
    "check_language",
    "env_language",
    "gettext_for",
    "joined",
    "msg",
    "msgn",
    "render",
]
