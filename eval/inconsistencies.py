"""Gold source inconsistencies → the cell keys they concern, so reconciler flags can be matched.

Gold files record inconsistencies printed in the source as free text, e.g.
  "requests column total: result rows sum to 12 but result.total.total is 13"
  "requests row result.not_processed.duplicate: natural_person 1 but total 0 (row sum 1 != 0)"
`parse` reads the subject ("<table> row <row>" → that row's cells; "<table> column <col>" →
the column's result cells and its total; "balance" → the four balance rows of the column) and
any dotted key named in the text. A machine-readable list ("violations", else "injected_errors")
is preferred when a gold file has one: entries are {"key" | "keys", "identity"?, "true"?} dicts
or key strings.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from nianbao import schema

SUBJECT = re.compile(r"^\s*(active|requests|appeals)\s+(?:(balance)\s+)?(row|column|col)\s+([a-z_][a-z0-9_.]*)")
DOTTED = re.compile(r"\b[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)+\b")
TRUE_VALUE_KEYS = ("true", "true_value", "original", "correct", "gold")
BALANCE_ROWS = ("new_received", "carried_over", "result.total", "carried_forward")


@dataclass
class GoldInconsistency:
    text: str
    keys: frozenset[str]
    identity: str | None = None
    true_values: dict[str, float] = field(default_factory=dict)  # key → correct value, when known

    @property
    def parsed(self) -> bool:
        return bool(self.keys)


def _all_keys(fmt: str | None) -> set[str]:
    fmts = [fmt] if fmt in schema.FORMATS else list(schema.FORMATS)
    return {k for f in fmts for k in schema.field_keys(f)}


def _row_keys(table: str, row: str, fmt: str | None) -> set[str]:
    fmts = [fmt] if fmt in schema.FORMATS else list(schema.FORMATS)
    return {r.key(c) for f in fmts for r in schema.rows(table, f) if r.id == row for c in r.cols}


def _column_keys(table: str, col: str, fmt: str | None, balance: bool) -> set[str]:
    fmts = [fmt] if fmt in schema.FORMATS else list(schema.FORMATS)
    out = set()
    for f in fmts:
        for r in schema.rows(table, f):
            if col not in r.cols:
                continue
            if table == "requests":
                wanted = r.id in BALANCE_ROWS if balance else r.id.startswith(schema.REQUEST_RESULT_PREFIX)
                if not wanted:
                    continue
            out.add(r.key(col))
    return out


def _named_keys(text: str, table: str | None, known: set[str]) -> set[str]:
    out = set()
    for m in DOTTED.findall(text):
        for cand in (m, f"{table}.{m}" if table else None):
            if cand and cand in known:
                out.add(cand)
    return out


def parse(text: str, fmt: str | None = None) -> GoldInconsistency:
    """The key set a free-text inconsistency concerns (empty when the text is not understood)."""
    known = _all_keys(fmt)
    keys: set[str] = set()
    identity = None
    table = None
    m = SUBJECT.match(text)
    if m:
        table, balance, what, name = m.group(1), bool(m.group(2)), m.group(3), m.group(4)
        if what == "row":
            keys |= _row_keys(table, name, fmt)
            identity = f"{table}.row_sum"
        else:
            keys |= _column_keys(table, name, fmt, balance)
            identity = f"{table}.balance" if balance else f"{table}.column_sum"
    else:
        t = re.match(r"^\s*(active|requests|appeals)\b", text)
        table = t.group(1) if t else None
    keys |= _named_keys(text, table, known)
    return GoldInconsistency(text=text, keys=frozenset(keys), identity=identity)


def from_record(rec, fmt: str | None = None) -> GoldInconsistency:
    """One entry of a machine-readable list (dict or key string)."""
    if isinstance(rec, str):
        return parse(rec, fmt) if " " in rec.strip() else GoldInconsistency(rec, frozenset([rec]))
    if not isinstance(rec, dict):
        return GoldInconsistency(repr(rec), frozenset())
    keys = rec.get("keys") or ([rec["key"]] if rec.get("key") else [])
    keys = [k for k in keys if isinstance(k, str)]
    true_values = {}
    for name in TRUE_VALUE_KEYS:
        v = rec.get(name)
        if isinstance(v, dict):
            true_values = {k: x for k, x in v.items() if isinstance(x, (int, float)) and not isinstance(x, bool)}
            break
        if isinstance(v, (int, float)) and not isinstance(v, bool) and len(keys) == 1:
            true_values = {keys[0]: v}
            break
    text = rec.get("text") or rec.get("message") or ", ".join(keys)
    gi = GoldInconsistency(text=str(text), keys=frozenset(keys), identity=rec.get("identity"),
                           true_values=true_values)
    if not gi.keys and rec.get("text"):
        parsed = parse(str(rec["text"]), fmt)
        gi.keys, gi.identity = parsed.keys, gi.identity or parsed.identity
    return gi


def gold_inconsistencies(gold: dict) -> list[GoldInconsistency]:
    """The gold's broken identities, from the most precise record it has: `violations` (one per
    broken identity, with its keys: what a reconciler should flag), then `injected_errors`
    (the cells an error was put in), then the free-text `source_inconsistencies`."""
    fmt = gold.get("format")
    for name in ("violations", "injected_errors"):
        machine = gold.get(name)
        if isinstance(machine, list) and (machine or name == "violations"):
            return [from_record(r, fmt) for r in machine]
    return [parse(t, fmt) if isinstance(t, str) else from_record(t, fmt)
            for t in gold.get("source_inconsistencies") or []]
