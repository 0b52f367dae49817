"""Hand-made gold files, inputs and predictions for the eval tests (no dependence on the extractor)."""
import json
from pathlib import Path

from nianbao import schema


def gold(doc: str, fmt: str = "2021", seed: int = 0) -> dict:
    fields = {k: (i * 7 + seed) % 23 for i, k in enumerate(schema.field_keys(fmt))}
    return {"doc": doc, "agency": f"{doc}人民政府", "year": 2023 if fmt == "2021" else 2020, "format": fmt,
            "fields": fields, "metrics": {"requests_received": 17, "fee_collected": False},
            "source_inconsistencies": ["requests column total: result rows sum to 12 but result.total.total is 13"]}


def pred_from(g: dict, path: str, kind: str = "text", wrong: int = 0) -> dict:
    fields = {k: {"value": v} for k, v in g["fields"].items()}
    for k in list(fields)[:wrong]:
        fields[k]["value"] = fields[k]["value"] + 1
    return {"source": {"path": path, "kind": kind, "pages": 2}, "agency": g["agency"], "year": g["year"],
            "format": g["format"], "fields": fields,
            "metrics": {k: {"value": v} for k, v in g["metrics"].items()},
            "flags": [{"identity": "requests.column_sum", "keys": ["requests.result.total.total"]}],
            "errors": [], "timings_ms": {"ingest": 1.0, "assemble": 4.0, "reconcile": 1.0, "total": 6.0}}


def write(path: Path, data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def synth_corpus(root: Path, docs=("s1", "s2")) -> Path:
    """OUT/docs/<doc>/{layout,raw}.txt + scan.pdf, OUT/gold/<doc>.gold.json, OUT/manifest.jsonl."""
    lines = []
    for i, d in enumerate(docs):
        write(root / "gold" / f"{d}.gold.json", gold(d, seed=i))
        for name in ("layout.txt", "raw.txt"):
            write(root / "docs" / d / name, f"{d} report text\n")
        write(root / "docs" / d / "scan.pdf", "%PDF-1.4 fake\n")
        lines.append(json.dumps({"doc_id": d, "split": "test" if i else "train", "degradation": "noisy" if i else "clean",
                                 "kinds": ["pdf", "text", "scan"]}))
    lines.append(json.dumps({"doc_id": docs[0], "path": f"docs/{docs[0]}/raw.txt", "kind": "ocr-text"}))
    write(root / "manifest.jsonl", "\n".join(lines) + "\n")
    return root
