"""Run a variant over the inputs in a worker subprocess, or read predictions already written."""
from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .corpus import Corpus, Input, doc_of, kind_of


@dataclass
class Result:
    input: Input
    variant: str
    pred: dict
    wall_ms: float | None
    pred_path: Path | None = None
    maxrss_kb: int | None = None
    error: str | None = None
    timings_ms: dict = field(default_factory=dict)

    @property
    def pages(self) -> int:
        src = self.pred.get("source") if isinstance(self.pred.get("source"), dict) else {}
        p = src.get("pages")
        return p if isinstance(p, int) and p > 0 else 1


class _Worker:
    def __init__(self, variant: str, log):
        env = dict(os.environ)
        self.proc = subprocess.Popen([sys.executable, "-m", "nianbao.eval.worker", variant],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                                     text=True, encoding="utf-8", env=env)
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def recv(self, timeout: float | None):
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            return "timeout"
        return None if line is None else json.loads(line)

    def send(self, job: dict):
        self.proc.stdin.write(json.dumps(job) + "\n")
        self.proc.stdin.flush()

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()

    def exit_code(self):
        try:
            return self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
            return self.proc.returncode

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def _load_pred(path: Path) -> tuple[dict, str | None]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        return {}, f"unreadable output {path}: {e}"
    if not isinstance(data, dict):
        return {}, f"output {path} is not a JSON object"
    return data, None


def run_variant(variant: str, inputs: list[Input], out_dir: Path, timeout_s: float | None = None,
                progress=None, warmup: bool = True) -> tuple[list[Result], dict]:
    """Extract every input with `variant`; outputs go to out_dir/<input.name>.json.

    With `warmup`, the first input is extracted once untimed before the timed pass, so the
    per-document figures are steady-state; its time is returned as "cold_start_ms".
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob("*__*.json"):  # a previous run's outputs must not be scored again
        stale.unlink()
    results: list[Result] = []
    info: dict = {"cold_start_ms": None}
    log = open(out_dir / "worker.log", "a", encoding="utf-8")
    worker = None

    def failed(inp: Input, reply) -> Result:
        nonlocal worker
        if reply == "timeout":
            why = f"timed out after {timeout_s:g} s"
            worker.kill()
        else:
            why = f"worker died (exit {worker.exit_code()})"
        worker = None
        return Result(inp, variant, {"errors": [{"stage": "eval", "message": why}]}, None, None, None, why)

    try:
        for i, inp in enumerate(inputs):
            res = None
            if worker is None:
                worker = _Worker(variant, log)
                ready = worker.recv(timeout=120)
                if not isinstance(ready, dict) or not ready.get("ready"):
                    worker.kill()
                    raise RuntimeError(f"variant {variant!r}: worker failed to start; see {out_dir / 'worker.log'}")
                if warmup and i == 0:
                    scratch = out_dir / ".warmup.json"
                    worker.send({"path": str(inp.path), "out": str(scratch)})
                    reply = worker.recv(timeout=timeout_s)
                    scratch.unlink(missing_ok=True)
                    if isinstance(reply, dict):
                        info["cold_start_ms"] = round(reply["wall_ms"], 3)
                    else:  # no second try: it would only hang or crash again
                        res = failed(inp, reply)
            if res is None:
                target = out_dir / f"{inp.name}.json"
                worker.send({"path": str(inp.path), "out": str(target)})
                reply = worker.recv(timeout=timeout_s)
                if isinstance(reply, dict):
                    pred, err = _load_pred(target)
                    err = reply.get("error") or err
                    res = Result(inp, variant, pred, reply["wall_ms"], target, reply.get("maxrss_kb"), err)
                else:
                    res = failed(inp, reply)
            res.timings_ms = _timings(res.pred)
            results.append(res)
            if progress:
                progress(i + 1, len(inputs), res)
    finally:
        if worker is not None:
            worker.close()
        log.close()
    return results, info


def _timings(pred: dict) -> dict:
    t = pred.get("timings_ms")
    return {k: float(v) for k, v in t.items() if isinstance(v, (int, float))} if isinstance(t, dict) else {}


def read_predictions(pred_dir: Path, corpus: Corpus) -> dict[str, list[Result]]:
    """Existing outputs → results by variant.

    Layouts: `PRED_DIR/<variant>/<doc>__<kind>.json` (what `nianbao eval` writes under
    REPORT_DIR/preds), `PRED_DIR/<doc>__<variant>.json` (shared/tools/score.py's layout), or any
    `PRED_DIR/<name>.json` (variant "preds"). The document and kind come from the output's
    source.path (an input of the corpus when --inputs was given, else the rule of corpus.py),
    then from the file name.
    """
    if not pred_dir.is_dir():
        raise FileNotFoundError(f"predictions folder not found: {pred_dir}")
    known = {i.path.resolve(): i for i in corpus.inputs}
    out: dict[str, list[Result]] = {}
    for p in sorted(pred_dir.rglob("*.json")):
        if p.name.endswith(".gold.json") or p.name == "summary.json":
            continue
        rel = p.relative_to(pred_dir)
        parts = p.stem.split("__")
        if len(rel.parts) > 1:
            variant, kind_hint = rel.parts[0], (parts[1] if len(parts) > 1 else None)
        else:
            variant, kind_hint = (parts[1] if len(parts) > 1 else "preds"), None
        pred, err = _load_pred(p)
        src_info = pred.get("source") if isinstance(pred.get("source"), dict) else {}
        src = Path(str(src_info.get("path") or ""))
        inp = known.get(src.resolve()) if src.name else None
        if inp is None:
            doc = (doc_of(src, corpus.gold) if src.name else None) \
                or (parts[0] if parts[0] in corpus.gold else None) or doc_of(p, corpus.gold)
            if doc is None:
                continue
            kind = kind_hint or (kind_of(src) if src.name else None) or str(src_info.get("kind") or "text")
            deg = parts[2] if len(rel.parts) > 1 and len(parts) > 2 else None
            inp = Input(doc, src if src.name else p, kind, deg)
        res = Result(inp, variant, pred, None, p, None, err)
        res.timings_ms = _timings(pred)
        res.wall_ms = res.timings_ms.get("total")
        out.setdefault(variant, []).append(res)
    return out
