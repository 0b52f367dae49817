"""The output contract (shared/spec/output.md): Document → JSON, written atomically."""
from __future__ import annotations

import json
import os
import re
import tempfile
import time
from pathlib import Path

from . import schema
from .document import Cell, Document, Metric
from .names import fit_name


def _bbox(b):
    return [round(float(x), 2) for x in b] if b else None


def _on_page(pages: dict, page_no, box):
    """Boxes are kept in the frame of the page as read; the contract's are on the page as
    published (a straightened scan's differ)."""
    page = pages.get(page_no)
    return page.box_on_source(box) if page is not None and box else box


def cell_dict(c: Cell, pages: dict | None = None) -> dict:
    d = {"value": c.value, "confidence": round(c.confidence, 4), "verified": c.verified, "page": c.page,
         "bbox": _bbox(_on_page(pages or {}, c.page, c.bbox)), "text": c.text}
    if c.table_cell is not None:
        d["cell"] = dict(zip(("table", "row", "col"), c.table_cell))
    if c.line is not None:
        d["line"] = c.line
    if c.blank:
        d["blank"] = True
    if c.reason:
        d["reason"] = c.reason
    if c.alternatives:
        d["alternatives"] = c.alternatives
    return d


def metric_dict(m: Metric, pages: dict | None = None) -> dict:
    d = {"value": m.value, "approx": m.approx, "unit": m.unit, "page": m.page,
         "bbox": _bbox(_on_page(pages or {}, m.page, m.bbox)) or [], "evidence": m.evidence, "confidence": round(m.confidence, 4)}
    if m.line is not None:
        d["line"] = m.line
    return d


def printable_path(path: str) -> str:
    """A file name as Unicode whatever bytes it was made of (UTF-8, GBK, junk): names from
    Chinese Windows archives arrive as GBK bytes, which Python holds as surrogate escapes."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        raw = os.fsencode(path)
        for enc in ("utf-8", "gb18030"):
            try:
                return raw.decode(enc)
            except UnicodeDecodeError:
                continue
        return raw.decode("utf-8", "replace")


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def shown(path) -> str:
    """A path as printed on one terminal line: decoded like `printable_path`, and control
    characters (a newline in a file name) written as escapes, so one name is one line."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"),
                        printable_path(str(path)))


def source_dict(doc: Document) -> dict:
    s = doc.source
    d = {"path": printable_path(s.path), "sha256": s.sha256, "kind": s.kind, "pages": s.pages}
    if s.page_range:
        d["page_range"] = list(s.page_range)
    return d


def error_dicts(doc: Document) -> list[dict]:
    """The contract's error records: stage and message (the reason code stays in memory for
    the batch's counts, nianbao.errors.REASONS)."""
    return [{"stage": e["stage"], "message": e["message"]} for e in doc.errors]


def to_dict(doc: Document) -> dict:
    if doc.errors and not doc.fields:
        return _with_settings(doc, {"source": source_dict(doc), "errors": error_dicts(doc),
                                    "timings_ms": {k: round(v, 2) for k, v in doc.timings_ms.items()}})
    fields = {}
    pages = {p.number: p for p in doc.pages if p.to_source is not None}
    if doc.format:
        for key in schema.field_keys(doc.format, doc.aggregate):
            cell = doc.fields.get(key) or Cell(value=None, reason="not_found")
            fields[key] = cell_dict(cell, pages)
    metrics = {}
    for mid in schema.metric_ids():
        m = doc.metrics.get(mid)
        metrics[mid] = metric_dict(m, pages) if m else {"value": None, "approx": False, "unit": schema.metric_unit(mid),
                                                  "page": None, "bbox": [], "evidence": "",
                                                  "reason": "not stated in the text"}
    flags = []
    for f in doc.flags:
        fd = {"identity": f.identity, "keys": f.keys, "printed": f.printed, "expected": f.expected,
              "message": f.message}
        if f.suggested:
            fd["suggested"] = f.suggested
        flags.append(fd)
    return _with_settings(doc, {
        "source": source_dict(doc),
        "agency": doc.agency,
        "year": doc.year,
        "format": doc.format,
        "model": doc.model,
        "variants": doc.variants,
        "verification": doc.verification(),
        "fields": fields,
        "metrics": metrics,
        "flags": flags,
        "errors": error_dicts(doc),
        "warnings": doc.warnings,
        "timings_ms": {k: round(v, 2) for k, v in doc.timings_ms.items()},
    })


def _with_settings(doc: Document, d: dict) -> dict:
    """The settings the report was read with (nianbao.options), so a number can be reproduced;
    an extra top-level field the contract's readers pass over."""
    if doc.settings is not None:
        d["settings"] = doc.settings
    return d


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# `.<name>.<pid>.<random>.tmp`: a temp file of write_atomic, named by the process writing it
_TEMP = re.compile(r"^\..+\.(\d+)\.[A-Za-z0-9_]{8}\.tmp$")
_OLD_TEMP = re.compile(r"^\..+\.json\.[A-Za-z0-9_]{8}\.tmp$")  # before the pid was in the name
OLD_TEMP_AGE_S = 3600


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's process: not ours to judge
    return True


def clean_stale_temps(folder: str | Path) -> int:
    """Remove temp files of write_atomic in `folder` whose writer is gone (kill -9 leaves
    them; they never carry a final name). A live writer's temp file (a concurrent run) is
    kept; one from before temp names carried the pid is removed once it is an hour old."""
    n = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    now = time.time()
    for e in entries:
        m = _TEMP.match(e.name)
        try:
            if m and not e.is_symlink() and not _alive(int(m.group(1))) or \
                    not m and _OLD_TEMP.match(e.name) and now - e.stat(follow_symlinks=False).st_mtime > OLD_TEMP_AGE_S:
                os.unlink(e.path)
                n += 1
        except OSError:
            continue
    return n


def write_atomic(path: str | Path, text: str) -> None:
    """Write via a temp file in the same folder and rename, so readers never see half a file."""
    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
    write_atomic_by(path, write)


def write_atomic_by(path: str | Path, write) -> None:
    """`write(temp_path)` fills a temp file in the same folder (a spreadsheet or Parquet library
    writing by name), which is then renamed into place: readers never see half a file, and a
    killed writer's temp file is named by its pid for the next run to remove."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{fit_name(path.name)}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are for others to read
        os.close(fd)
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
