"""The retraining loop on a real page, end to end, with the tiny configuration: a real report
(../shared/real/pingtan_hzs_2023.html) is pushed to a real Label Studio server, corrected
through the API as a person would (every value box checked against the printed page — here its
gold file — and fixed where it differs; the 自然人 column box redrawn), pulled, and a tiny model
trained on it (with a small synthetic set) is measured against one trained on the synthetic set
alone on a real report neither saw (pingtan_gwh_2021, made into pages by `nianbao real-tokens`
with --holdout). The test asserts the loop runs and the measurement is produced, not that a
one-minute tiny model gets better."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import SHARED
from ls_fixtures import annotate_like_a_person
from nianbao.annotations.cdp import chromium_path
from nianbao.cli import main

pytestmark = pytest.mark.skipif(chromium_path() is None, reason="no chromium (Debian package chromium)")
train_mod = pytest.importorskip("nianbao.training.train")

PROJECT = "nianbao real loop test"
REAL = SHARED / "real"
PUSHED, HELD = REAL / "pingtan_hzs_2023.html", REAL / "pingtan_gwh_2021.html"
ROLE = "COL:requests.natural_person"


def _gold(path):
    return json.loads(path.with_name(path.stem + ".gold.json").read_text(encoding="utf-8"))


def _fixes(task, gold: dict) -> dict:
    """What the person types: the printed value into each value box whose text is not it."""
    from nianbao import schema
    from nianbao.annotations.convert import parse_value, regions
    pred = task.predictions[0]
    regs, _ = regions(pred["result"] if isinstance(pred, dict) else pred.result)
    out = {}
    for r in regs:
        key = r.label[4:] if r.label.startswith("VAL:") else None
        if key is None or gold["fields"].get(key) is None:
            continue
        table, _, col = schema.parse_key(key)
        try:
            shown = 0 if r.blank else parse_value(r.text, schema.col_type(table, gold["format"], col))
        except ValueError:
            shown = None
        if shown != gold["fields"][key]:
            out[key] = gold["fields"][key]
    return out


@pytest.fixture(scope="module")
def pulled(label_studio, tmp_path_factory):
    from nianbao.annotations.client import connect, require_project
    if not PUSHED.is_file() or not HELD.is_file():
        pytest.skip(f"no {REAL}")
    ls = label_studio
    conn = ["--url", ls["url"], "--api-key", ls["token"], "--project", PROJECT]
    assert main(["annotate", "push", str(PUSHED), *conn, "--upload"]) == 0
    client = connect(ls["url"], ls["token"])
    gold = _gold(PUSHED)
    drawn = 0
    for t in client.tasks.list(project=require_project(client, PROJECT).id, fields="all"):
        add = "自然人" in "".join(t.data["tokens"]) and not drawn
        annotate_like_a_person(client, t, _fixes(t, gold), add_col=add)
        drawn += add
    assert drawn == 1, "the report's requests table header (自然人) is on none of its pages"
    out = tmp_path_factory.mktemp("real-loop") / "pulled"
    assert main(["annotate", "pull", *conn, "-o", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth-real-loop")
    subprocess.run([sys.executable, "-m", "nianbao.cli", "synth", "--n", "3", "--out", str(out), "--kinds", "pdf",
                    "--seed", "5", "--no-progress"], check=True, capture_output=True)
    return out


def test_a_real_page_goes_round_the_loop_and_the_new_model_is_measured_on_a_held_out_report(pulled, synth, tmp_path):
    from nianbao.training.train import read_splits
    # pull: the corrected pages' gold is the report's gold, and the drawn column box is a role
    got = json.loads((pulled / "gold" / f"{PUSHED.stem}.gold.json").read_text(encoding="utf-8"))
    want = _gold(PUSHED)
    assert {k: got["fields"].get(k) for k in want["fields"]} == want["fields"]
    pages = read_splits(pulled / "tokens")["train"]
    assert {p["doc_id"] for p in pages} == {PUSHED.stem}
    assert any(ROLE in p["roles"] for p in pages)

    # the held-out real report, as pages with its gold mapped by pull's code; never trained on
    held = tmp_path / "held"
    assert main(["real-tokens", str(HELD), "--out", str(held), "--holdout", HELD.stem]) == 0
    assert "train" not in read_splits(held / "tokens")

    # train: the old model on the synthetic set alone, the new one with the pulled pages ×20
    old, new = tmp_path / "old", tmp_path / "new"
    quiet = dict(config="tiny", seed=0, max_minutes=1.0, log=lambda *a: None)
    train_mod.train([(str(synth), 1.0)], str(old), **quiet)
    train_mod.train([(str(synth), 1.0), (str(pulled), 20.0)], str(new), **quiet)

    # measure both on the held-out report
    from nianbao.eval import token_f1
    report = tmp_path / "measured.json"
    assert token_f1.main(["--data", str(held), "--split", "test", "--model", f"old={old}",
                          "--model", f"new={new}", "-o", str(report)]) == 0
    m = json.loads(report.read_text(encoding="utf-8"))
    for name in ("old", "new"):
        assert m[name]["real:html"]["pages"] == len(read_splits(held / "tokens")["test"]) > 0
        assert 0.0 <= m[name]["real:html"]["f1"] <= 1.0
    # the models differ: the pulled pages changed what was learnt
    assert m["old"]["all"] != m["new"]["all"]
