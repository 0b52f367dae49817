"""Which gold file goes with which input, and what kind of input it is.

Matching rule (documented in docs/eval.md):
  gold  `<doc>.gold.json` in the gold folder (its "doc" field, when present, must agree);
  input a file under the inputs folder whose *stem* is `<doc>` (seeds: `<doc>.txt`), or,
        failing that, whose *parent folder* is `<doc>` (synth: `docs/<doc>/layout.txt`).
  A folder may hold several inputs of one document (one per input kind); each is scored.
Input kinds come from the file name (KIND_BY_NAME, then KIND_BY_SUFFIX); a `manifest.jsonl`
beside or above the inputs may override the kind and add a degradation level.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

GOLD_SUFFIX = ".gold.json"

# Synthetic corpus layout: OUT/docs/<doc_id>/<name>.
KIND_BY_NAME = {
    "layout.txt": "pdftotext-layout",
    "raw.txt": "pdftotext-raw",
    "pdfium.txt": "pdfium-text",
    "report.pdf": "digital_pdf",
    "scan.pdf": "scanned_pdf",
}
KIND_BY_SUFFIX = {
    ".txt": "text", ".text": "text", ".pdf": "pdf",
    ".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image", ".tiff": "image", ".bmp": "image",
}
KIND_ORDER = ("text", "pdftotext-layout", "pdftotext-raw", "pdfium-text", "digital_pdf", "pdf",
              "scanned_pdf", "image")


class CorpusError(Exception):
    """The gold or input folder cannot be used; the message says why."""


@dataclass
class Input:
    doc: str
    path: Path
    kind: str
    degradation: str | None = None

    @property
    def group(self) -> str:
        """Kind plus degradation level ('scanned_pdf/noisy'), the unit of the by-kind breakdown."""
        return f"{self.kind}/{self.degradation}" if self.degradation else self.kind

    @property
    def name(self) -> str:
        """Unique, file-name-safe id of this input: `<doc>__<kind>`."""
        return f"{self.doc}__{self.kind}" + (f"__{self.degradation}" if self.degradation else "")


@dataclass
class Corpus:
    gold: dict[str, dict]
    inputs: list[Input] = field(default_factory=list)
    unmatched_inputs: list[Path] = field(default_factory=list)
    gold_without_input: list[str] = field(default_factory=list)


def load_gold(gold_dir: str | Path) -> dict[str, dict]:
    gold_dir = Path(gold_dir)
    if not gold_dir.is_dir():
        raise CorpusError(f"gold folder not found: {gold_dir}")
    out = {}
    for p in sorted(gold_dir.rglob(f"*{GOLD_SUFFIX}")):
        doc = p.name[: -len(GOLD_SUFFIX)]
        try:
            g = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise CorpusError(f"unreadable gold file {p}: {e}") from e
        if not isinstance(g, dict) or not isinstance(g.get("fields"), dict):
            raise CorpusError(f"gold file {p} has no 'fields' object")
        if g.get("doc") not in (None, doc):
            raise CorpusError(f"gold file {p} names doc {g.get('doc')!r}, not {doc!r}")
        if doc in out:
            raise CorpusError(f"two gold files for doc {doc!r} under {gold_dir}")
        out[doc] = g
    if not out:
        raise CorpusError(f"no *{GOLD_SUFFIX} files in {gold_dir}")
    return out


def kind_of(path: Path) -> str | None:
    return KIND_BY_NAME.get(path.name.lower()) or KIND_BY_SUFFIX.get(path.suffix.lower())


def doc_of(path: Path, gold: dict) -> str | None:
    """The rule above: stem first, then parent folder name."""
    if path.stem in gold:
        return path.stem
    if path.parent.name in gold:
        return path.parent.name
    return None


def read_manifest(path: Path) -> tuple[dict[str, dict], dict[str, dict]]:
    """manifest.jsonl → (entries by doc id, entries by input path relative to the manifest).

    A line names its document with "doc_id" (or "doc"/"id"); a line with "path"/"file"
    applies to that one input, otherwise to every input of the document. Recognised keys:
    "kind"/"input_kind" (overrides the name-derived kind) and "degradation" (e.g. "clean",
    "noisy", or a number). Other keys are ignored.
    """
    by_doc, by_path = {}, {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            e = json.loads(line)
        except ValueError as err:
            raise CorpusError(f"{path}:{n}: not JSON: {err}") from err
        if not isinstance(e, dict):
            raise CorpusError(f"{path}:{n}: expected a JSON object")
        rel = e.get("path") or e.get("file")
        if rel:
            by_path[str(Path(rel))] = e
        doc = e.get("doc_id") or e.get("doc") or e.get("id")
        if doc and not rel:
            by_doc[str(doc)] = e
    return by_doc, by_path


def _find_manifest(inputs_dir: Path) -> Path | None:
    for d in (inputs_dir, inputs_dir.parent):
        if (d / "manifest.jsonl").is_file():
            return d / "manifest.jsonl"
    return None


def _override(inp: Input, entry: dict | None) -> None:
    if not entry:
        return
    kind = entry.get("input_kind") or entry.get("kind")
    if isinstance(kind, str) and kind:
        inp.kind = kind
    deg = entry.get("degradation")
    if deg not in (None, ""):
        inp.degradation = str(deg)


def discover(gold_dir: str | Path, inputs_dir: str | Path | None, kinds: list[str] | None = None) -> Corpus:
    """Pair gold files with input files under `inputs_dir` (recursively)."""
    corpus = Corpus(gold=load_gold(gold_dir))
    if inputs_dir is None:
        return corpus
    inputs_dir = Path(inputs_dir)
    if not inputs_dir.is_dir():
        raise CorpusError(f"inputs folder not found: {inputs_dir}")
    manifest = _find_manifest(inputs_dir)
    by_doc, by_path = read_manifest(manifest) if manifest else ({}, {})
    for p in sorted(inputs_dir.rglob("*")):
        if not p.is_file() or p.name.endswith(GOLD_SUFFIX) or p.name == "manifest.jsonl":
            continue
        kind = kind_of(p)
        if kind is None:
            continue
        doc = doc_of(p, corpus.gold)
        if doc is None:
            corpus.unmatched_inputs.append(p)
            continue
        inp = Input(doc=doc, path=p, kind=kind)
        _override(inp, by_doc.get(doc))
        if manifest:
            _override(inp, by_path.get(str(p.resolve().relative_to(manifest.parent.resolve()))))
        if kinds and inp.kind not in kinds:
            continue
        corpus.inputs.append(inp)
    have = {i.doc for i in corpus.inputs}
    corpus.gold_without_input = sorted(d for d in corpus.gold if d not in have)
    return corpus


def kind_sort_key(group: str) -> tuple:
    kind = group.split("/", 1)[0]
    return (KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER), group)
