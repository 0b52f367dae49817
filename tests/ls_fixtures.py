"""A real Label Studio server for the annotation tests: installed into .venv-ls by
nianbao.annotations.server when missing, started on a free port of 127.0.0.1 with its data in
a temp folder, stopped by process-group id at the end of the session (also after failures)."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def label_studio(tmp_path_factory):
    from nianbao.annotations import server

    t0 = time.monotonic()
    server.install()
    installed = time.monotonic()
    base = tmp_path_factory.mktemp("label-studio")
    files = base / "files"
    files.mkdir()
    srv = server.start(base / "data", files_root=files)
    started = time.monotonic()
    print(f"\nlabel-studio: install/check {installed - t0:.0f} s, start {started - installed:.0f} s "
          f"({srv.url}, pid {srv.pid})", file=sys.stderr)
    try:
        yield {"server": srv, "files_root": files, "url": srv.url, "token": srv.token}
    finally:
        server.stop(srv.pid)


def span(task, text: str) -> dict:
    """The box a person would draw around `text` on the page, in percent."""
    toks = "".join(task.data["tokens"])
    at = toks.index(text)
    boxes = task.data["bboxes"][at:at + len(text)]
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    return {"x": x0 / 10 - 0.1, "y": y0 / 10 - 0.1, "width": (x1 - x0) / 10 + 0.2, "height": (y1 - y0) / 10 + 0.2,
            "rotation": 0}


def annotate_like_a_person(client, task, corrections: dict, add_col: bool):
    """Start from the prediction, as the UI does; change transcriptions; maybe draw a column box."""
    pred = task.predictions[0]
    result = [dict(r) for r in (pred["result"] if isinstance(pred, dict) else pred.result)]
    labelled = {r["id"]: r["value"]["rectanglelabels"][0] for r in result if r["from_name"] == "label"}
    for r in result:
        lab = labelled.get(r["id"], "")
        if r["from_name"] == "transcription" and lab.startswith("VAL:") and lab[4:] in corrections:
            r["value"] = {**r["value"], "text": [str(corrections[lab[4:]])]}
        r.pop("score", None)
    if add_col:  # the annotator deletes any proposed 自然人 column box and draws one around 自然人
        gone = {i for i, lab in labelled.items() if lab == "COL:requests.natural_person"}
        result = [r for r in result if r["id"] not in gone]
        box = span(task, "自然人")
        common = {"id": "col1", "to_name": "image", "original_width": result[0]["original_width"],
                  "original_height": result[0]["original_height"], "image_rotation": 0}
        result += [{**common, "from_name": "label", "type": "rectanglelabels",
                    "value": {**box, "rectanglelabels": ["COL:requests.natural_person"]}},
                   {**common, "from_name": "transcription", "type": "textarea",
                    "value": {**box, "text": ["自然人"]}}]
    return client.annotations.create(id=task.id, result=result, was_cancelled=False, ground_truth=False,
                                     lead_time=42.0)
