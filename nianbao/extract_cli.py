"""`nianbao extract PATH… -o OUT_DIR`: one JSON per report, written atomically.

Outputs mirror the inputs' paths (nianbao.targets): `OUT_DIR/<path below the argument>.json`,
and `<name>.p<first>-<last>.json` for each report of a file that holds several. Every output
path is built by nianbao.outpaths (inside OUT_DIR, one per report: a name already given in this
run gets `~<hash>` and the closing lines say so). Inputs are read in a worker child under the
same memory guard as `batch` (`--max-memory-mb`): an input that needs more fails alone.
Exit status: nianbao.exit_codes (0 all read, 1 an input failed or was not read, 2 usage,
3 outputs cannot be written, 4 all read but files of other types were passed over,
130 interrupted).
"""
from __future__ import annotations

import json
import os
import signal
import sys
import threading
from dataclasses import dataclass
from pathlib import Path, PurePath

from . import exit_codes
from .errors import CannotWrite, exit_status
from .model_options import add_model_arguments
from .options import ExtractOptions
from .assemble import settle
from .outpaths import OutputFolder
from .output import dumps, printable_path, shown, to_dict, write_atomic
from .pipeline import extract_all
from .targets import Target, expand


def add_arguments(p) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH", help="files, directories or glob patterns")
    p.add_argument("--pages", nargs="+", action="append", metavar="IMAGE", default=[],
                   help="page images (or a folder of them) of ONE report, read in natural order "
                        "(p2 before p10); repeat the flag for more reports")
    out = p.add_mutually_exclusive_group(required=True)
    out.add_argument("-o", "--out", metavar="OUT_DIR",
                     help="folder for the outputs: <input path below the argument>.json")
    out.add_argument("--stdout", action="store_true",
                     help="print one input's JSON to standard output (a list when it holds several reports)")
    p.add_argument("-q", "--quiet", action="store_true", help="no per-file progress lines")
    p.add_argument("--max-memory-mb", type=int, default=4096, metavar="M",
                   help="memory the reading of one input may use before it is stopped and recorded as "
                        "failed (reason memory; default 4096, as batch; 0: no limit)")
    add_model_arguments(p)


def _report_errors(path, reports: list[dict]) -> None:
    for d in reports:
        pr = (d.get("source") or {}).get("page_range")
        where = f" (pages {pr[0]}-{pr[1]})" if pr else ""
        for e in d.get("errors") or []:
            print(f"error: {shown(path)}{where}: [{e.get('stage')}] {shown(e.get('message'))}", file=sys.stderr)


def pages_name(paths: list[str]) -> Path:
    """What a report given as page images is called: its folder, or its first page."""
    first = Path(paths[0])
    return first if first.is_dir() or len(paths) == 1 else first.with_name(first.stem + "-pages")


def _output(d) -> dict:
    """One report as the worker hands it over: its JSON text and, for settling run-together
    cells across years (assemble.settle), the whole report while cells are still open, else only
    the context its neighbouring years need."""
    open_rows = settle.open_rows(d)
    return {"page_range": d.source.page_range, "json": dumps(to_dict(d)) + "\n",
            "held": d if open_rows else None, "context": None if open_rows else settle.context_of(d),
            "codes": [e.get("code") or e["stage"] for e in d.errors]}


def _read(job: dict) -> dict:
    """In the worker child: every report of one input, as the JSON of the output contract."""
    # Ctrl-C reaches the whole process group: the parent stops the run (and kills this child);
    # the child must not turn it into an error record of the input it was reading
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    docs = extract_all(job["path"], options=job["options"])
    return {"summary": {}, "outputs": [_output(d) for d in docs]}


@dataclass
class Output:
    data: dict  # the report as written
    text: str  # its JSON text
    held: object = None  # the Document, while run-together cells wait for other years
    context: object = None  # what settle.across_years needs of it otherwise
    codes: tuple = ()  # reason codes of its errors (nianbao.errors.REASONS), for the exit status


