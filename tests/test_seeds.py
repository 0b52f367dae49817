"""The real reports in ../shared/seeds: every field, the format, the metrics and exactly the
source inconsistencies their gold files list."""
import json
import re

from nianbao import schema
from nianbao.output import to_dict
from nianbao.pipeline import extract


def same(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) < 1e-6
    return a == b


def gold_keys(inconsistency: str, fmt: str) -> set[str]:
    """The cells a gold inconsistency is about: 'requests row R: …' that row's cells,
    'requests column C: …' the column's result cells and its total."""
    m = re.match(r"requests row (\S+): (\w+) .* but total", inconsistency)
    if m:
        return {f"requests.{m.group(1)}.{c}" for c in schema.columns("requests", fmt)}
    m = re.match(r"requests column (\w+):", inconsistency)
    if m:
        return {f"requests.{r}.{m.group(1)}" for r in schema.request_result_rows(fmt)} | \
            {f"requests.result.total.{m.group(1)}"}
    raise AssertionError(f"unparsed gold inconsistency {inconsistency!r}")


def test_every_field_metric_and_format(seeds):
    for path, gold in seeds:
        out = to_dict(extract(path))
        assert out["errors"] == []
        assert out["format"] == gold["format"]
        assert out["year"] == gold["year"] and out["agency"] == gold["agency"]
        assert set(out["fields"]) == set(schema.field_keys(gold["format"]))
        wrong = {k: (v, out["fields"][k]["value"]) for k, v in gold["fields"].items()
                 if not same(out["fields"][k]["value"], v)}
        assert wrong == {}, path.name
        for mid, v in gold["metrics"].items():
            assert same(out["metrics"][mid]["value"], v), (path.name, mid)
            assert out["metrics"][mid]["evidence"]
        json.dumps(out, ensure_ascii=False)


def test_exactly_the_listed_inconsistencies_are_flagged(seeds):
    for path, gold in seeds:
        doc = extract(path)
        listed = gold.get("source_inconsistencies", [])
        assert len(doc.flags) == len(listed), (path.name, [f.message for f in doc.flags])
        for inc in listed:
            keys = gold_keys(inc, gold["format"])
            # a flag names cells of the row or column the inconsistency is in: the ones that can
            # be wrong, not every cell it sums
            assert any(f.keys and set(f.keys) <= keys and len(f.keys) < len(keys) for f in doc.flags), \
                (path.name, inc, [f.keys for f in doc.flags])


def test_seed_000_duplicate_total_suggestion(seeds):
    path = next(p for p, _ in seeds if p.name.startswith("000_"))
    doc = extract(path)
    key = "requests.result.not_processed.duplicate.total"
    assert doc.value(key) == 0  # printed value kept
    suggested = [f.suggested for f in doc.flags if f.suggested]
    assert suggested and all(s == {key: 1} for s in suggested)
    assert all(f.keys == [key] for f in doc.flags)  # the row and the column point at this cell


def test_evidence_points_at_the_printed_line(seeds):
    for path, gold in seeds:
        doc = extract(path)
        lines = path.read_text(encoding="utf-8").split("\n")
        for key, cell in doc.fields.items():
            if cell.text and not cell.blank:
                assert cell.text.split()[0].lstrip("+") in lines[cell.line - 1].replace(" ", "") \
                    or cell.text in lines[cell.line - 1], (path.name, key)
