"""The correction loop against a real Label Studio server (tests/ls_fixtures.py): push two
generated reports with predictions, correct one page through the API as a person would, pull,
and find the correction in the token dataset and in the gold JSON; pull again without losing
it; run `nianbao eval` on the pulled gold. Both kinds of API key are used."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from nianbao.cli import main
from nianbao.pipeline import extract
from pdfgen import render_report
from reportgen import make_values
from ls_fixtures import annotate_like_a_person as _annotate

PROJECT = "nianbao loop test"
KEY = "requests.new_received.total"


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    d = tmp_path_factory.mktemp("reports")
    out = {}
    for i in range(2):
        values = make_values("2021", seed=10 + i)
        path = render_report(d / f"loop{i}.pdf", "2021", values, agency=f"测试{i}县人民政府办公室")
        out[path.stem] = (path, values)
    return out


@pytest.fixture(scope="module")
def pat(label_studio):
    """A personal access token (JWT refresh token) of the server's user, made with the legacy one."""
    from label_studio_sdk import LabelStudio
    legacy = LabelStudio(base_url=label_studio["url"], api_key=label_studio["token"])
    token = legacy.tokens.create().token
    assert token.count(".") == 2 and token != label_studio["token"]
    return token


def _conn(ls, key=None):
    return ["--url", ls["url"], "--api-key", key or ls["token"], "--project", PROJECT]


@pytest.fixture(scope="module")
def pushed(label_studio, reports):
    ls = label_studio
    # the first report's pages through local-files storage, the second's uploaded
    assert main(["annotate", "push", str(reports["loop0"][0]), *_conn(ls), "--files-root", str(ls["files_root"])]) == 0
    assert main(["annotate", "push", str(reports["loop1"][0]), *_conn(ls), "--upload"]) == 0
    return ls


def _client(ls, key):
    from nianbao.annotations.client import connect
    return connect(ls["url"], key)


def _tasks(client):
    from nianbao.annotations.client import require_project
    p = require_project(client, PROJECT)
    return p, list(client.tasks.list(project=p.id, fields="all"))


def test_push_creates_page_tasks_with_predictions_and_page_images(pushed, reports):
    import httpx
    client = _client(pushed, pushed["token"])
    project, tasks = _tasks(client)
    assert "<RectangleLabels" in project.label_config and "VAL:requests.new_received.total" in project.label_config
    by_doc = {}
    for t in tasks:
        by_doc.setdefault(t.data["doc_id"], []).append(t)
    assert set(by_doc) == set(reports)
    for doc_id, ts in by_doc.items():
        assert sorted(t.data["page"] for t in ts) == list(range(1, ts[0].data["pages"] + 1))
    t1 = next(t for t in by_doc["loop0"] if t.data["page"] == 1)
    (pred,) = t1.predictions
    pred = pred if isinstance(pred, dict) else pred.dict()
    # push reads as `nianbao extract` does: the token model on PDFs, named in the predictions
    assert pred["model_version"] == (extract(reports["loop0"][0]).model or "nianbao-rules-")
    regs = {r["id"]: r for r in pred["result"] if r["from_name"] == "transcription"}
    labelled = {r["value"]["rectanglelabels"][0]: regs[r["id"]]["value"]["text"][0]
                for r in pred["result"] if r["from_name"] == "label"}
    assert labelled[f"VAL:{KEY}"] == str(reports["loop0"][1][KEY])
    assert t1.data["image"].startswith("/data/local-files/?d=")
    assert all(t.data["image"].startswith("/data/upload/") for t in by_doc["loop1"])
    for t in (t1, by_doc["loop1"][0]):
        img = httpx.get(pushed["url"] + t.data["image"], headers={"Authorization": f"Token {pushed['token']}"})
        assert img.status_code == 200 and img.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_push_again_reuses_the_project_and_adds_nothing(pushed, reports, capsys):
    rc = main(["annotate", "push", *[str(p) for p, _ in reports.values()], *_conn(pushed),
               "--files-root", str(pushed["files_root"])])
    assert rc == 0
    assert "0 page task(s) added, 2 document(s) already there" in capsys.readouterr().out


def test_clear_errors_for_wrong_url_bad_token_missing_project(pushed, tmp_path, capsys):
    cases = [
        (["--url", "http://127.0.0.1:9", "--api-key", pushed["token"]], "cannot reach Label Studio"),
        (["--url", pushed["url"], "--api-key", "not-a-token-at-all"], "refused the API key"),
        (["--url", pushed["url"] + "/nowhere", "--api-key", pushed["token"]], "does not look like Label Studio"),
    ]
    for conn, want in cases:
        assert main(["annotate", "status", *conn, "--project", PROJECT]) == 2
        err = capsys.readouterr().err.strip()
        assert want in err and "\n" not in err, err
    assert main(["annotate", "pull", "--url", pushed["url"], "--api-key", pushed["token"],
                 "--project", "no such project", "-o", str(tmp_path)]) == 2
    assert "no Label Studio project titled 'no such project'" in capsys.readouterr().err


