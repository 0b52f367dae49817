"""Failures a user can cause and fix, each with its message and documented exit status.

A command raises one of these and `nianbao.cli` prints `nianbao COMMAND: MESSAGE` and exits
with its `status` (the table in `nianbao/exit_codes.py`). Any other exception that reaches
the command line is a bug: its traceback is printed with a line asking to report it.
A bad *input* is never one of these: it gets an error record and the run goes on.
"""
from __future__ import annotations

from . import exit_codes


class UserError(Exception):
    """A failure the user can fix; `str(e)` says what and how."""

    status = exit_codes.USAGE


class UsageError(UserError):
    """A bad option or argument: `-o ''`, no such input folder."""


class OutputInTheWay(UserError):
    """The output folder, or something a command must create inside it, is taken by something
    else: `-o` names a file, a file named `exports` where the exports folder goes, a link where
    a batch writes, a junk `manifest.sqlite`."""


class OutsideOutput(UserError):
    """An output path would not lie inside the output folder (a `..` or a link out of it).
    `nianbao.outpaths` never builds such a path; this is its proof failing, not a rename."""


class BatchBusy(UserError):
    """Another batch holds the output folder's lock."""


class CannotWrite(UserError):
    """An output (report, manifest, summary, export) could not be written: disk full, read-only,
    no permission. What was written before is whole; the same command resumes once fixed."""

    status = exit_codes.CANNOT_WRITE

    def __init__(self, where, cause: BaseException):
        self.where, self.cause = str(where), cause
        super().__init__(f"cannot write {where}: {exit_codes.why(cause)}")
