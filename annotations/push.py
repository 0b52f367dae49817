"""`nianbao annotate push`: extract reports, and send one task per page with the extractor's
output as predictions to a Label Studio project (created with the schema's config if new).

Page images reach the server one of two ways: through a local-files storage (written under
the server's LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT, `files_root`, and referenced as
`/data/local-files/?d=<path relative to the root>`), when this machine writes where the server
reads; or uploaded to the project (`files_root=None`), stored by the server as `/data/upload/…`.
Re-pushing a document whose pages are already in the project adds nothing (matched by
document id and content hash).
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from . import images, label_config as labels
from .client import AnnotateError, find_project
from .tasks import doc_id_of, page_tasks

# inputs with nothing to draw boxes on: plain text, and OFD (its pages are not rendered yet)
NOT_PUSHED = {".txt": "a text input", ".text": "a text input", ".ofd": "an OFD input"}


@dataclass
class PushReport:
    project_id: int
    created: bool
    tasks: int = 0
    skipped: list[str] = field(default_factory=list)   # documents already in the project
    failed: list[str] = field(default_factory=list)    # "path: why"


def collect_inputs(paths: list[str]) -> tuple[list[Path], list]:
    """The reports named, or found under the folders named (nianbao.walk: PDFs, page images,
    HTML and Word files; an extract output folder's JSONs point at their sources, which are
    used instead), and the records (nianbao.walk.Skipped) of what a folder held that is not
    pushed: files that cannot be read, text and OFD inputs, files of other types."""
    from nianbao.ingest import INPUT_SUFFIXES
    from nianbao.walk import skipped, walk

    out: list[Path] = []
    notes: list = []
    for s in paths:
        p = Path(s)
        if p.is_dir():
            files, skips = walk(p, INPUT_SUFFIXES | {".json"})
            notes += [n for n in skips if not n.path.endswith(".json")]
            for q in files:
                suffix = q.suffix.lower()
                if suffix == ".json":
                    src = None if q.name.endswith(".gold.json") else _source_of_output(q)
                    if src is not None:
                        out.append(src)
                elif suffix in NOT_PUSHED:
                    notes.append(skipped(q, "not_pushed", f"{NOT_PUSHED[suffix]} has no pages to draw boxes on; "
                                                          "not pushed"))
                else:
                    out.append(q)
        elif p.is_file():
            out.append((_source_of_output(p) or p) if p.suffix.lower() == ".json" else p)
        else:
            raise AnnotateError(f"no such file or folder: {s}")
    seen, uniq = set(), []
    for p in out:
        r = p.resolve()
        if r not in seen:
            seen.add(r)
            uniq.append(p)
    return uniq, notes


def _source_of_output(path: Path) -> Path | None:
    from nianbao.ingest import INPUT_SUFFIXES
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
        src = Path(d["source"]["path"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not src.is_absolute():
        src = (Path.cwd() / src)
    return src if src.is_file() and src.suffix.lower() in INPUT_SUFFIXES - set(NOT_PUSHED) else None


def ensure_project(client, title: str) -> tuple[object, bool]:
    """The project titled `title` (its config brought up to date with the schema), or a new one."""
    config = labels.labelling_config()
    p = find_project(client, title)
    if p is None:
        p = client.projects.create(title=title, label_config=config,
                                   description="nianbao: correct the extractor's boxes, labels and values",
                                   show_collab_predictions=True)
        return p, True
    if (p.label_config or "").strip() != config.strip():
        client.projects.update(p.id, label_config=config)
    return p, False


def ensure_local_storage(client, project_id: int, folder: Path) -> None:
    folder = str(folder.resolve())
    for s in client.import_storage.local.list(project=project_id):
        if getattr(s, "path", None) and folder.startswith(s.path.rstrip("/")):
            return
    client.import_storage.local.create(project=project_id, path=folder, title="nianbao page images",
                                       use_blob_urls=False)


def existing_docs(client, project_id: int) -> set[tuple[str, str]]:
    have = set()
    for t in client.tasks.list(project=project_id, fields="all"):
        d = t.data or {}
        have.add((d.get("doc_id"), d.get("sha256")))
    return have


IMAGES_CONFIG = f'<View><Image name="{labels.IMAGE}" value="${labels.IMAGE}"/></View>'


def images_project(client, title: str) -> int:
    """The project page images are uploaded to: Label Studio parses an uploaded file against
    the project's config and refuses one whose config reads more than one data key (ours reads
    the image and the tables), so uploads go to a companion project whose config reads only
    the image. Its files are served to the same organisation as the tasks' own."""
    name = f"{title} · page images"
    p = find_project(client, name)
    if p is None:
        p = client.projects.create(title=name, label_config=IMAGES_CONFIG,
                                   description=f"nianbao: page images of the tasks of {title!r}; no tasks here")
    return p.id


