"""The small exception tree and the problem records that a build collects.

A build never stops at the first bad note: every stage returns `Problem`s, the
CLI prints them all, and only problems of severity "error" make the exit code 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing a user should fix: where, what, and what to do about it."""

    severity: str  # "error" or "warning"
    message: str
    path: Path | None = None
    line: int | None = None
    hint: str = ""

    def location(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else str(self.path)

    def __str__(self) -> str:
        where = self.location()
        text = f"{where}: {self.message}" if where else self.message
        return f"{text} {self.hint}".rstrip() if self.hint else text


def error(message: str, path: Path | None = None, line: int | None = None, hint: str = "") -> Problem:
    return Problem("error", message, path, line, hint)


def warning(message: str, path: Path | None = None, line: int | None = None, hint: str = "") -> Problem:
    return Problem("warning", message, path, line, hint)


class NotesSiteError(Exception):
    """Base of every error notes-site reports to the user without a traceback."""

    exit_code = 1
    output_changed = False  # True only when the output could not be put back as it was

    def __init__(self, message: str, problems: tuple[Problem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


class ConfigError(NotesSiteError):
    """notes-site.yaml is unreadable or has invalid settings."""


class NoteError(NotesSiteError):
    """A note cannot be read or parsed."""


class ThemeError(NotesSiteError):
    """A theme is missing, or one of its templates fails."""


class OutputError(NotesSiteError):
    """The output folder is unsafe to write, or writing it failed."""


class UsageError(NotesSiteError):
    """The command line asks for something impossible."""

    exit_code = 2


@dataclass
class ProblemReport:
    """What a build or a check found; `errors` and `warnings` split it by severity."""

    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]
