"""`nianbao extract PATH… -o OUT_DIR`: one JSON per input, written atomically.

Exit status: 0 when every input was extracted, 1 when any input failed (its error record is
still written), 2 for a usage error.
"""
from __future__ import annotations

import glob
import sys
from pathlib import Path

from .model_options import add_model_arguments, model_choice
from .output import dumps, printable_path, to_dict, write_atomic
from .ingest import INPUT_SUFFIXES
from .pipeline import extract



def add_arguments(p) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH", help="files, directories or glob patterns")
    p.add_argument("--pages", nargs="+", action="append", metavar="IMAGE", default=[],
                   help="page images (or a folder of them) of ONE report, read in natural order "
                        "(p2 before p10); repeat the flag for more reports")
    out = p.add_mutually_exclusive_group(required=True)
    out.add_argument("-o", "--out", metavar="OUT_DIR", help="folder for <input stem>.json files")
    out.add_argument("--stdout", action="store_true", help="print one report's JSON to standard output")
    p.add_argument("-q", "--quiet", action="store_true", help="no per-file progress lines")
    add_model_arguments(p)


def expand(paths: list[str], skipped: list[Path] | None = None) -> list[Path]:
    """Files named, files under directories (report-like suffixes), and glob matches, in order;
    files a folder walk does not read go to `skipped`."""
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
                elif f.is_file() and skipped is not None:
                    skipped.append(f)
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


def pages_name(paths: list[str]) -> Path:
    """What a report given as page images is called: its folder, or its first page."""
    first = Path(paths[0])
    return first if first.is_dir() or len(paths) == 1 else first.with_name(first.stem + "-pages")


def run(args) -> int:
    skipped: list[Path] = []
    files: list = expand(args.paths, skipped)
    files += [list(group) for group in args.pages]
    if not files and not skipped:
        print("nianbao extract: give input paths or --pages", file=sys.stderr)
        return 2
    for f in skipped:
        print(f"skipped: {printable_path(str(f))} (not a report file type: {f.suffix or 'no suffix'})", file=sys.stderr)
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
        label = pages_name(f) if isinstance(f, list) else f
        target = out_dir / output_name(label, taken)
        write_atomic(target, dumps(to_dict(doc)) + "\n")
        if doc.errors:
            failed += 1
            for e in doc.errors:
                print(f"error: {label}: [{e['stage']}] {e['message']}", file=sys.stderr)
        elif not args.quiet:
            print(f"{label} -> {target}  format {doc.format}, {len(doc.flags)} flag(s)", file=sys.stderr)
    if not args.quiet or skipped:
        print(f"{len(files) - failed} extracted, {failed} failed"
              + (f", {len(skipped)} skipped (not a report file type)" if skipped else ""), file=sys.stderr)
    return 1 if failed else 0
