"""The batch manifest: one SQLite row per input content (sha256) with its status.

It is the single source of truth for what is done: outputs are written first, then the row
is committed, so a crash between the two only means the file is extracted again and its
output (same name) atomically replaced. Only the coordinating process writes here.
"""
from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from ..errors import OutputInTheWay
from ..exit_codes import is_write_failure

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    sha256 TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    size INTEGER,
    status TEXT NOT NULL DEFAULT 'pending',  -- pending | running | done | failed
    reason TEXT,          -- why it failed: encrypted, corrupt_pdf, timeout, memory, not_a_report, ...
    error TEXT,
    output TEXT,          -- file name under reports/
    kind TEXT,
    pages INTEGER,
    format TEXT,
    flags TEXT,           -- JSON list of broken identities
    attempts INTEGER NOT NULL DEFAULT 0,
    started REAL,
    finished REAL,
    seconds REAL
);
CREATE TABLE IF NOT EXISTS paths (
    path BLOB PRIMARY KEY,   -- raw file-name bytes: names in GBK are not valid text
    sha256 TEXT,
    size INTEGER,
    mtime_ns INTEGER,
    seen REAL
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started REAL, finished REAL, engine TEXT, workers INTEGER, files INTEGER, summary TEXT
);
CREATE TABLE IF NOT EXISTS skipped (  -- what the latest run's walk found and could not read
    path TEXT PRIMARY KEY,
    reason TEXT,          -- unreadable, link_loop, broken_link, not_regular, missing, duplicate, ...
    message TEXT
);
"""
# columns added after the first release: (name, SQL type); older manifests get them on open
ADDED_COLUMNS = (("outputs", "TEXT"),   # JSON list of every output file of the input (one per report)
                 ("reports", "INTEGER"),  # reports found in the file
                 ("reports_read", "INTEGER"))  # of them, read without error (a failed file may hold some)

FILE_COLUMNS = ("sha256", "path", "size", "status", "reason", "error", "output", "kind", "pages",
                "format", "flags", "attempts", "started", "finished", "seconds", "outputs", "reports", "reports_read")


def row_outputs(row: dict) -> list[str]:
    """Every output file of a manifest row (one per report; rows written before outputs existed
    have only `output`)."""
    if row.get("outputs"):
        return json.loads(row["outputs"])
    return [row["output"]] if row.get("output") else []


class Manifest:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path), timeout=30, isolation_level=None)
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(SCHEMA)
            have = {r[1] for r in self.db.execute("PRAGMA table_info(files)")}
            for name, kind in ADDED_COLUMNS:
                if name not in have:
                    self.db.execute(f"ALTER TABLE files ADD COLUMN {name} {kind}")
        except sqlite3.DatabaseError as e:
            self.db.close()
            if is_write_failure(e):  # disk full, read-only: the caller's CannotWrite
                raise
            raise OutputInTheWay(f"{self.path} is not a batch manifest ({e}); move it away or choose "
                                 "another output folder") from None

    def close(self) -> None:
        self.db.close()

    def hash_cache(self) -> dict[bytes, tuple[int, int, str]]:
        return {bytes(p): (s, m, h) for p, h, s, m in
                self.db.execute("SELECT path, sha256, size, mtime_ns FROM paths WHERE sha256 IS NOT NULL")}

    def register(self, inputs) -> None:
        """Record every input's path and hash, and a pending row for content not seen before."""
        now = time.time()
        with self.db:
            self.db.execute("BEGIN")
            for f in inputs:
                self.db.execute("INSERT OR REPLACE INTO paths VALUES (?,?,?,?,?)",
                                (f.path_key, f.sha256, f.size, f.mtime_ns, now))
                if f.sha256:
                    self.db.execute("INSERT OR IGNORE INTO files (sha256, path, size) VALUES (?,?,?)",
                                    (f.sha256, f.display, f.size))

    def recover(self) -> int:
        """Rows left 'running' by a killed batch go back to pending."""
        cur = self.db.execute("UPDATE files SET status='pending' WHERE status='running'")
        return cur.rowcount

    def get(self, sha: str) -> dict | None:
        row = self.db.execute(f"SELECT {','.join(FILE_COLUMNS)} FROM files WHERE sha256=?", (sha,)).fetchone()
        return dict(zip(FILE_COLUMNS, row)) if row else None

    def rows(self, status: str | None = None) -> list[dict]:
        q = f"SELECT {','.join(FILE_COLUMNS)} FROM files"
        args = ()
        if status:
            q += " WHERE status=?"
            args = (status,)
        return [dict(zip(FILE_COLUMNS, r)) for r in self.db.execute(q + " ORDER BY path", args)]

    def start(self, sha: str, path: str | None = None) -> None:
        """Mark running; `path` is the copy being read when the content has several names."""
        self.db.execute("UPDATE files SET status='running', attempts=attempts+1, started=?,"
                        " path=COALESCE(?, path) WHERE sha256=?", (time.time(), path, sha))

    def finish(self, sha: str, result: dict, outputs: list[str]) -> None:
        self.db.execute(
            "UPDATE files SET status=?, reason=?, error=?, output=?, outputs=?, reports=?, reports_read=?, kind=?,"
            " pages=?, format=?, flags=?, finished=?, seconds=? WHERE sha256=?",
            (result["status"], result.get("reason"), result.get("error"), outputs[0] if outputs else None,
             json.dumps(outputs, ensure_ascii=False), result.get("reports"), result.get("reports_read"),
             result.get("kind"),
             result.get("pages"), result.get("format"), json.dumps(result.get("flags") or [], ensure_ascii=False),
             time.time(), result.get("seconds"), sha))

    def set_skipped(self, records: list[dict]) -> None:
        """Replace the records of inputs the latest walk could not read."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute("DELETE FROM skipped")
            self.db.executemany("INSERT OR REPLACE INTO skipped VALUES (?,?,?)",
                                [(r["path"], r["reason"], r["message"]) for r in records])

    def skipped(self) -> list[dict]:
        return [{"path": p, "reason": r, "message": m}
                for p, r, m in self.db.execute("SELECT path, reason, message FROM skipped ORDER BY path")]

    def begin_run(self, engine: str, workers: int, files: int) -> int:
        cur = self.db.execute("INSERT INTO runs (started, engine, workers, files) VALUES (?,?,?,?)",
                              (time.time(), engine, workers, files))
        return cur.lastrowid

    def end_run(self, run_id: int, summary: dict) -> None:
        self.db.execute("UPDATE runs SET finished=?, summary=? WHERE id=?",
                        (time.time(), json.dumps(summary, ensure_ascii=False), run_id))