def test_corrections_reach_dataset_and_gold_and_survive_repull(pushed, pat, reports, tmp_path):
    from datasets import load_from_disk
    client = _client(pushed, pat)  # the annotator works with a personal access token
    me = client.users.whoami()
    _, tasks = _tasks(client)
    printed = reports["loop0"][1][KEY]
    fixed = printed + 7
    loop0 = sorted((t for t in tasks if t.data["doc_id"] == "loop0"), key=lambda t: t.data["page"])
    page_of_key = next(t for t in loop0 if f"VAL:{KEY}" in json.dumps(t.predictions[0]["result"]
                                                                       if isinstance(t.predictions[0], dict)
                                                                       else t.predictions[0].result))
    anns = {}
    for t in loop0:
        is_it = t.id == page_of_key.id
        anns[t.id] = _annotate(client, t, {KEY: fixed} if is_it else {}, add_col=is_it)

    out = tmp_path / "pulled"
    assert main(["annotate", "pull", *_conn(pushed, pat), "-o", str(out)]) == 0

    gold = json.loads((out / "gold" / "loop0.gold.json").read_text(encoding="utf-8"))
    assert gold["fields"][KEY] == fixed  # the correction, not the prediction
    others = {k: v for k, v in reports["loop0"][1].items() if k != KEY}
    assert {k: gold["fields"][k] for k in others} == others
    assert gold["annotation"]["annotators"] == [me.email]
    assert gold["annotation"]["corrected"] == {f"VAL:{KEY}": {"predicted": printed, "annotated": fixed}}
    assert gold["source_inconsistencies"]  # 7 more new requests breaks the balance identity
    assert not (out / "gold" / "loop1.gold.json").exists()  # not annotated: no gold

    store = [json.loads(x) for x in (out / "annotations.jsonl").read_text().splitlines()]
    assert {r["annotation_id"] for r in store} == {a.id for a in anns.values()}
    assert all(r["annotator"] == me.email and r["updated_at"] and r["lead_time"] == 42.0 for r in store)

    ds = load_from_disk(str(out / "tokens"))
    pages = {(e["doc_id"], e["page"]): e for e in ds["train"]}
    assert set(pages) == {("loop0", t.data["page"]) for t in loop0}
    ex = pages[("loop0", page_of_key.data["page"])]
    text = "".join(ex["tokens"])
    at = text.index("自然人")
    assert ex["roles"][at:at + 3] == ["COL:requests.natural_person"] * 3  # the drawn box
    at = text.index("本年新收")
    assert ex["roles"][at:at + 4] == ["ROW:requests.new_received"] * 4  # a proposed box, kept
    assert ex["roles"].count(f"VAL:{KEY}") == len(str(printed))  # the value's characters
    at = text.index("本报告统计数据")
    assert set(ex["roles"][at:at + 7]) == {"O"}  # prose outside every box

    # re-pull: nothing new; then the correction is deleted on the server and pulled again
    before = (out / "annotations.jsonl").read_text()
    assert main(["annotate", "pull", *_conn(pushed), "-o", str(out)]) == 0
    assert (out / "annotations.jsonl").read_text() == before
    client.annotations.delete(anns[page_of_key.id].id)
    assert main(["annotate", "pull", *_conn(pushed), "-o", str(out)]) == 0
    gold = json.loads((out / "gold" / "loop0.gold.json").read_text(encoding="utf-8"))
    assert gold["fields"][KEY] == fixed

    # a later correction of the same page wins over the stored one
    _annotate(client, page_of_key, {KEY: printed}, add_col=False)
    assert main(["annotate", "pull", *_conn(pushed, pat), "-o", str(out)]) == 0
    gold = json.loads((out / "gold" / "loop0.gold.json").read_text(encoding="utf-8"))
    assert gold["fields"][KEY] == printed and gold["annotation"]["corrected"] == {}

    # `nianbao eval` runs on the pulled gold, with the inputs the pull copied beside it
    rc = main(["eval", "--gold", str(out / "gold"), "--inputs", str(out / "inputs"), "-o", str(tmp_path / "ev"),
               "-q", "--no-html", "--no-warmup"])
    assert rc == 0
    s = json.loads((tmp_path / "ev" / "summary.json").read_text())
    (cells,) = [v["cells"]["overall"] for v in s["variants"].values()]  # the default variant
    assert cells["total"] == 200 and cells["correct"] == 200
