"""The local pull store: every annotation ever pulled, one JSON line each, in DIR/annotations.jsonl.

Records are keyed by (project, task id, annotation id, created time): the ids alone could
come back for another annotation after a server is reset, its creation time does not. A pull
replaces a stored record only with a version updated at the same time or later, and never
deletes one. So a correction survives a re-pull after it was deleted on the server, the
server was reset, or the project was archived. Which annotation counts is decided per page of
a document version (`current`), so a page annotated again in another project or after a
re-import is one example, its latest correction.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from nianbao.output import write_atomic

NAME = "annotations.jsonl"


def key(rec: dict) -> tuple:
    return (rec["project"], int(rec["task_id"]), int(rec["annotation_id"]), rec.get("created_at") or "")


def page_of(rec: dict) -> tuple:
    """The document version and page an annotation is about (the task id where unknown)."""
    d = rec.get("data") or {}
    if d.get("doc_id") and d.get("page") is not None:
        return (d["doc_id"], d.get("sha256") or "", int(d["page"]))
    return (rec["project"], "", -int(rec["task_id"]))


def load(directory: Path) -> dict[tuple, dict]:
    path = Path(directory) / NAME
    out: dict[tuple, dict] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                out[key(rec)] = rec
    return out


def merge(stored: dict[tuple, dict], pulled: list[dict]) -> tuple[dict[tuple, dict], dict[str, int]]:
    counts = {"new": 0, "updated": 0, "unchanged": 0, "kept_newer": 0}
    out = dict(stored)
    for rec in pulled:
        k = key(rec)
        old = out.get(k)
        if old is None:
            out[k] = rec
            counts["new"] += 1
        elif rec["updated_at"] > old["updated_at"]:
            out[k] = rec
            counts["updated"] += 1
        elif rec["updated_at"] == old["updated_at"]:
            out[k] = rec
            counts["unchanged"] += 1
        else:
            counts["kept_newer"] += 1
    return out, counts


def save(directory: Path, records: dict[tuple, dict]) -> Path:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / NAME
    # the one atomic writer (nianbao.output): a temp file beside it, synced, renamed into place
    write_atomic(path, "".join(json.dumps(records[k], ensure_ascii=False, sort_keys=True) + "\n"
                               for k in sorted(records)))
    return path


def current(records: dict[tuple, dict]) -> dict[tuple, dict]:
    """Per page (`page_of`): the annotation that counts, the latest updated one not cancelled."""
    out: dict[tuple, dict] = {}
    for rec in records.values():
        if rec.get("was_cancelled"):
            continue
        k = page_of(rec)
        if k not in out or (rec["updated_at"], rec["annotation_id"]) > (out[k]["updated_at"], out[k]["annotation_id"]):
            out[k] = rec
    return out
