"""Finding input files under a folder, and a record for everything found that is not read.

`extract` and `batch` both walk folders with `walk`. Symbolic links to folders are followed
(a folder of links to each year's reports is common); a link that leads back to a folder
above it is a loop and is reported, not followed. A folder that cannot be listed, a broken
link and a file that is not a regular file each become a `Skipped` record, which the commands
print, keep in their summary and count in the exit status. Hidden entries (names starting
with a dot: `.git`, macOS `._x.pdf` resource forks) are not inputs and are passed over.
"""
from __future__ import annotations

import os
import stat
from dataclasses import asdict, dataclass
from pathlib import Path

from .ingest import INPUT_SUFFIXES
from .output import printable_path

# reasons that mean an input the user pointed at was not read: they make the exit status 1
FAILING_REASONS = frozenset({"unreadable", "link_loop", "broken_link", "not_regular", "no_match", "missing"})


@dataclass
class Skipped:
    path: str      # as shown to a person (printable_path)
    reason: str    # unreadable | link_loop | broken_link | not_regular | no_match | missing | unsupported_type
    message: str

    @property
    def failing(self) -> bool:
        return self.reason in FAILING_REASONS

    def to_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def skipped(path, reason: str, message: str) -> Skipped:
    return Skipped(printable_path(str(path)), reason, message)


def _why(e: OSError) -> str:
    return e.strerror or type(e).__name__


def walk(root: str | Path, suffixes=INPUT_SUFFIXES) -> tuple[list[Path], list[Skipped]]:
    """Files under `root` whose suffix is an input suffix, sorted by path within each folder,
    and the records of what could not be searched or read."""
    files: list[Path] = []
    notes: list[Skipped] = []
    searched: set[tuple[int, int]] = set()

    def visit(folder: Path, above: frozenset) -> None:
        try:
            st = folder.stat()
        except OSError as e:
            notes.append(skipped(folder, "unreadable", f"cannot open folder: {_why(e)}"))
            return
        ident = (st.st_dev, st.st_ino)
        if ident in above:
            notes.append(skipped(folder, "link_loop", "symbolic link loop: leads back to a folder above it; not followed"))
            return
        if ident in searched:  # a second link to a folder already searched: its files are listed once
            return
        searched.add(ident)
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:
            notes.append(skipped(folder, "unreadable", f"cannot list folder: {_why(e)}"))
            return
        inner = above | {ident}
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                mode = os.stat(entry.path).st_mode  # follows links
            except OSError as e:
                if entry.is_symlink():
                    notes.append(skipped(path, "link_loop" if e.errno == 40 else "broken_link",
                                         f"symbolic link leads nowhere: {_why(e)}"))
                else:
                    notes.append(skipped(path, "unreadable", f"cannot read: {_why(e)}"))
                continue
            if stat.S_ISDIR(mode):
                visit(path, inner)
            elif path.suffix.lower() in suffixes:
                if stat.S_ISREG(mode):
                    files.append(path)
                else:
                    notes.append(skipped(path, "not_regular", "not a regular file (a pipe, socket or device)"))
            elif stat.S_ISREG(mode):
                notes.append(skipped(path, "unsupported_type",
                                     f"not a report file type: {path.suffix or 'no suffix'}; not read"))

    visit(Path(root), frozenset())
    return files, notes
