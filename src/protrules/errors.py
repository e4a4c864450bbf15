"""The single base of every error protrules raises.

Callers catch :class:`ProtrulesError` and get a message that is already fit to
show a person: no Python exception of another kind escapes the public API for
bad input. The message is a :class:`~protrules.i18n.Message` where it has a Chinese
form, so the command line shows it in the reader's language (:meth:`ProtrulesError.render`).
"""

from __future__ import annotations

from protrules.i18n import Text, render


class ProtrulesError(Exception):
    """Base class of all protrules errors.

    ``code`` is a stable identifier (``PRL…``) that tools and tests can match on;
    ``str(error)`` is the one-line message for a person, in English; ``msg`` is the
    message itself and :meth:`render_message` shows it in another language.
    """

    code: str = "PRL000"

    def __init__(self, message: Text, *, code: str | None = None) -> None:
        super().__init__(message)
        self.msg = message
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        return render(self.msg, "en")

    def message_in(self, lang: str) -> str:
        """The one-line message in ``lang`` (``"en"`` or ``"zh"``)."""
        return render(self.msg, lang)

    def __str__(self) -> str:
        return render(self.msg, "en")


class CalendarError(ProtrulesError):
    """A calendar question protrules cannot answer truthfully (e.g. an unpublished year).

    ``why`` is the reason alone, where the message is "invalid date `…`: why", for messages
    that quote the date their own way (a ledger's "expected a date …, found …").
    """

    code = "PRL501"

    def __init__(self, message: Text, *, code: str | None = None, why: Text | None = None) -> None:
        super().__init__(message, code=code)
        self.why = why
