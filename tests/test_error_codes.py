"""The batch's reason codes come from the error types readers and stages raise
(nianbao.errors.REASONS), never from the words of a message (issue 27)."""
from __future__ import annotations

import inspect
import json

import pytest

from nianbao import errors, readers
from nianbao.batch import worker

INPUT_ERRORS = [c for _, c in inspect.getmembers(errors, inspect.isclass)
                if issubclass(c, errors.InputError) and c is not errors.InputError]


def test_every_error_type_has_a_documented_code():
    assert INPUT_ERRORS and all(c.code in errors.REASONS for c in INPUT_ERRORS)
    # the batch's own verdicts on a worker child are codes of the same table
    for code in ("timeout", "memory", "crashed", "internal"):
        assert code in errors.REASONS


@pytest.mark.parametrize("cls", INPUT_ERRORS, ids=lambda c: c.__name__)
def test_reason_is_the_raised_types_code_whatever_its_message(cls, tmp_path, monkeypatch):
    # a message with none of the old matched words ("larger than", "not a 政府信息公开年度报告"…),
    # and one with another type's words: the reason follows the type alone
    for message in (f"完全改写的说明 {cls.__name__}", "PDF larger than 1 MiB, encrypted, not a text file"):
        text = readers.reader("text")
        monkeypatch.setattr(readers, "REGISTRY", [r if r is not text else _Raising(text, cls, message)
                                                  for r in readers.REGISTRY])
        f = tmp_path / "r.txt"
        f.write_text("政府信息公开工作年度报告\n", encoding="utf-8")
        out = worker.process({"path": str(f), "display": "r.txt", "sha256": "x"})
        assert out["summary"]["reason"] == cls.code, message
        data = json.loads(out["outputs"][0]["json"])
        # the output contract's error record is unchanged: stage and message
        assert data["errors"] == [{"stage": cls.stage, "message": message}]


class _Raising:
    """The text reader, raising `cls(message)` instead of reading."""

    def __init__(self, inner, cls, message):
        self.name, self.kinds, self.has_geometry = inner.name, inner.kinds, inner.has_geometry
        self.sniff, self.cls, self.message = inner.sniff, cls, message

    def read(self, path, source, options):
        raise self.cls(self.message)


def test_a_bug_and_running_out_of_memory_have_their_codes():
    assert errors.code_of(RuntimeError("larger than")) == "internal"
    assert errors.code_of(MemoryError()) == "memory"
    assert errors.code_of(errors.TooLarge("no such file")) == "too_large"


def test_exit_status_is_looked_up_in_the_reasons_table(monkeypatch):
    # the commands ask errors.exit_status: a status changed in REASONS is the one they return
    assert errors.exit_status([]) == 0
    assert errors.exit_status(["not_a_report", "too_large"]) == 1
    assert errors.exit_status(["link_loop"]) == 1  # a file the walk could not read: a failed input
    monkeypatch.setitem(errors.REASONS, "too_large", ("over a cap", 9))
    assert errors.exit_status(["not_a_report", "too_large"]) == 9


def test_extract_exits_with_the_status_of_the_failures_code(tmp_path, monkeypatch, capsys):
    from nianbao.cli import main
    f = tmp_path / "prose.txt"
    f.write_text("一段与年度报告无关的文字。\n" * 5, encoding="utf-8")
    assert main(["extract", "-q", str(f), "-o", str(tmp_path / "o")]) == 1
    monkeypatch.setitem(errors.REASONS, "not_a_report", ("no tables", 5))
    assert main(["extract", "-q", str(f), "-o", str(tmp_path / "o2")]) == 5


def test_batch_jobs_carry_the_extract_options(tmp_path):
    # the batch hands each job the ExtractOptions it was given (not a model string to rebuild
    # them from), and each output records them
    from nianbao.batch import Options, run_batch
    from nianbao.options import ExtractOptions
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "prose.txt").write_text("一段与年度报告无关的文字。\n", encoding="utf-8")
    chosen = ExtractOptions.build(model=None, policy="model", dpi=150)
    s = run_batch(tmp_path / "in", tmp_path / "out", Options(workers=1, progress=False, timeout_s=None,
                                                             max_memory_mb=None, extract=chosen))
    assert s["failed_by_reason"] == {"not_a_report": 1}
    data = json.loads(next((tmp_path / "out" / "reports").rglob("*.json")).read_text(encoding="utf-8"))
    assert data["settings"] == chosen.settings()
