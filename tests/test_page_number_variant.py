"""Page furniture a reader must tag O (issue 28): the real 洪泽 PDF prints its page numbers the
公文 way (GB/T 9704) — `-3-` at the outer foot corner, right under its table's values column on
page 3 — and a model fine-tuned on synthetic pages, whose numbers were all centred, tagged that
`-3-` a value. `nianbao synth --variants` now prints some documents' numbers at the outer corner
(odd pages right, even pages left), labelled O in the token pages."""
import json
import random
import re

from nianbao.training.synth import printed
from nianbao.training.synth.content import generate as make_content
from nianbao.training.synth.generate import make, plan


def _chosen(tasks):
    for t in tasks:
        c = make_content(t.doc_id, t.seed, t.fmt, t.error_rate)
        p = printed.choose(random.Random(f"{t.seed}:{t.doc_id}:printed"), c)
        if p.page_number:
            yield t, p


def test_some_variant_documents_print_page_numbers_at_the_outer_corner_tagged_O(tmp_path):
    tasks = plan(12, seed=24, out=str(tmp_path), kinds=("pdf",), variants=True)
    chosen = list(_chosen(tasks))
    assert 0 < len(chosen) < len(tasks)  # a habit of some documents, not of all
    task, p = chosen[0]
    make(task)
    pages = [json.loads(line) for line in (tmp_path / "docs" / task.doc_id / "tokens.jsonl").open(encoding="utf-8")]
    sides = {}
    for e in pages:
        # the page number: the lowest line of the page (boxes are 0–1000, y downwards)
        low = max(b[1] for b in e["bboxes"])
        foot = [(t, b, r) for t, b, r in zip(e["tokens"], e["bboxes"], e["roles"]) if b[1] >= low - 5]
        text = "".join(t for t, _, _ in foot)
        if not re.fullmatch(r"[-—]\d+[-—]|第\d+页", text):
            continue  # an unnumbered title page (its lowest line is the date)
        assert {r for _, _, r in foot} == {"O"}, foot
        centre = sum((b[0] + b[2]) / 2 for _, b, _ in foot) / len(foot)
        sides[e["page"]] = "right" if centre > 600 else "left" if centre < 400 else "centre"
    assert set(sides.values()) == {"left", "right"}, sides

