"""Finding input files under a folder, and a record for everything found that is not read.

`extract` and `batch` both walk folders with `walk`, which never leaves its roots (the folders
the user named): a symbolic link to a folder inside a root is followed (a folder of links to
each year's reports is common); a link that leads back to a folder above it is a loop
(`link_loop`), and a link to a folder outside every root — an ancestor of the root included —
is `link_outside`: both are reported, not followed. The output folder is never walked (a
batch's outputs inside its input folder are not inputs). A folder that cannot be listed, a broken
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
FAILING_REASONS = frozenset({"unreadable", "link_loop", "link_outside", "broken_link", "not_regular", "no_match",
                             "missing"})


@dataclass
class Skipped:
    path: str      # as shown to a person (printable_path)
    reason: str    # unreadable | link_loop | link_outside | broken_link | not_regular | no_match | missing
    #                | unsupported_type
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


def _real(p) -> str | None:
    try:
        return os.path.realpath(p, strict=True)
    except (OSError, RuntimeError, ValueError):
        return None


def _within(real: str, roots: list[str]) -> bool:
    return any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def avoiding(output: str | Path | None, root: str | Path):
    """`avoid(path)` for a walk or glob from `root`: whether `path` lies in the output folder —
    unless the root itself does (`-o .` with an input folder below it: the user put the outputs
    around the inputs, and the walk only enters what it is given)."""
    out = _real(output) if output is not None else None
    base = _real(root) or os.path.abspath(root)
    if out is None or _within(base, [out]):
        return lambda _p: False
    return lambda p: (lambda r: r is not None and _within(r, [out]))(_real(p))


def walk(root: str | Path, suffixes=INPUT_SUFFIXES, roots=None, output=None) -> tuple[list[Path], list[Skipped]]:
    """Files under `root` whose suffix is an input suffix, sorted by path within each folder,
    and the records of what could not be searched or read. A link to a folder is followed only
    when the folder lies inside `root` or one of `roots` (the other folders of the same run);
    the `output` folder is never entered."""
    files: list[Path] = []
    notes: list[Skipped] = []
    searched: set[tuple[int, int]] = set()
    inside = [r for r in (_real(x) for x in [root, *(roots or [])]) if r]
    avoid = avoiding(output, root)

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
                if avoid(path):  # the output folder: what is there is ours, not an input
                    continue
                if entry.is_symlink():
                    real = _real(path)
                    if real is not None and not _within(real, inside):
                        notes.append(skipped(path, "link_outside",
                                             f"symbolic link to a folder outside the folder being read "
                                             f"({printable_path(real)}); not followed (name that folder "
                                             "itself to read it)"))
                        continue
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
