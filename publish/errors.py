"""The errors publish reports to its users: each names the file, the line and the problem."""

from __future__ import annotations

from pathlib import Path


class PublishError(Exception):
    """An error meant for the user, printed without a traceback; ``exit_code`` is the CLI's status."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message

    def format(self) -> str:
        """The message, and the hint on a line of its own when there is one."""
        return f"{self}\n  hint: {self.hint}" if self.hint else str(self)


class SourceError(PublishError):
    """Something wrong in a source file, shown as ``path:line: message`` (``path: message`` for the whole file)."""

    exit_code = 65  # EX_DATAERR

    def __init__(self, path: Path | str, line: int, message: str, hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.path = Path(path)
        self.line = line

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


class EditionError(PublishError):
    """One edition of a document could not be made: a build writes the other editions, then fails naming it."""
