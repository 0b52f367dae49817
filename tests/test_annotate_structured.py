"""HTML and Word reports through the correction loop on a real Label Studio server
(tests/ls_fixtures.py): a folder holding a generated web page (trailing blank cells left out,
merged header cells), a generated .docx and a text file is pushed (the text file is recorded,
not pushed), then the real ../shared/real/shanghai_office_2019.html (blank zero cells, a blank
总计 column) with uploaded page images. Every value box must hold the characters of the cell
the value was read from; one value per document is corrected through the API as a person
would, pulled, and found in the gold JSON and the token dataset."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from nianbao import schema
from nianbao.annotations.cdp import chromium_path
from nianbao.annotations.convert import parse_value
from nianbao.cli import main
from nianbao.pipeline import extract
from ls_fixtures import annotate_like_a_person as _annotate
from readers_fixtures import content, docx_file, html_page, wrong_cells

pytestmark = pytest.mark.skipif(chromium_path() is None, reason="no chromium (Debian package chromium)")

PROJECT = "nianbao structured test"
REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real" / "shanghai_office_2019.html"
# what the annotator changes: a value (printed + 7), or the first blank cell met (types 5)
FIX = {"web": ("requests.new_received.total", None), "word": (None, "5"),
       "shanghai_office_2019": ("requests.new_received.natural_person", None)}


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    d = tmp_path_factory.mktemp("reports")
    web = content("ann-editor-2021-1", "2021", seed=1)
    (d / "web.html").write_bytes(html_page(web, "editor"))  # its rows' trailing blank cells left out
    word = content("ann-word-2019", "2019", seed=3)
    docx_file(word, d / "word.docx", "word_blank")
    (d / "notes.txt").write_text("not a report to push", encoding="utf-8")
    if not REAL.is_file():
        pytest.skip(f"no {REAL}")
    return {"folder": d, "web": (d / "web.html", web.gold()), "word": (d / "word.docx", word.gold()),
            "shanghai_office_2019": (REAL, json.loads(REAL.with_name(REAL.stem + ".gold.json").read_text("utf-8")))}


def _conn(ls):
    return ["--url", ls["url"], "--api-key", ls["token"], "--project", PROJECT]


def _client(ls):
    from nianbao.annotations.client import connect
    return connect(ls["url"], ls["token"])


def _tasks(ls) -> dict[str, list]:
    from nianbao.annotations.client import require_project
    client = _client(ls)
    p = require_project(client, PROJECT)
    by_doc: dict[str, list] = {}
    for t in client.tasks.list(project=p.id, fields="all"):
        by_doc.setdefault(t.data["doc_id"], []).append(t)
    return {k: sorted(v, key=lambda t: t.data["page"]) for k, v in by_doc.items()}


def _result(task) -> list[dict]:
    pred = task.predictions[0]
    return pred["result"] if isinstance(pred, dict) else pred.result


def _regions(task) -> list[tuple[str, tuple, str]]:
    """(label, box in 0–1000 of the page, text) of the task's predicted regions."""
    by: dict[str, dict] = {}
    for r in _result(task):
        g = by.setdefault(r["id"], {})
        v = r["value"]
        g["box"] = (v["x"] * 10, v["y"] * 10, (v["x"] + v["width"]) * 10, (v["y"] + v["height"]) * 10)
        if r["from_name"] == "label":
            g["label"] = v["rectanglelabels"][0]
        elif r["from_name"] == "transcription":
            g["text"] = v["text"][0]
    return [(g["label"], g["box"], g.get("text", "")) for g in by.values()]


def _inside(task, box) -> str:
    """The page's characters whose centre is inside `box`."""
    return "".join(ch for ch, b in zip(task.data["tokens"], task.data["bboxes"])
                   if box[0] <= (b[0] + b[2]) / 2 <= box[2] and box[1] <= (b[1] + b[3]) / 2 <= box[3])


@pytest.fixture(scope="module")
def pushed_all(label_studio, reports):
    ls = label_studio
    import contextlib
    import io
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        rc = main(["annotate", "push", str(reports["folder"]), *_conn(ls), "--files-root", str(ls["files_root"])])
    assert rc == 4, err.getvalue()  # all pushed, a file passed over (as extract's exit status 4)
    assert main(["annotate", "push", str(REAL), *_conn(ls), "--upload"]) == 0
    return ls, err.getvalue()


