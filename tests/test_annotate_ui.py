"""The annotator's view on the real Label Studio server, in headless Chromium (nianbao.eval.cdp,
Chrome DevTools protocol over a pipe): a pushed task shows Chinese label names, the value
editor beside the image with a box selected (no scrolling), no single-key label hotkeys, and
the extracted tables; fixing a misread value takes 5 actions and no scroll, and reaches the
gold through pull. Screenshots go to tmp (and, with NIANBAO_DOC_SHOTS=DIR, small copies to DIR:
the ones in docs/annotate/ were made so)."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from nianbao.cli import main
from nianbao.eval import annotate_ui as U
from nianbao.eval.cdp import chromium_path
from pdfgen import render_report
from reportgen import make_values

pytestmark = pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed "
                                "(Debian package 'chromium', listed in scripts/apt-packages.txt)")
PROJECT = "nianbao ui test"
KEY = "requests.new_received.total"
WIDTH, HEIGHT = 1600, 1000


@pytest.fixture(scope="module")
def pushed(label_studio, tmp_path_factory):
    d = tmp_path_factory.mktemp("ui")
    values = make_values("2021", seed=21)
    pdf = render_report(d / "ui0.pdf", "2021", values, agency="界面测试县人民政府办公室")
    ls = label_studio
    assert main(["annotate", "push", str(pdf), "--url", ls["url"], "--api-key", ls["token"], "--project", PROJECT,
                 "--files-root", str(ls["files_root"])]) == 0
    from nianbao.annotations.client import connect, require_project
    client = connect(ls["url"], ls["token"])
    p = require_project(client, PROJECT)
    tasks = list(client.tasks.list(project=p.id, fields="all"))
    task = next(t for t in tasks if f"VAL:{KEY}" in json.dumps(t.predictions[0]["result"] if isinstance(
        t.predictions[0], dict) else t.predictions[0].result))
    return {**ls, "client": client, "project": p, "task": task, "values": values, "tmp": d}


def _shot(b, name: str, tmp: Path) -> Path:
    path = b.screenshot(tmp / f"{name}.png")
    dest = os.environ.get("NIANBAO_DOC_SHOTS")
    if dest:  # small copies for docs/annotate.md
        from PIL import Image
        Path(dest).mkdir(parents=True, exist_ok=True)
        with Image.open(path) as im:
            im = im.convert("RGB").resize((im.width * 3 // 4, im.height * 3 // 4))
            im.quantize(colors=96).save(Path(dest) / f"{name}.png", optimize=True)
    return path


def test_the_annotators_view_and_fixing_one_value(pushed):
    ls, task = pushed, pushed["task"]
    with U.Browser(WIDTH, HEIGHT) as b:
        U.login(b, ls["url"], ls["server"].username, ls["server"].password)
        assert U.open_task(b, ls["url"], pushed["project"].id, task.id) > 100
        _shot(b, "1-task", pushed["tmp"])
        regs = U.regions(b)
        target = next(r for r in regs if r["role"] == f"VAL:{KEY}")
        assert target["name"] == "三 一、本年新收申请数量 · 总计" and target["text"] == str(pushed["values"][KEY])

        # Chinese label names on screen (label list and region list), filterable in Chinese
        names = U.visible_texts(b, ".lsf-label__text, [class*=label__text]")
        assert sum(bool(U.HAN.search(n)) for n in names) >= 10, names
        assert not any(n.startswith(("VAL:", "ROW:", "COL:", "MET:")) for n in names)

        # a box selected: the value editor and its blank-cell choice are in view, no scrolling
        U.select_region(b, target)
        editor = U.in_view(b, "[data-testid=htx-textbox-view]")
        assert editor and editor["x"] < WIDTH, "value editor not in view"
        assert U.in_view(b, "input[name='空白（此格未印数字）']") or "空白" in b.js("document.body.innerText")
        assert b.js("[scrollX, scrollY]") == [0, 0]
        _shot(b, "2-selected", pushed["tmp"])

        # stray key presses with a box selected relabel nothing (Label Studio gave the first 33
        # labels the keys 1…0, q, w, … before)
        for ch in "1qw":
            U.press(b, ch)
        assert U.selected(b)["role"] == f"VAL:{KEY}"
        assert not b.js("Htx.annotationStore.names.get('label').tiedChildren.some(l => /^[0-9a-z]$/.test(l.hotkey || ''))")

        # the extracted tables beside the page, with the same names and values
        table = U.table_text(b)
        assert "三、收到和处理政府信息公开申请情况" in table and "自然人" in table
        assert str(pushed["values"][KEY]) in table

        # fix one misread value: 5 actions, no scroll
        fixed = pushed["values"][KEY] + 3
        cost = U.fix_value(b, target, str(fixed))
        assert len(cost.actions) == 5 and cost.scrolls == 0, cost
        _shot(b, "3-fixed", pushed["tmp"])

        # the keyboard: Alt+. selects the next box
        before = U.selected(b)["id"]
        assert U.next_region(b)["id"] != before
        U.submit(b)

    out = pushed["tmp"] / "pulled"
    assert main(["annotate", "pull", "--url", ls["url"], "--api-key", ls["token"], "--project", PROJECT,
                 "-o", str(out)]) == 0
    # the one page corrected is enough for the dataset; the gold needs every page annotated
    from datasets import load_from_disk
    ds = load_from_disk(str(out / "tokens"))
    assert len(ds["train"]) == 1
    store = [json.loads(x) for x in (out / "annotations.jsonl").read_text().splitlines()]
    texts = {r["id"]: r["value"]["text"][0] for r in store[0]["result"] if r["from_name"] == "transcription"}
    roles = {r["id"]: r["value"]["rectanglelabels"][0] for r in store[0]["result"] if r["from_name"] == "label"}
    assert {roles[i]: t for i, t in texts.items()}[f"VAL:{KEY}"] == str(fixed)
    assert all(re.fullmatch(r"(VAL|ROW|COL|MET):.+", r) for r in roles.values())  # stored as roles, not names
