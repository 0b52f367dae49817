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
