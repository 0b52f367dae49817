"""`nianbao review REPORT.json [-o PAGE.html]` or `nianbao review OUT_DIR` (a batch index)."""
from __future__ import annotations

import sys
from pathlib import Path


def add_arguments(p) -> None:
    p.add_argument("target", metavar="REPORT.json|OUT_DIR", help="one report JSON, or a batch output folder")
    p.add_argument("-o", "--out", metavar="PATH",
                   help="page to write (default REPORT.html), or folder for a batch (default OUT_DIR/review)")
    p.add_argument("--source", metavar="FILE", help="the report's input file, when it has moved")
    p.add_argument("--no-images", action="store_true", help="leave out page images (smaller pages)")
    p.add_argument("--limit", type=int, metavar="N", help="batch: write at most N report pages (flagged first)")


def run(args) -> int:
    target = Path(args.target)
    if target.is_dir():
        if not (target / "manifest.sqlite").is_file():
            print(f"nianbao review: {target} is not a batch output folder (no manifest.sqlite)", file=sys.stderr)
            return 2
        from .index import review_batch, stderr_log
        index = review_batch(target, args.out, images=not args.no_images, limit=args.limit, log=stderr_log)
        print(f"wrote {index} (open it in a browser; one page per report beside it)", file=sys.stderr)
        print(index)
        return 0
    if not target.is_file():
        print(f"nianbao review: no such file: {target}", file=sys.stderr)
        return 2
    from .page import review_report
    try:
        page = review_report(target, args.out, source=args.source, images=not args.no_images)
    except ValueError as e:  # not JSON
        print(f"nianbao review: {target} is not a report JSON: {e}", file=sys.stderr)
        return 2
    print(f"wrote {page} (open it in a browser)", file=sys.stderr)
    print(page)
    return 0
