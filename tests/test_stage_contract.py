"""The stage contract of issue 27: one list of stages naming what each reads and writes, one
ExtractOptions built in one module and recorded in every output."""
from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

from nianbao.document import Document
from nianbao.options import ExtractOptions
from nianbao.output import to_dict
from nianbao.pipeline import STAGES, extract_all

ROOT = Path(__file__).resolve().parents[1]
SEED = sorted((ROOT.parent / "shared" / "seeds").glob("*.txt"))[0]


def test_every_stage_declares_document_attributes():
    attrs = {f.name for f in dataclasses.fields(Document)}
    assert [s.name for s in STAGES] == ["assemble", "grid", "model", "variants", "reconcile"]
    for s in STAGES:
        assert s.reads and s.writes, s.name
        assert {a.split(".")[0] for a in s.reads + s.writes} <= attrs, s.name


def test_the_output_records_its_settings_and_they_rebuild_the_options():
    opts = ExtractOptions.build(model=None, policy="model", grid=False, dpi=150)
    [doc] = extract_all(SEED, options=opts)
    data = json.loads(json.dumps(to_dict(doc)))
    assert data["settings"]["policy"] == "model" and data["settings"]["grid"] is False
    assert ExtractOptions(**data["settings"]) == opts  # enough to make the same reading again


def test_a_failed_input_records_its_settings_too(tmp_path):
    empty = tmp_path / "e.txt"
    empty.write_text(" \n", encoding="utf-8")
    [doc] = extract_all(empty, options=ExtractOptions.build(model=None))
    assert doc.errors and to_dict(doc)["settings"]["model"] == "off"


READS_SETTING = re.compile(r"""(?:environ|getenv|env)(?:\.get\(|\[|\()\s*["']NIANBAO_OCR_(?:DPI|ENGINE)""")


def test_the_environment_is_read_in_one_module():
    readers = [p.relative_to(ROOT).as_posix() for d in ("nianbao", "ocr", "model", "reconcile")
               for p in (ROOT / d).rglob("*.py") if READS_SETTING.search(p.read_text(encoding="utf-8"))]
    assert readers == ["nianbao/options.py"]


def test_environment_defaults_beneath_given_settings():
    env = {"NIANBAO_OCR_DPI": "300", "NIANBAO_OCR_ENGINE": "paddle"}
    assert ExtractOptions.build(env).dpi == 300 and ExtractOptions.build(env).engine == "paddle"
    assert ExtractOptions.build(env, dpi=150, engine="rapidocr").dpi == 150
    assert ExtractOptions.build({"NIANBAO_OCR_DPI": "5000"}).dpi == 600  # clamped as before
    # the older spellings of `model=` keep their meaning
    assert ExtractOptions.build({}, model="default").model_choice == "default"
    assert ExtractOptions.build({}, model="/m").model_choice == "/m"
    assert ExtractOptions.build({}, model=None).model_choice is None
    assert ExtractOptions.build({}, model="auto").model_choice == "auto"
