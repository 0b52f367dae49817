"""`nianbao annotate push|pull|status`: the Label Studio correction loop (docs/annotate.md).

Exit status (nianbao.exit_codes): 0 done; 1 some input could not be pushed (or a folder could
not be read); 4 every input pushed, but the folders held files not pushed (text, OFD, other
types: each listed); 2 a usage or connection error (wrong
URL, refused key, missing project), printed as one line.
"""
from __future__ import annotations

import sys
from pathlib import Path

from nianbao.exit_codes import FAILED, OK, SKIPPED
from nianbao.model_options import add_model_arguments, model_choice

from .client import ENV_KEY, ENV_URL, AnnotateError


def add_arguments(p) -> None:
    sub = p.add_subparsers(dest="action", required=True, metavar="ACTION")

    def conn(sp):
        sp.add_argument("--url", help=f"Label Studio URL (default: ${ENV_URL})")
        sp.add_argument("--api-key", help=f"legacy token or personal access token (default: ${ENV_KEY})")
        sp.add_argument("--project", required=True, metavar="NAME", help="project title")

    push = sub.add_parser("push", help="extract reports and send their pages with predictions to a project")
    push.add_argument("inputs", nargs="+", metavar="OUT_DIR_OR_PDFS",
                      help="PDFs, page images, HTML or Word reports, folders of them, or an extract output folder "
                           "(its JSONs name their sources)")
    conn(push)
    push.add_argument("--files-root", type=Path, metavar="DIR",
                      help="the server's LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT, where page images are written "
                           "for it to serve (default: that variable)")
    add_model_arguments(push)
    push.add_argument("--upload", action="store_true",
                      help="upload the page images to the project instead (a server that cannot read this machine's files)")
    pull = sub.add_parser("pull", help="export annotations; write DIR/tokens (dataset) and DIR/gold (gold JSON)")
    conn(pull)
    pull.add_argument("-o", "--out", required=True, type=Path, metavar="DIR")
    status = sub.add_parser("status", help="check the connection and count a project's tasks and annotations")
    conn(status)


def _err(msg: str) -> int:
    print(f"nianbao annotate: {msg}", file=sys.stderr)
    return 2


def run(args) -> int:
    from label_studio_sdk.core.api_error import ApiError

    from .client import connect, describe
    try:
        client = connect(args.url, args.api_key)
        if args.action == "push":
            return _push(client, args)
        if args.action == "pull":
            return _pull(client, args)
        return _status(client, args)
    except AnnotateError as e:
        return _err(str(e))
    except ApiError as e:  # the server refused a request midway (validation, permissions)
        return _err(f"Label Studio refused a request: {describe(e)}")


def _push(client, args) -> int:
    from .push import collect_inputs, default_files_root, push
    root = None if args.upload else (args.files_root or default_files_root())
    if root is None and not args.upload:
        raise AnnotateError("where should page images go? pass --files-root DIR (or set "
                            "LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT) for a server that serves that folder, "
                            "or --upload")
    inputs, notes = collect_inputs(args.inputs)
    for n in notes:
        print(f"  not pushed: {n}", file=sys.stderr)
    if not inputs:
        raise AnnotateError(f"no PDF, page image, HTML or Word report in {' '.join(args.inputs)}")
    rep = push(client, inputs, args.project, Path(root) if root else None, model=model_choice(args),
               policy=args.policy)
    print(f"project {args.project!r} (id {rep.project_id}{', new' if rep.created else ''}): "
          f"{rep.tasks} page task(s) added, {len(rep.skipped)} document(s) already there, {len(rep.failed)} failed"
          + (f", {len(notes)} file(s) in the folders not pushed" if notes else ""))
    for f in rep.failed:
        print(f"  failed: {f}", file=sys.stderr)
    if rep.failed or any(n.failing for n in notes):
        return FAILED
    return SKIPPED if notes else OK


def _pull(client, args) -> int:
    from .pull import pull
    rep = pull(client, args.project, args.out)
    c = rep.counts
    print(f"pulled {rep.pulled} annotation(s): {c.get('new', 0)} new, {c.get('updated', 0)} updated, "
          f"{c.get('kept_newer', 0)} kept (local copy newer); store {args.out / 'annotations.jsonl'}")
    print(f"dataset {args.out / 'tokens'}: {rep.pages} page(s); gold {args.out / 'gold'}: {len(rep.gold)} document(s)")
    for s in rep.incomplete:
        print(f"  no gold yet: {s}")
    for p in rep.problems:
        print(f"  warning: {p}", file=sys.stderr)
    return 0


def _status(client, args) -> int:
    from .client import require_project
    p = require_project(client, args.project)
    print(f"project {p.title!r} (id {p.id}): {p.task_number} task(s), "
          f"{p.num_tasks_with_annotations} annotated, {p.total_annotations_number} annotation(s)")
    return 0