def _single_threaded() -> bool:
    """Whether this process runs one thread only. A fork copies one thread: a lock another one
    held (an OCR engine's thread pool, loaded by an earlier call in the same process) stays
    locked for ever in the child, which then hangs. `nianbao extract` itself never loads an
    engine before it forks; a program calling `main` after OCR in its own process does."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return threading.active_count() == 1


class Reader:
    """Inputs read one after another in a guarded worker child (nianbao.batch.guard: the same
    memory guard as a batch; the child is replaced after a file that raised or was killed).
    In a process that already runs other threads a fork is not safe: inputs are then read in
    this process, without the guard."""

    def __init__(self, args):
        from .batch import guard
        self.guard = guard
        self.limits = guard.Limits(timeout_s=None, max_memory_mb=args.max_memory_mb or None)
        self.options = ExtractOptions.from_args(args)
        self.worker = None
        self.running = []

    def read(self, t: Target) -> list[Output]:
        """The reports of `t`."""
        g = self.guard
        if self.worker is None and not _single_threaded():
            outputs = [_output(d) for d in extract_all(t.source, options=self.options)]
        else:
            if self.worker is None or not self.worker.reusable():
                if self.worker is not None:
                    self.worker.close()
                self.worker = g.Worker(fn=_read, max_memory_mb=self.limits.max_memory_mb)
            job = {"path": t.source, "display": printable_path(str(t.path)), "sha256": None,
                   "options": self.options}
            self.running = [self.worker.submit(job)]
            done = []
            while not done:
                done = g.poll(self.running, self.limits, 0.5)
            self.running = []
            result = done[0][1]
            outputs = result["outputs"]
            # a child killed or dead (nianbao.batch.worker.failure_record) says why in its summary
            for o in outputs:
                o.setdefault("codes", [result["summary"]["reason"]] if result["summary"].get("reason") else [])
        return [Output(json.loads(o["json"]), o["json"], o.get("held"), o.get("context"), tuple(o.get("codes") or ()))
                for o in outputs]

    def close(self) -> None:
        self.guard.kill_all(self.running)
        if self.worker is not None:
            self.worker.close()


def _collision_lines(renamed: list[Target], out: OutputFolder | None) -> list[str]:
    lines = [f"same output name: {shown(t.path)} -> {shown(t.rel)}.json (not {shown(t.wanted)}.json)"
             for t in renamed]
    lines += [f"same output name: {c}" for c in (out.collisions if out else [])]
    return lines


def run(args) -> int:
    out = None if args.stdout else OutputFolder(args.out)  # a bad -o is a usage error before any reading
    targets, skipped = expand(args.paths, output=out.root if out else None)
    targets += [Target(pages_name(group), PurePath(pages_name(group).stem or "pages"), [Path(p) for p in group])
                for group in args.pages]
    if not targets and not skipped:
        print("nianbao extract: give input paths or --pages", file=sys.stderr)
        return exit_codes.USAGE
    for s in skipped:
        print(f"{'error' if s.failing else 'skipped'}: {shown(s.path)}: {shown(s.message)}", file=sys.stderr)
    not_read = sum(1 for s in skipped if s.failing)
    ignored = len(skipped) - not_read
    if args.stdout:
        if len(targets) != 1 or not_read:
            print(f"nianbao extract: --stdout takes exactly one input, got {len(targets)}", file=sys.stderr)
            return exit_codes.USAGE
        reader = Reader(args)
        try:
            outputs = reader.read(targets[0])
            data = [o.data for o in outputs]
        finally:
            reader.close()
        sys.stdout.write(dumps(data[0] if len(data) == 1 else data) + "\n")
        _report_errors(targets[0].path, data)
        return exit_status(_failure_codes(outputs))
    for t in targets:  # plain names first: an output named by its pages is the one renamed
        out.reserve(t.rel, str(t.path))
    renamed = [t for t in targets if t.wanted is not None]
    failed = reports = done = 0
    codes: list[str] = []  # reason codes of the inputs that failed, for the exit status
    # reports with run-together cells left ambiguous wait for the run's other years of their
    # agency (assemble.settle.across_years); the others are written at once, and only their
    # active table is kept as context
    held: list[tuple[Target, str, object]] = []
    context: list = []

    def write(t: Target, tail: str, several: bool, d: dict, text: str) -> bool:
        nonlocal reports
        target = None
        try:
            target = out.path_for(t.rel, str(t.path), tail, key=tail if several else "")
            write_atomic(target, text)
        except (OSError, CannotWrite) as e:
            if isinstance(e, OSError) and not exit_codes.is_write_failure(e):
                raise
            where, cause = (e.where, e.cause) if isinstance(e, CannotWrite) else (target, e)
            print(f"nianbao extract: cannot write {shown(where)}: {exit_codes.why(cause)}. "
                  f"{reports} output(s) written before it are complete; nothing else was written.",
                  file=sys.stderr)
            return False
        reports += 1
        if not d.get("errors") and not args.quiet:
            print(f"{shown(t.path)} -> {shown(target)}  format {d.get('format')}, "
                  f"{len(d.get('flags') or [])} flag(s)", file=sys.stderr)
        return True

    reader = Reader(args)
    try:
        for t in targets:
            outputs = reader.read(t)
            data = [o.data for o in outputs]
            several = len(outputs) > 1
            for o in outputs:
                pr = (o.data.get("source") or {}).get("page_range")
                tail = f".p{pr[0]}-{pr[1]}.json" if several and pr else ".json"
                if o.held is not None:
                    held.append((t, tail, several, o.held))
                    continue
                if not write(t, tail, several, o.data, o.text):
                    return exit_codes.CANNOT_WRITE
                if o.context is not None:
                    context.append(o.context)
            done += 1
            if any(d.get("errors") for d in data):
                failed += 1
                codes += _failure_codes(outputs)
                _report_errors(t.path, data)
        if held:
            settle.across_years([d for *_, d in held] + context)
            for t, tail, several, d in held:
                text = dumps(to_dict(d)) + "\n"
                if not write(t, tail, several, json.loads(text), text):
                    return exit_codes.CANNOT_WRITE
    except KeyboardInterrupt:
        for line in _collision_lines(renamed, out):
            print(line, file=sys.stderr)
        print(f"nianbao extract: interrupted after {done - failed} extracted, {failed} failed of "
              f"{len(targets)} input(s); {reports} output(s) written are complete, rerun to do the rest",
              file=sys.stderr)
        return exit_codes.INTERRUPTED
    finally:
        reader.close()
    collisions = _collision_lines(renamed, out)
    for line in collisions:
        print(line, file=sys.stderr)
    if not args.quiet or skipped or collisions:
        more = (f", {not_read} not read" if not_read else "") + (f", {ignored} skipped" if ignored else "") + \
            (f", {len(collisions)} renamed (same output name)" if collisions else "")
        print(f"{len(targets) - failed} extracted, {failed} failed{more}", file=sys.stderr)
    status = exit_status(codes + [s.reason for s in skipped if s.failing])
    return status if status != exit_codes.OK else exit_codes.SKIPPED if ignored else exit_codes.OK


def _failure_codes(outputs: list[Output]) -> list[str]:
    """The reason codes of one input's failed reports (an error recorded without a code: the
    failed-input default of nianbao.errors.exit_status)."""
    return [c for o in outputs if o.data.get("errors") for c in (o.codes or ("error",))]
