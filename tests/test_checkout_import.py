"""`import nianbao.ocr` (and every stage package) works from a plain checkout, without the
install's package-dir mapping (issue 27 item 6), and the finder's map is pyproject's."""
import subprocess
import sys
import tomllib
from pathlib import Path

from nianbao.checkout_stages import STAGE_DIRS

ROOT = Path(__file__).resolve().parents[1]

# the installed (editable) package's finders are removed, as on a machine without the install
CODE = """
import sys
sys.meta_path[:] = [f for f in sys.meta_path if '__editable__' not in repr(f) and '__editable__' not in getattr(f, '__module__', '')]
sys.path_hooks[:] = [h for h in sys.path_hooks if '__editable__' not in repr(h)]
sys.path.insert(0, {root!r})
import nianbao
assert nianbao.__file__.startswith({root!r}), nianbao.__file__
import nianbao.ocr.engine_base, nianbao.model.bio_tags, nianbao.reconcile, nianbao.eval.compare_trees
import nianbao.training, nianbao.annotations
print(nianbao.ocr.engine_base.__file__)
"""


def test_stage_packages_import_from_a_plain_checkout():
    out = subprocess.run([sys.executable, "-c", CODE.format(root=str(ROOT))], capture_output=True, text=True,
                         cwd="/", timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == str(ROOT / "ocr" / "engine_base.py")


def test_the_finder_maps_what_pyproject_maps():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    mapped = {k.split(".", 1)[1]: v for k, v in pyproject["tool"]["setuptools"]["package-dir"].items() if "." in k}
    assert mapped == STAGE_DIRS
