"""Compare two trees of output JSON files (`nianbao extract -o A`, the same inputs `-o B`).

    python -m nianbao.eval.compare_trees A B [--ignore KEY ...]

Every value, confidence, flag, reason, `verified`, error and warning of every report is compared;
only what cannot be equal between two runs of the same code is left out: the `settings` a run
records (they describe the run, not the reading) and `timings_ms` (wall-clock measurements).
Prints each difference as `relative/path.json: json.path: A-value != B-value` and exits 1 when
there is any (a file present on one side only counts), 0 when the trees are identical.

Used to prove that a refactor leaves the outputs alone (docs/architecture.md).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

IGNORED_TOP = ("settings",)  # what a run records about itself, beside the reading
IGNORED_ANYWHERE = ("timings_ms",)  # wall-clock: differs between any two runs


def _files(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*.json")) if p.is_file()}


def diff(a, b, where: str = "", ignore: tuple[str, ...] = IGNORED_ANYWHERE) -> list[str]:
    """Every place where two parsed JSON values differ, as 'path: a != b' lines."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b), key=str):
            if k in ignore:
                continue
            if k not in a or k not in b:
                out.append(f"{where}.{k}: {'missing' if k not in a else _short(a[k])} != "
                           f"{'missing' if k not in b else _short(b[k])}")
            else:
                out.extend(diff(a[k], b[k], f"{where}.{k}", ignore))
        return out
    if isinstance(a, list) and isinstance(b, list):
        out = [f"{where}: {len(a)} items != {len(b)} items"] if len(a) != len(b) else []
        for i, (x, y) in enumerate(zip(a, b)):
            out.extend(diff(x, y, f"{where}[{i}]", ignore))
        return out
    # strict: 1 and 1.0 print differently, True == 1 in Python but not in the output
    if type(a) is not type(b) or a != b:
        return [f"{where}: {_short(a)} != {_short(b)}"]
    return []


def _short(v, n: int = 120) -> str:
    s = json.dumps(v, ensure_ascii=False)
    return s if len(s) <= n else s[:n] + "…"


def _strip_top(data):
    if isinstance(data, dict):
        return {k: v for k, v in data.items() if k not in IGNORED_TOP}
    if isinstance(data, list):  # a --stdout list of reports, or an eval report's list
        return [_strip_top(d) for d in data]
    return data


def compare(a_root: Path, b_root: Path, ignore: tuple[str, ...] = IGNORED_ANYWHERE) -> tuple[int, list[str]]:
    """(files compared, difference lines) between two output trees."""
    fa, fb = _files(a_root), _files(b_root)
    lines = [f"{name}: only in {a_root}" for name in sorted(set(fa) - set(fb))]
    lines += [f"{name}: only in {b_root}" for name in sorted(set(fb) - set(fa))]
    both = sorted(set(fa) & set(fb))
    for name in both:
        try:
            a = json.loads(fa[name].read_text(encoding="utf-8"))
            b = json.loads(fb[name].read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            lines.append(f"{name}: cannot compare: {e}")
            continue
        lines.extend(f"{name}: {d.lstrip('.') or '(document)'}" for d in diff(_strip_top(a), _strip_top(b), "", ignore))
    return len(both), lines


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m nianbao.eval.compare_trees", description=__doc__.split("\n\n")[0])
    p.add_argument("a", type=Path)
    p.add_argument("b", type=Path)
    p.add_argument("--ignore", nargs="*", default=[], metavar="KEY",
                   help="further keys to leave out wherever they occur (besides timings_ms)")
    p.add_argument("--max-lines", type=int, default=200, help="differences printed at most (all are counted)")
    args = p.parse_args(argv)
    for root in (args.a, args.b):
        if not root.is_dir():
            print(f"compare_trees: not a folder: {root}", file=sys.stderr)
            return 2
    n, lines = compare(args.a, args.b, IGNORED_ANYWHERE + tuple(args.ignore))
    for line in lines[:args.max_lines]:
        print(line)
    if len(lines) > args.max_lines:
        print(f"… and {len(lines) - args.max_lines} more")
    print(f"{n} files compared, {len(lines)} differences")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
