"""The annotator's view of a pushed task, driven in headless Chromium (eval/cdp.py) on a real
Label Studio server: what a person sees without scrolling, and what fixing one wrong value
costs (seconds and actions). Used by tests/test_annotate_ui.py and `python -m
nianbao.eval.annotate_ui` (the benchmark).

Every action goes through the page as a person's would: mouse clicks at screen positions,
key presses, typed text. The editor's own store (`window.Htx`) is read only to find where a
box is drawn and to check what an action did.
"""
from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field

from .cdp import Browser, CDPError

HAN = re.compile(r"[\u4e00-\u9fff]")
ALT = 1


@dataclass
class FixCost:
    seconds: float = 0.0
    actions: list[str] = field(default_factory=list)
    scrolls: int = 0


def login(b: Browser, url: str, email: str, password: str) -> None:
    b.goto(f"{url}/user/login")
    b.js(f"""(() => {{
      document.querySelector('input[name=email]').value = {json.dumps(email)};
      document.querySelector('input[name=password]').value = {json.dumps(password)};
      document.querySelector('form').submit(); }})()""")
    b.wait("location.pathname !== '/user/login' && document.readyState === 'complete'", 60)
    # the editor's own setting "Show region labels", as an annotator turns it on once
    b.js("localStorage.setItem('labelStudio:settings', JSON.stringify({showLabels: true}))")


def open_task(b: Browser, url: str, project_id: int, task_id: int, timeout: float = 120) -> int:
    """Open a task in the labelling view; the number of regions it shows."""
    b.goto(f"{url}/projects/{project_id}/data?task={task_id}")
    n = b.wait("""(() => { try { const a = Htx.annotationStore.selected;
        return a && document.querySelector('.konvajs-content') && a.regionStore.regions.length; }
        catch (e) { return 0; } })()""", timeout)
    time.sleep(1.0)  # the image and the table iframe settle
    return int(n)


def regions(b: Browser) -> list[dict]:
    """Every region: role (stored label), text, and its box centre on the screen."""
    return b.js("""(() => {
      const st = document.querySelector('.konvajs-content').getBoundingClientRect();
      return Htx.annotationStore.selected.regionStore.regions.map(r => {
        const bb = r.bboxCoordsCanvas;
        return {id: r.id, role: r.labeling ? r.labeling.mainValue[0] : null,
                name: r.labeling ? r.labeling.selectedLabels.map(l => l.value).join(',') : null,
                text: r.texting ? (r.texting.mainValue || []).join('') : null,
                x: st.left + (bb.left + bb.right) / 2, y: st.top + (bb.top + bb.bottom) / 2};
      }); })()""")


def selected(b: Browser) -> dict | None:
    return b.js("""(() => { const r = Htx.annotationStore.selected.highlightedNode; if (!r) return null;
      return {id: r.id, role: r.labeling ? r.labeling.mainValue[0] : null,
              text: r.texting ? (r.texting.mainValue || []).join('') : null}; })()""")


def in_view(b: Browser, selector: str) -> dict | None:
    """The element's box when it is shown and wholly inside the window (no scrolling needed)."""
    return b.js(f"""(() => {{ const e = [...document.querySelectorAll({json.dumps(selector)})]
        .find(e => e.getBoundingClientRect().width > 0);
      if (!e) return null; const r = e.getBoundingClientRect();
      const inside = r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
      return inside ? {{x: r.x, y: r.y, width: r.width, height: r.height}} : null; }})()""")


def visible_texts(b: Browser, selector: str) -> list[str]:
    """Texts of the matching elements that are inside the window."""
    return b.js(f"""[...document.querySelectorAll({json.dumps(selector)})].filter(e => {{
        const r = e.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && r.top >= 0 && r.bottom <= innerHeight && r.right <= innerWidth; }})
      .map(e => e.innerText.trim())""")


def table_text(b: Browser) -> str:
    """The extracted-table panel's text (a HyperText iframe)."""
    return b.js("""(() => { const f = document.querySelector('iframe.lsf-htx-richtext');
      return f && f.contentDocument && f.contentDocument.body ? f.contentDocument.body.innerText : ''; })()""") or ""


def select_region(b: Browser, region: dict) -> None:
    b.click(region["x"], region["y"])
    b.wait(f"(() => {{ const r = Htx.annotationStore.selected.highlightedNode; return r && r.id === {json.dumps(region['id'])}; }})()", 10)


def fix_value(b: Browser, region: dict, text: str) -> FixCost:
    """Fix one value as a person does: click its box, click ✎ beside its text (the editor is
    beside the image), select the old text, type the new one, Enter."""
    cost = FixCost()
    scroll0 = b.js("[scrollX, scrollY]")
    t0 = time.perf_counter()
    select_region(b, region)
    cost.actions.append("click the box")
    edit = b.wait("""(() => { const e = [...document.querySelectorAll('[data-testid=htx-textbox-edit-button]')]
        .find(e => e.getBoundingClientRect().width > 0); if (!e) return null; const r = e.getBoundingClientRect();
        return {x: r.x + r.width / 2, y: r.y + r.height / 2, bottom: r.bottom}; })()""", 10)
    if edit["bottom"] > b.height:
        cost.scrolls += 1
    b.click(edit["x"], edit["y"])
    cost.actions.append("click ✎")
    b.wait("document.activeElement && document.activeElement.dataset.testid === 'htx-textbox-input'", 10)
    b.key("a", "KeyA", 65, modifiers=2)  # Ctrl+A: the old text
    cost.actions.append("Ctrl+A")
    b.type_text(text)
    cost.actions.append(f"type {text}")
    b.key("Enter", "Enter", 13)
    cost.actions.append("Enter")
    b.wait(f"(() => {{ const r = Htx.annotationStore.selected.regionStore.regions.find(r => r.id === {json.dumps(region['id'])});"
           f" return r && r.texting && r.texting.mainValue.join('') === {json.dumps(text)}; }})()", 10)
    cost.seconds = time.perf_counter() - t0
    if b.js("[scrollX, scrollY]") != scroll0:
        cost.scrolls += 1
    return cost


