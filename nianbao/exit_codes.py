"""Exit statuses of the commands, and what stops a run because its outputs cannot be written.

0  every input was read (flags are findings, not failures)
1  some input failed or was not read (its error record says why; the others are written)
2  usage error: a bad option, a missing input folder, an output folder in use
4  every input was read, but a folder walk passed over files that are not report types
   (each is listed by name: a stray spreadsheet or README in a folder of reports)
3  outputs cannot be written: no space left, a read-only or full file system, no permission
   in the output folder. Outputs already written stay whole; run the same command again once
   the cause is fixed (`batch` resumes where it stopped).
70  a bug in nianbao: the traceback is printed with a line asking to report it
130 interrupted (Ctrl-C); finished outputs are kept, a rerun goes on from them

Failures a user can fix are exception types in `nianbao.errors`, each with its status.
"""
from __future__ import annotations

import errno
import sqlite3

OK, FAILED, USAGE, CANNOT_WRITE, SKIPPED, BUG, INTERRUPTED = 0, 1, 2, 3, 4, 70, 130

_WHY = {errno.ENOSPC: "no space left on the device", errno.EDQUOT: "disk quota exceeded",
        errno.EROFS: "the file system is read-only", errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted", errno.EFBIG: "file too large for the file system",
        errno.EIO: "input/output error on the disk"}


def why(e: BaseException) -> str:
    if isinstance(e, OSError) and e.errno in _WHY:
        return _WHY[e.errno]
    if isinstance(e, sqlite3.Error):
        return f"the manifest database refused the write ({e})"
    return getattr(e, "strerror", None) or str(e) or type(e).__name__


def is_write_failure(e: BaseException) -> bool:
    """An OSError or SQLite error that means the output side is out of space or not writable."""
    if isinstance(e, OSError):
        return e.errno in _WHY
    if isinstance(e, sqlite3.OperationalError):
        msg = str(e).lower()
        return any(w in msg for w in ("disk is full", "readonly database", "disk i/o error", "unable to open"))
    return False