def upload_images(client, project_id: int, paths: list[Path]) -> list[str]:
    """Upload page images to the project without making tasks of them; their /data/ URLs."""
    import httpx
    headers = {k: v for k, v in client._client_wrapper.get_headers().items() if k.lower() == "authorization"}
    base = client._client_wrapper.get_base_url()
    # one form field per file: the server reads one file per field name
    files = [(f"file{i}", (p.name, p.read_bytes(), "image/png")) for i, p in enumerate(paths)]
    r = httpx.post(f"{base}/api/projects/{project_id}/import", params={"commit_to_project": "false"},
                   headers=headers, files=files, timeout=120)
    if r.status_code >= 400:
        raise AnnotateError(f"uploading page images failed ({r.status_code}): {r.text[:200]}")
    ids = r.json().get("file_upload_ids") or []
    if len(ids) != len(paths):
        raise AnnotateError(f"uploaded {len(paths)} page images but the server listed {len(ids)}")
    return ["/data/" + str(client.files.get(i).file).lstrip("/") for i in ids]


def extractor(model: str | None = "auto", policy: str = "reconcile"):
    """`nianbao.pipeline.extract` as `nianbao extract` runs it: `model` "auto" (the default: the
    shipped token model on PDFs and images), "default", a model directory, or None (the rules)."""
    from nianbao.pipeline import extract
    return lambda path: extract(path, model=model, policy=policy)


def push(client, inputs: list[Path], project: str, files_root: Path | None, log=print,
         work_dir: Path | None = None, model: str | None = "auto", policy: str = "reconcile") -> PushReport:
    """`files_root` None: upload the page images (rendered into `work_dir`, a temp dir by
    default); `model`, `policy`: as `nianbao extract` (the token model's name becomes the
    predictions' model version)."""
    import tempfile

    extract = extractor(model, policy)

    p, created = ensure_project(client, project)
    report = PushReport(project_id=p.id, created=created)
    if files_root is not None:
        files_root = files_root.resolve()
        media = files_root / "nianbao-pages" / _safe(project)
        media.mkdir(parents=True, exist_ok=True)
        ensure_local_storage(client, p.id, media)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="nianbao-pages-") if work_dir is None else None
        media = Path(tmp.name) if tmp else work_dir
    have = existing_docs(client, p.id)
    pages = PageMaker()
    try:
        for path in inputs:
            _push_one(client, path, p.id, project, files_root, media, have, extract, pages, report, log)
    finally:
        pages.close()
    return report


class PageMaker:
    """Page images of a document: PDF pages and images as they are (images.py), HTML and Word
    reports rendered in one headless Chromium kept for the whole push (render.py)."""

    def __init__(self):
        self.browser = None

    def __call__(self, doc, dest: Path):
        """(the document as its tasks show it, page images, label boxes per page or None)."""
        from . import render
        if doc.source.kind not in render.STRUCTURED_KINDS:
            return doc, images.write_pages(doc.source.path, doc.source.kind, dest, doc=doc), None
        if self.browser is None:
            self.browser = render.browser()
        try:
            v = render.view(doc, dest, self.browser)
        except render.RenderError:
            self.close()  # the browser may be gone: the next document starts a new one
            raise
        if not v.images:
            raise render.RenderError("the rendered report is empty")
        return v.doc, v.images, v.labels

    def close(self) -> None:
        if self.browser is not None:
            self.browser.close()
            self.browser = None


def _push_one(client, path: Path, project_id: int, project: str, files_root, media: Path, have: set,
              extract, make_pages: PageMaker, report: PushReport, log) -> None:
    from .render import RenderError
    doc_id = doc_id_of(path)
    doc = extract(path)
    if doc.errors or not doc.format:
        msg = doc.errors[0]["message"] if doc.errors else "no report format recognised"
        report.failed.append(f"{path}: {msg}")
        return
    if (doc_id, doc.source.sha256) in have:
        report.skipped.append(doc_id)
        return
    try:
        doc, pages, label_boxes = make_pages(doc, media / f"{doc_id}-{doc.source.sha256[:12]}")
    except (ValueError, OSError, RenderError) as e:
        report.failed.append(f"{path}: {e}")
        return
    if files_root is not None:
        for img in pages:
            rel = img["path"].resolve().relative_to(files_root)
            img["url"] = f"/data/local-files/?d={quote(str(rel))}"
    else:
        for img, url in zip(pages, upload_images(client, images_project(client, project),
                                                 [img["path"] for img in pages])):
            img["url"] = url
    tasks = page_tasks(doc, doc_id, pages, label_boxes)
    client.projects.import_tasks(project_id, request=tasks)
    report.tasks += len(tasks)
    log(f"pushed {doc_id}: {len(tasks)} page task(s), model {tasks[0]['predictions'][0]['model_version']}")


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name) or "project"


def default_files_root() -> Path | None:
    import os
    root = os.environ.get("LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT")
    return Path(root) if root else None


def warn(msg: str) -> None:
    print(f"nianbao annotate: {msg}", file=sys.stderr)
