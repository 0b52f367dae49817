"""`nianbao extract PATH… -o OUT_DIR`: one JSON per input, written atomically.

Exit status: 0 when every input was extracted, 1 when any input failed (its error record is
still written), 2 for a usage error.
"""
from __future__ import annotations

import glob
import sys
from pathlib import Path

from .model_options import add_model_arguments, model_choice
from .output import dumps, to_dict, write_atomic
from .ingest import INPUT_SUFFIXES
from .pipeline import extract



def add_arguments(p) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, directories or glob patterns")
    out = p.add_mutually_exclusive_group(required=True)
    out.add_argument("-o", "--out", metavar="OUT_DIR", help="folder for <input stem>.json files")
    out.add_argument("--stdout", action="store_true", help="print one report's JSON to standard output")
    p.add_argument("-q", "--quiet", action="store_true", help="no per-file progress lines")
    add_model_arguments(p)


def expand(paths: list[str]) -> list[Path]:
    """Files named, files under directories (report-like suffixes), and glob matches, in order."""
    out, seen = [], set()

    def add(f: Path):
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            out.append(f)

    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in INPUT_SUFFIXES:
                    add(f)
        elif p.exists():
            add(p)
        else:
            matches = sorted(glob.glob(raw, recursive=True))
            if matches:
                for m in matches:
                    if Path(m).is_file():
                        add(Path(m))
            else:
                add(p)  # reported as a per-file error, like any other unreadable input
    return out


def output_name(path: Path, taken: set[str]) -> str:
    """`<stem>.json`, disambiguated when two inputs share a stem."""
    name = f"{path.stem}.json"
    i = 2
    while name in taken:
        name = f"{path.stem}.{i}.json"
        i += 1
    taken.add(name)
    return name


def run(args) -> int:
    files = expand(args.paths)
    if args.stdout:
        if len(files) != 1:
            print(f"nianbao extract: --stdout takes exactly one input, got {len(files)}", file=sys.stderr)
            return 2
        doc = extract(files[0], model=model_choice(args), policy=args.policy)
        sys.stdout.write(dumps(to_dict(doc)) + "\n")
        for e in doc.errors:
            print(f"error: {files[0]}: [{e['stage']}] {e['message']}", file=sys.stderr)
        return 1 if doc.errors else 0
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    failed, taken = 0, set()
    for f in files:
        doc = extract(f, model=model_choice(args), policy=args.policy)
        target = out_dir / output_name(f, taken)
        write_atomic(target, dumps(to_dict(doc)) + "\n")
        if doc.errors:
            failed += 1
            for e in doc.errors:
                print(f"error: {f}: [{e['stage']}] {e['message']}", file=sys.stderr)
        elif not args.quiet:
            print(f"{f} -> {target}  format {doc.format}, {len(doc.flags)} flag(s)", file=sys.stderr)
    if not args.quiet:
        print(f"{len(files) - failed} extracted, {failed} failed", file=sys.stderr)
    return 1 if failed else 0