def next_region(b: Browser) -> dict | None:
    """Alt+. : Label Studio's "select the next region"."""
    b.key(".", "Period", 190, modifiers=ALT)
    time.sleep(0.3)
    return selected(b)


def press(b: Browser, ch: str) -> None:
    """A stray key press with a box selected (what relabelled boxes before)."""
    b.key(ch, f"Key{ch.upper()}" if ch.isalpha() else f"Digit{ch}", ord(ch.upper()), text=ch)
    time.sleep(0.2)


def submit(b: Browser) -> None:
    btn = b.wait("""(() => { const e = [...document.querySelectorAll('button')].find(e => /^(Submit|Update)$/.test(e.innerText.trim()));
        if (!e) return null; const r = e.getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()""", 10)
    b.click(btn["x"], btn["y"])
    b.wait("""[...document.querySelectorAll('button')].some(e => e.innerText.trim() === 'Update')""", 30)


__all__ = ["Browser", "CDPError", "FixCost", "login", "open_task", "regions", "selected", "in_view",
           "visible_texts", "table_text", "select_region", "fix_value", "next_region", "press", "submit"]


def bench(url: str, token: str, email: str, password: str, pdf: str, project: str, n: int = 10,
          out_dir: str | None = None) -> dict:
    """Push `pdf`, fix `n` values of its first table page in the browser, submit, pull; the
    cost of each fix and whether the pulled gold holds every fix."""
    import statistics
    import tempfile
    from pathlib import Path

    from nianbao.annotations.client import connect, require_project
    from nianbao.cli import main
    conn = ["--url", url, "--api-key", token, "--project", project]
    t0 = time.perf_counter()
    if main(["annotate", "push", pdf, *conn, "--upload"]) not in (0,):
        raise CDPError("push failed")
    push_s = time.perf_counter() - t0
    client = connect(url, token)
    p = require_project(client, project)
    tasks = sorted(client.tasks.list(project=p.id, fields="all"), key=lambda t: t.id)
    task = next(t for t in tasks if "VAL:requests." in json.dumps(
        t.predictions[0]["result"] if isinstance(t.predictions[0], dict) else t.predictions[0].result))
    costs, fixed = [], {}
    with Browser(1600, 1000) as b:
        login(b, url, email, password)
        t1 = time.perf_counter()
        open_task(b, url, p.id, task.id)
        open_s = time.perf_counter() - t1
        vals = [r for r in regions(b) if (r["role"] or "").startswith("VAL:") and (r["text"] or "").isdigit()]
        for r in vals[:: max(1, len(vals) // n)][:n]:
            new = str(int(r["text"]) + 1)
            costs.append(fix_value(b, r, new))
            fixed[r["role"][4:]] = int(new)
        submit(b)
    with tempfile.TemporaryDirectory() as tmp:
        pulled = Path(out_dir or tmp) / "pulled"
        main(["annotate", "pull", *conn, "-o", str(pulled)])
        store = [json.loads(x) for x in (pulled / "annotations.jsonl").read_text(encoding="utf-8").splitlines()]
    res = next(r for r in store if r["task_id"] == task.id)["result"]
    roles = {r["id"]: r["value"]["rectanglelabels"][0][4:] for r in res if r["from_name"] == "label"}
    texts = {roles.get(r["id"]): r["value"]["text"][0] for r in res if r["from_name"] == "transcription"}
    return {"push_seconds": round(push_s, 1), "open_task_seconds": round(open_s, 1), "fixes": len(costs),
            "seconds_per_fix_median": round(statistics.median(c.seconds for c in costs), 2),
            "actions_per_fix": sorted({len(c.actions) for c in costs}), "actions": costs[0].actions if costs else [],
            "scrolls": sum(c.scrolls for c in costs),
            "fixes_pulled": sum(texts.get(k) == str(v) for k, v in fixed.items())}


def main(argv=None) -> int:
    """`python -m nianbao.eval.annotate_ui REPORT.pdf` (a local server is started in a temp dir
    unless --url is given)."""
    import argparse
    import tempfile

    from nianbao.annotations import server
    p = argparse.ArgumentParser(prog="python -m nianbao.eval.annotate_ui",
                                description="seconds and actions to fix values in the Label Studio page")
    p.add_argument("pdf")
    p.add_argument("--n", type=int, default=10, help="values to fix")
    p.add_argument("--url")
    p.add_argument("--token", default=server.DEFAULT_TOKEN)
    p.add_argument("--email", default=server.DEFAULT_USER)
    p.add_argument("--password", default=server.DEFAULT_PASSWORD)
    p.add_argument("--project", default=f"nianbao ui bench {int(time.time())}")
    a = p.parse_args(argv)
    srv = None
    with tempfile.TemporaryDirectory() as tmp:
        try:
            if not a.url:
                server.install()
                srv = server.start(f"{tmp}/ls")
                a.url, a.token = srv.url, srv.token
            print(json.dumps(bench(a.url, a.token, a.email, a.password, a.pdf, a.project, a.n), ensure_ascii=False,
                             indent=1))
        finally:
            if srv:
                server.stop(srv.pid)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