def test_a_folder_of_html_and_word_becomes_page_tasks(pushed_all, reports):
    import httpx
    ls, err = pushed_all
    assert "not pushed" in err and "notes.txt" in err and "a text input has no pages" in err
    tasks = _tasks(ls)
    assert set(tasks) == {"web", "word", "shanghai_office_2019"}
    for doc_id, kind in (("web", "html"), ("word", "docx"), ("shanghai_office_2019", "html")):
        ts = tasks[doc_id]
        assert [t.data["page"] for t in ts] == list(range(1, len(ts) + 1)) and len(ts) == ts[0].data["pages"] >= 2
        assert all(t.data["kind"] == kind for t in ts)
        assert any(t.data["tables_html"].count("<table") for t in ts)
    assert tasks["web"][0].data["image"].startswith("/data/local-files/?d=")
    assert tasks["shanghai_office_2019"][0].data["image"].startswith("/data/upload/")
    for t in (tasks["word"][-1], tasks["shanghai_office_2019"][0]):
        img = httpx.get(ls["url"] + t.data["image"], headers={"Authorization": f"Token {ls['token']}"})
        assert img.status_code == 200 and img.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_value_box_sits_on_its_cell(pushed_all, reports):
    """Each value box holds the characters of the cell the value was read from (none for a
    blank cell), so it reads as the gold value wherever the extractor read the cell right;
    every value read from a table cell has a box; rows and columns have label boxes."""
    ls, _ = pushed_all
    tasks = _tasks(ls)
    misreads = {}
    for doc_id in ("web", "word", "shanghai_office_2019"):
        path, gold = reports[doc_id]
        doc = extract(path)
        misread = misreads[doc_id] = {k for k, _, _ in wrong_cells(doc, gold)}
        boxes, right, units, labels = 0, 0, 0, set()
        boxed: set[str] = set()
        for t in tasks[doc_id]:
            for label, box, text in _regions(t):
                kind, key = label.split(":", 1)
                if kind in ("ROW", "COL"):
                    labels.add(label)
                    continue
                if kind != "VAL":
                    continue
                boxes += 1
                boxed.add(key)
                printed = _inside(t, box)
                cell = doc.fields[key]
                assert printed == "".join((cell.text or "").split()), (doc_id, key, printed, cell.text)
                reads = parse_value(printed, "decimal")
                # a number printed in another unit than its column's (251000元 under 万元) is
                # read in the column's unit: its box is right when that reading is
                ok = reads == gold["fields"][key] or (reads != cell.value and cell.value == gold["fields"][key])
                right += ok
                units += reads != cell.value
                assert ok or key in misread, (doc_id, key, printed, gold["fields"][key])
        assert boxed == {k for k, c in doc.fields.items() if c.table_cell is not None}, doc_id
        assert boxes == len(boxed) and right == boxes - len(misread & boxed)
        print(f"{doc_id}: {right}/{boxes} value boxes on a cell printing the gold value ({units} printed in "
              f"another unit); misread by the extractor: {sorted(misread)}")
        want = {f"{kind}:{t}.{name}" for t, r, c in map(schema.parse_key, boxed)
                for kind, name in (("ROW", r), ("COL", c))}
        assert want <= labels, want - labels
    assert misreads == {"web": set(), "word": set(), "shanghai_office_2019": set()}


def test_corrections_reach_gold_and_dataset(pushed_all, reports, tmp_path):
    from datasets import load_from_disk
    ls, _ = pushed_all
    client = _client(ls)
    tasks = _tasks(ls)
    fixed = {}
    for doc_id, (key, text) in FIX.items():
        gold = reports[doc_id][1]
        for t in tasks[doc_id]:
            vals = {lab[4:]: txt for lab, _, txt in _regions(t) if lab.startswith("VAL:")}
            if key is None and text and any(v == "" for v in vals.values()):
                key = next(k for k, v in vals.items() if v == "")  # a blank cell: type a number into it
            if key in vals:
                value = text or str(gold["fields"][key] + 7)
                fixed[doc_id] = (key, parse_value(value, "decimal"), t.data["page"])
                _annotate(client, t, {key: value}, add_col=False)
            else:
                _annotate(client, t, {}, add_col=False)
        assert doc_id in fixed, doc_id
    out = tmp_path / "pulled"
    assert main(["annotate", "pull", *_conn(ls), "-o", str(out)]) == 0
    ds = load_from_disk(str(out / "tokens"))["train"]
    for doc_id, (key, value, page) in fixed.items():
        gold = json.loads((out / "gold" / f"{doc_id}.gold.json").read_text(encoding="utf-8"))
        assert gold["fields"][key] == value, (doc_id, key)
        assert f"VAL:{key}" in gold["annotation"]["corrected"]
        assert gold["format"] == reports[doc_id][1]["format"]
        want = {k: v for k, v in reports[doc_id][1]["fields"].items() if k != key}
        assert {k: gold["fields"][k] for k in want} == want  # every other cell as the report prints it
        (ex,) = [e for e in ds if e["doc_id"] == doc_id and e["page"] == page]
        assert ex["kind"] == ("docx" if doc_id == "word" else "html")
        assert ex["roles"].count(f"VAL:{key}") == len("".join(_printed(doc_id, key, reports)))
        assert any(r.startswith("ROW:") for r in ex["roles"]) and any(r.startswith("COL:") for r in ex["roles"])
    shutil.rmtree(out / "tokens")
    copied = sorted(p.name for p in (out / "inputs").iterdir())
    assert copied == ["shanghai_office_2019.html", "web.html", "word.docx"]


def _printed(doc_id, key, reports) -> str:
    cell = extract(reports[doc_id][0]).fields[key]
    return "".join((cell.text or "").split())
