"""`nianbao annotate pull`: export a project's annotations, merge them into the local store,
and rebuild DIR/tokens (HF DatasetDict) and DIR/gold/<doc>.gold.json from the store.

Everything under DIR except annotations.jsonl is derived and rewritten on each pull; the
store is only ever added to (see store.py), so nothing corrected is lost by pulling again.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.output import write_atomic

from . import convert, store
from .client import require_project

CARD = """---
language: [zh]
task_categories: [token-classification]
pretty_name: nianbao corrected report tokens (Label Studio project {project})
---
# nianbao corrected report tokens

Pages of real reports corrected by people in Label Studio (project {project!r}), pulled by
`nianbao annotate pull` at {pulled}. One example per annotated page, all in `train`; columns
and roles as in docs/token-dataset.md. A token's role is the label of the smallest annotated
box containing its centre. Annotators: {annotators}.

- {pages} pages of {docs} documents, {tokens} tokens
"""


@dataclass
class PullReport:
    pulled: int = 0
    counts: dict = field(default_factory=dict)
    pages: int = 0
    gold: list[str] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _time(s) -> str:
    """Server times as UTC ISO strings that sort in time order."""
    if isinstance(s, dt.datetime):
        t = s
    else:
        t = dt.datetime.fromisoformat(str(s).replace("Z", "+00:00"))
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.timezone.utc)
    return t.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


def export_tasks(client, project_id: int) -> list[dict]:
    raw = b"".join(client.projects.exports.download_sync(project_id, export_type="JSON", download_all_tasks=False))
    return json.loads(raw.decode("utf-8"))


def records(client, project, tasks: list[dict]) -> list[dict]:
    users: dict[int, str] = {}

    def who(completed_by) -> tuple[int | None, str | None]:
        if isinstance(completed_by, dict):
            return completed_by.get("id"), completed_by.get("email") or completed_by.get("username")
        if isinstance(completed_by, int):
            if completed_by not in users:
                try:
                    users[completed_by] = client.users.get(completed_by).email
                except Exception:  # noqa: BLE001 - a deleted user: keep the id
                    users[completed_by] = None
            return completed_by, users[completed_by]
        return None, None

    out = []
    for t in tasks:
        for a in t.get("annotations") or []:
            uid, email = who(a.get("completed_by"))
            out.append({
                "project": project.title, "project_id": project.id, "task_id": t["id"], "annotation_id": a["id"],
                "annotator": email, "annotator_id": uid,
                "created_at": _time(a.get("created_at") or a.get("updated_at")),
                "updated_at": _time(a.get("updated_at") or a.get("created_at")),
                "lead_time": a.get("lead_time"), "was_cancelled": bool(a.get("was_cancelled")),
                "ground_truth": bool(a.get("ground_truth")), "result": a.get("result") or [],
                "data": t.get("data") or {},
            })
    return out


def pull(client, project_title: str, out: Path, log=print) -> PullReport:
    out = Path(out)
    project = require_project(client, project_title)
    pulled = records(client, project, export_tasks(client, project.id))
    merged, counts = store.merge(store.load(out), pulled)
    store.save(out, merged)
    rep = PullReport(pulled=len(pulled), counts=counts)
    build(out, merged, rep)
    return rep


def build(out: Path, merged: dict, rep: PullReport) -> None:
    current = store.current(merged)
    examples, by_doc = [], {}
    for (doc_id, sha, page), rec in sorted(current.items()):
        ex, probs = convert.page_example(rec)
        examples.append(ex)
        rep.problems += [f"{ex['doc_id']} {p}" for p in probs]
        # a document pushed again after it changed is another version: keep them apart
        by_doc.setdefault((ex["doc_id"], sha), {})[ex["page"]] = rec
    rep.pages = len(examples)
    write_tokens(out, examples, merged)
    gold_dir = out / "gold"
    if gold_dir.exists():
        shutil.rmtree(gold_dir)
    gold_dir.mkdir(parents=True)
    latest: dict[str, tuple] = {}
    for (doc_id, sha), pages in by_doc.items():
        stamp = max(r["updated_at"] for r in pages.values())
        if doc_id not in latest or stamp > latest[doc_id][0]:
            latest[doc_id] = (stamp, sha, pages)
    for doc_id, (_, sha, pages) in sorted(latest.items()):
        n = int(next(iter(pages.values()))["data"].get("pages") or len(pages))
        missing = [p for p in range(1, n + 1) if p not in pages]
        if missing:
            rep.incomplete.append(f"{doc_id}: page(s) {', '.join(map(str, missing))} not annotated yet")
            continue
        gold, probs = convert.document_gold(doc_id, list(pages.values()))
        rep.problems += [f"{doc_id}: {p}" for p in probs]
        write_atomic(gold_dir / f"{doc_id}.gold.json", json.dumps(gold, ensure_ascii=False, indent=1) + "\n")
        rep.gold.append(doc_id)
        copy_input(out, doc_id, gold["annotation"].get("source"), sha)


def copy_input(out: Path, doc_id: str, source: str | None, sha: str | None) -> None:
    """The annotated file beside its gold (DIR/inputs/<doc>.<ext>), so `nianbao eval --gold
    DIR/gold --inputs DIR/inputs` runs anywhere; skipped when the file is gone or changed."""
    if not source:
        return
    src = Path(source)
    if not src.is_file():
        return
    data = src.read_bytes()
    if sha and hashlib.sha256(data).hexdigest() != sha:
        return
    dest = out / "inputs" / f"{doc_id}{src.suffix.lower()}"
    dest.parent.mkdir(parents=True, exist_ok=True)
    if not dest.exists() or dest.read_bytes() != data:
        tmp = dest.with_name(f".{dest.name}.tmp")
        tmp.write_bytes(data)
        tmp.replace(dest)


def write_tokens(out: Path, examples: list[dict], merged: dict) -> None:
    from nianbao.training.synth.dataset import features
    import datasets
    from datasets import Dataset, DatasetDict
    datasets.disable_progress_bars()
    feats = features()
    # only `train`: an empty split saves without an arrow file, and load_from_disk then fails
    # (datasets 4.x); corrections are too few to hold some back, evaluation uses the gold
    tmp, target = out / "tokens.tmp", out / "tokens"
    if not examples:  # an empty Dataset cannot be saved and loaded back: write none
        if target.exists():
            shutil.rmtree(target)
        return
    dd = DatasetDict({"train": Dataset.from_list(examples, features=feats)})
    if tmp.exists():
        shutil.rmtree(tmp)
    dd.save_to_disk(str(tmp))
    card = CARD.format(project=", ".join(sorted({r["project"] for r in merged.values()})) or "-",
                       pulled=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                       annotators=", ".join(sorted({r["annotator"] for r in merged.values() if r.get("annotator")})) or "-",
                       pages=len(examples), docs=len({e["doc_id"] for e in examples}),
                       tokens=sum(len(e["tokens"]) for e in examples))
    (tmp / "README.md").write_text(card, encoding="utf-8")
    if target.exists():
        shutil.rmtree(target)
    tmp.rename(target)
