"""The single base of every error protrules raises.

Callers catch :class:`ProtrulesError` and get a message that is already fit to
show a person: no Python exception of another kind escapes the public API for
bad input.
"""

from __future__ import annotations


class ProtrulesError(Exception):
    """Base class of all protrules errors.

    ``code`` is a stable identifier (``PRL…``) that tools and tests can match on;
    ``str(error)`` is the one-line message for a person.
    """

    code: str = "PRL000"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        return str(self.args[0])


class CalendarError(ProtrulesError):
    """A calendar question protrules cannot answer truthfully (e.g. an unpublished year)."""

    code = "PRL501"
