"""Module names say what a module holds (issue 27, item 6).

Four modules were named `labels.py` (Chinese display names, printed row labels, the token
model's BIO tags, the Label Studio config), and command modules were named `*_cmd.py`, `cmd.py`
or `cli.py`. Now a command's module is `cli.py` in its package, or `<command>_cli.py` where a
package serves two commands or none of its own (`nianbao/extract_cli.py`,
`nianbao/dataset/compare_cli.py`)."""
from __future__ import annotations

from nianbao.cli import COMMANDS
from test_import_graph import modules

# commands whose module builds a dataset and takes its arguments in the same module: the command
# is a few lines of it, not a front to other code (training/ocr_tokens.py, training/real_pages.py)
BUILDS_ITS_OWN = {"ocr-tokens", "real-tokens"}


def test_no_module_is_named_for_its_kind_of_content_only():
    vague = sorted(n for n in modules() if n.rsplit(".", 1)[-1] in {"labels", "cmd"} or n.endswith("_cmd"))
    assert vague == []


def test_command_modules_follow_one_convention():
    for command, (module, _) in COMMANDS.items():
        last = module.rsplit(".", 1)[-1]
        if command not in BUILDS_ITS_OWN:
            assert last == "cli" or last == f"{command}_cli", (command, module)
