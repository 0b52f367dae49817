"""No import cycle among nianbao's modules at run time (issue 27): the graph is read from every
module's source, imports inside functions included, since those run too (only later)."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# package folders as pyproject.toml maps them (the stage packages live beside nianbao/)
PACKAGES = {"nianbao": "nianbao", "nianbao.ocr": "ocr", "nianbao.model": "model",
            "nianbao.reconcile": "reconcile", "nianbao.training": "training",
            "nianbao.annotations": "annotations", "nianbao.eval": "eval"}


def modules(root: Path = ROOT) -> dict[str, Path]:
    out = {}
    for pkg, folder in PACKAGES.items():
        base = root / folder
        for f in base.rglob("*.py"):
            rel = f.relative_to(base).with_suffix("")
            parts = [p for p in rel.parts if p != "__init__"]
            name = ".".join([pkg, *parts]) if parts else pkg
            if pkg == "nianbao" and parts and parts[0] in {p.split(".")[1] for p in PACKAGES if "." in p}:
                continue  # not a folder of nianbao/ (the stage packages are mapped above)
            out[name] = f
    return out


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The nianbao modules `name` imports anywhere in its source."""
    is_pkg = path.name == "__init__.py"
    here = name.split(".") if is_pkg else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = here[:len(here) - node.level + 1] if node.level else []
            mod = ".".join(base + (node.module.split(".") if node.module else []))
            for a in node.names:
                sub = f"{mod}.{a.name}"
                found.add(sub if sub in known else mod)
    return {m for m in found if m in known and m != name}


def graph(root: Path = ROOT) -> dict[str, set[str]]:
    mods = modules(root)
    return {n: imports(n, p, set(mods)) for n, p in mods.items()}


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    import sys
    sys.setrecursionlimit(max(10000, sys.getrecursionlimit()))
    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def test_the_graph_is_read():
    g = graph()
    # imports inside functions count: the pipeline imports the stages only when it runs them
    assert "nianbao.assemble" in g["nianbao.pipeline"] and "nianbao.reconcile" in g["nianbao.pipeline"]
    assert "nianbao.ocr" in g["nianbao.readers.pdf"]


def test_no_import_cycle():
    assert cycles(graph()) == []
