"""The `nianbao` command.

Subcommands live in their own modules and are imported only when used, so `nianbao extract`
never pays for torch or Label Studio. Each module provides `add_arguments(parser)` and
`run(args) -> int`.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback

from . import errors, exit_codes

COMMANDS: dict[str, tuple[str, str]] = {
    "extract": ("nianbao.extract_cli", "extract reports (text, PDF, image) to JSON"),
    "batch": ("nianbao.batch.cli", "extract a folder of reports: resumable, parallel, exports"),
    "review": ("nianbao.review.cli", "write an HTML review page for a report or a batch"),
    "eval": ("nianbao.eval.cli", "measure accuracy and speed against gold files"),
    "synth": ("nianbao.training.synth.cli", "generate a synthetic report corpus (PDFs, scans, gold)"),
    "ocr": ("nianbao.ocr.cli", "show a PDF's or image's layout lines, or its ruled-table cells"),
    "ocr-tokens": ("nianbao.training.ocr_tokens", "token dataset from the pipeline's own OCR of a synthetic corpus's scans"),
    "real-tokens": ("nianbao.training.real_pages", "token dataset of real reports with gold, as annotated pages (push → correct → pull)"),
    "train": ("nianbao.training.cli", "fine-tune the layout token model on token datasets (synthetic, annotated)"),
    "annotate": ("nianbao.annotations.cli", "push predictions to Label Studio, pull corrections as dataset + gold"),
    "dataset": ("nianbao.dataset.cli", "reports of many batches as one DuckDB/Parquet dataset: build, check, report, sql"),
    "compare": ("nianbao.dataset.compare_cli", "two reports side by side (two outputs, or one agency's years)"),
}


def _usage() -> str:
    width = max(len(n) for n in COMMANDS)
    lines = ["usage: nianbao COMMAND [options]", "", "commands:"]
    lines += [f"  {n:<{width}}  {h}" for n, (_, h) in COMMANDS.items()]
    lines += ["", "Run 'nianbao COMMAND --help' for a command's options."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(_usage())
        return 0 if argv else 2
    if argv[0] == "--version":
        from . import __version__
        print(f"nianbao {__version__}")
        return 0
    name = argv[0]
    if name not in COMMANDS:
        print(f"nianbao: unknown command {name!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    try:
        module = importlib.import_module(COMMANDS[name][0])
        parser = argparse.ArgumentParser(prog=f"nianbao {name}", description=COMMANDS[name][1])
        module.add_arguments(parser)
        args = parser.parse_args(argv[1:])
        return int(module.run(args) or 0)
    except KeyboardInterrupt:  # also during the imports of a command's start-up
        print(f"nianbao {name}: interrupted; finished outputs are kept, run the same command to go on",
              file=sys.stderr)
        return exit_codes.INTERRUPTED
    except errors.UserError as e:
        print(f"nianbao {name}: {e}", file=sys.stderr)
        return e.status
    except BrokenPipeError:  # `nianbao extract --stdout … | head`: the reader left, nothing is wrong
        try:  # and Python's own flush at exit must not fail on the closed pipe either
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return exit_codes.OK
    except Exception:  # noqa: BLE001 - a bug: show it whole, and ask for it to be reported
        traceback.print_exc()
        print(f"nianbao {name}: this is a bug in nianbao, not a problem with your files; please report it "
              "with the lines above and the command you ran", file=sys.stderr)
        return exit_codes.BUG


if __name__ == "__main__":
    sys.exit(main())
