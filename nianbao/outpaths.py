"""The one place where an output path is built: inside the output folder, one per input.

Every file `extract` and `batch` write for a report goes through `OutputFolder.path_for`,
which

- cleans the relative name: no absolute part, no `.`/`..` (a `..` becomes `__`), no empty
  part, each part cut to fit the file system (`nianbao.names.fit_name`);
- proves the result lies inside the folder: each folder on the way is created (or found) as a
  real folder, never through a symbolic link, and the resolved parent is below the resolved
  output folder — otherwise `OutsideOutput`, never a write;
- keeps outputs apart: within one run no two outputs get the same path; a later claim of a
  taken path gets `<name>~<hash of its input and pages>` and the pair is recorded in
  `collisions`, which the command prints and keeps in its summary.

It also removes what an earlier run killed mid-write left behind (temp files of
`nianbao.output.write_atomic` whose writer is gone) in each folder it is about to write to.
"""
from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePath

from .errors import CannotWrite, OutputInTheWay, OutsideOutput, UsageError
from .exit_codes import is_write_failure
from .names import fit_name
from .output import clean_stale_temps, shown


@dataclass
class Collision:
    source: str    # the input (as shown, nianbao.output.shown) whose output was renamed
    wanted: str    # the path it would have had, below the output folder
    given: str     # the path it got
    taken_by: str  # the input that holds `wanted`

    def to_dict(self) -> dict:
        return {"source": self.source, "wanted": self.wanted, "given": self.given, "taken_by": self.taken_by}

    def __str__(self) -> str:
        return f"{self.source}: output {self.wanted} is {self.taken_by}'s; written as {self.given}"


def clean_parts(rel: PurePath | str) -> list[str]:
    """The parts of a relative output name that stay inside a folder whatever they were."""
    parts = []
    for part in PurePath(rel).parts:
        if part in ("", ".", "/", os.sep) or (os.altsep and part == os.altsep):
            continue
        part = part.replace("/", "_").replace("\x00", "_")
        if part == "..":
            part = "__"
        parts.append(part)
    return parts


def _tag(*keys: str) -> str:
    h = hashlib.sha1()
    for k in keys:
        h.update(os.fsencode(k) + b"\x00")
    return h.hexdigest()[:8]


class OutputFolder:
    """An output folder (`-o`) and the outputs this run has given out in it."""

    def __init__(self, root: str | Path, create: bool = True):
        if root is None or str(root).strip() == "":
            raise UsageError("-o needs a folder name (an empty one would write into the current folder)")
        self.given = Path(root)
        if os.path.lexists(self.given) and not os.path.isdir(self.given):
            what = "a broken symbolic link" if os.path.islink(self.given) else "a file"
            raise OutputInTheWay(f"-o {self.given} names {what}, not a folder; choose a folder for the outputs")
        if create:
            try:
                self.given.mkdir(parents=True, exist_ok=True)
            except FileExistsError:
                raise OutputInTheWay(f"-o {self.given}: a part of that path is a file, not a folder") from None
            except NotADirectoryError:
                raise OutputInTheWay(f"-o {self.given}: a part of that path is a file, not a folder") from None
            except OSError as e:
                if is_write_failure(e):  # read-only, no permission, no space: status 3
                    raise CannotWrite(self.given, e) from e
                raise
        self.root = Path(os.path.realpath(self.given))
        self.owner: dict[str, str] = {}        # path below root → the input (as shown) that has it
        self.collisions: list[Collision] = []
        self._checked: set[Path] = set()       # folders proven to be real folders below root
        self._cleaned: set[Path] = set()       # folders cleared of a killed run's temp files

    def inside(self, path: str | Path) -> bool:
        """Whether `path` (resolved) is the output folder or below it."""
        try:
            real = Path(os.path.realpath(path))
        except (OSError, RuntimeError, ValueError):
            return False
        return real == self.root or self.root in real.parents

    def folder(self, parts: list[str]) -> Path:
        """`root/parts…`, each created as a real folder below root (never through a link)."""
        here = self.given
        for part in parts:
            here = here / part
            if here in self._checked:
                continue
            try:
                st = os.lstat(here)
            except FileNotFoundError:
                try:
                    here.mkdir()
                except FileExistsError:  # made meanwhile by someone else: checked below
                    pass
                except OSError as e:
                    if is_write_failure(e):
                        raise CannotWrite(here, e) from e
                    raise
                st = os.lstat(here)
            if stat.S_ISLNK(st.st_mode):
                if not self.inside(here) or not os.path.isdir(here):
                    raise OutsideOutput(f"{here} is a symbolic link out of the output folder; "
                                        "outputs are written only inside it (remove the link)")
            elif not stat.S_ISDIR(st.st_mode):
                raise OutputInTheWay(f"{here} is a file where an output folder goes; move it away")
            self._checked.add(here)
        if not self.inside(here):  # the proof: whatever the parts were, the folder is under root
            raise OutsideOutput(f"{here} is not inside the output folder {self.given}")
        return here

    def path_for(self, rel: PurePath | str, source: str, tail: str = ".json", key: str = "") -> Path:
        """The output path of the input `source` (its path as given: two inputs whose names only
        print alike stay two) named `rel` + `tail` below the folder.
        `key` tells apart several outputs of one input (its pages) in a renamed name."""
        parts = clean_parts(rel) or ["input"]
        folder = self.folder(parts[:-1])
        name = fit_name(parts[-1], tail)
        wanted = PurePath(*parts[:-1], name).as_posix()
        given, n = wanted, 0
        while given in self.owner and self.owner[given] != (source + "\x00" + key):
            n += 1
            stem = parts[-1] + "~" + _tag(source, key, str(n) if n > 1 else "")
            given = PurePath(*parts[:-1], fit_name(stem, tail)).as_posix()
        if given != wanted:
            self.collisions.append(Collision(shown(source), shown(wanted), shown(given),
                                             shown(self.owner[wanted].split("\x00")[0])))
        self.owner[given] = source + "\x00" + key
        self._clean(folder)
        return folder / PurePath(given).name

    def reserve(self, rel: PurePath | str, source: str, tail: str = ".json", key: str = "") -> None:
        """Claim a name before anything is written (the plain names of a run's inputs), so that
        a later output named like it by its pages is the one renamed, whatever the order."""
        parts = clean_parts(rel) or ["input"]
        wanted = PurePath(*parts[:-1], fit_name(parts[-1], tail)).as_posix()
        self.owner.setdefault(wanted, source + "\x00" + key)

    def _clean(self, folder: Path) -> None:
        if folder in self._cleaned:
            return
        self._cleaned.add(folder)
        clean_stale_temps(folder)
