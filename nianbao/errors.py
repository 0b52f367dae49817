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


# --- inputs that cannot be read as a report -------------------------------------------------
# A reader or stage raises one of these; the pipeline records it on the report as
# {"stage", "message"} and the batch counts the failure under the type's `code` (never under
# words of the message, which may be reworded or translated at will). `REASONS` below is the one
# table of codes: what each means and the exit status of a command that meets it.


class InputError(Exception):
    """The input cannot be read as a report; `stage` says which step refused it, `code` (the
    class's) is the reason the batch counts it under."""

    code = "unreadable"
    stage = "ingest"

    def __init__(self, message: str, stage: str | None = None):
        super().__init__(message)
        if stage is not None:
            self.stage = stage


class Missing(InputError):
    """No such file, or not a regular file (a socket, a device)."""
    code = "missing"


class Unreadable(InputError):
    """The operating system refused to read it (permissions, I/O error)."""
    code = "unreadable"


class Unsupported(InputError):
    """A known kind of file that no reader reads (a spreadsheet, an archive)."""
    code = "unsupported"


class Empty(InputError):
    """The file holds no text at all."""
    code = "empty"


class NotText(InputError):
    """Bytes that are no text in any encoding Chinese sites use (binary data)."""
    code = "not_text"


class NotPdf(InputError):
    """Named .pdf but holding something else (sites serve HTML error pages under report names)."""
    code = "not_pdf"


class Corrupt(InputError):
    """A damaged file of a kind a reader reads (Word, HTML, OFD, image)."""
    code = "corrupt"


class CorruptPdf(Corrupt):
    """A PDF pdfium cannot open."""
    code = "corrupt_pdf"


class Encrypted(InputError):
    """A password-protected file."""
    code = "encrypted"


class NoPages(InputError):
    """A paged document with no page."""
    code = "no_pages"


class TooLarge(InputError):
    """Over one of the size caps that keep one hostile input from exhausting the machine."""
    code = "too_large"


class NeedsOcr(InputError):
    """Pages with no text to read, and no OCR to read them with (the `ocr` extra, an engine)."""
    code = "needs_ocr"
    stage = "ocr"


class NoOcrEngine(NeedsOcr):
    """The OCR engine asked for cannot start (the base of the two below; a missing optional
    package is `nianbao.extras.MissingExtra` instead, which names the extra to install)."""


class UnknownEngine(NoOcrEngine, UserError):
    """No OCR engine (or rapidocr backend) of that name (NIANBAO_OCR_ENGINE, --engine)."""
    code = "unknown_engine"


class OcrModelsMissing(NoOcrEngine, UserError):
    """The OCR engine's bundled models are not where its wheel puts them; nianbao never
    downloads models, so it refuses to start."""
    code = "ocr_models_missing"


class MissingTool(InputError):
    """The reader for this kind needs a program or package that is not installed."""
    code = "missing_tool"


class TimedOut(InputError):
    """A helper program (LibreOffice) or the worker ran past its time limit."""
    code = "timeout"


class NotAReport(InputError):
    """The file reads, but holds none of the report's tables."""
    code = "not_a_report"
    stage = "assemble"


# code: (what it means, exit status of `nianbao extract`/`batch` when an input fails so).
# Failures not raised as an InputError: `internal` (a bug while reading one input: the batch
# goes on), and the batch's own verdicts on a child process (`timeout`, `memory`, `crashed`).
REASONS: dict[str, tuple[str, int]] = {
    cls.code: ((cls.__doc__ or "").strip().split("\n")[0], exit_codes.FAILED)
    for cls in (Missing, Unreadable, Unsupported, Empty, NotText, NotPdf, Corrupt, CorruptPdf, Encrypted,
                NoPages, TooLarge, NeedsOcr, UnknownEngine, OcrModelsMissing, MissingTool, TimedOut, NotAReport)
}
REASONS.update({
    "internal": ("a bug in nianbao while reading this input (its message names the exception)", exit_codes.FAILED),
    "memory": ("the reading ran out of memory, or over the worker's memory limit", exit_codes.FAILED),
    "crashed": ("the worker process died while reading this input", exit_codes.FAILED),
})


def exit_status(codes) -> int:
    """The exit status of `nianbao extract`/`batch` when inputs failed under these reason codes:
    the highest of their statuses in REASONS (a code not in it, e.g. a file the folder walk could
    not read, counts as a failed input), OK when there are none. The commands ask this rather
    than return a number of their own, so the table above is the one place a status is chosen."""
    return max((REASONS[c][1] if c in REASONS else exit_codes.FAILED for c in codes), default=exit_codes.OK)


def code_of(e: BaseException) -> str:
    """The reason code of any exception met while reading one input."""
    if isinstance(e, InputError):
        return e.code
    if isinstance(e, MemoryError):
        return "memory"
    return "internal"

