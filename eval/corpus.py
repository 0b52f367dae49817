"""Which gold file goes with which input, and what kind of input it is.

Matching rule (documented in docs/eval.md):
  gold  `<doc>.gold.json` in the gold folder (its "doc" field, when present, must agree);
  input a file under the inputs folder whose *stem* is `<doc>` (seeds: `<doc>.txt`), or,
        failing that, one of the known input names (KIND_BY_NAME) in a folder named `<doc>`
        (synth: `docs/<doc>/layout.txt`), or a file the manifest lists by path.
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
    "report.html": "html",
    "report.docx": "docx",
    "report.doc": "doc",
    "scraped.txt": "scraped_text",  # synth --kinds scraped: a web page's text, cells run together
}
KIND_BY_SUFFIX = {
    ".txt": "text", ".text": "text", ".pdf": "pdf",
    ".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image", ".tiff": "image", ".bmp": "image",
    ".html": "html", ".htm": "html", ".shtml": "html", ".xhtml": "html", ".mht": "html", ".mhtml": "html",
    ".docx": "docx", ".doc": "doc", ".wps": "doc", ".rtf": "doc", ".odt": "doc", ".ofd": "ofd",
}
# A document-level degradation (a scan's dpi, noise, photo warp) describes its page images only.
DEGRADABLE_KINDS = ("scanned_pdf", "image")
KIND_ORDER = ("text", "pdftotext-layout", "pdftotext-raw", "pdfium-text", "scraped_text", "digital_pdf", "pdf",
              "scanned_pdf", "image", "html", "docx", "doc", "ofd")


class CorpusError(Exception):
    """The gold or input folder cannot be used; the message says why."""


@dataclass
class Input:
    doc: str
    path: Path
    kind: str
    degradation: str | None = None
    split: str | None = None

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
    origin: dict[str, str] = field(default_factory=dict)  # doc → corpus name (by_corpus breakdown)


def corpus_name(gold_dir: str | Path) -> str:
    """'seeds' for ../shared/seeds, 'synth' for data/synth/gold."""
    p = Path(gold_dir).resolve()
    return p.parent.name if p.name == "gold" else p.name


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
    """The rule above: stem first, then the parent folder for the known input names."""
    if path.stem in gold:
        return path.stem
    if path.parent.name in gold and path.name.lower() in KIND_BY_NAME:
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
    """A per-file manifest entry may set the input's kind and degradation."""
    if not entry:
        return
    kind = entry.get("input_kind") or entry.get("kind")
    if isinstance(kind, str) and kind:
        inp.kind = kind
    if entry.get("degradation") not in (None, ""):
        inp.degradation = str(entry["degradation"])


def _override_degradation(inp: Input, entry: dict | None) -> None:
    """A per-document degradation describes the document's page images only, and does not
    replace one a per-file entry gave."""
    if entry and inp.kind in DEGRADABLE_KINDS and inp.degradation is None \
            and entry.get("degradation") not in (None, ""):
        inp.degradation = str(entry["degradation"])


def discover(gold_dir: str | Path, inputs_dir: str | Path | None, kinds: list[str] | None = None,
             split: str | None = None) -> Corpus:
    """Pair gold files with input files under `inputs_dir` (recursively).

    `kinds` keeps only inputs of those kinds; `split` only documents of that split (the
    manifest's "split", else the gold's "split" or "synth.split"); documents with no split at
    all (the seeds) are kept.
    """
    all_gold = load_gold(gold_dir)
    manifest = by_doc = by_path = None
    if inputs_dir is not None:
        inputs_dir = Path(inputs_dir)
        if not inputs_dir.is_dir():
            raise CorpusError(f"inputs folder not found: {inputs_dir}")
        manifest = _find_manifest(inputs_dir)
    by_doc, by_path = read_manifest(manifest) if manifest else ({}, {})
    splits = {d: (str(by_doc[d]["split"]) if by_doc.get(d, {}).get("split") not in (None, "") else _gold_split(g))
              for d, g in all_gold.items()}
    keep = {d: g for d, g in all_gold.items() if split is None or splits[d] in (None, split)}
    corpus = Corpus(gold=keep)
    name = corpus_name(gold_dir)
    corpus.origin = {d: name for d in keep}
    if inputs_dir is None:
        return corpus
    for p in sorted(inputs_dir.rglob("*")):
        if not p.is_file() or p.name.endswith(GOLD_SUFFIX) or p.name == "manifest.jsonl":
            continue
        listed = by_path.get(str(p.resolve().relative_to(manifest.parent.resolve()))) if manifest else None
        kind = kind_of(p)
        if kind is None and not listed:
            continue
        doc = doc_of(p, all_gold)
        if doc is None and listed:
            doc = str(listed.get("doc_id") or listed.get("doc") or listed.get("id") or p.parent.name)
            doc = doc if doc in all_gold else None
        if doc is None:
            if p.parent.name not in all_gold:  # other files in a document's folder are its by-products
                corpus.unmatched_inputs.append(p)
            continue
        if doc not in keep:  # another split
            continue
        inp = Input(doc=doc, path=p, kind=kind or "unknown", split=splits[doc])
        _override(inp, listed)
        _override_degradation(inp, by_doc.get(doc))
        if kinds and inp.kind not in kinds:
            continue
        corpus.inputs.append(inp)
    have = {i.doc for i in corpus.inputs}
    corpus.gold_without_input = sorted(d for d in corpus.gold if d not in have)
    return corpus


def discover_many(pairs: list[tuple[str, str | None]], kinds: list[str] | None = None,
                  split: str | None = None) -> Corpus:
    """Several (gold, inputs) folders as one corpus; a document id may occur in only one."""
    out = Corpus(gold={})
    for gold_dir, inputs_dir in pairs:
        c = discover(gold_dir, inputs_dir, kinds, split)
        clash = sorted(set(c.gold) & set(out.gold))
        if clash:
            raise CorpusError(f"document {clash[0]!r} has gold in two folders (… {gold_dir})")
        out.gold.update(c.gold)
        out.origin.update(c.origin)
        out.inputs += c.inputs
        out.unmatched_inputs += c.unmatched_inputs
        out.gold_without_input += c.gold_without_input
    return out


def _gold_split(g: dict) -> str | None:
    sp = g.get("split")
    if sp in (None, "") and isinstance(g.get("synth"), dict):
        sp = g["synth"].get("split")
    return str(sp) if sp not in (None, "") else None


def kind_sort_key(group: str) -> tuple:
    kind = group.split("/", 1)[0]
    return (KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER), group)
