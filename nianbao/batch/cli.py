"""`nianbao batch INPUT_DIR|LIST_FILE -o OUT_DIR …` and `nianbao batch export OUT_DIR --format …`.

Exit status (nianbao.exit_codes): 0 when every file is done, 1 when any failed or could not be
read (its record is written), 2 for a usage error, 3 when outputs cannot be written (disk full),
4 when every file is done but the folders held files of other types (listed),
130 when interrupted.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import exit_codes
from ..errors import exit_status
from ..model_options import add_model_arguments
from ..options import ExtractOptions

EXPORT_FORMATS = ("csv", "xlsx", "parquet")


def add_arguments(p) -> None:
    p.usage = ("nianbao batch INPUT_DIR|LIST_FILE -o OUT_DIR [options]\n"
               "       nianbao batch export OUT_DIR --format csv|xlsx|parquet")
    p.add_argument("input", metavar="INPUT_DIR|LIST_FILE|export",
                   help="folder of inputs, a text file listing one path a line, or 'export'")
    p.add_argument("export_dir", nargs="?", metavar="OUT_DIR", help=argparse.SUPPRESS)
    p.add_argument("-o", "--out", metavar="OUT_DIR", help="output folder (manifest, reports/, exports/)")
    p.add_argument("--workers", type=int, default=1, help="files processed at once (default 1)")
    p.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="local processes (default) or a Ray cluster")
    p.add_argument("--ray-address", metavar="ADDR",
                   help="existing Ray cluster (e.g. 10.0.0.5:6379 or 'auto'); default: start one locally")
    p.add_argument("--retry-failed", action="store_true", help="run files that failed before again")
    p.add_argument("--timeout", type=float, default=300.0, metavar="S",
                   help="seconds one file may take before its worker is killed (default 300; 0: none)")
    p.add_argument("--max-memory-mb", type=int, default=4096, metavar="M",
                   help="memory one worker may use before it is killed (default 4096; 0: none)")
    add_model_arguments(p)
    p.add_argument("--format", dest="formats", action="append", choices=EXPORT_FORMATS,
                   help="export format(s) after the batch, or for 'export' (repeatable)")
    p.add_argument("--extractor", metavar="MODULE:FUNC", help=argparse.SUPPRESS)  # alternative pipelines, tests
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def _export(out_dir: Path, formats) -> int:
    if not (out_dir / "manifest.sqlite").is_file():
        print(f"nianbao batch export: {out_dir} has no manifest.sqlite (not a batch output folder)", file=sys.stderr)
        return exit_codes.USAGE
    from ..errors import UserError
    from ..exit_codes import CANNOT_WRITE, is_write_failure, why
    from .export import export
    for fmt in formats or ["csv"]:
        try:
            written = export(out_dir, fmt)
        except UserError as e:
            print(f"nianbao batch export: {e}", file=sys.stderr)
            return e.status
        except OSError as e:
            if not is_write_failure(e):
                raise
            print(f"nianbao batch export: cannot write {out_dir / 'exports'}: {why(e)}", file=sys.stderr)
            return CANNOT_WRITE
        for path in written:
            print(path)
    return exit_codes.OK


def run(args) -> int:
    if args.input == "export" and (args.export_dir or args.out) and not Path("export").exists():
        return _export(Path(args.export_dir or args.out), args.formats)
    if args.export_dir:
        print("nianbao batch: unexpected argument " + args.export_dir, file=sys.stderr)
        return exit_codes.USAGE
    if not args.out:
        print("nianbao batch: -o OUT_DIR is required", file=sys.stderr)
        return exit_codes.USAGE
    if args.workers < 1:
        print("nianbao batch: --workers must be at least 1", file=sys.stderr)
        return exit_codes.USAGE
    from ..errors import CannotWrite, UserError
    from ..exit_codes import CANNOT_WRITE, INTERRUPTED, OK, SKIPPED
    from .runner import Options, format_summary, run_batch
    opts = Options(workers=args.workers, engine=args.engine, retry_failed=args.retry_failed,
                   timeout_s=args.timeout or None, max_memory_mb=args.max_memory_mb or None,
                   extractor=args.extractor, progress=not args.quiet, ray_address=args.ray_address,
                   extract=ExtractOptions.from_args(args))
    try:
        summary = run_batch(args.input, args.out, opts)
    except CannotWrite as e:
        print(f"nianbao batch: {e}. Every file recorded done is complete; free space (or fix the output "
              "folder) and run the same command to resume.", file=sys.stderr)
        return CANNOT_WRITE
    except UserError as e:  # no such input, output folder in use or in the way
        print(f"nianbao batch: {e}", file=sys.stderr)
        return e.status
    except KeyboardInterrupt:
        print("nianbao batch: interrupted; finished files are kept, run the same command to resume",
              file=sys.stderr)
        return INTERRUPTED
    print(format_summary(summary), file=sys.stderr)
    if args.formats:
        code = _export(Path(args.out), args.formats)
        if code:
            return code
    # every failed file under its reason code; a file the walk could not read counts as failed
    codes = [c for c, n in summary["failed_by_reason"].items() for _ in range(n)]
    status = exit_status(codes + ["not_read"] * summary["not_read"])
    return status if status != OK else SKIPPED if summary.get("passed_over") else OK
