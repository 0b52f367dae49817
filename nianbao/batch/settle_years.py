"""Run-together cells settled across the years of one batch (assemble.settle.across_years).

A worker reads one file, so a report whose run-together cells more than one split fits
(`ambiguous_split`) cannot see the same agency's neighbouring years. After the engine has run,
this pass reads every output of the batch folder (this run's and earlier runs': a rerun that
adds the neighbouring year settles the year already there) and applies the cross-year
identities as `nianbao extract` does over its inputs.

Deterministic and resumable: the pass always starts from each report as extracted, never from a
report it has settled before. Before it first rewrites an output it keeps that output, as the
worker wrote it, under OUT_DIR/held/ (same name); an output that says it was settled across years
is read back from there. A fresh extraction (a retried or re-extracted file) has no such cell and
replaces the held copy. So the outputs depend only on which reports the folder holds, not on the
order or the runs in which they came; a pass that a kill interrupts is done again by the next run
(every write is atomic, the held copy is written before the output changes).
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from ..assemble import settle
from ..document import Cell, Document, Source
from ..output import cell_dict, dumps, write_atomic

HELD = "held"
OPEN = '"ambiguous_split"'  # in an output's text: a cell left open by its split
CROSS = "the cross-year identity"  # in an output's text: a cell this pass settled
STATE = ".pass"  # in held/: the last pass's signature and count


def _load(path: Path) -> tuple[str, dict] | None:
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return (text, data) if isinstance(data, dict) else None


def _cell(d: dict) -> Cell:
    return Cell(value=d.get("value"), text=d.get("text") or "", confidence=d.get("confidence") or 0.0,
                page=d.get("page"), line=d.get("line"), blank=bool(d.get("blank")), reason=d.get("reason"),
                alternatives=list(d.get("alternatives") or []), verified=d.get("verified"))


def _document(data: dict) -> Document:
    """What across_years reads of a report: source name, agency, year, format, the tables it settles."""
    src = data.get("source") or {}
    return Document(source=Source(path=src.get("path") or ""), agency=data.get("agency"), year=data.get("year"),
                    format=data.get("format"), errors=list(data.get("errors") or []),
                    fields={k: _cell(c) for k, c in (data.get("fields") or {}).items() if k.startswith(settle.SETTLED_TABLES)})


def _patched(data: dict, doc: Document, before: dict[str, Cell]) -> dict:
    """The report as extracted with the cells across_years changed (settled or narrowed)."""
    fields = dict(data["fields"])
    for k, c in doc.fields.items():
        old = before[k]
        if c is not old or c.alternatives != fields[k].get("alternatives", []):
            fields[k] = cell_dict(c)
    out = dict(data, fields=fields)
    cells = list(fields.values())
    out["verification"] = {"cells": len(cells), "verified": sum(1 for c in cells if c.get("verified") is True),
                           "broken": sum(1 for c in cells if c.get("verified") is False),
                           "unchecked": sum(1 for c in cells if c.get("verified") is None)}
    return out


def _signature(reports: Path, names: list[str]) -> str:
    """What the pass depends on: the outputs (name, size, time written) and the code that settles."""
    h = hashlib.sha256()
    for mod in (settle, sys.modules[__name__]):
        try:
            h.update(Path(mod.__file__).read_bytes())
        except (OSError, TypeError):
            h.update(repr(mod).encode())
    for name in names:
        try:
            st = os.stat(reports / name)
        except OSError:
            continue
        h.update(f"{name}\t{st.st_size}\t{st.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def settle_outputs(reports: Path, held: Path, names: list[str], held_folder=None) -> dict[str, int]:
    """Settle the outputs `names` (in `reports`) against each other; returns counts: `outputs`
    rewritten and `cells` settled. `held_folder()` makes the held copies' folder (the batch's
    safe folder maker) the first time one is written. A pass over the same outputs as the last
    one (nothing extracted since) is not done again: its counts are kept in held/.pass."""
    names = sorted(set(names))
    sig = _signature(reports, names)
    last = _load(held / STATE)
    if last is not None and last[1].get("signature") == sig:
        return {"outputs": 0, "cells": last[1].get("cells", 0)}
    raw = {}
    for name in names:
        try:
            raw[name] = (reports / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    if held.is_dir() and not held.is_symlink():  # copies of outputs the folder no longer holds (an input split otherwise)
        for p in held.glob("*.json"):
            if p.name not in raw:
                p.unlink(missing_ok=True)
    if not any(OPEN in t or CROSS in t for t in raw.values()):
        return {"outputs": 0, "cells": 0}  # nothing open, nothing settled before: no work
    texts = {}
    for name, text in raw.items():
        try:
            data = json.loads(text)
        except ValueError:
            continue
        if isinstance(data, dict):
            texts[name] = (text, data)
    originals: dict[str, tuple[str, dict]] = {}
    for name, (text, data) in texts.items():
        if CROSS in text:  # settled by an earlier pass: start again from the report as extracted
            kept = _load(held / name)
            originals[name] = kept if kept is not None else (text, data)
        else:
            originals[name] = (text, data)
            if OPEN in text:
                kept = _load(held / name)
                if kept is None or kept[0] != text:
                    if held_folder is not None:
                        held_folder()
                    write_atomic(held / name, text)
    docs = {name: _document(d) for name, (_, d) in originals.items()}
    before = {name: dict(doc.fields) for name, doc in docs.items()}
    cells = settle.across_years([docs[n] for n in sorted(docs)])
    rewritten = 0
    for name, doc in sorted(docs.items()):
        if not settle.open_rows(Document(source=doc.source, fields=before[name])):
            continue  # nothing of it was open: it only told the others
        changed = any(c is not before[name][k] or c.alternatives != originals[name][1]["fields"][k].get("alternatives", [])
                      for k, c in doc.fields.items())
        new = dumps(_patched(originals[name][1], doc, before[name])) + "\n" if changed else originals[name][0]
        if new != texts[name][0]:
            write_atomic(reports / name, new)
            rewritten += 1
    if held_folder is not None:
        held_folder()
    if held.is_dir():
        write_atomic(held / STATE, json.dumps({"signature": _signature(reports, names), "cells": cells}) + "\n")
    return {"outputs": rewritten, "cells": cells}
