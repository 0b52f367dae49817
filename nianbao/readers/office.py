"""Word-processor files other than .docx (.doc, .wps, .rtf, .odt): LibreOffice converts them to
.docx, which the Word reader reads (source.kind "word").

LibreOffice runs headless, once per file, with a private profile directory in a private
temporary folder (`-env:UserInstallation`), so concurrent conversions (batch workers) never
share a profile or a lock; it is killed, with its children, after TIMEOUT_S.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from nianbao.document import Document, Source
from nianbao.errors import Corrupt, MissingTool, TimedOut, TooLarge
from nianbao.options import ExtractOptions
from nianbao.readers.magic import ZIP

PACKAGE = "libreoffice-writer-nogui"  # Debian 12; scripts/apt-packages.txt installs it
TIMEOUT_S = 120
MAX_OFFICE_BYTES = 50 * 1024 * 1024


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(path: Path, suffix: str, out_dir: Path, to: str = "docx:MS Word 2007 XML", ext: str = "docx",
            timeout: float = TIMEOUT_S) -> Path:
    """Convert `path` (read as a `suffix` file) with LibreOffice's `to` filter into
    `out_dir/lo/out/input.<ext>`; MissingTool, TimedOut or Corrupt (nianbao.errors) when LibreOffice is missing, hangs or fails."""
    exe = soffice()
    if exe is None:
        raise MissingTool(f"reading {suffix} files needs LibreOffice (soffice), which is not installed: "
                         f"install the Debian package {PACKAGE} (scripts/setup.sh does)")
    work = out_dir / "lo"
    work.mkdir(parents=True, exist_ok=True)
    # a plain ASCII name: LibreOffice chooses its import filter by content, and names from
    # Chinese sites (GBK bytes, spaces, brackets) only get in the way
    src = work / f"input{suffix}"
    shutil.copyfile(path, src)
    profile = work / "profile"
    cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--norestore",
           "--nolockcheck", "--nodefault", "--nologo", "--convert-to", to, "--outdir", str(work / "out"), str(src)]
    env = dict(os.environ, HOME=str(work), TMPDIR=str(work))
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env=env, start_new_session=True)
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise TimedOut(f"LibreOffice did not convert the {suffix} file within {timeout:.0f} s") from None
    target = work / "out" / f"input.{ext}"
    if proc.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
        said = output.decode("utf-8", "replace").strip().splitlines()[-1:] if output else []
        raise Corrupt(f"LibreOffice could not convert the {suffix} file"
                         + (f": {said[0][:200]}" if said else f" (exit status {proc.returncode})"))
    return target


def load(path: Path, source: Source, suffix: str = ".doc") -> Document:
    from . import docx

    if path.stat().st_size > MAX_OFFICE_BYTES:
        raise TooLarge(f"document larger than {MAX_OFFICE_BYTES // (1 << 20)} MiB")
    with tempfile.TemporaryDirectory(prefix="nianbao-lo-") as tmp:
        converted = convert(path, suffix, Path(tmp))
        return docx.load(converted, source, kind="word")


OFFICE_SUFFIXES = (".doc", ".wps", ".rtf", ".odt", ".dot", ".wpt")


def read(path: Path, source: Source, options: ExtractOptions) -> Document:
    """The reader protocol's entry (nianbao.readers.Reader), with LibreOffice's import filter
    chosen by the suffix, or by the content where the suffix is not an office one."""
    return load(path, source, suffix=office_suffix(path))


def office_suffix(path: Path) -> str:
    if path.suffix.lower() in OFFICE_SUFFIXES:
        return path.suffix.lower()
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(b"{\\rtf"):
        return ".rtf"
    if head.startswith(ZIP):
        return ".odt"
    return ".doc"
