"""The errors licheck shows a user: what is wrong, where, and what to do about it.

Every failure a user can cause or fix is a LicheckError; the CLI prints it on stderr and exits 2.
Anything else that escapes is a bug and exits 3 (see cli.main).
"""

from __future__ import annotations


class LicheckError(Exception):
    """A problem the user can act on, located at file:line:column where there is one."""

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.file = file
        self.line = line
        self.column = column

    @property
    def location(self) -> str | None:
        """`file:line:column`, as much of it as is known."""
        if self.file is None:
            return None
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        where = self.location
        text = f"{where}: {self.message}" if where else self.message
        return f"{text}\n  hint: {self.hint}" if self.hint else text


class InputError(LicheckError):
    """A model description (model.yaml, a card, a license file) is missing or invalid."""


class ExpressionError(LicheckError):
    """A license expression cannot be parsed."""


class KnowledgeBaseError(LicheckError):
    """A profile in licenses/ is invalid: a bug in licheck's data, reported with its file."""


class PolicyError(LicheckError):
    """The policy given to licheck is invalid."""
