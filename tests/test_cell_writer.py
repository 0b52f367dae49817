"""One component owns writing a Document's cells (issue 27): nianbao/cell_writer.py.

The text path, the grid, the token model's merge, the printed variants and the settling across
years hand it their readings; nothing else assigns, updates or deletes `doc.fields[...]`. The
first tests read every module's syntax tree (as tests/test_import_graph.py does) and fail on a
module that writes `fields` itself; the others check what the writer records."""
from __future__ import annotations

import ast
from pathlib import Path

from nianbao import cell_writer, pipeline, variants
from nianbao.document import Cell, Document, Source
from test_import_graph import modules

OWNER = "nianbao.cell_writer"
# the synthetic-report generator: its `Content.fields` are the values a report is made to print
# (ints, gold), not a Document's cells
NOT_DOCUMENTS = ("nianbao.training.synth",)
MUTATORS = {"update", "setdefault", "pop", "popitem", "clear", "__setitem__", "__delitem__"}


def _is_fields(node: ast.AST, aliases: set[str]) -> bool:
    """`X.fields` (X not `self`: a class's own attribute named fields is not a Document's), or a
    name bound to one."""
    if isinstance(node, ast.Attribute) and node.attr == "fields":
        return not (isinstance(node.value, ast.Name) and node.value.id == "self")
    return isinstance(node, ast.Name) and node.id in aliases


def _targets(t: ast.AST):
    if isinstance(t, (ast.Tuple, ast.List)):
        for e in t.elts:
            yield from _targets(e)
    elif isinstance(t, ast.Starred):
        yield from _targets(t.value)
    else:
        yield t


FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def _own(scope: ast.AST) -> list[ast.AST]:
    """The nodes of a module or function outside the functions nested in it (a name bound in one
    function is another name in the next)."""
    out, todo = [], list(ast.iter_child_nodes(scope))
    while todo:
        n = todo.pop()
        out.append(n)
        if not isinstance(n, FUNCTIONS):
            todo.extend(ast.iter_child_nodes(n))
    return out


def field_writes(source: str, name: str = "<source>") -> list[str]:
    """Every place in `source` that writes a Document's `fields`: `x.fields[k] = …`, `x.fields =
    …`, `del x.fields[k]`, `x.fields.update(…)` (and the other dict mutators), also through a
    name bound to `x.fields` in the same function or module."""
    tree = ast.parse(source, name)
    out = []
    scopes = [tree] + [n for n in ast.walk(tree) if isinstance(n, FUNCTIONS)]
    for scope in scopes:
        body = _own(scope)
        aliases = {t.id for n in body if isinstance(n, ast.Assign) and _is_fields(n.value, set())
                   for t in n.targets if isinstance(t, ast.Name)}
        for n in body:
            if isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
                for t in (t for tt in (n.targets if isinstance(n, (ast.Assign, ast.Delete)) else [n.target])
                          for t in _targets(tt)):
                    if isinstance(t, ast.Subscript) and _is_fields(t.value, aliases):
                        out.append(f"{name}:{n.lineno}")
                    elif isinstance(t, ast.Attribute) and _is_fields(t, set()):
                        out.append(f"{name}:{n.lineno}")
            elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in MUTATORS \
                    and _is_fields(n.func.value, aliases):
                out.append(f"{name}:{n.lineno}")
    return sorted(set(out), key=lambda s: (s.rsplit(":", 1)[0], int(s.rsplit(":", 1)[1])))


def test_only_the_cell_writer_writes_fields():
    found = []
    for name, path in sorted(modules().items()):
        if name != OWNER and not name.startswith(NOT_DOCUMENTS):
            found += field_writes(path.read_text(encoding="utf-8"), name)
    assert found == [], "write cells through nianbao.cell_writer, not doc.fields: " + ", ".join(found)


def test_the_check_finds_each_way_of_writing():
    """The check can fail: each way a stage wrote cells before issue 27 is caught, and reads
    and a class's own `self.fields` are not."""
    src = '''
def stage(doc, cells, key, c):
    doc.fields[key] = c
    doc.fields.update(cells)
    doc.fields.setdefault(key, c)
    del doc.fields[key]
    doc.fields, doc.metrics = {}, {}
    f = doc.fields
    f[key] = c
    f.pop(key)
    x = doc.fields.get(key)
    n = len(doc.fields)
    self.fields = {}
'''
    assert [w.split(":")[1] for w in field_writes(src)] == ["3", "4", "5", "6", "7", "9", "10"]


def _doc(fmt="2021") -> Document:
    return Document(source=Source(path="x.txt"), format=fmt)


def test_the_writer_records_what_each_stage_proposed_and_replaced():
    doc = _doc()
    key = "requests.new_received.total"
    text = cell_writer.write(doc, key, Cell(value=12, text="12"), stage="assemble", why="read from the text")
    grid = Cell(value=13, text="13")
    cell_writer.write(doc, key, grid, stage="grid", why="read in the grid")
    cell_writer.decline(doc, key, Cell(value=None), stage="model", why="no token there")
    assert doc.fields[key] is grid and text.value == 12
    h = cell_writer.history(doc, key)
    assert [(p.stage, p.value, p.taken, p.had, p.replaced) for p in h] == [
        ("assemble", 12, True, False, None), ("grid", 13, True, True, 12), ("model", None, False, True, 13)]
    assert h[1].why == "read in the grid"
    # add_missing writes only an absent key, and records the proposal it did not take
    assert cell_writer.add_missing(doc, key, Cell(value=0), stage="variants", why="exists") is grid
    assert doc.fields[key] is grid and cell_writer.history(doc, key)[-1].taken is False
    cell_writer.clear(doc, stage="pipeline", why="failed")
    assert doc.fields == {} and cell_writer.history(doc, key)[-1].replaced == 13


def test_stages_hand_their_readings_to_the_writer():
    """A real report through the pipeline: every cell of the output has a recorded proposal, and
    the cell there is the last one taken (nobody wrote around the writer); the printed variant
    (aggregate row, marked by the grid or model stage) and the 元 conversion leave records too."""
    from reportgen import make_values, report_text
    text = report_text("2021", make_values("2021", seed=5))
    doc = pipeline.extract_text(text)
    assert doc.fields
    for key, cell in doc.fields.items():
        taken = [p for p in cell_writer.history(doc, key) if p.taken]
        assert taken, key
        assert taken[-1].value == cell.value or (taken[-1].value is None and cell.value is None), key
    assert {p.stage for p in doc.proposals} >= {"assemble"}
    # money printed in 元: variants converts through the writer, the earlier reading recorded
    doc = _doc("2019")
    cell_writer.write(doc, "active.procurement.amount", Cell(value=251000, text="251000元", confidence=0.99),
                      stage="assemble", why="read")
    assert variants.money_in_yuan(doc) == 1
    last = cell_writer.history(doc, "active.procurement.amount")[-1]
    assert (last.stage, last.value, last.replaced) == ("variants", 25.1, 251000)
    # the aggregate row marked by the grid: its sub-rows not printed, recorded as the grid's
    doc = _doc("2021")
    variants.decide_aggregate(doc, variants.GRID, True)
    hidden = variants.hidden_keys("2021")
    assert hidden and all(cell_writer.history(doc, k)[-1].stage == "grid" for k in hidden)
