"""`nianbao extract PATH… -o OUT_DIR`: one JSON per report, written atomically.

Outputs mirror the inputs' paths (nianbao.targets): `OUT_DIR/<path below the argument>.json`,
and `<name>.p<first>-<last>.json` for each report of a file that holds several.
Exit status: nianbao.exit_codes (0 all read, 1 an input failed or was not read, 2 usage,
3 outputs cannot be written, 4 all read but files of other types were passed over).
"""
from __future__ import annotations

import sys
from pathlib import Path, PurePath

from . import exit_codes
from .model_options import add_model_arguments, model_choice
from .output import dumps, printable_path, to_dict, write_atomic
from .assemble import settle
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
    add_model_arguments(p)


def _report_errors(path, docs) -> None:
    for d in docs:
        where = f" (pages {d.source.page_range[0]}-{d.source.page_range[1]})" if d.source.page_range else ""
        for e in d.errors:
            print(f"error: {printable_path(str(path))}{where}: [{e['stage']}] {e['message']}", file=sys.stderr)


def pages_name(paths: list[str]) -> Path:
    """What a report given as page images is called: its folder, or its first page."""
    first = Path(paths[0])
    return first if first.is_dir() or len(paths) == 1 else first.with_name(first.stem + "-pages")


def run(args) -> int:
    targets, skipped = expand(args.paths)
    targets += [Target(pages_name(group), PurePath(pages_name(group).stem or "pages"), [Path(p) for p in group])
                for group in args.pages]
    if not targets and not skipped:
        print("nianbao extract: give input paths or --pages", file=sys.stderr)
        return exit_codes.USAGE
    for s in skipped:
        print(f"{'error' if s.failing else 'skipped'}: {s}", file=sys.stderr)
    not_read = sum(1 for s in skipped if s.failing)
    ignored = len(skipped) - not_read
    if args.stdout:
        if len(targets) != 1 or not_read:
            print(f"nianbao extract: --stdout takes exactly one input, got {len(targets)}", file=sys.stderr)
            return exit_codes.USAGE
        docs = extract_all(targets[0].source, model=model_choice(args), policy=args.policy)
        data = [to_dict(d) for d in docs]
        sys.stdout.write(dumps(data[0] if len(data) == 1 else data) + "\n")
        _report_errors(targets[0].path, docs)
        return exit_codes.FAILED if any(d.errors for d in docs) else exit_codes.OK
    out_dir = Path(args.out)
    failed = reports = 0
    # reports with run-together cells left ambiguous wait for the run's other years of their
    # agency (assemble.settle.across_years); the others are written at once, and only their
    # active table is kept as context
    held: list[tuple[Target, Path, object]] = []
    context: list = []

    def write(t: Target, target: Path, d) -> bool:
        nonlocal reports
        try:
            write_atomic(target, dumps(to_dict(d)) + "\n")
        except OSError as e:
            if not exit_codes.is_write_failure(e):
                raise
            print(f"nianbao extract: cannot write {target}: {exit_codes.why(e)}. "
                  f"{reports} output(s) written before it are complete; nothing else was written.",
                  file=sys.stderr)
            return False
        reports += 1
        if not d.errors and not args.quiet:
            print(f"{printable_path(str(t.path))} -> {target}  format {d.format}, {len(d.flags)} flag(s)",
                  file=sys.stderr)
        return True

    for t in targets:
        docs = extract_all(t.source, model=model_choice(args), policy=args.policy)
        several = len(docs) > 1
        for d in docs:
            target = out_dir / t.output(d.source.page_range, several)
            if settle.open_rows(d):
                held.append((t, target, d))
                continue
            if not write(t, target, d):
                return exit_codes.CANNOT_WRITE
            context.append(settle.context_of(d))
        if any(d.errors for d in docs):
            failed += 1
            _report_errors(t.path, docs)
    if held:
        settle.across_years([d for _, _, d in held] + context)
        for t, target, d in held:
            if not write(t, target, d):
                return exit_codes.CANNOT_WRITE
    if not args.quiet or skipped:
        more = (f", {not_read} not read" if not_read else "") + (f", {ignored} skipped" if ignored else "")
        print(f"{len(targets) - failed} extracted, {failed} failed{more}", file=sys.stderr)
    return exit_codes.FAILED if failed or not_read else exit_codes.SKIPPED if ignored else exit_codes.OK
